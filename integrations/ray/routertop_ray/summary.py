"""Summary snapshots (`view=summary`), as routertop's `RouterSnapshot.summary(after:)` makes them.

A fleet watching many routers reads these: no replica rows, backoff timers or probe waits (their counts
stay), the replica figures a fleet compares (only those changed since the stream's last line) and only
the events not sent before.
"""

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Tuple

FIRST_EVENTS = 20
_FIGURES = ("id", "state", "queue_length", "in_flight", "routed")

JSON = Dict[str, Any]


@dataclass
class SummaryMark:
    """What a summary stream has sent so far: the last event and each replica's figures as last sent."""

    events_after: int = 0
    replicas: Dict[str, JSON] = field(default_factory=dict)


def summary(snapshot: Mapping[str, Any], mark: SummaryMark) -> Tuple[JSON, SummaryMark]:
    """`snapshot` as a summary after `mark` (a fresh mark: everything), and the mark it leaves."""
    shaped = dict(snapshot)
    shaped["view"] = "summary"
    shaped["backoff_timers"] = []
    shaped["probe_waits"] = []
    events: List[JSON] = list(snapshot.get("events", []))
    if mark.events_after == 0:
        shaped["events"] = events[-FIRST_EVENTS:]
    else:
        shaped["events"] = [event for event in events if event["sequence"] > mark.events_after]
    following = SummaryMark(shaped["events"][-1]["sequence"] if shaped["events"] else mark.events_after)
    replicas: List[JSON] = list(snapshot.get("replicas", []))
    changes: List[JSON] = []
    for replica in replicas:
        row = {key: replica[key] for key in _FIGURES}
        following.replicas[row["id"]] = row
        if mark.replicas.get(row["id"]) != row:
            changes.append(row)
    shaped["replicas"] = []
    shaped["replica_changes"] = changes
    shaped["replicas_gone"] = sorted(set(mark.replicas) - set(following.replicas))
    shaped["replica_count"] = len(replicas)
    return shaped, following
