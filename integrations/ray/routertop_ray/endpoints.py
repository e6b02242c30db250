"""The control API's endpoints, parsed from a request's method and target as routertop parses them."""

from dataclasses import dataclass
from typing import Dict, Optional
from urllib.parse import unquote

from routertop_ray.errors import ApiError

STREAM_INTERVALS_MS = (50, 60_000)
DEFAULT_STREAM_INTERVAL_MS = 500
MAX_TRACES = 1000
TRIAL_MAX_S = 3600

# Endpoints of routertop's own routers that a Ray Serve router refuses, and why.
RAY_OWNS_REPLICAS = ("Ray Serve owns this deployment's replicas: change them with the deployment "
                     "(num_replicas, autoscaling_config) or `serve` commands, not through a router")
REFUSALS = {
    "add_replica": RAY_OWNS_REPLICAS,
    "drain": RAY_OWNS_REPLICAS,
    "undrain": RAY_OWNS_REPLICAS,
    "remove": RAY_OWNS_REPLICAS,
    "fault": "faults are injected only into routertop's simulated fleet; this router routes a real Ray Serve deployment",
    "recover": "faults are injected only into routertop's simulated fleet; this router routes a real Ray Serve deployment",
    "load": "the synthetic load belongs to routertop's simulated fleet; this router's load is the deployment's traffic",
    "stop": "this router lives in a Ray process (a proxy or a handle's owner): stop it with Ray (`serve shutdown`, "
            "`ray stop`), not through its control socket",
}
# What-if and suggest replay the recording on routertop's engine, which a Ray Serve router does not have.
NO_REPLAY = ("this is a Ray Serve router: it records its traffic but has no routertop engine to replay it; "
             "save GET /v1/recording (W in the dashboard) to FILE and run `routertop simulate --replay FILE` "
             "with the setting flags to try")
WRITES = {"put_settings", "trial_settings", "undo_settings", "confirm_settings", "revert_journal", *REFUSALS}


@dataclass(frozen=True)
class Endpoint:
    """One parsed endpoint: its name and its one parameter, if any."""

    name: str
    number: int = 0
    text: str = ""

    @property
    def is_write(self) -> bool:
        return self.name in WRITES


def _query(raw: str) -> Dict[str, str]:
    query: Dict[str, str] = {}
    for pair in raw.split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        query[unquote(name)] = unquote(value)
    return query


def parse(method: str, target: str) -> Endpoint:
    """The endpoint `method target` names, or an `ApiError` (404 unknown, 405 wrong method, 400 bad query)."""
    path, _, raw_query = target.partition("?")
    query = _query(raw_query)
    segments = [unquote(part) for part in path.split("/") if part]

    def only(allowed: str, endpoint: Endpoint) -> Endpoint:
        if method != allowed:
            raise ApiError(405, f"{method} is not allowed on {path}; use {allowed}")
        return endpoint

    def number(name: str, default: int, lowest: int, highest: int) -> int:
        text = query.get(name)
        if text is None:
            return default
        try:
            value = int(text, 10)
        except ValueError:
            value = None
        if value is None or not lowest <= value <= highest or text.strip() != text:
            raise ApiError(400, f"{name}={text} is not a whole number from {lowest} to {highest}")
        return value

    def sequence(name: str, what: str) -> Optional[int]:
        text = query.get(name)
        if text is None:
            return None
        if not text.isdigit():
            raise ApiError(400, f"{name}={text} is not {what} (a whole number ≥ 0)")
        return int(text)

    if segments == ["metrics"]:
        return only("GET", Endpoint("metrics"))
    if segments in (["v1", "snapshot"], ["v1", "snapshots"]):
        view = query.get("view", "full")
        if view not in ("full", "summary", "delta"):
            raise ApiError(400, f"view={view} is not a snapshot view; it must be full, summary or delta")
        summary = view == "summary"
        if segments[1] == "snapshot":
            if view == "delta":
                raise ApiError(400, "view=delta is for the stream (GET /v1/snapshots): a single snapshot is whole")
            return only("GET", Endpoint("summary" if summary else "snapshot"))
        interval = number("interval_ms", DEFAULT_STREAM_INTERVAL_MS, *STREAM_INTERVALS_MS)
        name = {"full": "snapshots", "summary": "summaries", "delta": "deltas"}[view]
        return only("GET", Endpoint(name, interval))
    if segments == ["v1", "settings"]:
        if method == "PUT" and "confirm_within_s" in query:
            return Endpoint("trial_settings", number("confirm_within_s", 0, 1, TRIAL_MAX_S))
        if method == "PUT":
            return Endpoint("put_settings")
        return only("GET", Endpoint("get_settings"))
    if segments == ["v1", "settings", "undo"]:
        return only("POST", Endpoint("undo_settings"))
    if segments == ["v1", "settings", "confirm"]:
        return only("POST", Endpoint("confirm_settings"))
    if segments == ["v1", "journal"]:
        after = sequence("after", "a journal number")
        return only("GET", Endpoint("journal", after or 0))
    if len(segments) == 4 and segments[:2] == ["v1", "journal"] and segments[3] == "revert":
        if not segments[2].isdigit() or int(segments[2]) == 0:
            raise ApiError(400, f"{segments[2]} is not a journal entry number (a whole number ≥ 1)")
        return only("POST", Endpoint("revert_journal", int(segments[2])))
    if segments == ["v1", "events"]:
        after = sequence("after", "an event number")
        return only("GET", Endpoint("events", after or 0))
    if len(segments) == 3 and segments[:2] == ["v1", "trace"]:
        return only("GET", Endpoint("trace", text=segments[2]))
    if segments == ["v1", "traces"]:
        return only("GET", Endpoint("traces", number("last", 20, 1, MAX_TRACES)))
    if segments == ["v1", "recording"]:
        return only("GET", Endpoint("recording"))
    if segments == ["v1", "whatif"]:
        return only("POST", Endpoint("whatif"))
    if segments == ["v1", "suggest"]:
        return only("POST", Endpoint("suggest"))
    if segments == ["v1", "stop"]:
        return only("POST", Endpoint("stop"))
    if segments == ["v1", "load"]:
        return only("POST", Endpoint("load"))
    if segments == ["v1", "replicas"]:
        return only("POST", Endpoint("add_replica"))
    if len(segments) == 3 and segments[:2] == ["v1", "replicas"]:
        return only("DELETE", Endpoint("remove", text=segments[2]))
    if len(segments) == 4 and segments[:2] == ["v1", "replicas"] and segments[3] in ("drain", "undrain", "fault",
                                                                                     "recover"):
        return only("POST", Endpoint(segments[3], text=segments[2]))
    raise ApiError(404, f"no endpoint {method} {path}; see GET /v1/snapshot and the README's API table")

