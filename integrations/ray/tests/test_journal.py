"""The journal: routertop's line format, numbering across restarts, rotation, torn lines, location rules."""

import os
import unittest

from routertop_ray import contract
from routertop_ray.journal import JournalFile, journal_path, read_files, settings_after
from tests.support import TemporaryDirectoryTest


def entry(verb: str = "set", applied: bool = True, new=None) -> dict:
    change = contract.change("settings", verb, {"initial_backoff_s": 0.025}, new or {"initial_backoff_s": 0.01})
    return contract.journal_entry(contract.who("alice", 1000, "api"), change, applied,
                                  None if applied else "refused for a reason")


class JournalTests(TemporaryDirectoryTest):
    def path(self) -> str:
        return os.path.join(self.directory, "state", "routertop", "ray-app-d-1.journal.jsonl")

    def test_lines_are_routertops_format(self) -> None:
        journal = JournalFile(self.path(), wall=lambda: 1_796_120_043.123)
        journal.append(entry())
        with open(self.path()) as handle:
            line = handle.read()
        self.assertEqual(line, '{"new":{"initial_backoff_s":0.01},"old":{"initial_backoff_s":0.025},"result":"applied",'
                               '"sequence":1,"time_utc":"2026-12-01T10:14:03.123Z","verb":"set","what":"settings",'
                               '"who":{"login":"alice","uid":1000,"via":"api"}}\n')
        self.assertEqual(oct(os.stat(os.path.dirname(self.path())).st_mode & 0o777), "0o700")
        self.assertEqual(oct(os.stat(self.path()).st_mode & 0o777), "0o600")

    def test_numbering_goes_on_across_restarts(self) -> None:
        first = JournalFile(self.path())
        first.append(entry())
        first.append(entry(applied=False))
        first.close()
        second = JournalFile(self.path())
        self.assertEqual(second.append(entry())["sequence"], 3)
        entries, problems = second.read(after=1)
        self.assertEqual([e["sequence"] for e in entries], [2, 3])
        self.assertEqual(entries[0]["reason"], "refused for a reason")
        self.assertEqual(problems, [])

    def test_a_torn_last_line_is_reported_and_closed(self) -> None:
        JournalFile(self.path()).append(entry())
        with open(self.path(), "a") as handle:
            handle.write('{"sequence":2,"ti')
        reopened = JournalFile(self.path())
        self.assertEqual(reopened.opening_problems,
                         [f"{self.path()}:2: the last line is torn (17 bytes without an end); it is skipped, "
                          "nothing else is lost"])
        self.assertEqual(reopened.append(entry())["sequence"], 2)
        self.assertEqual([e["sequence"] for e in reopened.read()[0]], [1, 2])

    def test_it_rotates_and_keeps_five_files(self) -> None:
        journal = JournalFile(self.path(), max_bytes=400)
        for _ in range(20):
            journal.append(entry())
        files = sorted(os.listdir(os.path.dirname(self.path())))
        self.assertEqual(len(files), 5)
        entries, _ = journal.read()
        self.assertEqual(entries[-1]["sequence"], 20)
        self.assertEqual([e["sequence"] for e in entries], list(range(entries[0]["sequence"], 21)))

    def test_revert_finds_the_settings_just_after_an_entry(self) -> None:
        entries = [dict(entry(new={"initial_backoff_s": 0.01}), sequence=1), dict(entry(applied=False), sequence=2),
                   dict(entry(new={"initial_backoff_s": 0.2}), sequence=3)]
        self.assertEqual(settings_after(2, entries), {"initial_backoff_s": 0.01})
        self.assertEqual(settings_after(3, entries), {"initial_backoff_s": 0.2})
        self.assertIsNone(settings_after(9, entries))

    def test_location_follows_xdg_state_home_then_home(self) -> None:
        self.assertEqual(journal_path("ray-a-d-1", {"XDG_STATE_HOME": "/s", "HOME": "/h"}),
                         "/s/routertop/ray-a-d-1.journal.jsonl")
        self.assertEqual(journal_path("ray-a-d-1", {"HOME": "/h"}), "/h/.local/state/routertop/ray-a-d-1.journal.jsonl")

    def test_a_line_that_is_not_an_entry_is_named_and_skipped(self) -> None:
        with open(os.path.join(self.directory, "j"), "w") as handle:
            handle.write('{"seq":1,"time":"2026-12-01T10:14:03.123Z"}\nnot json\n')
        entries, problems = read_files([os.path.join(self.directory, "j")])
        # A line of a journal from before the version-1 contract still reads, under today's names.
        self.assertEqual(entries, [{"sequence": 1, "time_utc": "2026-12-01T10:14:03.123Z"}])
        self.assertEqual(problems, [f"{self.directory}/j:2: not a journal entry (a write cut short?); skipped"])


if __name__ == "__main__":
    unittest.main()
