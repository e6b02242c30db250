"""`RoutertopRequestRouter`: Ray's power-of-two-choices router, observed and tunable through routertop.

Every routing decision stays Ray's: each hook calls Ray's own method and only then notes what happened,
inside a `try` that counts its own errors, so observing can never change or break routing. Ray's internals
are read through `ray_support`, which checks that each one exists before touching it.
Tested on Ray 2.60.0.
"""

import asyncio
import logging
import os
from typing import Any, List, Optional

from ray.serve._private.request_router import PowerOfTwoChoicesRequestRouter

from routertop_ray import ray_support
from routertop_ray.bridge import Bridge
from routertop_ray.clock import BridgeClock
from routertop_ray.contract import RouterIdentity
from routertop_ray.event_log import EventLog
from routertop_ray.loop_call import LoopCaller
from routertop_ray.observer import Observer
from routertop_ray.socket_path import router_name

logger = logging.getLogger("ray.serve")

# The keyword arguments the bridge takes from `request_router_kwargs`.
BRIDGE_KWARGS = ("control_dir", "journal")


class RoutertopRequestRouter(PowerOfTwoChoicesRequestRouter):
    """Routes exactly as `PowerOfTwoChoicesRequestRouter`, and serves routertop's control API for it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._routertop_clock = BridgeClock()
        self._routertop_events = EventLog(self._routertop_clock)
        self._routertop_observer = Observer(self._routertop_events)
        self._routertop_loop = LoopCaller()
        self._routertop_bridge: Optional[Bridge] = None
        self._routertop_fulfilling: Optional[Any] = None
        self._routertop_support = ray_support.detect(self)

    # Start-up -------------------------------------------------------------------------------------

    def initialize_state(self, **kwargs: Any) -> None:
        ours = {name: kwargs.pop(name) for name in BRIDGE_KWARGS if name in kwargs}
        super().initialize_state(**kwargs)
        try:
            self._routertop_start(ours)
        except Exception:  # noqa: BLE001 - the bridge must never stop Ray's router
            logger.exception("routertop_ray: the bridge did not start; routing goes on untouched")

    def _routertop_start(self, options: dict) -> None:
        support = self._routertop_support
        if not support.supported:
            logger.warning("routertop_ray: %s", support.refusal)
            return
        deployment_id = getattr(self, "_deployment_id", None)
        application = str(getattr(deployment_id, "app_name", "") or "app")
        deployment = str(getattr(deployment_id, "name", "") or "deployment")
        source = getattr(getattr(self, "_handle_source", None), "value", None) or "unknown"
        settings = ray_support.settings_in_force(self)
        self._routertop_observer.recorder.begin(settings, ray_support.recording_options(self))
        identity = RouterIdentity(
            application=application, deployment=deployment, handle_source=str(source),
            node_id=str(getattr(self, "_self_node_id", "") or ""), actor_id=ray_support.actor_id(self),
            pid=os.getpid(), name=router_name(application, deployment, os.getpid()), ray_version=support.ray_version,
        )
        self._routertop_bridge = Bridge(
            identity, settings, self._routertop_clock, self._routertop_events,
            self._routertop_observer, self._routertop_loop, lambda: ray_support.figures(self, support),
            lambda values: ray_support.apply(self, support, values), dict(os.environ),
            control_dir=options.get("control_dir"), journal_file=options.get("journal"),
        )
        self._routertop_bridge.start()

    # Hooks: Ray's method first, then a note that can fail without harm -----------------------------

    def _routertop_failed(self, hook: str) -> None:
        try:
            self._routertop_observer.hook_failed(hook)
        except Exception:  # noqa: BLE001
            pass

    def _routertop_task(self) -> int:
        return id(asyncio.current_task())

    async def _choose_replica_for_request(self, pending_request: Any, *, is_retry: bool = False) -> Any:
        try:
            self._routertop_loop.seen()
            observer = self._routertop_observer
            now = self._routertop_clock.now()
            key = id(pending_request)
            if is_retry and observer.request(key) is not None:
                observer.request_requeued(key, now)
            else:
                metadata = pending_request.metadata
                created = self._routertop_clock.from_wall(getattr(pending_request, "created_at", 0.0) or 0.0)
                observer.request_admitted(key, pending_request, str(getattr(metadata, "request_id", "") or ""),
                                          str(getattr(metadata, "internal_request_id", "") or ""), created, now,
                                          str(getattr(metadata, "multiplexed_model_id", "") or "") or None)
        except Exception:  # noqa: BLE001
            self._routertop_failed("choose_replica_for_request")
        try:
            replica = await super()._choose_replica_for_request(pending_request, is_retry=is_retry)
        except asyncio.CancelledError:
            try:
                self._routertop_observer.request_cancelled(id(pending_request), self._routertop_clock.now())
            except Exception:  # noqa: BLE001
                self._routertop_failed("choose_replica_for_request")
            raise
        try:
            record = self._routertop_observer.request(id(pending_request))
            if record is not None and record.waiting_for_replica:
                # Fulfilled without passing `_record_queue_wait_time` (an older Ray): note it here.
                self._routertop_routed(pending_request, replica, None)
        except Exception:  # noqa: BLE001
            self._routertop_failed("choose_replica_for_request")
        return replica

    def _fulfill_next_pending_request(self, replica: Any, request_metadata: Any = None) -> None:
        self._routertop_fulfilling = replica
        try:
            super()._fulfill_next_pending_request(replica, request_metadata)
        finally:
            self._routertop_fulfilling = None

    def _record_queue_wait_time(self, pending_request: Any) -> None:
        super()._record_queue_wait_time(pending_request)
        try:
            replica = self._routertop_fulfilling
            if replica is not None:
                task = self._routertop_observer.task(self._routertop_task())
                self._routertop_routed(pending_request, replica, task.request)
        except Exception:  # noqa: BLE001
            self._routertop_failed("record_queue_wait_time")

    def _routertop_routed(self, pending_request: Any, replica: Any, found_by: Any) -> None:
        expects_verdict = bool(getattr(self, "_use_replica_queue_len_cache", False)) and not bool(
            getattr(replica, "is_cross_language", False))
        self._routertop_observer.request_routed(id(pending_request), ray_support.replica_key(replica.replica_id),
                                                self._routertop_clock.now(), found_by, expects_verdict)

    async def choose_replicas(self, candidate_replicas: List[Any], pending_request: Optional[Any] = None) -> Any:
        context = getattr(pending_request, "routing_context", None)
        before = ray_support.tier_flags(context)
        chosen = await super().choose_replicas(candidate_replicas, pending_request)
        try:
            self._routertop_loop.seen()
            tier = ray_support.tier(before, ray_support.tier_flags(context), pending_request)
            candidates = ray_support.candidates(self, chosen)
            self._routertop_observer.attempt_started(
                self._routertop_task(), id(pending_request) if pending_request is not None else None, tier,
                candidates, self._routertop_clock.now())
        except Exception:  # noqa: BLE001
            self._routertop_failed("choose_replicas")
        return chosen

    async def _select_from_candidate_replicas(self, candidates: List[Any], backoff_index: int) -> Any:
        replica = await super()._select_from_candidate_replicas(candidates, backoff_index)
        try:
            choice = ray_support.replica_key(replica.replica_id) if replica is not None else None
            self._routertop_observer.attempt_chose(self._routertop_task(), choice, self._routertop_clock.now())
        except Exception:  # noqa: BLE001
            self._routertop_failed("select_from_candidate_replicas")
        return replica

    async def _backoff(self, attempt: int) -> None:
        try:
            wait = float(self._compute_backoff_s(attempt))
            self._routertop_observer.backoff_started(self._routertop_task(), wait, self._routertop_clock.now())
        except Exception:  # noqa: BLE001
            self._routertop_failed("backoff")
        await super()._backoff(attempt)

    async def _fulfill_pending_requests(self) -> None:
        task = self._routertop_task()
        try:
            await super()._fulfill_pending_requests()
        finally:
            try:
                self._routertop_observer.task_ended(task)
            except Exception:  # noqa: BLE001
                self._routertop_failed("fulfill_pending_requests")

    async def _probe_queue_lens(self, replicas: List[Any], backoff_index: int) -> Any:
        started = self._routertop_clock.now()
        result = await super()._probe_queue_lens(replicas, backoff_index)
        try:
            now = self._routertop_clock.now()
            current = asyncio.current_task()
            task = id(current) if current is not None else None
            deadline = ray_support.probe_deadline(self, backoff_index)
            present = getattr(self, "_replicas", {})
            for replica, length in result:
                if length is not None:
                    outcome = "length"
                elif replica.replica_id not in present:
                    outcome = "dead"
                else:
                    outcome = "timeout"
                self._routertop_observer.probe_answered(task, ray_support.replica_key(replica.replica_id), length,
                                                        now - started, deadline, outcome, started_s=started)
        except Exception:  # noqa: BLE001
            self._routertop_failed("probe_queue_lens")
        return result

    def update_replicas(self, replicas: List[Any]) -> None:
        super().update_replicas(replicas)
        try:
            self._routertop_loop.seen()
            self._routertop_observer.replicas_updated([ray_support.replica_info(r) for r in replicas],
                                                      self._routertop_clock.now())
        except Exception:  # noqa: BLE001
            self._routertop_failed("update_replicas")

    def on_replica_actor_died(self, replica_id: Any) -> None:
        super().on_replica_actor_died(replica_id)
        try:
            self._routertop_observer.replica_died(ray_support.replica_key(replica_id), self._routertop_clock.now())
        except Exception:  # noqa: BLE001
            self._routertop_failed("on_replica_actor_died")

    def on_replica_actor_unavailable(self, replica_id: Any) -> None:
        super().on_replica_actor_unavailable(replica_id)
        try:
            self._routertop_observer.replica_unavailable(ray_support.replica_key(replica_id),
                                                         self._routertop_clock.now())
        except Exception:  # noqa: BLE001
            self._routertop_failed("on_replica_actor_unavailable")

    def on_request_routed(self, pending_request: Any, replica_id: Any, result: Any) -> None:
        super().on_request_routed(pending_request, replica_id, result)
        try:
            self._routertop_observer.request_accepted(id(pending_request))
        except Exception:  # noqa: BLE001
            self._routertop_failed("on_request_routed")

    def on_request_completed(self, replica_id: Any, internal_request_id: str) -> None:
        super().on_request_completed(replica_id, internal_request_id)
        try:
            self._routertop_observer.send_finished(str(internal_request_id), ray_support.replica_key(replica_id),
                                                   self._routertop_clock.now())
        except Exception:  # noqa: BLE001
            self._routertop_failed("on_request_completed")

    def update_backoff_params(self, initial_backoff_s: Optional[float] = None,
                              backoff_multiplier: Optional[float] = None,
                              max_backoff_s: Optional[float] = None) -> None:
        """Ray pushes the deployment's backoff settings (a redeploy): journaled as Ray's change, newest wins."""
        bridge = self._routertop_bridge
        take = True
        if bridge is not None:
            try:
                take = bridge.controller.ray_pushed({"initial_backoff_s": initial_backoff_s,
                                                     "backoff_multiplier": backoff_multiplier,
                                                     "max_backoff_s": max_backoff_s})
            except Exception:  # noqa: BLE001
                self._routertop_failed("update_backoff_params")
        if take:
            super().update_backoff_params(initial_backoff_s, backoff_multiplier, max_backoff_s)
            if bridge is not None:
                try:
                    self._routertop_observer.settings_changed(bridge.controller.live, self._routertop_clock.now())
                except Exception:  # noqa: BLE001
                    self._routertop_failed("update_backoff_params")
