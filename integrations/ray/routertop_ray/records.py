"""What the bridge remembers of requests, attempts and replicas: plain records, owned by the router's loop."""

from collections import deque
from dataclasses import dataclass, field
from typing import Any, Deque, List, Optional


@dataclass
class CandidateRecord:
    """One candidate of an attempt: the cache entry when the attempt began, and the probe it waited for."""

    replica: str
    max_ongoing_requests: int
    cache_length: Optional[int] = None
    cache_age_s: Optional[float] = None
    probe_outcome: Optional[str] = None
    probe_length: Optional[int] = None
    probe_round_trip_s: Optional[float] = None
    probe_deadline_s: Optional[float] = None


@dataclass
class AttemptRecord:
    """One `choose_replicas` call for a request: where it drew from, what it knew, what it chose."""

    number: int
    tier: str
    started_s: float
    task: int
    candidates: List[CandidateRecord]
    choice: Optional[str] = None
    handed_to: Optional[str] = None
    wait_s: Optional[float] = None


@dataclass
class SendRecord:
    """One assignment of the request to a replica and how it ended."""

    replica: str
    at_s: float
    found_for: Optional[str] = None
    # Whether Ray waits for the replica to accept or refuse (the rejection protocol) before it counts.
    expects_verdict: bool = True
    accepted: bool = False
    outcome: Optional[str] = None
    ended_s: Optional[float] = None
    requeue: Optional[str] = None


@dataclass
class RequestRecord:
    """A request in the router, and then its decision trace."""

    number: int
    request_id: str
    internal_id: str
    admitted_s: float
    key: int = 0
    # The PendingRequest, held while the request is in flight so its `id()` keys it uniquely.
    handle: Any = None
    attempts: List[AttemptRecord] = field(default_factory=list)
    sends: List[SendRecord] = field(default_factory=list)
    attempt_count: int = 0
    attempts_omitted: int = 0
    routed_s: Optional[float] = None
    # When it reached the router (engine time, not Ray's creation stamp): its arrival in the recording.
    arrived_s: float = 0.0
    outcome: Optional[str] = None
    replica: Optional[str] = None
    finished_s: Optional[float] = None

    @property
    def waiting_for_replica(self) -> bool:
        """True while no replica holds the request (it is pending in Ray's queue)."""
        return self.outcome is None and (not self.sends or self.sends[-1].outcome is not None)

    def current_send(self) -> Optional[SendRecord]:
        if self.sends and self.sends[-1].outcome is None:
            return self.sends[-1]
        return None


@dataclass
class TaskRecord:
    """A routing task of Ray's and the request it routes now."""

    number: int
    request: Optional[RequestRecord] = None
    attempt: Optional[AttemptRecord] = None
    # Failed attempts for its current request, and when the first one failed.
    failed_attempts: int = 0
    in_backoff_since_s: Optional[float] = None
    sleep_wait_s: Optional[float] = None
    sleep_since_s: Optional[float] = None
    probing: bool = False


@dataclass
class ReplicaRecord:
    """What the bridge counts for one replica of the deployment."""

    replica_id: str
    node_id: str
    availability_zone: str
    max_ongoing_requests: int
    state: str = "healthy"
    routed: int = 0
    completed: int = 0
    rejected: int = 0
    in_flight: int = 0
    probe_timeouts: int = 0
    last_probe_timed_out: bool = False
    probe_round_trip_s: Optional[float] = None
    retries_attributed: int = 0
    left_s: Optional[float] = None
    models: List[str] = field(default_factory=list)
    # Requests routed to it, by engine second, for its rate and rate history.
    per_second: Deque[List[int]] = field(default_factory=lambda: deque(maxlen=62))
