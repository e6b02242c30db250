"""Helpers shared by the bridge's tests: a manual clock, a fake router view, a temporary directory."""

import os
import tempfile
import unittest
from typing import Any, Mapping, Optional, Sequence, Tuple

from routertop_ray import contract
from routertop_ray.clock import BridgeClock
from routertop_ray.controller import SettingsController
from routertop_ray.event_log import EventLog
from routertop_ray.observer import Observer
from routertop_ray.recording_json import recording_json
from routertop_ray.records import RequestRecord
from routertop_ray.settings import default_settings


class ManualTime:
    """A clock the test moves by hand: monotonic and wall time together."""

    def __init__(self, wall: float = 1_800_000_000.0) -> None:
        self.seconds = 0.0
        self.wall0 = wall

    def monotonic(self) -> float:
        return self.seconds

    def wall(self) -> float:
        return self.wall0 + self.seconds

    def clock(self) -> BridgeClock:
        return BridgeClock(self.monotonic, self.wall)


class FakeView:
    """A router view over a real observer, without a loop or Ray."""

    def __init__(self, observer: Observer, clock: BridgeClock, controller: Optional[SettingsController] = None,
                 events: Optional[EventLog] = None) -> None:
        self.observer = observer
        self.clock = clock
        self.controller = controller
        self.events = events

    def snapshot(self) -> Mapping[str, Any]:
        identity = contract.RouterIdentity("app", "Slow", "proxy", "node-1", "actor-1", 4242, "ray-app-Slow-4242")
        live = self.controller.live if self.controller else default_settings()
        ray = contract.RayFigures("2.60.0", "update_backoff_params", 2, 2, 4, 1, 3,
                                  {"initial_backoff_s": 0.025}, {}, "node-1", "", True, False)
        return contract.snapshot(identity, self.clock, live, default_settings(), self.observer.capture(self.clock.now()),
                                 ray, self.events.all() if self.events else [],
                                 self.controller.trial_status() if self.controller else None, None, {})

    def traces(self) -> Tuple[Sequence[RequestRecord], int, int]:
        return list(self.observer.traces), 1000, self.observer.traces_evicted

    def metrics_text(self) -> str:
        return "# nothing\n"

    def recording(self) -> Mapping[str, Any]:
        observer = self.observer
        copy = observer.recorder.capture(self.clock.now(), observer.failed_attempts, observer.backoff_sleeps)
        return recording_json(copy, self.clock)


class TemporaryDirectoryTest(unittest.TestCase):
    """Gives each test a private directory, removed afterwards whatever happens."""

    def setUp(self) -> None:
        self._directory = tempfile.TemporaryDirectory(prefix="routertop-ray-test-")
        self.directory = self._directory.name
        os.chmod(self.directory, 0o700)

    def tearDown(self) -> None:
        self._directory.cleanup()
