"""The control API's JSON, version 1: every shape the bridge sends is made here and nowhere else.

It follows `api/control-v1.schema.json` (snake_case, ids as strings, durations as numbers with the unit in
the key, enums as strings, UTC beside engine time), so routertop's dashboard reads a Ray Serve router as
it reads its own.
"""

import os
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence

from routertop_ray.clock import BridgeClock
from routertop_ray.event_log import Event
from routertop_ray.observer import ObserverFigures
from routertop_ray.records import ReplicaRecord, RequestRecord

SCHEMA_VERSION = 1
JSON = Dict[str, Any]


@dataclass(frozen=True)
class RouterIdentity:
    """Which Ray Serve router this is."""

    application: str
    deployment: str
    handle_source: str
    node_id: str
    actor_id: str
    pid: int
    name: str
    ray_version: str = ""

    def json(self) -> JSON:
        return _without_none({
            "kind": "ray",
            "name": self.name,
            "application": self.application,
            "deployment": self.deployment,
            "handle_source": self.handle_source,
            "node_id": self.node_id or None,
            "actor_id": self.actor_id or None,
            "pid": self.pid,
            "ray_version": self.ray_version or None,
        })


@dataclass
class RayFigures:
    """What Ray's router itself says, read on its loop in the snapshot pass."""

    ray_version: str
    settings_path: str
    routing_tasks: int
    target_routing_tasks: int
    max_routing_tasks: int
    tasks_in_backoff: int
    pending_requests: int
    backoff_in_force: Dict[str, float]
    cache: Dict[str, Any]
    node_id: str
    availability_zone: str
    prefer_local_node: bool
    prefer_local_zone: bool


def error(message: str) -> JSON:
    return {"error": message}


def command_result(done: bool, message: str) -> JSON:
    return {"result": "done" if done else "refused", "message": message}


def settings(values: Mapping[str, float]) -> JSON:
    return dict(values)


def event(item: Event, clock: BridgeClock) -> JSON:
    shaped: JSON = {
        "sequence": item.sequence,
        "time_s": round(item.time_s, 6),
        "time_utc": clock.utc(item.time_s),
        "kind": item.kind,
        "message": item.message,
    }
    if item.change is not None:
        shaped["change"] = item.change
    return shaped


def events_reply(items: Sequence[Event], missed: int, clock: BridgeClock) -> JSON:
    return {"events": [event(item, clock) for item in items], "missed": missed}


def change(what: str, verb: str, old: Any, new: Any, target: Optional[str] = None) -> JSON:
    """A typed change, as events and journal entries carry it."""
    shaped: JSON = {"what": what, "verb": verb, "old": old, "new": new}
    if target is not None:
        shaped["target"] = target
    return shaped


def who(login: str, uid: Optional[int], via: str) -> JSON:
    shaped: JSON = {"login": login, "via": via}
    if uid is not None:
        shaped["uid"] = uid
    return shaped


def journal_entry(who_json: JSON, change_json: JSON, applied: bool, reason: Optional[str] = None,
                  note: Optional[str] = None, rollout: Optional[JSON] = None) -> JSON:
    """A journal line before the journal numbers and times it (`sequence`, `time_utc`)."""
    entry: JSON = {"who": who_json, **change_json, "result": "applied" if applied else "refused"}
    if reason is not None:
        entry["reason"] = reason
    if note is not None:
        entry["note"] = note
    if rollout is not None:
        entry["rollout"] = rollout
    return entry


def journal_reply(entries: List[JSON], path: str, problems: List[str]) -> JSON:
    return {"entries": entries, "path": path, "problems": problems}


def _ms(seconds: Optional[float]) -> Optional[float]:
    return None if seconds is None else round(seconds * 1000, 3)


def request_id(number: int) -> str:
    return f"req-{number}"


def task_id(number: int) -> str:
    return f"task-{number}"


def trace(record: RequestRecord, clock: BridgeClock) -> JSON:
    shaped: JSON = {
        "request_id": request_id(record.number),
        "admitted_ms": _ms(record.admitted_s),
        "admitted_utc": clock.utc(record.admitted_s),
        "attempts": [
            _without_none({
                "number": attempt.number,
                "tier": attempt.tier,
                "started_ms": _ms(attempt.started_s),
                "task_id": task_id(attempt.task),
                "candidates": [
                    _without_none({
                        "replica": candidate.replica,
                        "cache_length": candidate.cache_length,
                        "cache_age_ms": _ms(candidate.cache_age_s),
                        "max_ongoing_requests": candidate.max_ongoing_requests,
                        "probe": None if candidate.probe_outcome is None else _without_none({
                            "deadline_ms": _ms(candidate.probe_deadline_s),
                            "outcome": candidate.probe_outcome,
                            "length": candidate.probe_length,
                            "round_trip_ms": _ms(candidate.probe_round_trip_s),
                        }),
                    })
                    for candidate in attempt.candidates
                ],
                "choice": attempt.choice,
                "handed_to": attempt.handed_to,
                "wait_ms": _ms(attempt.wait_s),
            })
            for attempt in record.attempts
        ],
        "sends": [
            _without_none({
                "replica": send.replica,
                "at_ms": _ms(send.at_s),
                "found_for": send.found_for,
                "outcome": send.outcome,
                "ended_ms": _ms(send.ended_s),
                "requeue": send.requeue,
            })
            for send in record.sends
        ],
    }
    if record.request_id:
        shaped["external_id"] = record.request_id
    if record.attempts_omitted:
        shaped["attempts_omitted"] = record.attempts_omitted
    if record.outcome is not None:
        shaped["outcome"] = record.outcome
    if record.replica is not None:
        shaped["replica"] = record.replica
    if record.finished_s is not None:
        shaped["finished_ms"] = _ms(record.finished_s)
    return shaped


def traces_reply(records: Sequence[RequestRecord], capacity: int, evicted: int, clock: BridgeClock) -> JSON:
    return {"capacity": capacity, "evicted": evicted, "traces": [trace(record, clock) for record in records]}


def _without_none(shaped: JSON) -> JSON:
    return {key: value for key, value in shaped.items() if value is not None}


def percentile(sorted_values: List[float], fraction: float) -> Optional[float]:
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, int(round(fraction * (len(sorted_values) - 1)))))
    return sorted_values[index]


def latency_summary(values: List[float], count: int) -> JSON:
    ordered = sorted(values)
    return _without_none({
        "count": count,
        "p50_ms": _ms(percentile(ordered, 0.5)),
        "p90_ms": _ms(percentile(ordered, 0.9)),
        "p99_ms": _ms(percentile(ordered, 0.99)),
        "max_ms": _ms(ordered[-1] if ordered else None),
    })


def replica(record: ReplicaRecord, cache: Mapping[str, Any], now: float) -> JSON:
    entry = cache.get(record.replica_id)
    queue_length = entry[0] if entry is not None else record.in_flight
    current = int(now)
    history = {row[0]: row[1] for row in record.per_second}
    rate_history = [float(history.get(second, 0)) for second in range(current - 60, current)]
    return _without_none({
        "id": record.replica_id,
        "node": record.node_id,
        "zone": record.availability_zone,
        "state": record.state,
        "max_ongoing_requests": record.max_ongoing_requests,
        "queue_length": queue_length,
        "queue_source": "cache" if entry is not None else "local",
        "cache_age_ms": _ms(entry[1]) if entry is not None else None,
        "in_flight": record.in_flight,
        "routed": record.routed,
        "completed": record.completed,
        "rejected": record.rejected,
        "full_answers": 0,
        "errors": 0,
        "probe_timeouts": record.probe_timeouts,
        "last_probe_timed_out": record.last_probe_timed_out,
        "retries_attributed": record.retries_attributed,
        "probe_rtt_ms": _ms(record.probe_round_trip_s),
        "rate_per_s": rate_history[-1] if rate_history else 0.0,
        "rate_history_per_s": rate_history,
    })


def snapshot(identity: RouterIdentity, clock: BridgeClock, live: Mapping[str, float], startup: Mapping[str, float],
             figures: Optional[ObserverFigures], ray: Optional[RayFigures], events: Sequence[Event],
             trial: Optional[JSON], stalled: Optional[str], bridge_errors: Mapping[str, int]) -> JSON:
    """One snapshot; with `stalled` the figures are the last ones the loop gave (None before any)."""
    now = figures.time_s if figures is not None and stalled is None else clock.now()
    shaped: JSON = {
        "schema_version": SCHEMA_VERSION,
        "router": identity.json(),
        "time_s": round(now, 6),
        "time_utc": clock.utc(now),
        "settings": settings(live),
        "startup_settings": settings(startup),
        "legacy_backoff": False,
        "events": [event(item, clock) for item in events],
    }
    if trial is not None:
        shaped["trial"] = trial
    errors = dict(bridge_errors)
    if figures is not None:
        for hook, count in figures.hook_errors.items():
            errors[hook] = errors.get(hook, 0) + count
    last_error = ", ".join(f"{hook} ×{count}" for hook, count in sorted(errors.items())) or None
    if figures is None or ray is None:
        shaped.update(_empty_figures())
        shaped["observer"] = _without_none({
            "loop_stalled": stalled is not None, "hook_errors": sum(errors.values()), "last_hook_error": last_error,
            "notes": [stalled] if stalled else None,
        })
        return shaped
    oldest_age = max((now - admitted for _, admitted, _ in figures.pending), default=None)
    timers = []
    for task in sorted(figures.tasks, key=lambda t: t.in_backoff_since_s if t.in_backoff_since_s is not None else now):
        if task.failed_attempts == 0 or task.request is None:
            continue
        timer: JSON = {
            "task_id": task_id(task.number),
            "request_id": request_id(task.request.number),
            "failed_attempts": task.failed_attempts,
            "wait_ms": _ms(task.sleep_wait_s or 0.0),
            "in_backoff_since_s": round(task.in_backoff_since_s if task.in_backoff_since_s is not None else now, 6),
        }
        if task.sleep_since_s is not None and task.sleep_wait_s is not None:
            timer["wake_at_s"] = round(task.sleep_since_s + task.sleep_wait_s, 6)
        timers.append(timer)
    shaped.update({
        "locality": {"node": ray.node_id, "zone": ray.availability_zone, "prefer_local": ray.prefer_local_node},
        "totals": {
            "admitted": figures.admitted,
            "completed": figures.completed,
            "failed": {"cancelled": figures.cancelled} if figures.cancelled else {},
            "pending": len(figures.pending),
            "running": figures.running,
        },
        "routing_tasks": ray.routing_tasks,
        "max_routing_tasks": ray.max_routing_tasks,
        "tasks_in_backoff": ray.tasks_in_backoff,
        # Each task in one state: a task retrying after a failure counts in tasks_in_backoff only.
        "tasks_probing": sum(1 for task in figures.tasks if task.probing and task.failed_attempts == 0),
        "rate_in_per_s": figures.rate_in,
        "rate_out_per_s": figures.rate_out,
        "rate_failed_per_s": figures.rate_failed,
        "fulfillment": latency_summary(figures.fulfilment_s, figures.fulfilment_count),
        "replicas": [replica(record, ray.cache, now) for record in figures.replicas],
        "backoff_timers": timers,
        "probe_waits": [],
        "attempts_histogram": [{"attempts": attempts, "requests": requests}
                               for attempts, requests in sorted(figures.attempts_histogram.items())],
        "retries": {
            "failed_attempts": figures.failed_attempts,
            "backoff_sleeps": figures.backoff_sleeps,
            "reroutes": figures.reroutes,
            "warnings": figures.warnings,
        },
        "observer": _without_none({
            "loop_stalled": stalled is not None,
            "notes": [stalled] if stalled else None,
            "hook_errors": sum(errors.values()),
            "last_hook_error": last_error,
            "requests_tracked": len(figures.pending) + figures.running,
            "requests_untracked": figures.untracked,
            "oldest_pending_s": round(oldest_age, 6) if oldest_age is not None else None,
            "target_routing_tasks": ray.target_routing_tasks,
            "ray_pending_requests": ray.pending_requests,
            "rejections": figures.rejections,
            "backoff_in_force": ray.backoff_in_force,
            "settings_path": ray.settings_path,
            "traces_evicted": figures.traces_evicted,
        }),
    })
    return shaped


def _empty_figures() -> JSON:
    return {
        "locality": {"node": "", "zone": "", "prefer_local": False},
        "totals": {"admitted": 0, "completed": 0, "failed": {}, "pending": 0, "running": 0},
        "routing_tasks": 0,
        "max_routing_tasks": 0,
        "tasks_in_backoff": 0,
        "tasks_probing": 0,
        "rate_in_per_s": 0.0,
        "rate_out_per_s": 0.0,
        "rate_failed_per_s": 0.0,
        "fulfillment": {"count": 0},
        "replicas": [],
        "backoff_timers": [],
        "probe_waits": [],
        "attempts_histogram": [],
        "retries": {"failed_attempts": 0, "backoff_sleeps": 0, "reroutes": 0, "warnings": 0},
    }


def process_id() -> int:
    return os.getpid()
