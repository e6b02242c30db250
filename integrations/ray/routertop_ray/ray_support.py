"""Ray's router internals, read and changed only after checking that each one exists.

Ray's request router is an alpha API whose private attributes move between releases, so every read
falls back to a neutral value and every change says which way it goes:
- Ray ≥ 2.55: `update_backoff_params` (2.59 and later also take partial updates; the bridge always
  passes all three values, so both work);
- Ray 2.49 – 2.54: the `initial_backoff_s`, `backoff_multiplier` and `max_backoff_s` attributes;
- older: not supported; the bridge says so in one log line and stays out of the way.
Probe deadlines are the router's `queue_len_response_deadline_s` and `max_queue_len_response_deadline_s`,
the cache timeout its queue-length cache's `_staleness_timeout_s`. Tested on Ray 2.60.0.
"""

import time
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Tuple

from routertop_ray.contract import RayFigures
from routertop_ray.observer import CandidateInfo, ReplicaInfo
from routertop_ray.recording import RecordingOptions
from routertop_ray.settings import default_settings

BACKOFF_ATTRIBUTES = ("initial_backoff_s", "backoff_multiplier", "max_backoff_s")


@dataclass(frozen=True)
class RaySupport:
    """How this Ray lets a router's settings change at run time."""

    ray_version: str
    settings_path: str
    supported: bool
    refusal: str


def ray_version() -> str:
    try:
        import ray

        return str(getattr(ray, "__version__", "unknown"))
    except Exception:  # noqa: BLE001
        return "unknown"


def detect(router: Any) -> RaySupport:
    version = ray_version()
    if callable(getattr(router, "update_backoff_params", None)) and _base_has(router, "update_backoff_params"):
        return RaySupport(version, "update_backoff_params", True, "")
    if all(hasattr(router, name) for name in BACKOFF_ATTRIBUTES):
        return RaySupport(version, "attributes", True, "")
    return RaySupport(version, "unsupported", False,
                      f"Ray {version} is not supported: its router has neither update_backoff_params (Ray 2.55 "
                      "and later) nor backoff attributes (Ray 2.49 to 2.54); the bridge stays off and routing "
                      "goes on untouched")


def _base_has(router: Any, name: str) -> bool:
    """Whether a class of Ray's (not the bridge's) defines `name`."""
    return any(name in vars(klass) for klass in type(router).__mro__
               if not klass.__module__.startswith("routertop_ray"))


def actor_id(router: Any) -> str:
    try:
        import ray

        # get_runtime_context() starts a local Ray when none runs; a router outside Ray has no actor.
        if not ray.is_initialized():
            return ""
        return str(ray.get_runtime_context().get_actor_id() or "")
    except Exception:  # noqa: BLE001
        return ""


def replica_key(replica_id: Any) -> str:
    """Ray's replica id as its metrics tag it (`unique_id`)."""
    return str(getattr(replica_id, "unique_id", replica_id))


def replica_info(replica: Any) -> ReplicaInfo:
    return ReplicaInfo(
        replica_id=replica_key(replica.replica_id),
        node_id=str(getattr(replica, "node_id", "") or ""),
        availability_zone=str(getattr(replica, "availability_zone", "") or ""),
        max_ongoing_requests=int(getattr(replica, "max_ongoing_requests", 0) or 0),
        models=tuple(sorted(getattr(replica, "multiplexed_model_ids", ()) or ())),
    )


def _cache_entries(router: Any) -> Dict[Any, Any]:
    cache = getattr(router, "_replica_queue_len_cache", None)
    entries = getattr(cache, "_cache", None)
    return entries if isinstance(entries, dict) else {}


def cache_view(router: Any) -> Dict[str, Tuple[int, float]]:
    """Each cached replica's queue length and the entry's age in seconds."""
    now = time.time()
    view: Dict[str, Tuple[int, float]] = {}
    for replica_id, entry in _cache_entries(router).items():
        length = getattr(entry, "queue_len", None)
        stamp = getattr(entry, "timestamp", None)
        if isinstance(length, int) and isinstance(stamp, (int, float)):
            view[replica_key(replica_id)] = (length, max(0.0, now - stamp))
    return view


def candidates(router: Any, ranks: Any) -> List[CandidateInfo]:
    entries = _cache_entries(router)
    now = time.time()
    found: List[CandidateInfo] = []
    for rank in ranks or []:
        for replica in rank or []:
            entry = entries.get(replica.replica_id)
            found.append(CandidateInfo(
                replica_key(replica.replica_id), int(getattr(replica, "max_ongoing_requests", 0) or 0),
                getattr(entry, "queue_len", None) if entry is not None else None,
                max(0.0, now - entry.timestamp) if entry is not None else None,
            ))
    return found


TIER_FLAGS = ("tried_same_node", "tried_same_az", "tried_first_multiplexed_models", "tried_fewest_multiplexed_models")


def tier_flags(context: Any) -> Tuple[bool, ...]:
    """The context's tier flags; read on every attempt, so without a loop (Ray's own are plain attributes)."""
    try:
        return (context.tried_same_node, context.tried_same_az, context.tried_first_multiplexed_models,
                context.tried_fewest_multiplexed_models)
    except AttributeError:
        return tuple(bool(getattr(context, name, False)) for name in TIER_FLAGS)


def tier(before: Tuple[bool, ...], after: Tuple[bool, ...], pending_request: Any) -> str:
    """Which candidate set Ray drew from, read from the routing context flags the attempt set."""
    if before == after:
        return "all"
    for was, now, name in zip(before, after, ("node", "zone", "model", "fewest_models")):
        if now and not was:
            return name
    return "all"


def probe_deadline(router: Any, backoff_index: int) -> float:
    """The deadline Ray gave a probe batch: the first deadline doubling per attempt, up to the maximum."""
    first = float(getattr(router, "queue_len_response_deadline_s", 0.1))
    most = max(first, float(getattr(router, "max_queue_len_response_deadline_s", first)))
    try:
        return min(first * (2 ** backoff_index), most)
    except OverflowError:
        return most


def settings_in_force(router: Any) -> Dict[str, float]:
    """The router's settings now, under routertop's keys (Ray's defaults where it keeps none)."""
    values = default_settings()
    for name in BACKOFF_ATTRIBUTES:
        value = getattr(router, name, None)
        if isinstance(value, (int, float)):
            values[name] = float(value)
    for key, name in (("probe_deadline_s", "queue_len_response_deadline_s"),
                      ("max_probe_deadline_s", "max_queue_len_response_deadline_s")):
        value = getattr(router, name, None)
        if isinstance(value, (int, float)):
            values[key] = float(value)
    staleness = getattr(getattr(router, "_replica_queue_len_cache", None), "_staleness_timeout_s", None)
    if isinstance(staleness, (int, float)):
        values["cache_timeout_s"] = float(staleness)
    try:
        from ray.serve._private import constants

        values["model_matching_timeout_s"] = float(constants.RAY_SERVE_MULTIPLEXED_MODEL_ID_MATCHING_TIMEOUT_S)
    except Exception:  # noqa: BLE001
        pass
    return values


# Ray's router sheds nothing itself (a deployment's max_queued_requests is enforced before it, where the
# bridge does not look), has no routing timeout, and routes a request again after each refusal: routertop's
# engine, which replays the recording, takes these as no limit and its own default of reroutes.
NO_PENDING_LIMIT = 2**31 - 1
REROUTES = 3
RAY_ROUTING_TASKS_CAP = 50


def recording_options(router: Any) -> RecordingOptions:
    """The router's fixed limits as a replay needs them: Ray's where the router holds them, else Ray's defaults."""
    cap = getattr(router, "max_num_routing_tasks_cap", RAY_ROUTING_TASKS_CAP)
    return RecordingOptions(
        max_reroutes=REROUTES,
        max_pending_requests=NO_PENDING_LIMIT,
        max_routing_tasks=int(cap) if isinstance(cap, int) and cap >= 0 else RAY_ROUTING_TASKS_CAP,
        node=str(getattr(router, "_self_node_id", "") or ""),
        zone=str(getattr(router, "_self_availability_zone", "") or ""),
        prefer_local=bool(getattr(router, "_prefer_local_node_routing", False)
                          or getattr(router, "_prefer_local_az_routing", False)),
    )


def apply(router: Any, support: RaySupport, values: Dict[str, float]) -> None:
    """Puts the settings into Ray's router; runs on the router's loop."""
    from ray.serve._private.request_router import RequestRouter

    if support.settings_path == "update_backoff_params":
        RequestRouter.update_backoff_params(router, values["initial_backoff_s"], values["backoff_multiplier"],
                                            values["max_backoff_s"])
    elif support.settings_path == "attributes":
        for name in BACKOFF_ATTRIBUTES:
            setattr(router, name, values[name])
    router.queue_len_response_deadline_s = values["probe_deadline_s"]
    router.max_queue_len_response_deadline_s = values["max_probe_deadline_s"]
    cache = getattr(router, "_replica_queue_len_cache", None)
    if cache is not None and hasattr(cache, "_staleness_timeout_s"):
        cache._staleness_timeout_s = values["cache_timeout_s"]


def _number(router: Any, name: str) -> int:
    try:
        value = getattr(router, name, 0)
        return int(value() if callable(value) else value)
    except Exception:  # noqa: BLE001
        return 0


def figures(router: Any, support: RaySupport) -> RayFigures:
    """What Ray's router says of itself now; runs on the router's loop, in the snapshot pass."""
    backoff = {name: float(getattr(router, name)) for name in BACKOFF_ATTRIBUTES
               if isinstance(getattr(router, name, None), (int, float))}
    return RayFigures(
        ray_version=support.ray_version,
        settings_path=support.settings_path,
        routing_tasks=_number(router, "curr_num_routing_tasks"),
        target_routing_tasks=_number(router, "target_num_routing_tasks"),
        max_routing_tasks=_number(router, "max_num_routing_tasks"),
        tasks_in_backoff=_number(router, "num_routing_tasks_in_backoff"),
        pending_requests=_number(router, "num_pending_requests"),
        backoff_in_force=backoff,
        cache=cache_view(router),
        node_id=str(getattr(router, "_self_node_id", "") or ""),
        availability_zone=str(getattr(router, "_self_availability_zone", "") or ""),
        prefer_local_node=bool(getattr(router, "_prefer_local_node_routing", False)),
        prefer_local_zone=bool(getattr(router, "_prefer_local_az_routing", False)),
    )


def replicas_of(router: Any) -> Iterable[Any]:
    replicas = getattr(router, "_replicas", {})
    return list(replicas.values()) if isinstance(replicas, dict) else []
