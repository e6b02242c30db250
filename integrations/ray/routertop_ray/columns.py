"""A bounded event log stored as typed columns (`array`), so its memory is known before it fills.

The same rules as routertop's `BoundedLog`: entries older than the window leave by age; when the log
is full the oldest leaves early and is counted in `dropped`. The columns grow up to their capacity and
then wrap around, so a quiet router does not hold the whole bound.
"""

from array import array
from typing import Iterator, List, Sequence, Tuple


class BoundedColumns:
    """At most `capacity` entries of the last window, one column per field; column 0 is the entry's time."""

    def __init__(self, capacity: int, typecodes: str) -> None:
        if capacity < 1 or not typecodes or typecodes[0] != "d":
            raise ValueError("a bounded log needs a capacity ≥ 1 and a time column (typecode d) first")
        self.capacity = capacity
        self._columns: List[array] = [array(code) for code in typecodes]
        self._start = 0
        self.count = 0
        self.dropped = 0

    @property
    def entry_bytes(self) -> int:
        """The bytes one entry takes in the columns."""
        return sum(column.itemsize for column in self._columns)

    @property
    def bound_bytes(self) -> int:
        """The bytes the columns take when full."""
        return self.capacity * self.entry_bytes

    @property
    def slots(self) -> int:
        """The entries the columns have room for now: they grow up to the capacity, never beyond."""
        return len(self._columns[0])

    def _slot(self, index: int) -> int:
        return (self._start + index) % len(self._columns[0])

    def trim(self, horizon: float) -> None:
        """Lets the entries older than `horizon` leave, oldest first, up to the first that is not."""
        times = self._columns[0]
        while self.count and times[self._start] < horizon:
            self._leave()

    def _leave(self) -> None:
        self._start = (self._start + 1) % len(self._columns[0])
        self.count -= 1

    def append(self, entry: Sequence[float], horizon: float) -> None:
        """Adds `entry` (one value per column) after the old ones left; a full log drops its oldest."""
        self.trim(horizon)
        if self.count >= self.capacity:
            self._leave()
            self.dropped += 1
        size = len(self._columns[0])
        if size < self.capacity:
            # Not yet wrapped: the entries are the tail of the columns, so the new one goes at the end.
            for column, value in zip(self._columns, entry):
                column.append(value)
        else:
            slot = (self._start + self.count) % size
            for column, value in zip(self._columns, entry):
                column[slot] = value
        self.count += 1

    def set_last(self, column: int, value: float) -> None:
        """Changes a field of the newest entry (the bridge learns some outcomes just after they end)."""
        if self.count:
            self._columns[column][self._slot(self.count - 1)] = value

    def last(self) -> Tuple[float, ...]:
        slot = self._slot(self.count - 1)
        return tuple(column[slot] for column in self._columns)

    def oldest_time(self) -> float:
        return self._columns[0][self._start]

    def copy(self) -> "BoundedColumns":
        """The entries in order, as a log of their own (a copy of the columns: quick, on the router's loop)."""
        copied = BoundedColumns(max(self.count, 1), "".join(column.typecode for column in self._columns))
        copied._columns = self.ordered_columns()
        copied.count = self.count
        copied.dropped = self.dropped
        return copied

    def ordered_columns(self) -> List[array]:
        """Each column's entries, oldest first, as new arrays."""
        size = len(self._columns[0])
        end = self._start + self.count
        ordered: List[array] = []
        for column in self._columns:
            part = column[self._start:min(end, size)]
            if end > size:
                part.extend(column[:end - size])
            ordered.append(part)
        return ordered

    def rows(self) -> Iterator[Tuple[float, ...]]:
        """The entries, oldest first."""
        for index in range(self.count):
            slot = self._slot(index)
            yield tuple(column[slot] for column in self._columns)
