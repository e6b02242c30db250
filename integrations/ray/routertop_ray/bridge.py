"""One router's bridge: its socket, API, settings controller, journal and metrics, around the observer.

The router adapter gives it two functions that run on the router's loop: `read_ray` (Ray's own figures)
and `apply` (the settings into Ray's router). Everything here runs on the bridge's threads and reaches
the loop only through `LoopCaller`, with a deadline.
"""

import atexit
import logging
import os
import threading
from dataclasses import replace
from typing import Any, Callable, List, Mapping, Optional, Sequence, Tuple

from routertop_ray import contract
from routertop_ray.api import ControlApi
from routertop_ray.clock import BridgeClock
from routertop_ray.contract import RayFigures, RouterIdentity
from routertop_ray.controller import SettingsController
from routertop_ray.errors import ApiError
from routertop_ray.event_log import EventLog
from routertop_ray.journal import JournalFile, JournalWriteError, journal_path
from routertop_ray.loop_call import LoopCaller, LoopStalled
from routertop_ray.metrics import RouterMetrics
from routertop_ray.observer import TRACES_KEPT, Observer, ObserverFigures
from routertop_ray.recording_json import recording_json
from routertop_ray.records import RequestRecord
from routertop_ray.server import ControlServer
from routertop_ray.socket_path import SocketPlaceError, free_name, prepare, socket_directory

logger = logging.getLogger("ray.serve")

Settings = dict


class Bridge:
    """Serves one router's control API from a thread of its own."""

    def __init__(self, identity: RouterIdentity, startup: Settings, clock: BridgeClock, events: EventLog,
                 observer: Observer, loop: LoopCaller, read_ray: Callable[[], RayFigures],
                 apply: Callable[[Settings], None], environment: Mapping[str, str],
                 control_dir: Optional[str] = None, journal_file: Optional[str] = None) -> None:
        directory = control_dir or socket_directory(environment)
        # Two routers for one deployment in one process (two handles) each get a socket: NAME, NAME-2, …
        identity = replace(identity, name=free_name(directory, identity.name))
        self.identity = identity
        self._clock = clock
        self._events = events
        self._observer = observer
        self._loop = loop
        self._read_ray = read_ray
        self._apply_on_loop = apply
        self._metrics = RouterMetrics()
        self._errors: dict = {}
        self._errors_lock = threading.Lock()
        self.socket_path = os.path.join(directory, f"{identity.name}.sock")
        self.journal: Optional[JournalFile] = None
        journal_problem: Optional[str] = None
        try:
            self.journal = JournalFile(journal_file or journal_path(identity.name, environment))
            for problem in self.journal.opening_problems:
                events.record("warning", f"journal: {problem}")
        except JournalWriteError as failure:
            journal_problem = str(failure)
            events.record("warning", f"journal: {failure}; settings changes are refused")
            logger.warning("routertop_ray: %s", failure)
        self.controller = SettingsController(startup, clock, events, self.journal, self._apply, journal_problem)
        self.api = ControlApi(self, self.controller, events, self.journal, clock)
        self._server: Optional[ControlServer] = None
        self._last: Tuple[Optional[ObserverFigures], Optional[RayFigures]] = (None, None)

    # Life -----------------------------------------------------------------------------------------

    def start(self) -> bool:
        """Binds the socket and serves; a place that cannot be used is logged once and routing goes on."""
        try:
            prepare(self.socket_path)
            self._server = ControlServer(self.socket_path, self.api, self.snapshot, self.controller.session_ended)
        except (SocketPlaceError, OSError) as failure:
            logger.warning("routertop_ray: no control socket for %s: %s", self.identity.name, failure)
            return False
        self._server.start()
        atexit.register(self.stop)
        logger.info("routertop_ray: %s serves routertop's control API on %s", self.identity.name, self.socket_path)
        return True

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.stop()
        if self.journal is not None:
            self.journal.close()

    # What the API reads ---------------------------------------------------------------------------

    def count_error(self, where: str) -> None:
        with self._errors_lock:
            self._errors[where] = self._errors.get(where, 0) + 1

    def _capture(self, drain: bool = False) -> Tuple[Optional[ObserverFigures], Optional[RayFigures], Optional[str]]:
        observer = self._observer

        def on_loop() -> Tuple[ObserverFigures, RayFigures, Tuple[List[float], List[float]]]:
            drained = observer.drain_distributions() if drain else ([], [])
            return observer.capture(self._clock.now()), self._read_ray(), drained

        try:
            figures, ray, (fulfilment, waits) = self._loop.call(on_loop)
        except LoopStalled as stall:
            # The last figures stand, marked stalled, so no one reads old figures as live.
            return self._last[0], self._last[1], str(stall)
        except Exception as failure:  # noqa: BLE001 - an observing error must not reach the caller
            self.count_error("snapshot")
            return self._last[0], self._last[1], (f"the snapshot failed on the router loop "
                                                  f"({type(failure).__name__}: {failure})")
        if drain:
            self._metrics.observe(fulfilment, waits)
        self._last = (figures, ray)
        return figures, ray, None

    def snapshot(self, drain: bool = False) -> dict:
        figures, ray, stalled = self._capture(drain)
        with self._errors_lock:
            errors = dict(self._errors)
        return contract.snapshot(self.identity, self._clock, self.controller.live, self.controller.startup, figures,
                                 ray, self._events.all(), self.controller.trial_status(), stalled, errors)

    def traces(self) -> Tuple[Sequence[RequestRecord], int, int]:
        observer = self._observer
        try:
            records, evicted = self._loop.call(lambda: (list(observer.traces), observer.traces_evicted))
        except LoopStalled:
            records, evicted = [], observer.traces_evicted
        return records, TRACES_KEPT, evicted

    def recording(self) -> dict:
        """The recording: copied on the loop, shaped here."""
        observer = self._observer

        def on_loop() -> Any:
            return observer.recorder.capture(self._clock.now(), observer.failed_attempts, observer.backoff_sleeps)

        try:
            copy = self._loop.call(on_loop)
        except LoopStalled as stall:
            raise ApiError(503, f"no recording: {stall}") from None
        except Exception as failure:  # noqa: BLE001 - an observing error must not reach the caller
            self.count_error("recording")
            raise ApiError(500, f"the recording failed on the router loop ({type(failure).__name__}: {failure})") \
                from None
        return recording_json(copy, self._clock)

    def metrics_text(self) -> str:
        return self._metrics.exposition(self.snapshot(drain=True), self.controller.changes)

    # Applying -------------------------------------------------------------------------------------

    def _applied_on_loop(self, values: Settings) -> None:
        self._apply_on_loop(values)
        self._observer.settings_changed(dict(values), self._clock.now())

    def _apply(self, values: Settings) -> Optional[str]:
        """Hands settings to the router's loop; says so when the loop is late (they still apply)."""
        try:
            self._loop.call(lambda: self._applied_on_loop(values), cancel_late=False)
        except LoopStalled:
            return "router loop stalled: it takes them when it runs again"
        return None
