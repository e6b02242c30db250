"""The bridge's recording of its router's recent traffic: what `GET /v1/recording` answers.

It keeps what routertop's own routers keep (`TrafficRecorder`): the last window (60 s) of arrivals,
each replica's sends and probes, finished requests, fleet and settings changes, in fixed lists whose
memory is stated (`memory_bound_bytes`); an event that must leave a full list while still inside the
window is counted in `dropped`, and the recording then starts later (`start_s`). The observer feeds it
on the router's loop; `capture` copies it there in one short step, and `recording_json` shapes the copy
off the loop.
"""

import secrets
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Deque, Dict, List, Mapping, Optional, Tuple

from routertop_ray.columns import BoundedColumns

WINDOW_S = 60.0
# Send outcomes and probe answers as stored; the index is the code (the schema's words, in its order).
SEND_OUTCOMES = ("completed", "refused", "failed_before_response", "failed_mid_response", "replica_died",
                 "connection_refused", "cancelled", "actor_unavailable")
PROBE_ANSWERS = ("queue_length", "unavailable", "dead", "unsupported", "unexpected", "timeout")
FAILURE_REASONS = ("replica_error", "routing_timeout", "shed", "cancelled", "request_timeout")
CHANGE_KINDS = ("replica_added", "replica_removed", "replica_drained", "replica_undrained", "settings_changed")
MODELS_KEPT = 1000
UNAVAILABLE_WINDOWS_KEPT = 100
# Ray tells the router that a replica died or is unavailable right after it ends the send that found it.
OUTCOME_LEARNED_WITHIN_S = 0.001
# A change is a tuple and, for settings, a dict of seven numbers: counted at this many bytes.
CHANGE_BYTES = 1024
# Retry counters are sampled at most every 100 ms, over the window and one second more.
COUNTER_EVERY_S = 0.1


@dataclass(frozen=True)
class Limits:
    """How much the recording keeps: the window and each list's capacity."""

    window_s: float = WINDOW_S
    arrivals: int = 250_000
    sends: int = 250_000
    probes: int = 250_000
    requests: int = 250_000
    changes: int = 1000

    @property
    def counter_capacity(self) -> int:
        return int(self.window_s * 20) + 2


@dataclass(frozen=True)
class RecordingOptions:
    """The router's fixed limits a replay needs (`recording_options`)."""

    max_reroutes: int
    max_pending_requests: int
    max_routing_tasks: int
    node: str
    zone: str
    prefer_local: bool
    routing_timeout_s: Optional[float] = None
    legacy_backoff: bool = False
    multiplex_routing: bool = True

    def json(self) -> Dict[str, Any]:
        shaped: Dict[str, Any] = {
            "max_reroutes": self.max_reroutes, "max_pending_requests": self.max_pending_requests,
            "max_routing_tasks": self.max_routing_tasks, "legacy_backoff": self.legacy_backoff,
            "multiplex_routing": self.multiplex_routing, "node": self.node, "zone": self.zone,
            "prefer_local": self.prefer_local,
        }
        if self.routing_timeout_s is not None:
            shaped["routing_timeout_s"] = self.routing_timeout_s
        return shaped


@dataclass
class Track:
    """One replica as the recording knows it beyond its events."""

    replica_id: str
    node: str
    zone: str
    configured_max: int
    added_s: float
    removed_s: Optional[float] = None
    dead_s: Optional[float] = None
    # [from, to or None while it lasts]
    unavailable: List[List[Optional[float]]] = field(default_factory=list)
    last_unavailable_s: float = float("-inf")


@dataclass
class Change:
    at_s: float
    kind: str
    replica: Optional[str] = None
    settings: Optional[Dict[str, float]] = None


@dataclass
class RecordingCopy:
    """Everything `recording_json` needs, copied on the loop."""

    limits: Limits
    memory_bound_bytes: int
    now: float
    random_state: List[str]
    base_settings: Dict[str, float]
    options: RecordingOptions
    models: List[str]
    arrivals: BoundedColumns
    sends: BoundedColumns
    probes: BoundedColumns
    requests: BoundedColumns
    counters: BoundedColumns
    changes: List[Change]
    changes_dropped: int
    tracks: Dict[int, Track]
    failed_attempts: int
    backoff_sleeps: int


class TrafficRecorder:
    """Keeps the router's last minute of traffic in bounded memory; called on the router's loop only."""

    def __init__(self, settings: Mapping[str, float], limits: Limits = Limits(),
                 random_state: Optional[List[str]] = None) -> None:
        self.limits = limits
        # The bridge has no engine state of routertop's: a replay's random state is drawn once, here.
        self.random_state = random_state or [format(secrets.randbits(64), "x") for _ in range(4)]
        self.options = RecordingOptions(max_reroutes=3, max_pending_requests=2**31 - 1, max_routing_tasks=50,
                                        node="", zone="", prefer_local=False)
        self._base_settings = dict(settings)
        self._latest_settings = dict(settings)
        self._arrivals = BoundedColumns(limits.arrivals, "di")
        self._sends = BoundedColumns(limits.sends, "ddib")
        self._probes = BoundedColumns(limits.probes, "ddib")
        self._requests = BoundedColumns(limits.requests, "ddib")
        self._counters = BoundedColumns(limits.counter_capacity, "dqq")
        self._changes: Deque[Change] = deque()
        self._changes_dropped = 0
        self._models: List[str] = []
        self._model_index: Dict[str, int] = {}
        self._tracks: Dict[int, Track] = {}
        self._track_of: Dict[str, int] = {}
        self._next_track = 0
        # The newest send recorded: its track and end, so a death or unavailability Ray reports next can name it.
        self._last_send: Tuple[int, float] = (-1, float("-inf"))

    @property
    def memory_bound_bytes(self) -> int:
        """The bytes the lists take when every one is full."""
        return (self._arrivals.bound_bytes + self._sends.bound_bytes + self._probes.bound_bytes
                + self._requests.bound_bytes + self._counters.bound_bytes + self.limits.changes * CHANGE_BYTES)

    def _horizon(self, now: float) -> float:
        return now - self.limits.window_s

    # Start-up -------------------------------------------------------------------------------------

    def begin(self, settings: Mapping[str, float], options: RecordingOptions) -> None:
        """The settings and limits of the router, once the bridge knows them."""
        self._base_settings = dict(settings)
        self._latest_settings = dict(settings)
        self.options = options

    # Requests -------------------------------------------------------------------------------------

    def arrival(self, model: Optional[str], now: float, failed_attempts: int, backoff_sleeps: int) -> None:
        index = -1
        if model:
            known = self._model_index.get(model)
            if known is not None:
                index = known
            elif len(self._models) < MODELS_KEPT:
                index = len(self._models)
                self._model_index[model] = index
                self._models.append(model)
        self._arrivals.append((now, index), self._horizon(now))
        counters = self._counters
        if counters.count and now - counters.last()[0] < COUNTER_EVERY_S:
            return
        counters.append((now, failed_attempts, backoff_sleeps), self._horizon(now) - 1.0)

    def fulfilled(self, waited_s: float, attempts: int, now: float) -> None:
        self._requests.append((now, max(0.0, waited_s), max(1, min(attempts, 2**31 - 1)), -1), self._horizon(now))

    def failed(self, reason: str, now: float) -> None:
        self._requests.append((now, -1.0, 0, FAILURE_REASONS.index(reason)), self._horizon(now))

    # Replicas -------------------------------------------------------------------------------------

    def replica_added(self, replica_id: str, node: str, zone: str, max_ongoing: int, now: float) -> None:
        known = self._track(replica_id)
        if known is None or known.removed_s is not None:
            # A new replica, or the same id again after it left: a track of its own.
            number = self._next_track
            self._next_track += 1
            self._tracks[number] = Track(replica_id, node, zone, max(1, max_ongoing), now)
            self._track_of[replica_id] = number
        self._change(Change(now, "replica_added", replica=replica_id))
        self._forget_departed(now)

    def replica_max(self, replica_id: str, max_ongoing: int) -> None:
        track = self._track(replica_id)
        if track is not None:
            track.configured_max = max(1, max_ongoing)

    def replica_removed(self, replica_id: str, now: float) -> None:
        track = self._track(replica_id)
        if track is not None and track.removed_s is None:
            track.removed_s = now
            self._change(Change(now, "replica_removed", replica=replica_id))

    def replica_died(self, replica_id: str, now: float) -> None:
        number = self._track_of.get(replica_id)
        track = self._tracks.get(number) if number is not None else None
        if track is None:
            return
        if track.dead_s is None:
            track.dead_s = now
        # It leaves routing for good (no removal follows): the recording forgets it a window later.
        if track.removed_s is None:
            track.removed_s = now
        self._name_last_send(number, "replica_died", now)

    def replica_unavailable(self, replica_id: str, now: float) -> None:
        number = self._track_of.get(replica_id)
        track = self._tracks.get(number) if number is not None else None
        if track is None:
            return
        track.last_unavailable_s = now
        self._mark_unavailable(track, now)
        self._name_last_send(number, "actor_unavailable", now)

    def _track(self, replica_id: str) -> Optional[Track]:
        number = self._track_of.get(replica_id)
        return self._tracks.get(number) if number is not None else None

    def _forget_departed(self, now: float) -> None:
        """Replicas removed before the window can no longer be in a recording."""
        horizon = self._horizon(now)
        for number in [n for n, t in self._tracks.items() if t.removed_s is not None and t.removed_s < horizon]:
            track = self._tracks.pop(number)
            if self._track_of.get(track.replica_id) == number:
                del self._track_of[track.replica_id]

    # What the replicas did ------------------------------------------------------------------------

    def send_ended(self, replica_id: str, sent_s: float, outcome: str, now: float) -> None:
        number = self._track_of.get(replica_id)
        if number is None:
            return
        self._sends.append((sent_s, max(0.0, now - sent_s), number, SEND_OUTCOMES.index(outcome)), self._horizon(now))
        self._last_send = (number, now)
        if outcome == "completed":
            self._mark_available(self._tracks[number], now)

    def _name_last_send(self, number: int, outcome: str, now: float) -> None:
        """A send that ended just before Ray reported its replica dead or unavailable ended that way."""
        track, ended = self._last_send
        if track == number and now - ended <= OUTCOME_LEARNED_WITHIN_S and self._sends.count:
            self._sends.set_last(3, SEND_OUTCOMES.index(outcome))
            self._last_send = (-1, float("-inf"))

    def probe_ended(self, replica_id: str, issued_s: float, round_trip_s: Optional[float], answer: str,
                    now: float) -> None:
        number = self._track_of.get(replica_id)
        if number is None:
            return
        track = self._tracks[number]
        if answer == "timeout" and track.last_unavailable_s >= issued_s:
            # Ray found it unavailable during this probe: an answer, not a timeout.
            answer = "unavailable"
        trip = -1.0 if answer == "timeout" or round_trip_s is None else max(0.0, round_trip_s)
        self._probes.append((issued_s, trip, number, PROBE_ANSWERS.index(answer)), self._horizon(now))
        if answer == "queue_length":
            self._mark_available(track, now)
        elif answer == "dead" and track.dead_s is None:
            track.dead_s = now

    def _mark_unavailable(self, track: Track, now: float) -> None:
        if track.unavailable and track.unavailable[-1][1] is None:
            return
        track.unavailable.append([now, None])
        del track.unavailable[:-UNAVAILABLE_WINDOWS_KEPT]

    @staticmethod
    def _mark_available(track: Track, now: float) -> None:
        if track.unavailable and track.unavailable[-1][1] is None:
            track.unavailable[-1][1] = now

    # Settings -------------------------------------------------------------------------------------

    def settings_changed(self, settings: Mapping[str, float], now: float) -> None:
        if dict(settings) == self._latest_settings:
            return
        self._latest_settings = dict(settings)
        self._change(Change(now, "settings_changed", settings=dict(settings)))

    def _change(self, change: Change) -> None:
        horizon = self._horizon(change.at_s)
        changes = self._changes
        while changes and changes[0].at_s < horizon:
            self._fold(changes.popleft())
        if len(changes) >= self.limits.changes:
            self._fold(changes.popleft())
            self._changes_dropped += 1
        changes.append(change)

    def _fold(self, left: Change) -> None:
        """A settings change that leaves the list is the settings in force from then on."""
        if left.settings is not None:
            self._base_settings = dict(left.settings)

    # The copy -------------------------------------------------------------------------------------

    def capture(self, now: float, failed_attempts: int, backoff_sleeps: int) -> RecordingCopy:
        """Copies what the recording needs; runs on the loop, so it only copies."""
        horizon = self._horizon(now)
        for log in (self._arrivals, self._sends, self._probes, self._requests):
            log.trim(horizon)
        while self._changes and self._changes[0].at_s < horizon:
            self._fold(self._changes.popleft())
        self._forget_departed(now)
        tracks = {number: Track(t.replica_id, t.node, t.zone, t.configured_max, t.added_s, t.removed_s, t.dead_s,
                                [list(w) for w in t.unavailable])
                  for number, t in self._tracks.items()}
        return RecordingCopy(
            limits=self.limits, memory_bound_bytes=self.memory_bound_bytes, now=now, random_state=list(self.random_state),
            base_settings=dict(self._base_settings), options=self.options, models=list(self._models),
            arrivals=self._arrivals.copy(), sends=self._sends.copy(), probes=self._probes.copy(),
            requests=self._requests.copy(), counters=self._counters.copy(),
            changes=[Change(c.at_s, c.kind, c.replica, dict(c.settings) if c.settings else None)
                     for c in self._changes],
            changes_dropped=self._changes_dropped, tracks=tracks, failed_attempts=failed_attempts,
            backoff_sleeps=backoff_sleeps,
        )
