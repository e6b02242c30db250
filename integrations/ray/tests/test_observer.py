"""Trace bookkeeping: attempts counted from choose_replicas calls, sends, refusals, completion, bounds."""

import unittest

from routertop_ray import contract
from routertop_ray.event_log import EventLog
from routertop_ray.observer import (
    IN_FLIGHT_TRACKED,
    TRACES_KEPT,
    CandidateInfo,
    Observer,
    ReplicaInfo,
)
from tests.support import ManualTime

TASK = 1


class ObserverTests(unittest.TestCase):
    def setUp(self) -> None:
        self.time = ManualTime()
        self.events = EventLog(self.time.clock())
        self.observer = Observer(self.events)
        self.observer.replicas_updated([ReplicaInfo("r1", "n1", "", 1), ReplicaInfo("r2", "n1", "", 1)], 0.0)

    def attempt(self, key: int, choice, at: float, wait=None) -> None:
        candidates = [CandidateInfo("r1", 1, 1, 0.01), CandidateInfo("r2", 1, None, None)]
        self.observer.attempt_started(TASK, key, "all", candidates, at)
        self.observer.attempt_chose(TASK, choice, at + 0.001)
        if wait is not None:
            self.observer.backoff_started(TASK, wait, at + 0.002)

    def test_a_request_that_waits_then_completes_leaves_a_full_trace(self) -> None:
        self.observer.request_admitted(7, object(), "abc", "i-7", 1.0, 1.0)
        self.attempt(7, None, 1.0)
        self.attempt(7, None, 1.01, wait=0.15)
        self.attempt(7, "r2", 1.2)
        self.observer.request_routed(7, "r2", 1.21, None, True)
        self.observer.request_accepted(7)
        self.observer.send_finished("i-7", "r2", 1.5)
        trace = contract.trace(self.observer.traces[-1], self.time.clock())
        self.assertEqual((trace["request_id"], trace["external_id"]), ("req-1", "abc"))
        self.assertEqual(trace["admitted_utc"], "2027-01-15T08:00:01.000Z")
        self.assertEqual([(a["number"], a["task_id"]) for a in trace["attempts"]], [(1, "task-1"), (2, "task-1"), (3, "task-1")])
        self.assertEqual(trace["attempts"][1]["wait_ms"], 150.0)
        self.assertEqual(trace["attempts"][0]["candidates"][0], {"replica": "r1", "cache_length": 1, "cache_age_ms": 10.0,
                                                                  "max_ongoing_requests": 1})
        self.assertEqual(trace["attempts"][2]["choice"], "r2")
        self.assertEqual(trace["sends"], [{"replica": "r2", "at_ms": 1210.0, "outcome": "completed", "ended_ms": 1500.0}])
        self.assertEqual((trace["outcome"], trace["replica"], trace["finished_ms"]), ("completed", "r2", 1500.0))
        figures = self.observer.capture(2.0)
        self.assertEqual((figures.admitted, figures.completed, figures.failed_attempts, figures.backoff_sleeps),
                         (1, 1, 2, 1))
        self.assertEqual(figures.attempts_histogram, {3: 1})
        self.assertAlmostEqual(figures.fulfilment_s[0], 0.21)

    def test_a_refused_send_is_requeued_and_counted_once_whichever_hook_comes_first(self) -> None:
        for key, finished_first in ((1, True), (2, False)):
            self.observer.request_admitted(key, object(), f"req{key}", f"i-{key}", 0.0, 0.0)
            self.attempt(key, "r1", 0.1)
            self.observer.request_routed(key, "r1", 0.1, None, True)
            if finished_first:
                self.observer.send_finished(f"i-{key}", "r1", 0.2)
            self.observer.request_requeued(key, 0.2)
            if not finished_first:
                self.observer.send_finished(f"i-{key}", "r1", 0.2)
            self.observer.request_routed(key, "r2", 0.3, None, True)
            self.observer.request_accepted(key)
            self.observer.send_finished(f"i-{key}", "r2", 0.5)
            trace = contract.trace(self.observer.traces[-1], self.time.clock())
            self.assertEqual([(s["replica"], s["outcome"], s.get("requeue")) for s in trace["sends"]],
                             [("r1", "refused", "refused"), ("r2", "completed", None)])
        figures = self.observer.capture(1.0)
        self.assertEqual((figures.rejections, figures.reroutes, figures.completed), (2, 2, 2))
        self.assertEqual({r.replica_id: (r.rejected, r.completed, r.in_flight) for r in figures.replicas},
                         {"r1": (2, 0, 0), "r2": (0, 2, 0)})

    def test_a_hand_off_names_the_request_that_got_the_replica(self) -> None:
        self.observer.request_admitted(1, object(), "old", "i-1", 0.0, 0.0)
        self.observer.request_admitted(2, object(), "new", "i-2", 0.0, 0.0)
        self.attempt(2, "r1", 0.1)
        finder = self.observer.task(TASK).request
        self.observer.request_routed(1, "r1", 0.1, finder, False)
        self.assertEqual(finder.attempts[-1].handed_to, "req-1")
        self.assertEqual(self.observer.request(1).sends[0].found_for, "req-2")

    def test_a_cancelled_request_ends_its_trace(self) -> None:
        self.observer.request_admitted(1, object(), "gone", "i-1", 0.0, 0.0)
        self.observer.request_cancelled(1, 0.3)
        self.assertEqual(contract.trace(self.observer.traces[-1], self.time.clock())["outcome"], "cancelled")
        self.assertEqual(self.observer.capture(1.0).cancelled, 1)
        self.assertIsNone(self.observer.request(1))

    def test_traces_are_bounded_and_drops_counted(self) -> None:
        for key in range(TRACES_KEPT + 5):
            self.observer.request_admitted(key, object(), f"r{key}", f"i{key}", 0.0, 0.0)
            self.observer.request_cancelled(key, 0.0)
        self.assertEqual(len(self.observer.traces), TRACES_KEPT)
        self.assertEqual(self.observer.traces_evicted, 5)
        self.assertEqual(self.observer.traces[0].request_id, "r5")

    def test_requests_in_flight_are_bounded_and_drops_counted(self) -> None:
        for key in range(IN_FLIGHT_TRACKED + 3):
            self.observer.request_admitted(key, object(), "", "", 0.0, 0.0)
        figures = self.observer.capture(0.0)
        self.assertEqual(len(figures.pending), IN_FLIGHT_TRACKED)
        self.assertEqual(figures.untracked, 3)
        self.assertIsNone(self.observer.request(0))

    def test_backoff_timers_show_attempts_wait_and_countdown(self) -> None:
        self.observer.request_admitted(1, object(), "waiting", "i-1", 0.0, 0.0)
        self.attempt(1, None, 0.1)
        self.attempt(1, None, 0.2, wait=0.5)
        snapshot = contract.snapshot(contract.RouterIdentity("a", "d", "proxy", "n", "x", 1, "ray-a-d-1"),
                                     self.time.clock(), {}, {}, self.observer.capture(0.3),
                                     contract.RayFigures("2.60.0", "update_backoff_params", 1, 1, 4, 1, 1, {}, {},
                                                         "n1", "", True, False), [], None, None, {})
        timer = snapshot["backoff_timers"][0]
        self.assertEqual((timer["task_id"], timer["request_id"], timer["failed_attempts"], timer["wait_ms"]),
                         ("task-1", "req-1", 2, 500.0))
        self.assertAlmostEqual(timer["wake_at_s"] - snapshot["time_s"], 0.402, places=6)
        self.assertAlmostEqual(snapshot["observer"]["oldest_pending_s"], 0.3, places=6)

    def test_a_task_retrying_after_a_failure_counts_in_backoff_not_as_probing(self) -> None:
        candidates = [CandidateInfo("r1", 1, 1, 0.01)]
        self.observer.request_admitted(1, object(), "retrying", "i-1", 0.0, 0.0)
        self.observer.request_admitted(2, object(), "first", "i-2", 0.0, 0.0)
        self.attempt(1, None, 0.1)
        self.observer.attempt_started(TASK, 1, "all", candidates, 0.2)
        self.observer.attempt_started(2, 2, "all", candidates, 0.2)
        snapshot = contract.snapshot(contract.RouterIdentity("a", "d", "proxy", "n", "x", 1, "ray-a-d-1"),
                                     self.time.clock(), {}, {}, self.observer.capture(0.3),
                                     contract.RayFigures("2.60.0", "update_backoff_params", 2, 2, 4, 1, 1, {}, {},
                                                         "n1", "", True, False), [], None, None, {})
        self.assertEqual(snapshot["tasks_probing"], 1, "only the first try counts as probing")
        self.assertLessEqual(snapshot["tasks_probing"] + snapshot["tasks_in_backoff"], snapshot["routing_tasks"])

    def test_replica_changes_become_events_and_a_dead_replica_is_shown_gone(self) -> None:
        self.observer.replica_unavailable("r1")
        self.observer.replica_died("r2", 1.0)
        self.observer.replicas_updated([ReplicaInfo("r1", "n1", "", 1)], 2.0)
        self.assertEqual([e.message for e in self.events.all()][-2:], ["r1 unavailable (Ray dropped its cache entry)",
                                                                        "r2 died (its actor is gone)"])
        states = {r.replica_id: r.state for r in self.observer.capture(3.0).replicas}
        self.assertEqual(states, {"r1": "unavailable", "r2": "dead"})
        self.assertEqual([r.replica_id for r in self.observer.capture(100.0).replicas], ["r1"])

    def test_an_answered_probe_makes_an_unavailable_replica_healthy_and_a_timeout_is_counted(self) -> None:
        self.observer.replica_unavailable("r1")
        self.observer.probe_answered(None, "r1", 0, 0.004, 0.1, "length")
        self.observer.probe_answered(None, "r2", None, 0.1, 0.1, "timeout")
        replicas = {r.replica_id: r for r in self.observer.capture(0.0).replicas}
        self.assertEqual(replicas["r1"].state, "healthy")
        self.assertEqual((replicas["r2"].probe_timeouts, replicas["r2"].last_probe_timed_out), (1, True))


if __name__ == "__main__":
    unittest.main()
