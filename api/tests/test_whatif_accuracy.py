"""End-to-end accuracy of the what-if replay on real binaries.

Three replicas with jitter behind a headless router, open-loop Poisson load near capacity with one
replica unavailable for 3 s in the middle (scripts/whatif-accuracy.py, shortened): the recording of
the run, replayed as recorded, must predict what the router observed within the tolerance the
README's accuracy table supports on a shared machine, in two of three runs. Run:
`python -m unittest discover -s api/tests`.
"""

from __future__ import annotations

import importlib.util
import os
import unittest
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("ROUTERTOP_BIN", ROOT / ".build" / "debug" / "routertop"))
_spec = importlib.util.spec_from_file_location("whatif_accuracy", ROOT / "scripts" / "whatif-accuracy.py")
accuracy = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(accuracy)  # type: ignore[union-attr]

# Measured (README, "Accuracy"): runs of this test's 10 s on a debug build predicted the recorded
# run's p99 at 0.29x to 2.01x of what the router observed, failed attempts and backoff sleeps within
# 35 %. A router at this load falls into lock-step now and then, live and replayed alike, and a
# run's p99 depends on whether it did: a replay in the other way than its live run is off by up to
# 2.6x by chance alone (live p99 of about 1 s and 2.6 s for the same arrivals). So each figure must
# be within its tolerance in two of three independent runs: one run in the other way passes, a
# replay that is wrong every time does not.
P99_RATIO = 2.5
P99_SLACK_MS = 100
COUNT_TOLERANCE = 0.4
COUNT_SLACK = 20
RUNS = 3
NEEDED = 2


def p99_within(row: dict[str, Any]) -> bool:
    predicted, observed = row["predicted"]["p99"], row["observed"]["p99"]
    return 1 / P99_RATIO <= predicted / observed <= P99_RATIO or abs(predicted - observed) <= P99_SLACK_MS


def count_within(row: dict[str, Any], count: str) -> bool:
    predicted, observed = row["predicted"][count], row["observed"][count]
    return abs(predicted - observed) <= COUNT_TOLERANCE * observed + COUNT_SLACK


class WhatIfAccuracyTests(unittest.TestCase):
    def setUp(self) -> None:
        if not BINARY.exists():
            self.skipTest(f"build routertop first ({BINARY} is missing)")

    def test_the_recorded_run_replayed_predicts_what_the_router_observed(self) -> None:
        rows = [accuracy.measure(BINARY, seconds=10, rate=200, settings=accuracy.SETTINGS[:1])[0] for _ in range(RUNS)]
        for row in rows:
            self.assertGreater(row["requests"], 1500)
            self.assertGreater(row["observed"]["failed_attempts"], 0, "the unavailable replica makes attempts fail")
            self.assertGreater(row["observed"]["p99"], 0, row)
        self.assertGreaterEqual(sum(p99_within(row) for row in rows), NEEDED, rows)
        for count in ("failed_attempts", "sleeps"):
            self.assertGreaterEqual(sum(count_within(row, count) for row in rows), NEEDED, (count, rows))


if __name__ == "__main__":
    unittest.main()
