"""Rollouts through the bridge: the headers routertop's `rollout` sends mark every journal entry of the change."""

import json
import os
import unittest
from typing import Any, Dict, List, Mapping

from routertop_ray.api import ControlApi, Peer, Response
from routertop_ray.controller import SettingsController
from routertop_ray.event_log import EventLog
from routertop_ray.journal import JournalFile
from routertop_ray.observer import Observer
from routertop_ray.settings import default_settings
from tests.support import FakeView, ManualTime, TemporaryDirectoryTest

OWNER = os.getuid()
ROLLOUT = {"x-routertop-rollout": "r-20261202-151203-4f1c", "x-routertop-rollout-targets": "edge-a, ray-app-Slow-1"}


class RolloutHeaderTests(TemporaryDirectoryTest):
    def setUp(self) -> None:
        super().setUp()
        self.time = ManualTime()
        clock = self.time.clock()
        events = EventLog(clock)
        self.journal = JournalFile(os.path.join(self.directory, "j.jsonl"))
        self.controller = SettingsController(default_settings(), clock, events, self.journal, lambda _: None)
        view = FakeView(Observer(events), clock, self.controller, events)
        self.api = ControlApi(view, self.controller, events, self.journal, clock, owner_uid=OWNER)

    def call(self, method: str, target: str, body: Any, headers: Mapping[str, str]) -> Response:
        answer = self.api.handle(method, target, headers, json.dumps(body).encode() if body is not None else b"",
                                 Peer(OWNER))
        assert isinstance(answer, Response)
        return answer

    def entries(self) -> List[Dict[str, Any]]:
        return self.journal.read(0)[0]

    def test_a_rollouts_trial_and_confirm_journal_its_id_and_targets(self) -> None:
        answer = self.call("PUT", "/v1/settings?confirm_within_s=30", {"initial_backoff_s": 0.05}, ROLLOUT)
        self.assertEqual(answer.status, 200, answer.body)
        self.assertEqual(self.call("POST", "/v1/settings/confirm", None, ROLLOUT).status, 200)
        mark = {"rollout_id": "r-20261202-151203-4f1c", "targets": ["edge-a", "ray-app-Slow-1"]}
        self.assertEqual([(entry["verb"], entry["rollout"]) for entry in self.entries()],
                         [("trial", mark), ("confirm", mark)])

    def test_a_trial_that_runs_out_reverts_as_part_of_its_rollout(self) -> None:
        self.assertEqual(self.call("PUT", "/v1/settings?confirm_within_s=30", {"initial_backoff_s": 0.05},
                                   ROLLOUT).status, 200)
        self.controller.session_ended("none")  # another session's end leaves the trial alone
        trial = self.controller._trial
        assert trial is not None
        self.controller._trial_ran_out(trial)
        last = self.entries()[-1]
        self.assertEqual((last["verb"], last["who"]["via"], last["rollout"]["rollout_id"]),
                         ("revert", "router", "r-20261202-151203-4f1c"))
        self.assertEqual(self.controller.live, default_settings())

    def test_a_change_outside_a_rollout_carries_no_mark(self) -> None:
        self.assertEqual(self.call("PUT", "/v1/settings", {"initial_backoff_s": 0.05}, {}).status, 200)
        self.assertNotIn("rollout", self.entries()[-1])

    def test_bad_rollout_headers_are_refused_and_change_nothing(self) -> None:
        cases = [
            ({"x-routertop-rollout-targets": "a"}, "x-routertop-rollout-targets needs x-routertop-rollout beside it"),
            ({"x-routertop-rollout": "r 1"}, "x-routertop-rollout: r 1 is not a rollout id; it must be 1 to 64 "
                                             "letters, digits, '-', '_' or '.'"),
            ({"x-routertop-rollout": "r" * 65}, f"x-routertop-rollout: {'r' * 65} is not a rollout id; it must be 1 "
                                                "to 64 letters, digits, '-', '_' or '.'"),
            ({"x-routertop-rollout": "r1", "x-routertop-rollout-targets": ",".join(["a"] * 257)},
             "x-routertop-rollout-targets names 257 routers; at most 256"),
            ({"x-routertop-rollout": "r1", "x-routertop-rollout-targets": "a, ,b"},
             "x-routertop-rollout-targets: \"\" is not a router name (1 to 256 characters)"),
        ]
        for headers, message in cases:
            with self.subTest(headers=headers):
                answer = self.call("PUT", "/v1/settings", {"initial_backoff_s": 0.05}, headers)
                self.assertEqual((answer.status, json.loads(answer.body)), (400, {"error": message}))
        self.assertEqual((self.entries(), self.controller.live), ([], default_settings()))


if __name__ == "__main__":
    unittest.main()
