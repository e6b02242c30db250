"""Delta snapshots (`view=delta`), as routertop's `RouterSnapshot.delta(after:)` makes them.

`routertop attach` reads these: the stream's first line is the whole snapshot; later lines carry every
router-level figure whole, and of the replicas and events only what changed since the line before: the
rows that differ (each whole), the replicas gone, their count, and the events not sent before. A cache
entry's age grows with the clock, so a row whose only change is that age is not sent: the client ages
the rows it keeps by the time between lines.
"""

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

JSON = Dict[str, Any]

# The clock is read for the time and again for each cache age, and both are rounded: an aged age
# within this many milliseconds of the new one is the same entry (as routertop's deltaAgeTolerance).
_AGE_TOLERANCE_MS = 50.0


@dataclass
class DeltaMark:
    """What a delta stream has sent so far: when, the last event and each replica's row; no rows before
    the first line."""

    time_s: float = 0.0
    events_after: int = 0
    replicas: Optional[Dict[str, JSON]] = None


def _same(sent: Mapping[str, Any], row: Mapping[str, Any], elapsed_ms: float) -> bool:
    """True when `row` is `sent` but for its cache entry having aged by `elapsed_ms`."""
    before, after = sent.get("cache_age_ms"), row.get("cache_age_ms")
    if (before is None) != (after is None):
        return False
    if before is not None and abs(before + elapsed_ms - after) > _AGE_TOLERANCE_MS:
        return False
    return all(sent.get(key) == value for key, value in row.items() if key != "cache_age_ms") and len(sent) == len(row)


def delta(snapshot: Mapping[str, Any], mark: DeltaMark) -> Tuple[JSON, DeltaMark]:
    """`snapshot` as a delta stream's next line after `mark` (a fresh mark: the whole snapshot), and the
    mark it leaves."""
    events: List[JSON] = list(snapshot.get("events", []))
    replicas: List[JSON] = list(snapshot.get("replicas", []))
    rows = {row["id"]: row for row in replicas}
    following = DeltaMark(snapshot["time_s"], events[-1]["sequence"] if events else mark.events_after, rows)
    if mark.replicas is None:
        return dict(snapshot), following
    elapsed_ms = (snapshot["time_s"] - mark.time_s) * 1000
    shaped = dict(snapshot)
    shaped["view"] = "delta"
    shaped["replicas"] = [row for row in replicas
                          if row["id"] not in mark.replicas or not _same(mark.replicas[row["id"]], row, elapsed_ms)]
    shaped["replicas_gone"] = sorted(set(mark.replicas) - set(rows))
    shaped["replica_count"] = len(replicas)
    shaped["events"] = [event for event in events if event["sequence"] > mark.events_after]
    return shaped, following
