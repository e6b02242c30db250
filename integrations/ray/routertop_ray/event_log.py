"""The router's event log: the last 200 events, numbered from 1, written from the loop and the bridge thread."""

import threading
from collections import deque
from dataclasses import dataclass
from typing import Any, Deque, Dict, List, Optional, Tuple

from routertop_ray.clock import BridgeClock

EVENTS_KEPT = 200


@dataclass(frozen=True)
class Event:
    """Something an operator should see: a replica change, a settings change, a warning."""

    sequence: int
    time_s: float
    kind: str
    message: str
    change: Optional[Dict[str, Any]] = None


class EventLog:
    """Bounded and numbered; appends are rare (changes, warnings), so a lock costs the loop nothing."""

    def __init__(self, clock: BridgeClock, kept: int = EVENTS_KEPT) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._events: Deque[Event] = deque(maxlen=kept)
        self._last = 0

    def record(self, kind: str, message: str, change: Optional[Dict[str, Any]] = None) -> Event:
        with self._lock:
            self._last += 1
            event = Event(self._last, self._clock.now(), kind, message, change)
            self._events.append(event)
            return event

    def all(self) -> List[Event]:
        with self._lock:
            return list(self._events)

    def after(self, after: int) -> Tuple[List[Event], int]:
        """The events numbered after `after`, and how many in between are no longer kept."""
        with self._lock:
            kept = [event for event in self._events if event.sequence > after]
            last = self._last
        oldest = kept[0].sequence if kept else last + 1
        missed = oldest - after - 1 if oldest > after + 1 else 0
        return kept, missed
