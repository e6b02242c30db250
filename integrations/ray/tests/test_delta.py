"""Delta snapshots (`view=delta`): the whole snapshot first, then only the replica rows and events that changed."""

import copy
import json
import os
import unittest
from pathlib import Path
from typing import Any, Dict

import jsonschema

from routertop_ray.api import ControlApi, Peer, Response, Stream
from routertop_ray.controller import SettingsController
from routertop_ray.delta import DeltaMark, delta
from routertop_ray.event_log import EventLog
from routertop_ray.observer import Observer, ReplicaInfo
from routertop_ray.settings import default_settings
from tests.support import FakeView, ManualTime

OWNER = os.getuid()
SCHEMA = json.loads((Path(__file__).resolve().parents[3] / "api" / "control-v1.schema.json").read_text())


def validate(value: Any) -> None:
    jsonschema.Draft202012Validator({**SCHEMA, "$ref": "#/$defs/snapshot"}).validate(value)


class DeltaTests(unittest.TestCase):
    def setUp(self) -> None:
        self.time = ManualTime()
        clock = self.time.clock()
        self.events = EventLog(clock)
        self.observer = Observer(self.events)
        controller = SettingsController(default_settings(), clock, self.events, None, lambda _: None)
        self.view = FakeView(self.observer, clock, controller, self.events)
        self.api = ControlApi(self.view, controller, self.events, None, clock, owner_uid=OWNER)

    def test_the_first_line_is_whole_and_later_ones_carry_only_changed_rows_and_new_events(self) -> None:
        self.observer.replicas_updated([ReplicaInfo("r1", "n1", "", 1), ReplicaInfo("r2", "n1", "", 1)], 0.0)
        whole = self.view.snapshot()
        first, mark = delta(whole, DeltaMark())
        self.assertEqual(first, dict(whole), "the first line is the snapshot itself")
        self.assertNotIn("view", first)
        self.time.seconds = 0.5
        unchanged, mark = delta(self.view.snapshot(), mark)
        self.assertEqual((unchanged["view"], unchanged["replicas"], unchanged["replicas_gone"], unchanged["events"],
                          unchanged["replica_count"]), ("delta", [], [], [], 2))
        self.assertEqual(unchanged["settings"], whole["settings"], "router-level figures are whole")
        self.observer.replicas_updated([ReplicaInfo("r2", "n1", "", 1), ReplicaInfo("r3", "n2", "", 1)], 1.0)
        changed, mark = delta(self.view.snapshot(), mark)
        # A replica Ray removed stays a while, shown dead: its row changed.
        self.assertEqual([(row["id"], row["state"]) for row in changed["replicas"]], [("r3", "healthy"), ("r1", "dead")])
        self.assertEqual(set(changed["replicas"][0]), set(whole["replicas"][0]), "a changed row is sent whole")
        self.assertEqual([event["message"] for event in changed["events"]], ["r3 added by Ray", "r1 removed by Ray"])
        later = dict(self.view.snapshot())
        later["replicas"] = [row for row in later["replicas"] if row["id"] != "r1"]
        gone, _ = delta(later, mark)
        self.assertEqual((gone["replicas"], gone["replicas_gone"], gone["replica_count"]), ([], ["r1"], 2))
        for line in (first, unchanged, changed, gone):
            validate(json.loads(json.dumps(line)))

    def test_a_row_whose_cache_entry_only_aged_is_not_sent(self) -> None:
        row: Dict[str, Any] = {"id": "r1", "state": "healthy", "queue_length": 1, "cache_age_ms": 100.0}
        snapshot: Dict[str, Any] = {"time_s": 10.0, "replicas": [row], "events": []}
        _, mark = delta(snapshot, DeltaMark())
        aged = copy.deepcopy(snapshot)
        aged["time_s"] = 10.5
        aged["replicas"][0]["cache_age_ms"] = 600.0
        quiet, mark = delta(aged, mark)
        self.assertEqual(quiet["replicas"], [], "the client ages the row by the time between lines")
        learned = copy.deepcopy(aged)
        learned["time_s"] = 11.0
        learned["replicas"][0]["cache_age_ms"] = 5.0
        fresh, _ = delta(learned, mark)
        self.assertEqual([row["cache_age_ms"] for row in fresh["replicas"]], [5.0], "a new cache entry is sent")

    def test_the_view_is_parsed_for_streams_only(self) -> None:
        stream = self.api.handle("GET", "/v1/snapshots?interval_ms=100&view=delta", {}, b"", Peer(OWNER))
        self.assertEqual(stream, Stream(100, None, False, True))
        single = self.api.handle("GET", "/v1/snapshot?view=delta", {}, b"", Peer(OWNER))
        assert isinstance(single, Response)
        self.assertEqual((single.status, json.loads(single.body)),
                         (400, {"error": "view=delta is for the stream (GET /v1/snapshots): a single snapshot is whole"}))


if __name__ == "__main__":
    unittest.main()
