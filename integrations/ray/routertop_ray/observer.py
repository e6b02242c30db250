"""What the bridge learns from Ray's router hooks, kept bounded, on the router's loop only.

Every method runs on the router's event loop (the hooks call them), so nothing here takes a lock; the
snapshot pass (`capture`) copies what the bridge thread needs in one short step on that loop. Ray's
objects never reach this module: the router adapter hands it strings and numbers, so it is tested
without Ray.
"""

from collections import deque
from dataclasses import dataclass, field
from typing import Any, Deque, Dict, Iterable, List, Optional, Tuple

from routertop_ray.event_log import EventLog
from routertop_ray.recording import TrafficRecorder
from routertop_ray.settings import default_settings
from routertop_ray.records import (
    AttemptRecord,
    CandidateRecord,
    ReplicaRecord,
    RequestRecord,
    SendRecord,
    TaskRecord,
)

TRACES_KEPT = 1000
# Requests in flight tracked one by one; beyond it the oldest is dropped from tracking and counted.
IN_FLIGHT_TRACKED = 10_000
# Attempts kept in one trace (the earliest beyond it are counted as omitted).
ATTEMPTS_PER_TRACE = 64
FULFILMENT_WINDOW = 1000
# Replicas that left stay in the snapshot for a while, shown gone, so an operator sees what happened.
DEPARTED_SHOWN_S = 60.0
DEPARTED_KEPT = 100
RATE_WINDOW_S = 5
# The recording's probe answers for the router adapter's probe outcomes.
PROBE_ANSWER = {"length": "queue_length", "timeout": "timeout", "dead": "dead", "unavailable": "unavailable"}


@dataclass(frozen=True)
class ReplicaInfo:
    """A replica as Ray describes it to the router."""

    replica_id: str
    node_id: str
    availability_zone: str
    max_ongoing_requests: int
    models: Tuple[str, ...] = ()


@dataclass(frozen=True)
class CandidateInfo:
    """A candidate of an attempt with its cache entry (length and age), if any."""

    replica_id: str
    max_ongoing_requests: int
    cache_length: Optional[int]
    cache_age_s: Optional[float]


@dataclass
class ObserverFigures:
    """A copy of everything the snapshot needs, taken on the loop in one pass."""

    time_s: float
    replicas: List[ReplicaRecord]
    tasks: List[TaskRecord]
    pending: List[Tuple[str, float, int]]
    admitted: int
    completed: int
    cancelled: int
    running: int
    failed_attempts: int
    backoff_sleeps: int
    rejections: int
    reroutes: int
    warnings: int
    untracked: int
    attempts_histogram: Dict[int, int]
    fulfilment_s: List[float]
    fulfilment_count: int
    rate_in: float
    rate_out: float
    rate_failed: float
    traces_evicted: int
    hook_errors: Dict[str, int]
    wait_buckets: List[float] = field(default_factory=list)


class Observer:
    """Requests in flight, routing tasks, replicas, counters and the last 1,000 decision traces."""

    def __init__(self, events: EventLog, recorder: Optional[TrafficRecorder] = None) -> None:
        self._events = events
        # The last minute of traffic, for what-if replays; the bridge gives it the router's settings at start.
        self.recorder = recorder or TrafficRecorder(default_settings())
        self._requests: Dict[int, RequestRecord] = {}
        self._by_internal_id: Dict[str, RequestRecord] = {}
        self._tasks: Dict[int, TaskRecord] = {}
        self._replicas: Dict[str, ReplicaRecord] = {}
        self._departed: Deque[ReplicaRecord] = deque(maxlen=DEPARTED_KEPT)
        self.traces: Deque[RequestRecord] = deque(maxlen=TRACES_KEPT)
        self.traces_evicted = 0
        self._next_request = 0
        self._next_task = 0
        self.admitted = 0
        self.completed = 0
        self.cancelled = 0
        self.failed_attempts = 0
        self.backoff_sleeps = 0
        self.rejections = 0
        self.reroutes = 0
        self.warnings = 0
        self.untracked = 0
        self.attempts_histogram: Dict[int, int] = {}
        self._fulfilment: Deque[float] = deque(maxlen=FULFILMENT_WINDOW)
        self.fulfilment_count = 0
        # Fulfilment times (s) and backoff waits (s) since the last scrape, drained by /metrics.
        self.fulfilment_unscraped: Deque[float] = deque(maxlen=100_000)
        self.waits_unscraped: Deque[float] = deque(maxlen=100_000)
        self._per_second: Deque[List[int]] = deque(maxlen=RATE_WINDOW_S + 2)
        self.hook_errors: Dict[str, int] = {}

    # Requests -------------------------------------------------------------------------------------

    def request_admitted(self, key: int, handle: Any, request_id: str, internal_id: str, created_s: float,
                         now: float, model: Optional[str] = None) -> RequestRecord:
        """A request entered Ray's queue for the first time."""
        if len(self._requests) >= IN_FLIGHT_TRACKED:
            oldest_key = next(iter(self._requests))
            self._forget(self._requests[oldest_key])
            self.untracked += 1
        self._next_request += 1
        record = RequestRecord(self._next_request, request_id, internal_id,
                               min(created_s, now), key, handle)
        record.arrived_s = now
        self._requests[key] = record
        if internal_id:
            self._by_internal_id[internal_id] = record
        self.admitted += 1
        self._count(now, 0)
        self.recorder.arrival(model, now, self.failed_attempts, self.backoff_sleeps)
        return record

    def request(self, key: int) -> Optional[RequestRecord]:
        return self._requests.get(key)

    def request_requeued(self, key: int, now: float) -> None:
        """Ray routes the request again: the replica it was sent to refused it (or failed before accepting)."""
        record = self._requests.get(key)
        if record is None:
            return
        send = record.current_send()
        if send is not None:
            self._end_send(send, "refused", now, requeue="refused")
        self.reroutes += 1

    def request_routed(self, key: int, replica_id: str, now: float, found_by: Optional[RequestRecord],
                       expects_verdict: bool) -> None:
        """Ray gave the request a replica (it leaves the queue): created → routed is its fulfilment time."""
        record = self._requests.get(key)
        if record is None:
            return
        found_for = f"req-{found_by.number}" if found_by is not None and found_by is not record else None
        record.sends.append(SendRecord(replica_id, now, found_for, expects_verdict))
        if record.routed_s is None:
            record.routed_s = now
            latency = max(0.0, now - record.admitted_s)
            self._fulfilment.append(latency)
            self.fulfilment_unscraped.append(latency)
            self.fulfilment_count += 1
            # A request handed a replica another request's attempt found counts as routed after one attempt.
            bucket = min(max(record.attempt_count, 1), 1000)
            self.attempts_histogram[bucket] = self.attempts_histogram.get(bucket, 0) + 1
        # Each time the request gets a replica (again after a refusal), as routertop's engine counts it, so a
        # replay's figures compare with these.
        self.recorder.fulfilled(now - record.arrived_s, max(record.attempt_count, 1), now)
        replica = self._replicas.get(replica_id)
        if replica is not None:
            replica.routed += 1
            replica.in_flight += 1
            self._count_replica(replica, now)
        if found_by is not None and found_by is not record and found_by.attempts:
            found_by.attempts[-1].handed_to = f"req-{record.number}"

    def request_accepted(self, key: int) -> None:
        """The replica accepted the request (Ray's rejection protocol answered yes)."""
        record = self._requests.get(key)
        send = record.current_send() if record is not None else None
        if send is not None:
            send.accepted = True

    def send_finished(self, internal_id: str, replica_id: str, now: float) -> None:
        """Ray says a request on `replica_id` finished, whatever the outcome: or that a refused send ended."""
        record = self._by_internal_id.get(internal_id)
        if record is None:
            return
        send = record.current_send()
        if send is None or send.replica != replica_id:
            return
        if send.expects_verdict and not send.accepted:
            self._end_send(send, "refused", now, requeue="refused")
            return
        self._end_send(send, "completed", now)
        self.completed += 1
        self._count(now, 1)
        record.replica = replica_id
        self._finish(record, "completed", now)

    def request_cancelled(self, key: int, now: float) -> None:
        """The caller gave up while the request waited for a replica."""
        record = self._requests.get(key)
        if record is None:
            return
        self.cancelled += 1
        self._count(now, 2)
        self.recorder.failed("cancelled", now)
        self._finish(record, "cancelled", now)

    def _end_send(self, send: SendRecord, outcome: str, now: float, requeue: Optional[str] = None) -> None:
        send.outcome = outcome
        send.ended_s = now
        send.requeue = requeue
        self.recorder.send_ended(send.replica, send.at_s, outcome, now)
        replica = self._replicas.get(send.replica)
        if replica is not None:
            replica.in_flight = max(0, replica.in_flight - 1)
            if outcome == "completed":
                replica.completed += 1
            elif outcome == "refused":
                replica.rejected += 1
        if outcome == "refused":
            self.rejections += 1

    def _finish(self, record: RequestRecord, outcome: str, now: float) -> None:
        record.outcome = outcome
        record.finished_s = now
        self._forget(record)
        record.handle = None
        if len(self.traces) == self.traces.maxlen:
            self.traces_evicted += 1
        self.traces.append(record)

    def _forget(self, record: RequestRecord) -> None:
        if self._requests.get(record.key) is record:
            del self._requests[record.key]
        if record.internal_id and self._by_internal_id.get(record.internal_id) is record:
            del self._by_internal_id[record.internal_id]

    # Routing tasks and attempts -------------------------------------------------------------------

    def task(self, key: int) -> TaskRecord:
        task = self._tasks.get(key)
        if task is None:
            self._next_task += 1
            task = TaskRecord(self._next_task)
            self._tasks[key] = task
        return task

    def task_ended(self, key: int) -> None:
        self._tasks.pop(key, None)

    def attempt_started(self, task_key: int, request_key: Optional[int], tier: str,
                        candidates: Iterable[CandidateInfo], now: float) -> Optional[AttemptRecord]:
        """A routing task called `choose_replicas` for a request: one attempt."""
        task = self.task(task_key)
        record = self._requests.get(request_key) if request_key is not None else None
        if record is not task.request:
            task.request = record
            task.failed_attempts = 0
            task.in_backoff_since_s = None
        task.sleep_wait_s = None
        task.sleep_since_s = None
        task.probing = True
        if record is None:
            task.attempt = None
            return None
        record.attempt_count += 1
        attempt = AttemptRecord(
            record.attempt_count, tier, now, task.number,
            [CandidateRecord(c.replica_id, c.max_ongoing_requests, c.cache_length, c.cache_age_s)
             for c in candidates],
        )
        if len(record.attempts) >= ATTEMPTS_PER_TRACE:
            record.attempts.pop(0)
            record.attempts_omitted += 1
        record.attempts.append(attempt)
        task.attempt = attempt
        return attempt

    def attempt_chose(self, task_key: int, replica_id: Optional[str], now: float) -> None:
        """The attempt's candidates were weighed: a replica, or none (the attempt failed)."""
        task = self._tasks.get(task_key)
        if task is None:
            return
        task.probing = False
        attempt = task.attempt
        if attempt is not None:
            attempt.choice = replica_id
        if replica_id is None:
            self.failed_attempts += 1
            task.failed_attempts += 1
            if task.in_backoff_since_s is None:
                task.in_backoff_since_s = now
            if attempt is not None:
                for candidate in attempt.candidates:
                    replica = self._replicas.get(candidate.replica)
                    if replica is not None:
                        replica.retries_attributed += 1
            if task.failed_attempts % 50 == 0:
                self.warnings += 1

    def backoff_started(self, task_key: int, wait_s: float, now: float) -> None:
        """The task sleeps before its next attempt."""
        task = self.task(task_key)
        task.sleep_wait_s = wait_s
        task.sleep_since_s = now
        self.backoff_sleeps += 1
        self.waits_unscraped.append(wait_s)
        if task.attempt is not None:
            task.attempt.wait_s = wait_s

    def probe_answered(self, task_key: Optional[int], replica_id: str, length: Optional[int],
                       round_trip_s: float, deadline_s: float, outcome: str, started_s: Optional[float] = None) -> None:
        """A queue-length probe ended: `length`, `timeout`, `dead` or `unavailable`."""
        if started_s is not None:
            answer = PROBE_ANSWER.get(outcome, "unexpected")
            self.recorder.probe_ended(replica_id, started_s, round_trip_s, answer, started_s + round_trip_s)
        replica = self._replicas.get(replica_id)
        if replica is not None:
            if outcome == "timeout":
                replica.probe_timeouts += 1
                replica.last_probe_timed_out = True
            elif outcome == "length":
                replica.last_probe_timed_out = False
                replica.probe_round_trip_s = round_trip_s
                if replica.state == "unavailable":
                    replica.state = "healthy"
        task = self._tasks.get(task_key) if task_key is not None else None
        attempt = task.attempt if task is not None else None
        if attempt is None:
            return
        for candidate in attempt.candidates:
            if candidate.replica == replica_id and candidate.probe_outcome is None:
                candidate.probe_outcome = outcome
                candidate.probe_length = length
                candidate.probe_round_trip_s = round_trip_s if outcome == "length" else None
                candidate.probe_deadline_s = deadline_s
                break

    # Replicas -------------------------------------------------------------------------------------

    def replicas_updated(self, replicas: Iterable[ReplicaInfo], now: float) -> None:
        """Ray's new replica set: replicas that came are added, those that went are removed."""
        fresh = {info.replica_id: info for info in replicas}
        for replica_id, info in fresh.items():
            known = self._replicas.get(replica_id)
            if known is None:
                self.recorder.replica_added(replica_id, info.node_id, info.availability_zone,
                                            info.max_ongoing_requests, now)
                self._replicas[replica_id] = ReplicaRecord(
                    replica_id, info.node_id, info.availability_zone, info.max_ongoing_requests,
                    models=list(info.models))
                self._events.record("replica", f"{replica_id} added by Ray",
                                    {"what": "replica", "target": replica_id, "verb": "add",
                                     "old": "absent", "new": "present"})
            else:
                known.max_ongoing_requests = info.max_ongoing_requests
                self.recorder.replica_max(replica_id, info.max_ongoing_requests)
                known.models = list(info.models)
        for replica_id in [r for r in self._replicas if r not in fresh]:
            self._depart(replica_id, "removed", now)

    def replica_died(self, replica_id: str, now: float) -> None:
        """Ray found the replica's actor dead: it leaves routing for good."""
        if replica_id in self._replicas:
            self._depart(replica_id, "died", now)

    def replica_unavailable(self, replica_id: str, now: Optional[float] = None) -> None:
        """Ray could not reach the replica for now: its cache entry is dropped, it stays a candidate."""
        if now is not None:
            self.recorder.replica_unavailable(replica_id, now)
        replica = self._replicas.get(replica_id)
        if replica is not None and replica.state != "unavailable":
            replica.state = "unavailable"
            self._events.record("replica", f"{replica_id} unavailable (Ray dropped its cache entry)",
                                {"what": "replica", "target": replica_id, "verb": "unavailable",
                                 "old": "healthy", "new": "unavailable"})

    def _depart(self, replica_id: str, how: str, now: float) -> None:
        if how == "died":
            self.recorder.replica_died(replica_id, now)
        else:
            self.recorder.replica_removed(replica_id, now)
        replica = self._replicas.pop(replica_id)
        replica.state = "dead"
        replica.left_s = now
        self._departed.append(replica)
        words = "died (its actor is gone)" if how == "died" else "removed by Ray"
        self._events.record("replica", f"{replica_id} {words}",
                            {"what": "replica", "target": replica_id, "verb": "remove" if how == "removed" else "died",
                             "old": "present", "new": how})

    def settings_changed(self, settings: Dict[str, float], now: float) -> None:
        """The router's settings changed (the operator's or Ray's): a change in the recording."""
        self.recorder.settings_changed(settings, now)

    # Counting -------------------------------------------------------------------------------------

    def hook_failed(self, hook: str) -> None:
        self.hook_errors[hook] = self.hook_errors.get(hook, 0) + 1

    def _count(self, now: float, column: int) -> None:
        second = int(now)
        if not self._per_second or self._per_second[-1][0] != second:
            self._per_second.append([second, 0, 0, 0])
        self._per_second[-1][column + 1] += 1

    @staticmethod
    def _count_replica(replica: ReplicaRecord, now: float) -> None:
        second = int(now)
        if not replica.per_second or replica.per_second[-1][0] != second:
            replica.per_second.append([second, 0])
        replica.per_second[-1][1] += 1

    def _rates(self, now: float) -> Tuple[float, float, float]:
        """Per second over the last full seconds (up to five)."""
        current = int(now)
        window = [row for row in self._per_second if current - RATE_WINDOW_S <= row[0] < current]
        return tuple(sum(row[column] for row in window) / RATE_WINDOW_S for column in (1, 2, 3))  # type: ignore

    # The snapshot pass ----------------------------------------------------------------------------

    def capture(self, now: float) -> ObserverFigures:
        """Copies the figures; runs on the loop, so it only copies and leaves the shaping to the caller."""
        while self._departed and now - (self._departed[0].left_s or now) > DEPARTED_SHOWN_S:
            self._departed.popleft()
        replicas = [self._copy_replica(r) for r in self._replicas.values()]
        replicas += [self._copy_replica(r) for r in self._departed]
        tasks = [TaskRecord(t.number, t.request, None, t.failed_attempts, t.in_backoff_since_s, t.sleep_wait_s,
                            t.sleep_since_s, t.probing)
                 for t in self._tasks.values() if t.request is not None and t.request.outcome is None]
        pending = [(r.request_id, r.admitted_s, r.attempt_count) for r in self._requests.values()
                   if r.waiting_for_replica]
        running = sum(1 for r in self._requests.values() if r.current_send() is not None)
        rate_in, rate_out, rate_failed = self._rates(now)
        return ObserverFigures(
            time_s=now, replicas=replicas, tasks=tasks, pending=pending, admitted=self.admitted,
            completed=self.completed, cancelled=self.cancelled, running=running,
            failed_attempts=self.failed_attempts, backoff_sleeps=self.backoff_sleeps, rejections=self.rejections,
            reroutes=self.reroutes, warnings=self.warnings, untracked=self.untracked,
            attempts_histogram=dict(self.attempts_histogram), fulfilment_s=list(self._fulfilment),
            fulfilment_count=self.fulfilment_count, rate_in=rate_in, rate_out=rate_out, rate_failed=rate_failed,
            traces_evicted=self.traces_evicted, hook_errors=dict(self.hook_errors),
        )

    @staticmethod
    def _copy_replica(replica: ReplicaRecord) -> ReplicaRecord:
        copy = ReplicaRecord(**{k: v for k, v in vars(replica).items() if k != "per_second"})
        copy.per_second = deque(replica.per_second, maxlen=replica.per_second.maxlen)
        return copy

    def drain_distributions(self) -> Tuple[List[float], List[float]]:
        """The fulfilment times and backoff waits observed since the last call (for /metrics)."""
        fulfilment = list(self.fulfilment_unscraped)
        waits = list(self.waits_unscraped)
        self.fulfilment_unscraped.clear()
        self.waits_unscraped.clear()
        return fulfilment, waits
