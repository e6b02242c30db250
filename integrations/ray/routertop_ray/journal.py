"""The change journal on disk, as routertop keeps it: one JSON object a line, fsync'd before the change applies.

Same location rules (`$XDG_STATE_HOME/routertop/NAME.journal.jsonl`, else `~/.local/state/routertop/…`),
same rotation (10 MiB, five files in all), same numbering across restarts, and a torn last line is
reported and closed, never fatal.
"""

import json
import os
import threading
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from routertop_ray.clock import utc_text

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_KEEP = 5


def journal_directory(environment: Mapping[str, str]) -> str:
    state = environment.get("XDG_STATE_HOME", "")
    if state:
        return os.path.join(state, "routertop")
    home = environment.get("HOME") or os.path.expanduser("~")
    return os.path.join(home, ".local", "state", "routertop")


def journal_path(name: str, environment: Mapping[str, str]) -> str:
    """Where the router called `name` (its control socket's name) journals."""
    return os.path.join(journal_directory(environment), f"{name}.journal.jsonl")


class JournalWriteError(Exception):
    """An entry that could not be written; the change it describes is refused."""


class JournalFile:
    """Appends from the bridge thread and the router loop, reads from the API: both under one lock."""

    def __init__(self, path: str, max_bytes: int = DEFAULT_MAX_BYTES, keep: int = DEFAULT_KEEP,
                 wall: Optional[Callable[[], float]] = None) -> None:
        import time

        self.path = path
        self._max_bytes = max_bytes
        self._keep = max(keep, 1)
        self._wall = wall or time.time
        self._lock = threading.Lock()
        directory = os.path.dirname(path)
        if directory:
            try:
                os.makedirs(directory, mode=0o700, exist_ok=True)
            except OSError as error:
                raise JournalWriteError(f"the journal {path}: its directory cannot be created ({error.strerror})")
        try:
            self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as error:
            raise JournalWriteError(f"the journal {path} cannot be opened for appending ({error.strerror})")
        entries, problems = read_files([path])
        self.opening_problems = problems
        self._size = os.lseek(self._fd, 0, os.SEEK_END)
        with open(path, "rb") as existing:
            data = existing.read()
        if data and not data.endswith(b"\n"):
            lines = data.count(b"\n") + 1
            self.opening_problems = [p for p in problems if not p.startswith(f"{path}:{lines}:")]
            torn = len(data) - (data.rfind(b"\n") + 1)
            self.opening_problems.append(
                f"{path}:{lines}: the last line is torn ({torn} bytes without an end); it is skipped, nothing else is lost")
            os.write(self._fd, b"\n")
            os.fsync(self._fd)
            self._size += 1
        self._last = entries[-1]["sequence"] if entries else 0
        if self._last == 0:
            rotated, _ = read_files(list(reversed(rotated_paths(path, self._keep))))
            self._last = rotated[-1]["sequence"] if rotated else 0

    def close(self) -> None:
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1

    def append(self, entry: Dict[str, Any]) -> Dict[str, Any]:
        """Writes `entry` durably with its number and time; returns it as written."""
        with self._lock:
            written = dict(entry)
            written["sequence"] = self._last + 1
            written["time_utc"] = utc_text(self._wall())
            line = (json.dumps(written, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n").encode()
            if self._size > 0 and self._size + len(line) > self._max_bytes:
                self._rotate()
            try:
                if os.write(self._fd, line) != len(line):
                    raise JournalWriteError(f"{self.path}: writing failed (short write)")
                os.fsync(self._fd)
            except OSError as error:
                raise JournalWriteError(f"{self.path}: writing failed ({error.strerror})")
            self._size += len(line)
            self._last = written["sequence"]
            return written

    def read(self, after: int = 0) -> Tuple[List[Dict[str, Any]], List[str]]:
        """The entries numbered after `after`, oldest first, and what was wrong with the journal at start."""
        with self._lock:
            files = list(reversed(rotated_paths(self.path, self._keep))) + [self.path]
        entries, _ = read_files(files)
        return [entry for entry in entries if entry["sequence"] > after], list(self.opening_problems)

    def _rotate(self) -> None:
        rotated = rotated_paths(self.path, self._keep)
        if rotated:
            try:
                os.unlink(rotated[-1])
            except FileNotFoundError:
                pass
            for index in range(len(rotated) - 1, 0, -1):
                if os.path.exists(rotated[index - 1]):
                    os.rename(rotated[index - 1], rotated[index])
            os.rename(self.path, rotated[0])
        else:
            os.unlink(self.path)
        fresh = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
        os.close(self._fd)
        self._fd = fresh
        self._size = 0


def rotated_paths(path: str, keep: int) -> List[str]:
    """`PATH.1` … `PATH.(keep-1)`, newest first."""
    return [f"{path}.{index}" for index in range(1, keep)]


def read_files(files: List[str]) -> Tuple[List[Dict[str, Any]], List[str]]:
    """Every line that is an entry, and a `FILE:LINE: reason` for each that is not; missing files are skipped."""
    entries: List[Dict[str, Any]] = []
    problems: List[str] = []
    for file in files:
        try:
            with open(file, "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        for number, line in enumerate(data.split(b"\n"), start=1):
            if not line:
                continue
            try:
                entry = json.loads(line)
                if not isinstance(entry, dict):
                    raise ValueError("not an entry")
                # Journals written before the version-1 contract named these `seq` and `time`.
                if "sequence" not in entry and "seq" in entry:
                    entry["sequence"] = entry.pop("seq")
                if "time_utc" not in entry and "time" in entry:
                    entry["time_utc"] = entry.pop("time")
                if not isinstance(entry.get("sequence"), int):
                    raise ValueError("not an entry")
            except ValueError:
                problems.append(f"{file}:{number}: not a journal entry (a write cut short?); skipped")
                continue
            entries.append(entry)
    return entries, problems


def settings_after(sequence: int, entries: List[Dict[str, Any]]) -> Optional[Dict[str, float]]:
    """The settings in force just after entry `sequence`: the new value of the last applied settings change."""
    if not any(entry["sequence"] == sequence for entry in entries):
        return None
    chosen = None
    for entry in entries:
        if entry["sequence"] <= sequence and entry.get("result") == "applied" and entry.get("what") == "settings" \
                and isinstance(entry.get("new"), dict):
            chosen = entry["new"]
    return chosen
