"""The control API over a fake router: every endpoint, the refusals, and who may write."""

import json
import os
import time
import unittest
from typing import Any, Dict, List

from routertop_ray.api import ControlApi, Peer, Response, Stream
from routertop_ray.controller import Origin, SettingsController
from routertop_ray.event_log import EventLog
from routertop_ray.journal import JournalFile
from routertop_ray.observer import Observer, ReplicaInfo
from routertop_ray.settings import default_settings
from tests.support import FakeView, ManualTime, TemporaryDirectoryTest

OWNER = os.getuid()


class ApiTests(TemporaryDirectoryTest):
    def setUp(self) -> None:
        super().setUp()
        self.time = ManualTime()
        self.clock = self.time.clock()
        self.events = EventLog(self.clock)
        self.observer = Observer(self.events)
        self.journal = JournalFile(os.path.join(self.directory, "j.jsonl"))
        self.applied: List[Dict[str, float]] = []
        self.controller = SettingsController(default_settings(), self.clock, self.events, self.journal,
                                             lambda values: self.applied.append(values))
        view = FakeView(self.observer, self.clock, self.controller, self.events)
        self.api = ControlApi(view, self.controller, self.events, self.journal, self.clock, owner_uid=OWNER)

    def call(self, method: str, target: str, body: Any = b"", uid: int = OWNER, headers=None) -> Response:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        answer = self.api.handle(method, target, headers or {}, raw, Peer(uid))
        assert isinstance(answer, Response)
        return answer

    def json(self, response: Response) -> Any:
        return json.loads(response.body)

    def test_put_applies_on_the_router_and_journals_who(self) -> None:
        answer = self.call("PUT", "/v1/settings", {"initial_backoff_s": 0.15, "backoff_multiplier": 1,
                                                  "max_backoff_s": 0.15})
        self.assertEqual((answer.status, self.json(answer)), (200, {"result": "done", "message": "settings applied"}))
        self.assertEqual(self.applied[-1]["max_backoff_s"], 0.15)
        self.assertEqual(self.json(self.call("GET", "/v1/settings"))["initial_backoff_s"], 0.15)
        entry = self.json(self.call("GET", "/v1/journal"))["entries"][-1]
        self.assertEqual((entry["what"], entry["verb"], entry["result"], entry["who"]["uid"], entry["who"]["via"]),
                         ("settings", "set", "applied", OWNER, "api"))
        self.assertEqual(entry["new"]["backoff_multiplier"], 1.0)

    def test_a_bad_value_is_400_changes_nothing_and_is_journaled_refused(self) -> None:
        answer = self.call("PUT", "/v1/settings", {"max_backoff_s": 0.001})
        self.assertEqual(answer.status, 400)
        self.assertEqual(self.json(answer), {"error": "max_backoff_s=0.001 is below the initial backoff 0.025; "
                                                      "it must be at least the initial backoff"})
        self.assertEqual(self.applied, [])
        self.assertEqual(self.controller.live, default_settings())
        self.assertEqual(self.json(self.call("GET", "/v1/journal"))["entries"][-1]["result"], "refused")

    def test_undo_goes_back_and_then_has_nothing_to_undo(self) -> None:
        self.call("PUT", "/v1/settings", {"initial_backoff_s": 0.05})
        self.assertEqual(self.call("POST", "/v1/settings/undo").status, 200)
        self.assertEqual(self.controller.live, default_settings())
        refused = self.call("POST", "/v1/settings/undo")
        self.assertEqual((refused.status, self.json(refused)["message"]), (409, "no parameter change to undo"))

    def test_a_trial_blocks_other_changes_until_confirmed(self) -> None:
        answer = self.call("PUT", "/v1/settings?confirm_within_s=30", {"initial_backoff_s": 0.05})
        self.assertEqual(self.json(answer)["message"], "settings on trial: they revert in 30 s unless confirmed")
        self.assertEqual(self.json(self.call("GET", "/v1/snapshot"))["trial"]["by"], Peer(OWNER).login)
        blocked = self.call("PUT", "/v1/settings", {"initial_backoff_s": 0.06})
        self.assertEqual(blocked.status, 400)
        self.assertIn("a settings trial by", self.json(blocked)["message"])
        self.assertEqual(self.call("POST", "/v1/settings/confirm").status, 200)
        self.assertEqual(self.call("PUT", "/v1/settings", {"initial_backoff_s": 0.06}).status, 200)
        verbs = [e["verb"] for e in self.json(self.call("GET", "/v1/journal"))["entries"]]
        self.assertEqual(verbs, ["trial", "set", "confirm", "set"])

    def test_an_unconfirmed_trial_reverts_by_itself(self) -> None:
        self.call("PUT", "/v1/settings?confirm_within_s=1", {"initial_backoff_s": 0.05})
        deadline = time.monotonic() + 5
        while self.controller.live["initial_backoff_s"] != 0.025 and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertEqual(self.controller.live["initial_backoff_s"], 0.025)
        last = self.json(self.call("GET", "/v1/journal"))["entries"][-1]
        self.assertEqual((last["verb"], last["who"]["via"], last["note"]), ("revert", "router", "trial not confirmed within 1 s"))

    def test_a_trial_tied_to_a_session_reverts_when_the_session_ends(self) -> None:
        self.call("PUT", "/v1/settings?confirm_within_s=60", {"initial_backoff_s": 0.05},
                  headers={"x-routertop-session": "s1"})
        self.controller.session_ended("other")
        self.assertEqual(self.controller.live["initial_backoff_s"], 0.05)
        self.controller.session_ended("s1")
        self.assertEqual(self.controller.live["initial_backoff_s"], 0.025)

    def test_revert_puts_back_the_settings_after_an_entry(self) -> None:
        self.call("PUT", "/v1/settings", {"initial_backoff_s": 0.05})
        self.call("PUT", "/v1/settings", {"initial_backoff_s": 0.07})
        self.assertEqual(self.call("POST", "/v1/journal/1/revert").status, 200)
        self.assertEqual(self.controller.live["initial_backoff_s"], 0.05)
        self.assertEqual(self.json(self.call("POST", "/v1/journal/99/revert")),
                         {"error": "the journal has no entry #99"})

    def test_writes_need_the_routers_own_uid(self) -> None:
        answer = self.call("PUT", "/v1/settings", {"initial_backoff_s": 0.05}, uid=OWNER + 1)
        self.assertEqual(answer.status, 403)
        self.assertIn("changes need the router's own user", self.json(answer)["error"])
        self.assertEqual(self.call("GET", "/v1/settings", uid=OWNER + 1).status, 200)
        self.assertEqual(self.controller.live, default_settings())

    def test_what_makes_no_sense_for_ray_is_refused_with_the_reason(self) -> None:
        for method, target in (("POST", "/v1/replicas"), ("POST", "/v1/replicas/r1/fault"), ("POST", "/v1/load"),
                               ("DELETE", "/v1/replicas/r1"), ("POST", "/v1/stop")):
            answer = self.call(method, target, {})
            self.assertEqual(answer.status, 409, target)
            self.assertEqual(self.json(answer)["result"], "refused")
        self.assertIn("Ray Serve owns this deployment's replicas", self.json(self.call("POST", "/v1/replicas"))["message"])

    def test_unknown_paths_methods_and_queries_are_named(self) -> None:
        self.assertEqual(self.call("GET", "/v2/x").status, 404)
        self.assertEqual(self.json(self.call("POST", "/v1/snapshot")), {"error": "POST is not allowed on /v1/snapshot; use GET"})
        self.assertEqual(self.json(self.call("GET", "/v1/traces?last=0")),
                         {"error": "last=0 is not a whole number from 1 to 1000"})
        self.assertEqual(self.json(self.call("GET", "/v1/snapshot", b"{}")), {"error": "GET /v1/snapshot takes no body"})

    def test_snapshot_stream_events_and_traces(self) -> None:
        self.observer.replicas_updated([ReplicaInfo("r1", "n1", "", 1)], 0.0)
        self.observer.request_admitted(1, object(), "abc", "i-1", 0.0, 0.0)
        self.observer.request_cancelled(1, 0.1)
        snapshot = self.json(self.call("GET", "/v1/snapshot"))
        self.assertEqual((snapshot["schema_version"], snapshot["router"]["kind"]), (1, "ray"))
        self.assertEqual([r["id"] for r in snapshot["replicas"]], ["r1"])
        events = self.json(self.call("GET", "/v1/events?after=0"))
        self.assertEqual((events["missed"], events["events"][0]["message"]), (0, "r1 added by Ray"))
        self.assertEqual(self.json(self.call("GET", "/v1/traces?last=5"))["traces"][0]["external_id"], "abc")
        self.assertEqual(self.json(self.call("GET", "/v1/trace/abc"))["outcome"], "cancelled")
        self.assertEqual(self.json(self.call("GET", "/v1/trace/req-1"))["external_id"], "abc")
        self.assertEqual(self.call("GET", "/v1/trace/nope").status, 404)
        stream = self.api.handle("GET", "/v1/snapshots?interval_ms=100", {"x-routertop-session": "s"}, b"", Peer(OWNER))
        self.assertEqual(stream, Stream(100, "s"))

    def test_the_recording_answers_and_what_if_says_how_to_get_a_prediction(self) -> None:
        self.observer.replicas_updated([ReplicaInfo("r1", "n1", "", 1)], 0.0)
        self.observer.request_admitted(1, object(), "abc", "i-1", 0.5, 0.5)
        self.observer.request_routed(1, "r1", 0.6, None, False)
        self.observer.send_finished("i-1", "r1", 0.9)
        self.time.seconds = 1.0
        answer = self.call("GET", "/v1/recording")
        recording = self.json(answer)
        self.assertEqual((answer.status, recording["arrivals"]["at_ms"]), (200, [500.0]))
        self.assertEqual(recording["replicas"][0]["sends"]["outcome"], ["completed"])
        self.assertEqual(recording["settings"], default_settings())
        for target, body in (("/v1/whatif", {"initial_backoff_s": 0.1}), ("/v1/suggest", {})):
            refused = self.call("POST", target, body, uid=OWNER + 1)
            self.assertEqual(refused.status, 409, target)
            self.assertIn("routertop simulate --replay FILE", self.json(refused)["error"])
        self.assertEqual(self.json(self.call("POST", "/v1/whatif", {"max_backoff_s": -1}))["error"],
                         "max_backoff_s=-1 is negative; it must be a finite number ≥ the initial backoff")
        self.assertEqual(self.call("GET", "/v1/whatif").status, 405)
        self.assertEqual(self.json(self.call("GET", "/v1/recording", b"{}")),
                         {"error": "GET /v1/recording takes no body"})

    def test_events_after_a_number_count_the_ones_dropped(self) -> None:
        for index in range(205):
            self.events.record("info", f"e{index}")
        events = self.json(self.call("GET", "/v1/events?after=2"))
        self.assertEqual((events["missed"], events["events"][0]["sequence"]), (3, 6))


class RayPushTests(TemporaryDirectoryTest):
    def setUp(self) -> None:
        super().setUp()
        clock = ManualTime().clock()
        self.events = EventLog(clock)
        self.journal = JournalFile(os.path.join(self.directory, "j.jsonl"))
        self.controller = SettingsController(default_settings(), clock, self.events, self.journal, lambda _: None)

    def test_the_newest_intent_wins(self) -> None:
        operator = Origin("alice", 1000, "api")
        self.controller.set(dict(default_settings(), initial_backoff_s=0.05), operator)
        # Ray re-sends its unchanged config (an unrelated update): the operator's change stays.
        self.assertFalse(self.controller.ray_pushed({"initial_backoff_s": 0.025, "backoff_multiplier": 2.0,
                                                     "max_backoff_s": 0.5}))
        self.assertEqual(self.controller.live["initial_backoff_s"], 0.05)
        # A redeploy with new values is newer than the operator's change: Ray's values win, journaled as Ray's.
        self.assertTrue(self.controller.ray_pushed({"initial_backoff_s": 0.1, "backoff_multiplier": 2.0,
                                                    "max_backoff_s": 0.5}))
        self.assertEqual(self.controller.live["initial_backoff_s"], 0.1)
        last = self.journal.read()[0][-1]
        self.assertEqual((last["who"]["login"], last["new"]["initial_backoff_s"]), ("ray", 0.1))
        self.assertEqual((last["verb"], last["who"]["via"]), ("ray_update", "ray"))
        self.assertEqual(self.events.all()[-1].message,
                         "ray_update: initial backoff (s) 0.05 → 0.1 by ray (Ray pushed new deployment settings)")

    def test_a_journal_that_cannot_open_refuses_changes(self) -> None:
        controller = SettingsController(default_settings(), ManualTime().clock(), self.events, None, lambda _: None,
                                        journal_problem="the disk is full")
        done, message = controller.set(dict(default_settings(), initial_backoff_s=0.05), Origin("a", 1, "api"))
        self.assertFalse(done)
        self.assertEqual(message, "the journal cannot be written (the disk is full); nothing changed")


if __name__ == "__main__":
    unittest.main()
