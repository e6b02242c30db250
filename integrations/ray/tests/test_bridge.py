"""The bridge around a real asyncio loop: one short pass on the loop, a stalled loop reported, never waited on."""

import asyncio
import json
import os
import threading
import time
import unittest
from pathlib import Path

from routertop_ray.bridge import Bridge
from routertop_ray.clock import BridgeClock
from routertop_ray.contract import RayFigures, RouterIdentity
from routertop_ray.controller import Origin
from routertop_ray.errors import ApiError
from routertop_ray.event_log import EventLog
from routertop_ray.loop_call import LoopCaller, LoopStalled
from routertop_ray.metrics import REPLICA_STATES
from routertop_ray.observer import Observer, ReplicaInfo
from routertop_ray.settings import default_settings
from tests.support import TemporaryDirectoryTest


def ray_figures() -> RayFigures:
    return RayFigures("2.60.0", "update_backoff_params", 3, 4, 4, 2, 5, {"initial_backoff_s": 0.025},
                      {"r1": (1, 0.02)}, "node-1", "", True, False)


class BridgeTests(TemporaryDirectoryTest):
    def setUp(self) -> None:
        super().setUp()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.caller = LoopCaller()
        self.loop.call_soon_threadsafe(lambda: setattr(self.caller, "loop", self.loop))
        deadline = time.monotonic() + 5
        while self.caller.loop is None and time.monotonic() < deadline:
            time.sleep(0.01)
        clock = BridgeClock()
        events = EventLog(clock)
        self.observer = Observer(events)
        self.applied_on = []
        identity = RouterIdentity("app", "Slow", "proxy", "node-1", "actor", os.getpid(), "ray-app-Slow-1")
        self.bridge = Bridge(identity, default_settings(), clock, events, self.observer, self.caller, ray_figures,
                             lambda values: self.applied_on.append(threading.current_thread()), {},
                             control_dir=os.path.join(self.directory, "routertop"),
                             journal_file=os.path.join(self.directory, "j.jsonl"))

    def tearDown(self) -> None:
        self.bridge.stop()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()
        super().tearDown()

    def test_the_snapshot_is_taken_on_the_loop(self) -> None:
        self.loop.call_soon_threadsafe(self.observer.replicas_updated, [ReplicaInfo("r1", "n1", "", 1)], 0.0)
        snapshot = self.bridge.snapshot()
        self.assertFalse(snapshot["observer"]["loop_stalled"])
        self.assertEqual((snapshot["routing_tasks"], snapshot["tasks_in_backoff"]), (3, 2))
        self.assertEqual(snapshot["replicas"][0]["queue_length"], 1)
        self.assertEqual(snapshot["replicas"][0]["cache_age_ms"], 20.0)

    def test_settings_are_applied_on_the_loops_thread(self) -> None:
        done, _ = self.bridge.controller.set(dict(default_settings(), initial_backoff_s=0.05),
                                             Origin("a", 1, "api"))
        self.assertTrue(done)
        self.assertEqual(self.applied_on, [self.thread])

    def test_a_stalled_loop_is_reported_within_the_deadline_and_not_waited_on(self) -> None:
        self.loop.call_soon_threadsafe(self.observer.replicas_updated, [ReplicaInfo("r1", "n1", "", 1)], 0.0)
        self.assertEqual(len(self.bridge.snapshot()["replicas"]), 1)
        release = threading.Event()
        self.loop.call_soon_threadsafe(release.wait, 5)
        started = time.monotonic()
        snapshot = self.bridge.snapshot()
        took = time.monotonic() - started
        release.set()
        self.assertEqual((snapshot["observer"]["loop_stalled"], snapshot["observer"]["notes"]),
                         (True, ["router loop stalled: no answer within 0.5 s"]))
        self.assertLess(took, 1.0)
        # The last figures stand, marked stalled.
        self.assertEqual([r["id"] for r in snapshot["replicas"]], ["r1"])

    def test_an_applied_change_is_in_the_recording_and_a_stalled_loop_gives_none(self) -> None:
        done, _ = self.bridge.controller.set(dict(default_settings(), initial_backoff_s=0.05),
                                             Origin("a", 1, "api"))
        self.assertTrue(done)
        recording = self.bridge.recording()
        self.assertEqual([(c["kind"], c["settings"]["initial_backoff_s"]) for c in recording["changes"]],
                         [("settings_changed", 0.05)])
        self.assertEqual(recording["settings"], default_settings())
        release = threading.Event()
        self.loop.call_soon_threadsafe(release.wait, 5)
        with self.assertRaises(ApiError) as refused:
            self.bridge.recording()
        release.set()
        self.assertEqual((refused.exception.status, refused.exception.message),
                         (503, "no recording: router loop stalled: no answer within 0.5 s"))

    def test_the_caller_raises_when_the_loop_is_late(self) -> None:
        release = threading.Event()
        self.loop.call_soon_threadsafe(release.wait, 5)
        with self.assertRaises(LoopStalled):
            self.caller.call(lambda: 1, deadline_s=0.05)
        release.set()

    def test_metrics_use_routertops_names(self) -> None:
        text = self.bridge.metrics_text()
        for line in ("serve_num_scheduling_tasks 3", "serve_num_scheduling_tasks_in_backoff 2",
                     'routertop_setting{name="initial_backoff_s"} 0.025',
                     'serve_request_router_fulfillment_time_ms_bucket{le="+Inf"} 0'):
            self.assertIn(line + "\n", text)

    def test_replica_states_are_the_schemas(self) -> None:
        schema = json.loads((Path(__file__).resolve().parents[3] / "api" / "control-v1.schema.json").read_text())
        self.assertEqual(REPLICA_STATES, tuple(schema["$defs"]["replica"]["properties"]["state"]["enum"]))


if __name__ == "__main__":
    unittest.main()
