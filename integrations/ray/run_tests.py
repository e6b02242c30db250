"""Runs a unittest suite and closes with one plain line, `NAME: N passed, N failed[, N skipped]`."""

import sys
import unittest


def run(suite: unittest.TestSuite, name: str) -> int:
    """Runs `suite` verbosely; returns the exit status (0 when nothing failed)."""
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    passed = max(0, result.testsRun - failed - skipped)
    print(f"{name}: {passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 0 if failed == 0 and result.testsRun > 0 else 1


if __name__ == "__main__":
    here = __file__.rsplit("/", 1)[0] or "."
    sys.path.insert(0, here)
    sys.exit(run(unittest.defaultTestLoader.discover(f"{here}/tests", top_level_dir=here), "ray bridge unit tests"))
