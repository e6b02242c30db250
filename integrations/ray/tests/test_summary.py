"""Summary snapshots (`view=summary`): the replica figures and events a fleet needs, and on a stream only what changed."""

import json
import os
import unittest

from routertop_ray.api import ControlApi, Peer, Response, Stream
from routertop_ray.controller import SettingsController
from routertop_ray.event_log import EventLog
from routertop_ray.observer import Observer, ReplicaInfo
from routertop_ray.settings import default_settings
from routertop_ray.summary import FIRST_EVENTS, SummaryMark, summary
from tests.support import FakeView, ManualTime

OWNER = os.getuid()


class SummaryTests(unittest.TestCase):
    def setUp(self) -> None:
        clock = ManualTime().clock()
        self.events = EventLog(clock)
        self.observer = Observer(self.events)
        controller = SettingsController(default_settings(), clock, self.events, None, lambda _: None)
        self.view = FakeView(self.observer, clock, controller, self.events)
        self.api = ControlApi(self.view, controller, self.events, None, clock, owner_uid=OWNER)

    def test_the_first_summary_has_every_replica_and_the_last_events_but_no_rows(self) -> None:
        self.observer.replicas_updated([ReplicaInfo("r1", "n1", "", 1), ReplicaInfo("r2", "n1", "", 1)], 0.0)
        for index in range(FIRST_EVENTS + 5):
            self.events.record("info", f"e{index}")
        answer = self.api.handle("GET", "/v1/snapshot?view=summary", {}, b"", Peer(OWNER))
        assert isinstance(answer, Response)
        shaped = json.loads(answer.body)
        self.assertEqual((shaped["view"], shaped["replicas"], shaped["replica_count"], shaped["replicas_gone"]),
                         ("summary", [], 2, []))
        self.assertEqual([row["id"] for row in shaped["replica_changes"]], ["r1", "r2"])
        self.assertEqual(set(shaped["replica_changes"][0]), {"id", "state", "queue_length", "in_flight", "routed"})
        self.assertEqual(len(shaped["events"]), FIRST_EVENTS)
        self.assertEqual(shaped["events"][-1]["message"], f"e{FIRST_EVENTS + 4}")

    def test_a_stream_sends_only_what_changed_since_its_last_line(self) -> None:
        self.observer.replicas_updated([ReplicaInfo("r1", "n1", "", 1), ReplicaInfo("r2", "n1", "", 1)], 0.0)
        first, mark = summary(self.view.snapshot(), SummaryMark())
        self.assertEqual(len(first["replica_changes"]), 2)
        unchanged, mark = summary(self.view.snapshot(), mark)
        self.assertEqual((unchanged["replica_changes"], unchanged["replicas_gone"], unchanged["events"]), ([], [], []))
        self.observer.replicas_updated([ReplicaInfo("r2", "n1", "", 1), ReplicaInfo("r3", "n2", "", 1)], 1.0)
        changed, mark = summary(self.view.snapshot(), mark)
        # A replica Ray removed stays a while, shown dead: its state is the figure that changed.
        self.assertEqual([(row["id"], row["state"]) for row in changed["replica_changes"]],
                         [("r3", "healthy"), ("r1", "dead")])
        self.assertEqual([event["message"] for event in changed["events"]], ["r3 added by Ray", "r1 removed by Ray"])
        self.assertEqual((changed["replica_count"], changed["replicas_gone"]), (3, []))
        later = dict(self.view.snapshot())
        later["replicas"] = [row for row in later["replicas"] if row["id"] != "r1"]
        gone, _ = summary(later, mark)
        self.assertEqual((gone["replica_changes"], gone["replicas_gone"], gone["replica_count"]), ([], ["r1"], 2))

    def test_the_view_is_parsed_and_a_stream_of_summaries_asked(self) -> None:
        stream = self.api.handle("GET", "/v1/snapshots?interval_ms=100&view=summary", {}, b"", Peer(OWNER))
        self.assertEqual(stream, Stream(100, None, True))
        full = self.api.handle("GET", "/v1/snapshots?view=full", {}, b"", Peer(OWNER))
        self.assertEqual(full, Stream(500, None, False))
        answer = self.api.handle("GET", "/v1/snapshot?view=tiny", {}, b"", Peer(OWNER))
        assert isinstance(answer, Response)
        self.assertEqual((answer.status, json.loads(answer.body)),
                         (400, {"error": "view=tiny is not a snapshot view; it must be full, summary or delta"}))


if __name__ == "__main__":
    unittest.main()
