"""Answers the control API for one router: reads through the router's view, changes through its controller.

Pure request handling, free of sockets and of Ray, so every endpoint is tested with a fake view.
"""

import json
import os
import pwd
from dataclasses import dataclass
from typing import Any, List, Mapping, Optional, Protocol, Sequence, Tuple, Union

from routertop_ray import contract
from routertop_ray import rollout
from routertop_ray import settings as rules
from routertop_ray.clock import BridgeClock
from routertop_ray.controller import Origin, SettingsController
from routertop_ray.endpoints import NO_REPLAY, REFUSALS, Endpoint, parse
from routertop_ray.errors import ApiError
from routertop_ray.event_log import EventLog
from routertop_ray.journal import JournalFile
from routertop_ray.records import RequestRecord
from routertop_ray.summary import SummaryMark, summary

JSON_TYPE = "application/json"
METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@dataclass(frozen=True)
class Peer:
    """The process at the other end of the socket, as the kernel names it."""

    uid: Optional[int]

    @property
    def login(self) -> str:
        if self.uid is None:
            return "unknown"
        try:
            return pwd.getpwuid(self.uid).pw_name
        except KeyError:
            return f"uid {self.uid}"


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    content_type: str = JSON_TYPE


@dataclass(frozen=True)
class Stream:
    """A snapshot stream: one snapshot line every `interval_ms` (a summary of what changed, when `summary`;
    the whole snapshot first and then what changed, when `delta`), for the session named, if any."""

    interval_ms: int
    session: Optional[str]
    summary: bool = False
    delta: bool = False


class RouterView(Protocol):
    """What the API reads from the router; each call takes its figures on the router's loop."""

    def snapshot(self) -> Mapping[str, Any]: ...

    def traces(self) -> Tuple[Sequence[RequestRecord], int, int]: ...

    def metrics_text(self) -> str: ...

    def recording(self) -> Mapping[str, Any]:
        """The recording (`$defs/recording`), or an `ApiError` when the loop cannot give it."""
        ...


def json_response(status: int, value: Any) -> Response:
    return Response(status, (json.dumps(value, sort_keys=True, ensure_ascii=False) + "\n").encode())


def problem(status: int, message: str) -> Response:
    return json_response(status, contract.error(message))


class ControlApi:
    """One router's control API."""

    def __init__(self, view: RouterView, controller: SettingsController, events: EventLog,
                 journal: Optional[JournalFile], clock: BridgeClock, owner_uid: int = os.getuid()) -> None:
        self._view = view
        self._controller = controller
        self._events = events
        self._journal = journal
        self._clock = clock
        self._owner_uid = owner_uid

    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes,
               peer: Peer) -> Union[Response, Stream]:
        try:
            endpoint = parse(method, target)
            if endpoint.is_write:
                if peer.uid != self._owner_uid:
                    raise ApiError(403, f"changes need the router's own user (uid {self._owner_uid}); "
                                        f"this caller is {peer.login} (uid {peer.uid}): read-only")
                if headers.get("x-routertop-readonly") == "1":
                    raise ApiError(403, "this client attached read-only")
                via = "attach" if headers.get("x-routertop-via") == "attach" else "api"
                origin = Origin(peer.login, peer.uid, via, rollout.parse(headers))
                return self._write(endpoint, body, origin, headers)
            if endpoint.name in ("whatif", "suggest"):
                return self._replay(endpoint, body)
            if body:
                raise ApiError(400, f"{method} {target} takes no body")
            return self._read(endpoint, headers)
        except ApiError as error:
            return problem(error.status, error.message)

    # Reads ----------------------------------------------------------------------------------------

    def _read(self, endpoint: Endpoint, headers: Mapping[str, str]) -> Union[Response, Stream]:
        name = endpoint.name
        if name == "snapshot":
            return json_response(200, self._view.snapshot())
        if name == "summary":
            return json_response(200, summary(self._view.snapshot(), SummaryMark())[0])
        if name in ("snapshots", "summaries", "deltas"):
            return Stream(endpoint.number, headers.get("x-routertop-session") or None, name == "summaries",
                          name == "deltas")
        if name == "get_settings":
            return json_response(200, contract.settings(self._controller.live))
        if name == "events":
            events, missed = self._events.after(endpoint.number)
            return json_response(200, contract.events_reply(events, missed, self._clock))
        if name == "journal":
            if self._journal is None:
                raise ApiError(404, "this router keeps no journal")
            entries, problems = self._journal.read(endpoint.number)
            return json_response(200, contract.journal_reply(entries, self._journal.path, problems))
        if name == "metrics":
            return Response(200, self._view.metrics_text().encode(), METRICS_TYPE)
        if name == "recording":
            return json_response(200, self._view.recording())
        if name == "traces":
            records, capacity, evicted = self._view.traces()
            return json_response(200, contract.traces_reply(list(records)[-endpoint.number:], capacity, evicted,
                                                            self._clock))
        if name == "trace":
            records, capacity, evicted = self._view.traces()
            wanted = endpoint.text
            for record in reversed(list(records)):
                if wanted in (f"req-{record.number}", str(record.number), record.request_id):
                    return json_response(200, contract.trace(record, self._clock))
            raise ApiError(404, f"{wanted} has no trace: the router keeps the traces of its last {capacity} finished "
                                f"requests ({evicted} dropped so far), and none of one still in the router")
        raise ApiError(500, f"{name} is not answered here")

    def _replay(self, endpoint: Endpoint, body: bytes) -> Response:
        """What-if and suggest: 409 with how to get the prediction (a bad settings patch is still a 400)."""
        if endpoint.name == "whatif":
            rules.apply_patch(body, self._controller.live)
        return problem(409, NO_REPLAY)

    # Writes ---------------------------------------------------------------------------------------

    def _write(self, endpoint: Endpoint, body: bytes, origin: Origin,
               headers: Mapping[str, str]) -> Response:
        name = endpoint.name
        if name in REFUSALS:
            return json_response(409, contract.command_result(False, REFUSALS[name]))
        if name in ("put_settings", "trial_settings"):
            live = self._controller.live
            try:
                new = rules.apply_patch(body, live)
            except ApiError as error:
                attempted = rules.unchecked_patch(body, live)
                if attempted is not None:
                    self._controller.refused(attempted, origin, error.message)
                raise
            if name == "put_settings":
                done, message = self._controller.set(new, origin)
            else:
                done, message = self._controller.trial(new, endpoint.number,
                                                       headers.get("x-routertop-session") or None, origin)
            return json_response(200 if done else 400, contract.command_result(done, message))
        rules.strict_object(body, [])
        if name == "undo_settings":
            done, message = self._controller.undo(origin)
        elif name == "confirm_settings":
            done, message = self._controller.confirm(origin)
        elif name == "revert_journal":
            done, message = self._controller.revert(endpoint.number, origin)
        else:
            raise ApiError(500, f"{name} is not answered here")
        return json_response(200 if done else 409, contract.command_result(done, message))


def snapshot_lines(snapshots: List[Mapping[str, Any]]) -> bytes:
    """Snapshots as JSON lines, as the stream sends them."""
    return b"".join((json.dumps(s, sort_keys=True, ensure_ascii=False) + "\n").encode() for s in snapshots)
