"""The settings' life on one router: changes, undo, trials, reverts and Ray's own pushes, each journaled first.

It follows routertop's `Router+Settings` and `Router+Trial`: validate, journal (a change the journal cannot
take is refused), then apply; a trial reverts by itself unless confirmed, or when the session that started
it ends; while one runs, other changes are refused. Applying means asking the router's loop to take the
values (`apply`), which the bridge does with a deadline so a stalled loop never holds a caller.
"""

import threading
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

from routertop_ray import contract
from routertop_ray import settings as rules
from routertop_ray.clock import BridgeClock
from routertop_ray.errors import ApiError
from routertop_ray.event_log import EventLog
from routertop_ray.journal import JournalFile, JournalWriteError, settings_after

TRIAL_MAX_S = 3600
UNDO_KEPT = 100
# The settings Ray's deployment config carries, which a redeploy pushes to every router.
RAY_PUSHED_KEYS = ("initial_backoff_s", "backoff_multiplier", "max_backoff_s")

Settings = Dict[str, float]


@dataclass(frozen=True)
class Origin:
    """Who asks for a change: a login from the peer's uid, the path it came by, and the rollout it is part of."""

    login: str
    uid: Optional[int]
    via: str
    rollout: Optional[Dict[str, Any]] = None

    def who(self) -> Dict[str, Any]:
        return contract.who(self.login, self.uid, self.via)


RAY_ORIGIN = Origin("ray", None, "ray")


@dataclass
class _Trial:
    previous: Settings
    trial: Settings
    origin: Origin
    seconds: int
    deadline_s: float
    session: Optional[str]
    timer: Optional[threading.Timer] = None


class SettingsController:
    """Owns the live settings; every method may be called from any thread."""

    def __init__(self, startup: Settings, clock: BridgeClock, events: EventLog, journal: Optional[JournalFile],
                 apply: Callable[[Settings], Optional[str]], journal_problem: Optional[str] = None) -> None:
        self._lock = threading.RLock()
        self._live = dict(startup)
        self._startup = dict(startup)
        self._clock = clock
        self._events = events
        self._journal = journal
        self._apply = apply
        # Why the journal could not be opened: then every change is refused, as routertop refuses one it cannot journal.
        self._journal_problem = journal_problem
        self._undo: List[Settings] = []
        self._trial: Optional[_Trial] = None
        self._last_ray_push = {key: startup[key] for key in RAY_PUSHED_KEYS}
        self.changes = 0

    @property
    def live(self) -> Settings:
        with self._lock:
            return dict(self._live)

    @property
    def startup(self) -> Settings:
        with self._lock:
            return dict(self._startup)

    # Commands -------------------------------------------------------------------------------------

    def set(self, new: Settings, origin: Origin) -> Tuple[bool, str]:
        with self._lock:
            return self._change(new, origin, "set")

    def undo(self, origin: Origin) -> Tuple[bool, str]:
        with self._lock:
            refusal = self._trial_refusal()
            if refusal:
                return False, refusal
            if not self._undo:
                return False, "no parameter change to undo"
            previous = self._undo[-1]
            done, message = self._change(previous, origin, "undo", remember=False)
            if done:
                self._undo.pop()
            return done, message

    def trial(self, new: Settings, seconds: int, session: Optional[str], origin: Origin) -> Tuple[bool, str]:
        with self._lock:
            if not 1 <= seconds <= TRIAL_MAX_S:
                return False, f"confirm_within_s={seconds} must be a whole number of seconds from 1 to {TRIAL_MAX_S}"
            if self._trial is not None:
                reason = (f"a trial by {self._trial.origin.login} runs; "
                          "confirm it or let it revert before starting another")
                self._journal_change(contract.change("settings", "trial", self._live, new), origin, False, reason)
                return False, reason
            previous = dict(self._live)
            done, message = self._change(new, origin, "trial", note=f"reverts unless confirmed within {seconds} s")
            if not done or self._live == previous:
                return done, message
            trial = _Trial(previous, dict(new), origin, seconds, self._clock.now() + seconds, session)
            trial.timer = threading.Timer(seconds, self._trial_ran_out, args=(trial,))
            trial.timer.daemon = True
            self._trial = trial
            trial.timer.start()
            return True, f"settings on trial: they revert in {seconds} s unless confirmed"

    def confirm(self, origin: Origin) -> Tuple[bool, str]:
        with self._lock:
            trial = self._trial
            if trial is None:
                return False, "no settings trial runs; there is nothing to confirm"
            self._end_trial()
            kept = contract.change("settings", "confirm", dict(self._live), dict(self._live))
            self._journal_change(kept, origin, True, note=f"trial by {trial.origin.login} kept")
            self._events.record("settings", f"confirm: trial by {trial.origin.login} kept by {origin.login}", kept)
            return True, "trial confirmed: the settings stay"

    def revert(self, sequence: int, origin: Origin) -> Tuple[bool, str]:
        """Back to the settings just after journal entry `sequence`; raises `ApiError` when there are none."""
        if self._journal is None:
            raise ApiError(404, "this router keeps no journal")
        entries, _ = self._journal.read(0)
        if not any(entry["sequence"] == sequence for entry in entries):
            raise ApiError(404, f"the journal has no entry #{sequence}")
        target = settings_after(sequence, entries)
        if target is None:
            raise ApiError(409, f"no settings change was applied at or before #{sequence}; nothing to revert to")
        merged = self.live
        merged.update({key: float(value) for key, value in target.items() if key in merged})
        with self._lock:
            return self._change(merged, origin, "revert", note=f"back to the settings just after #{sequence}")

    def session_ended(self, session: str) -> None:
        """An operator's stream closed: a trial tied to it goes back at once."""
        with self._lock:
            trial = self._trial
            if trial is not None and trial.session == session:
                self._revert_trial(trial, f"the connection of {trial.origin.login} dropped")

    def refused(self, attempted: Settings, origin: Origin, reason: str) -> None:
        """Journals a settings change the validator refused, as routertop does; nothing changes."""
        with self._lock:
            self._journal_change(contract.change("settings", "set", dict(self._live), attempted), origin, False,
                                 reason)

    def ray_pushed(self, pushed: Dict[str, Optional[float]]) -> bool:
        """Ray pushed deployment settings (a redeploy): the newest intent wins.

        Returns whether Ray's values should be applied. A push that repeats Ray's last one is no new intent
        (Ray re-sends the config on unrelated updates): the operator's later change stays.
        """
        with self._lock:
            given = {key: float(value) for key, value in pushed.items() if value is not None and key in RAY_PUSHED_KEYS}
            if all(self._last_ray_push.get(key) == value for key, value in given.items()):
                return False
            self._last_ray_push.update(given)
            new = dict(self._live)
            new.update(given)
            if new == self._live:
                return True
            if self._trial is not None:
                self._end_trial()
            change = contract.change("settings", "ray_update", dict(self._live), new)
            try:
                self._journal_change(change, RAY_ORIGIN, True, note="Ray pushed new deployment settings (a redeploy)",
                                     raise_on_failure=True)
            except JournalWriteError as failure:
                self._events.record("warning", f"journal: {failure}; Ray's settings apply anyway: Ray decides them")
            self._replace(new, change, RAY_ORIGIN, "Ray pushed new deployment settings")
            return True

    # Status ---------------------------------------------------------------------------------------

    def trial_status(self) -> Optional[Dict[str, Any]]:
        with self._lock:
            trial = self._trial
            if trial is None:
                return None
            return {
                "by": trial.origin.login,
                "length_s": trial.seconds,
                "left_s": max(0.0, round(trial.deadline_s - self._clock.now(), 3)),
                "summary": rules.summary(trial.previous, trial.trial),
            }

    # The one path of every change -----------------------------------------------------------------

    def _trial_refusal(self) -> Optional[str]:
        trial = self._trial
        if trial is None:
            return None
        left = max(0, int(-(-(trial.deadline_s - self._clock.now()) // 1)))
        return f"a settings trial by {trial.origin.login} runs ({left} s left); confirm it or let it revert first"

    def _change(self, new: Settings, origin: Origin, verb: str, note: Optional[str] = None, remember: bool = True,
                during_trial: bool = False) -> Tuple[bool, str]:
        change = contract.change("settings", verb, dict(self._live), dict(new))
        if not during_trial:
            refusal = self._trial_refusal()
            if refusal:
                self._journal_change(change, origin, False, refusal, note)
                return False, refusal
        try:
            rules.validate(new)
        except ApiError as error:
            self._journal_change(change, origin, False, error.message, note)
            return False, error.message
        if new == self._live:
            return True, "no setting changes"
        if self._journal_problem is not None:
            return False, f"the journal cannot be written ({self._journal_problem}); nothing changed"
        try:
            self._journal_change(change, origin, True, note=note, raise_on_failure=True)
        except JournalWriteError as failure:
            return False, f"the journal cannot be written ({failure}); nothing changed"
        if remember:
            self._undo.append(dict(self._live))
            del self._undo[:-UNDO_KEPT]
        late = self._replace(new, change, origin, note)
        message = "settings applied" if verb == "set" else f"settings {verb}"
        return True, message if late is None else f"{message}; {late}"

    def _replace(self, new: Settings, change: Dict[str, Any], origin: Origin, note: Optional[str]) -> Optional[str]:
        self._live = dict(new)
        self.changes += 1
        why = f" ({note})" if note else ""
        self._events.record("settings", f"{change['verb']}: {rules.summary(change['old'], change['new'])} "
                                        f"by {origin.login}{why}", change)
        if origin is RAY_ORIGIN:
            return None
        return self._apply(dict(new))

    def _journal_change(self, change: Dict[str, Any], origin: Origin, applied: bool, reason: Optional[str] = None,
                        note: Optional[str] = None, raise_on_failure: bool = False) -> None:
        if self._journal is None:
            return
        try:
            self._journal.append(contract.journal_entry(origin.who(), change, applied, reason, note, origin.rollout))
        except JournalWriteError as failure:
            self._events.record("warning", f"journal: {failure}; the change is refused")
            if raise_on_failure:
                raise

    def _end_trial(self) -> None:
        trial = self._trial
        self._trial = None
        if trial is not None and trial.timer is not None:
            trial.timer.cancel()

    def _trial_ran_out(self, trial: _Trial) -> None:
        with self._lock:
            if self._trial is trial:
                self._revert_trial(trial, f"not confirmed within {trial.seconds} s")

    def _revert_trial(self, trial: _Trial, why: str) -> None:
        self._end_trial()
        origin = Origin(trial.origin.login, trial.origin.uid, "router", trial.origin.rollout)
        if self._undo and self._undo[-1] == trial.previous:
            self._undo.pop()
        done, reason = self._change(trial.previous, origin, "revert", note=f"trial {why}", remember=False,
                                    during_trial=True)
        if not done:
            # The revert is the router's own safety net: it happens even when the journal cannot take it.
            self._events.record("warning", f"trial revert: {reason}; reverting without a journal entry")
            change = contract.change("settings", "revert", dict(self._live), dict(trial.previous))
            self._replace(trial.previous, change, origin, f"trial {why}")
