"""Shapes a recording copy into `$defs/recording` (the schema), off the router's loop.

The same choices as routertop's `TrafficRecorder.recording`: the recording starts a window back, or
later when a full list dropped events still inside the window; replicas removed before it are left out;
settings changes before it are folded into `settings`; long lists are columns.
"""

import math
from bisect import bisect_left
from typing import Any, Callable, Dict, List, Optional, Sequence

from routertop_ray import contract
from routertop_ray.clock import BridgeClock
from routertop_ray.columns import BoundedColumns
from routertop_ray.recording import FAILURE_REASONS, PROBE_ANSWERS, SEND_OUTCOMES, RecordingCopy

JSON = Dict[str, Any]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def _s(seconds: float) -> float:
    return round(seconds, 6)


def _start(copy: RecordingCopy) -> float:
    start = max(copy.now - copy.limits.window_s, 0.0)
    for log in (copy.arrivals, copy.sends, copy.probes, copy.requests):
        if log.dropped > 0 and log.count and log.oldest_time() > start:
            start = log.oldest_time()
    # Down to the microsecond the JSON keeps, so no event kept rounds to before the start.
    return math.floor(start * 1e6) / 1e6


def _counts(arrivals: int, sends: int, probes: int, requests: int, changes: int) -> JSON:
    return {"arrivals": arrivals, "sends": sends, "probes": probes, "requests": requests, "changes": changes}


def _percentile(values: List[float], fraction: float) -> Optional[float]:
    if not values:
        return None
    rank = max(math.ceil(fraction * len(values)) - 1, 0)
    return values[min(rank, len(values) - 1)]


def _observed(copy: RecordingCopy, start: float, arrivals: int) -> JSON:
    at, waited, tries, failure = copy.requests.ordered_columns()
    waits: List[float] = []
    attempts = 0
    failures: Dict[str, int] = {}
    for index in range(bisect_left(at, start), len(at)):
        code = failure[index]
        if code >= 0:
            reason = FAILURE_REASONS[code]
            failures[reason] = failures.get(reason, 0) + 1
        else:
            waits.append(waited[index])
            attempts += tries[index]
    waits.sort()
    first = next((row for row in copy.counters.rows() if row[0] >= start), None)
    shaped: JSON = {
        "arrivals": arrivals,
        "fulfilled": len(waits),
        "failed_attempts": copy.failed_attempts - int(first[1]) if first else 0,
        "backoff_sleeps": copy.backoff_sleeps - int(first[2]) if first else 0,
        "failures": failures,
    }
    if waits:
        shaped["fulfillment_p50_ms"] = _ms(_percentile(waits, 0.5) or 0.0)
        shaped["fulfillment_p99_ms"] = _ms(_percentile(waits, 0.99) or 0.0)
        shaped["attempts_per_request"] = attempts / len(waits)
    return shaped


def _per_replica(log: BoundedColumns, start: float, index: Dict[int, int], count: int,
                 value: Callable[[float], Any], word: Sequence[str]) -> List[JSON]:
    """Each included replica's entries at or after `start`, in time order, as the schema's three columns."""
    at, second, replica, code = log.ordered_columns()
    # Stored as they ended: sorted by when they began.
    order = sorted((i for i in range(len(at)) if at[i] >= start), key=at.__getitem__)
    columns: List[List[list]] = [[[], [], []] for _ in range(count)]
    for i in order:
        position = index.get(replica[i])
        if position is not None:
            times, values, words = columns[position]
            times.append(_ms(at[i]))
            values.append(value(second[i]))
            words.append(word[code[i]])
    return columns  # type: ignore[return-value]


def recording_json(copy: RecordingCopy, clock: BridgeClock) -> JSON:
    """`GET /v1/recording`."""
    now = copy.now
    start = _start(copy)
    included = sorted(number for number, track in copy.tracks.items()
                      if track.removed_s is None or track.removed_s >= start)
    index = {number: position for position, number in enumerate(included)}
    arrival_at, arrival_model = copy.arrivals.ordered_columns()
    first = bisect_left(arrival_at, start)
    sends = _per_replica(copy.sends, start, index, len(included), _ms, SEND_OUTCOMES)
    probes = _per_replica(copy.probes, start, index, len(included), lambda trip: None if trip < 0 else _ms(trip),
                          PROBE_ANSWERS)
    replicas: List[JSON] = []
    for position, number in enumerate(included):
        track = copy.tracks[number]
        replica: JSON = {
            "id": track.replica_id, "node": track.node, "zone": track.zone,
            "configured_max": track.configured_max,
            # Ray's replicas make no report of their own limit: the configured one is the effective one.
            "effective_max": track.configured_max,
            "answers_probes": True,
            "sends": dict(zip(("at_ms", "duration_ms", "outcome"), sends[position])),
            "probes": dict(zip(("at_ms", "round_trip_ms", "answer"), probes[position])),
            "unavailable": [{"from_s": _s(w[0] or 0.0), **({"to_s": _s(w[1])} if w[1] is not None else {})}
                            for w in track.unavailable if (w[1] if w[1] is not None else now) >= start],
        }
        if track.dead_s is not None:
            replica["dead_at_s"] = _s(track.dead_s)
        replicas.append(replica)
    settings = dict(copy.base_settings)
    changes: List[JSON] = []
    for change in copy.changes:
        if change.at_s < start:
            if change.settings is not None:
                settings = dict(change.settings)
            continue
        shaped: JSON = {"at_s": _s(change.at_s), "kind": change.kind}
        if change.replica is not None:
            shaped["replica"] = change.replica
        if change.settings is not None:
            shaped["settings"] = contract.settings(change.settings)
        changes.append(shaped)
    limits = copy.limits
    return {
        "window_s": limits.window_s,
        "start_s": _s(start),
        "end_s": _s(now),
        "start_utc": clock.utc(start),
        "end_utc": clock.utc(now),
        "memory_bound_bytes": copy.memory_bound_bytes,
        "limits": _counts(limits.arrivals, limits.sends, limits.probes, limits.requests, limits.changes),
        "dropped": _counts(copy.arrivals.dropped, copy.sends.dropped, copy.probes.dropped, copy.requests.dropped,
                           copy.changes_dropped),
        "random_state": list(copy.random_state),
        "settings": contract.settings(settings),
        "options": copy.options.json(),
        "models": list(copy.models),
        "arrivals": {"at_ms": [_ms(at) for at in arrival_at[first:]], "model": arrival_model[first:].tolist()},
        "replicas": replicas,
        "changes": changes,
        "observed": _observed(copy, start, len(arrival_at) - first),
    }
