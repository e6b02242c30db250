"""The bridge's timeline: seconds since the bridge started (monotonic), and wall-clock UTC beside it."""

import time
from datetime import datetime, timezone
from typing import Callable


def utc_text(wall_s: float) -> str:
    """RFC 3339 UTC to the millisecond: `2026-12-01T10:14:03.123Z` (as routertop's journal writes it)."""
    millis = int(wall_s * 1000)
    moment = datetime.fromtimestamp(millis // 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{millis % 1000:03d}Z"


class BridgeClock:
    """Engine time for one router: monotonic seconds since start, convertible to UTC and from Ray's wall times."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic,
                 wall: Callable[[], float] = time.time) -> None:
        self._monotonic = monotonic
        self._wall = wall
        self._start_mono = monotonic()
        self._start_wall = wall()

    def now(self) -> float:
        """Engine seconds now."""
        return self._monotonic() - self._start_mono

    def wall(self) -> float:
        """Wall-clock seconds since the epoch now."""
        return self._wall()

    def utc(self, engine_s: float) -> str:
        """The UTC moment of an engine time."""
        return utc_text(self._start_wall + engine_s)

    def from_wall(self, wall_s: float) -> float:
        """The engine time of a wall-clock moment (Ray stamps requests with `time.time()`)."""
        return wall_s - self._start_wall
