"""The recording: its bounds (window, full lists, memory), what the hooks put in it, and its shape."""

import json
import unittest
from pathlib import Path
from typing import Any, Dict

import jsonschema

from routertop_ray.columns import BoundedColumns
from routertop_ray.event_log import EventLog
from routertop_ray.observer import CandidateInfo, Observer, ReplicaInfo
from routertop_ray.recording import Limits, RecordingOptions, TrafficRecorder
from routertop_ray.recording_json import recording_json
from routertop_ray.settings import default_settings
from tests.support import ManualTime

SCHEMA = json.loads((Path(__file__).resolve().parents[3] / "api" / "control-v1.schema.json").read_text())
TASK = 1


def validate(value: Any, definition: str) -> None:
    jsonschema.Draft202012Validator({**SCHEMA, "$ref": f"#/$defs/{definition}"}).validate(value)


class BoundedColumnsTests(unittest.TestCase):
    def test_old_entries_leave_by_age_and_a_full_log_drops_its_oldest_counted(self) -> None:
        log = BoundedColumns(3, "di")
        for second in range(5):
            log.append((float(second), second), horizon=-1.0)
        self.assertEqual(([row[1] for row in log.rows()], log.dropped), ([2, 3, 4], 2))
        log.append((10.0, 10), horizon=3.5)
        self.assertEqual(([row[1] for row in log.rows()], log.dropped), ([4, 10], 2))

    def test_the_columns_never_hold_more_than_the_capacity(self) -> None:
        log = BoundedColumns(4, "ddib")
        self.assertEqual((log.bound_bytes, log.slots), (4 * (8 + 8 + 4 + 1), 0))
        for index in range(13):
            log.append((float(index), 0.0, index, 0), horizon=-1.0)
            self.assertLessEqual(log.slots, 4)
        self.assertEqual([int(row[2]) for row in log.copy().rows()], [9, 10, 11, 12])


class RecorderBoundsTests(unittest.TestCase):
    def recorder(self, **limits: Any) -> TrafficRecorder:
        return TrafficRecorder(default_settings(), Limits(**limits), random_state=["1", "2", "3", "4"])

    def shaped(self, recorder: TrafficRecorder, now: float) -> Dict[str, Any]:
        recording = recording_json(recorder.capture(now, 0, 0), ManualTime().clock())
        validate(recording, "recording")
        return recording

    def test_the_window_slides_and_nothing_is_counted_dropped(self) -> None:
        recorder = self.recorder()
        for tenth in range(0, 1000):
            recorder.arrival(None, tenth / 10, 0, 0)
        recording = self.shaped(recorder, 100.0)
        self.assertEqual((recording["start_s"], recording["end_s"], recording["window_s"]), (40.0, 100.0, 60.0))
        self.assertEqual(recording["arrivals"]["at_ms"][0], 40_000.0)
        self.assertEqual(len(recording["arrivals"]["at_ms"]), 600)
        self.assertEqual(recording["dropped"]["arrivals"], 0)

    def test_a_full_list_counts_what_it_dropped_and_the_recording_starts_later(self) -> None:
        recorder = self.recorder(arrivals=5)
        for second in range(8):
            recorder.arrival("m", 10.0 + second, 0, 0)
        recording = self.shaped(recorder, 20.0)
        self.assertEqual(recording["dropped"]["arrivals"], 3)
        self.assertEqual(recording["start_s"], 13.0)
        self.assertEqual(recording["arrivals"], {"at_ms": [13_000.0, 14_000.0, 15_000.0, 16_000.0, 17_000.0],
                                                 "model": [0, 0, 0, 0, 0]})
        self.assertEqual((recording["limits"]["arrivals"], recording["models"]), (5, ["m"]))

    def test_the_memory_bound_is_the_full_lists_and_holds(self) -> None:
        recorder = self.recorder(arrivals=100, sends=100, probes=100, requests=100, changes=10)
        counters = int(60 * 20) + 2
        self.assertEqual(recorder.memory_bound_bytes,
                         100 * 12 + 3 * 100 * 21 + counters * 24 + 10 * 1024)
        self.assertEqual(self.shaped(recorder, 1.0)["memory_bound_bytes"], recorder.memory_bound_bytes)
        recorder.replica_added("r1", "n", "z", 1, 0.0)
        for index in range(1000):
            now = index / 100
            recorder.arrival(None, now, 0, 0)
            recorder.send_ended("r1", now, "completed", now + 0.001)
            recorder.probe_ended("r1", now, 0.001, "queue_length", now + 0.001)
            recorder.fulfilled(0.001, 1, now)
        stored = [recorder._arrivals, recorder._sends, recorder._probes, recorder._requests, recorder._counters]
        self.assertTrue(all(log.slots <= log.capacity for log in stored))
        self.assertLessEqual(sum(log.slots * log.entry_bytes for log in stored), recorder.memory_bound_bytes)
        self.assertEqual(self.shaped(recorder, 10.0)["dropped"],
                         {"arrivals": 900, "sends": 900, "probes": 900, "requests": 900, "changes": 0})

    def test_a_settings_change_that_left_the_window_is_the_recordings_settings(self) -> None:
        recorder = self.recorder()
        slow = dict(default_settings(), initial_backoff_s=0.1)
        recorder.settings_changed(slow, 5.0)
        recorder.settings_changed(dict(slow), 6.0)
        self.assertEqual([c["kind"] for c in self.shaped(recorder, 30.0)["changes"]], ["settings_changed"])
        recording = self.shaped(recorder, 70.0)
        self.assertEqual((recording["settings"]["initial_backoff_s"], recording["changes"]), (0.1, []))


class RecordingFromHooksTests(unittest.TestCase):
    """The observer's hooks, as Ray calls them, make a recording that validates and says what happened."""

    def setUp(self) -> None:
        self.time = ManualTime()
        self.clock = self.time.clock()
        self.observer = Observer(EventLog(self.clock))
        self.observer.recorder.begin(default_settings(), RecordingOptions(
            max_reroutes=3, max_pending_requests=2**31 - 1, max_routing_tasks=50, node="node-1", zone="",
            prefer_local=True))
        self.observer.replicas_updated([ReplicaInfo("r1", "node-1", "z1", 1), ReplicaInfo("r2", "node-2", "z1", 2)],
                                       0.0)

    def route(self, key: int, at: float, replica: str, done: float, failed_first: bool = False) -> None:
        observer = self.observer
        observer.request_admitted(key, object(), f"x{key}", f"i-{key}", at, at, model="m1" if key % 2 else None)
        candidates = [CandidateInfo("r1", 1, None, None), CandidateInfo("r2", 2, None, None)]
        if failed_first:
            observer.attempt_started(TASK, key, "all", candidates, at)
            observer.attempt_chose(TASK, None, at)
            observer.backoff_started(TASK, 0.025, at)
        observer.attempt_started(TASK, key, "all", candidates, at + 0.03)
        observer.attempt_chose(TASK, replica, at + 0.03)
        observer.request_routed(key, replica, at + 0.03, None, True)
        observer.request_accepted(key)
        observer.send_finished(f"i-{key}", replica, done)

    def recording(self, now: float) -> Dict[str, Any]:
        self.time.seconds = now
        observer = self.observer
        recording = recording_json(observer.recorder.capture(now, observer.failed_attempts, observer.backoff_sleeps),
                                   self.clock)
        validate(recording, "recording")
        return recording

    def test_arrivals_sends_probes_windows_death_and_what_was_observed(self) -> None:
        observer = self.observer
        observer.probe_answered(TASK, "r1", 0, 0.002, 0.1, "length", started_s=0.5)
        self.route(1, 1.0, "r1", 1.2, failed_first=True)
        self.route(2, 2.0, "r2", 2.5)
        # Ray reports r2 unavailable during a probe batch; the probe then ends without a length.
        observer.replica_unavailable("r2", 3.05)
        observer.probe_answered(TASK, "r2", None, 0.1, 0.1, "timeout", started_s=3.0)
        observer.probe_answered(TASK, "r1", None, 0.1, 0.1, "timeout", started_s=3.0)
        observer.probe_answered(TASK, "r2", 1, 0.004, 0.1, "length", started_s=4.0)
        self.route(3, 5.0, "r1", 5.3)
        observer.replica_died("r1", 5.3002)
        observer.request_admitted(4, object(), "x4", "i-4", 6.0, 6.0)
        observer.request_cancelled(4, 6.5)
        recording = self.recording(7.0)
        self.assertEqual(recording["arrivals"], {"at_ms": [1000.0, 2000.0, 5000.0, 6000.0], "model": [0, -1, 0, -1]})
        self.assertEqual(recording["models"], ["m1"])
        r1, r2 = recording["replicas"]
        self.assertEqual((r1["id"], r1["node"], r1["configured_max"], r1["effective_max"], r1["dead_at_s"]),
                         ("r1", "node-1", 1, 1, 5.3002))
        self.assertEqual(r1["sends"], {"at_ms": [1030.0, 5030.0], "duration_ms": [170.0, 270.0],
                                       "outcome": ["completed", "replica_died"]})
        self.assertEqual(r1["probes"], {"at_ms": [500.0, 3000.0], "round_trip_ms": [2.0, None],
                                        "answer": ["queue_length", "timeout"]})
        self.assertEqual(r2["probes"], {"at_ms": [3000.0, 4000.0], "round_trip_ms": [100.0, 4.0],
                                        "answer": ["unavailable", "queue_length"]})
        self.assertEqual(r2["unavailable"], [{"from_s": 3.05, "to_s": 4.004}])
        self.assertNotIn("dead_at_s", r2)
        self.assertEqual([(c["kind"], c.get("replica")) for c in recording["changes"]],
                         [("replica_added", "r1"), ("replica_added", "r2")])
        self.assertEqual(recording["options"]["prefer_local"], True)
        self.assertEqual(recording["observed"], {
            "arrivals": 4, "fulfilled": 3, "fulfillment_p50_ms": 30.0, "fulfillment_p99_ms": 30.0,
            "attempts_per_request": 4 / 3, "failed_attempts": 1, "backoff_sleeps": 1, "failures": {"cancelled": 1}})

    def test_a_refused_send_a_removed_replica_and_a_settings_change_are_recorded(self) -> None:
        observer = self.observer
        observer.request_admitted(1, object(), "x1", "i-1", 1.0, 1.0)
        observer.attempt_started(TASK, 1, "all", [CandidateInfo("r1", 1, 0, 0.1)], 1.0)
        observer.attempt_chose(TASK, "r1", 1.0)
        observer.request_routed(1, "r1", 1.0, None, True)
        observer.send_finished("i-1", "r1", 1.004)
        observer.request_requeued(1, 1.004)
        observer.request_routed(1, "r2", 1.1, None, True)
        observer.request_accepted(1)
        observer.send_finished("i-1", "r2", 1.3)
        observer.settings_changed(dict(default_settings(), max_backoff_s=1.0), 2.0)
        observer.replicas_updated([ReplicaInfo("r2", "node-2", "z1", 2)], 3.0)
        recording = self.recording(4.0)
        self.assertEqual(recording["replicas"][0]["sends"],
                         {"at_ms": [1000.0], "duration_ms": [4.0], "outcome": ["refused"]})
        self.assertEqual([(c["at_s"], c["kind"], c.get("replica")) for c in recording["changes"]],
                         [(0.0, "replica_added", "r1"), (0.0, "replica_added", "r2"),
                          (2.0, "settings_changed", None), (3.0, "replica_removed", "r1")])
        self.assertEqual(recording["changes"][2]["settings"]["max_backoff_s"], 1.0)
        # Fulfilment counts each time the request got a replica, as routertop's engine (and so a replay) counts it.
        self.assertEqual((recording["observed"]["fulfilled"], recording["observed"]["fulfillment_p99_ms"]), (2, 100.0))
        self.assertEqual(recording["replicas"][1]["sends"]["outcome"], ["completed"])
        # Once its removal is a window back, the replica leaves the recording.
        self.assertEqual([r["id"] for r in self.recording(64.0)["replicas"]], ["r2"])

    def test_a_send_that_ends_as_ray_reports_its_replica_unavailable_ended_so(self) -> None:
        self.route(1, 1.0, "r2", 1.2)
        self.observer.replica_unavailable("r2", 1.2004)
        self.route(3, 2.0, "r2", 2.2)
        self.observer.replica_unavailable("r2", 2.5)
        r2 = self.recording(3.0)["replicas"][1]
        self.assertEqual(r2["sends"]["outcome"], ["actor_unavailable", "completed"])
        self.assertEqual(r2["unavailable"], [{"from_s": 1.2004, "to_s": 2.2}, {"from_s": 2.5}])

    def test_the_random_state_is_four_words_drawn_once(self) -> None:
        first = self.recording(1.0)["random_state"]
        self.assertEqual((len(first), self.recording(2.0)["random_state"]), (4, first))
        self.assertNotEqual(Observer(EventLog(self.clock)).recorder.random_state, first)


if __name__ == "__main__":
    unittest.main()
