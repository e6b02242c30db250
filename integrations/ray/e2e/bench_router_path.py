"""The bridge's cost in Ray's routing path alone: Ray's router and the bridge's, on one asyncio loop.

No cluster and no proxy: two fake replicas that always have room, and ROUNDS rounds of 6,000 requests
through `_choose_replica_for_request` and the hooks Ray calls after a send, alternating the two routers.
Prints microseconds per request for each. Run with the .venv-ray interpreter.
"""

import asyncio
import os
import statistics
import tempfile
import time

from ray.serve._private.common import DeploymentHandleSource, DeploymentID, ReplicaID, RequestMetadata
from ray.serve._private.request_router import PendingRequest, PowerOfTwoChoicesRequestRouter

from routertop_ray import RoutertopRequestRouter

REQUESTS = 6000
ROUNDS = int(os.environ.get("ROUNDS", "3"))
DEPLOYMENT = DeploymentID(name="Bench", app_name="bench")


class FakeReplica:
    """A replica that always has room and answers probes at once."""

    def __init__(self, index: int) -> None:
        self.replica_id = ReplicaID(unique_id=f"r{index}", deployment_id=DEPLOYMENT)
        self.node_id = "node"
        self.availability_zone = None
        self.multiplexed_model_ids: set = set()
        self.max_ongoing_requests = 100
        self.is_cross_language = False

    async def get_queue_len(self, *, deadline_s: float) -> int:
        return 0

    def push_proxy_handle(self, handle: object) -> None:
        pass


async def per_request_us(router_class: type, control_dir: str) -> float:
    router = router_class(deployment_id=DEPLOYMENT, handle_source=DeploymentHandleSource.UNKNOWN,
                          use_replica_queue_len_cache=True, self_node_id="node", prefer_local_node_routing=True)
    router.initialize_state(**({"control_dir": control_dir} if router_class is RoutertopRequestRouter else {}))
    router.update_replicas([FakeReplica(0), FakeReplica(1)])
    await asyncio.sleep(0.05)

    async def one(number: int) -> None:
        request = PendingRequest(args=[], kwargs={}, metadata=RequestMetadata(
            request_id=str(number), internal_request_id=str(number)))
        replica = await router._choose_replica_for_request(request)
        router.on_send_request(replica.replica_id)
        router.on_request_routed(request, replica.replica_id, None)
        router.decrement_queue_len_cache(replica.replica_id)
        router.on_request_completed(replica.replica_id, str(number))

    started = time.perf_counter()
    for batch in range(REQUESTS // 20):
        await asyncio.gather(*(one(batch * 20 + k) for k in range(20)))
    elapsed = time.perf_counter() - started
    bridge = getattr(router, "_routertop_bridge", None)
    if bridge is not None:
        bridge.stop()
    return elapsed / REQUESTS * 1e6


def main() -> None:
    times: dict = {"ray": [], "bridge": []}
    with tempfile.TemporaryDirectory() as directory:
        control_dir = os.path.join(directory, "routertop")
        for _ in range(ROUNDS):
            times["ray"].append(asyncio.run(per_request_us(PowerOfTwoChoicesRequestRouter, control_dir)))
            times["bridge"].append(asyncio.run(per_request_us(RoutertopRequestRouter, control_dir)))
    ray, bridge = statistics.median(times["ray"]), statistics.median(times["bridge"])
    print(f"routing path per request (median of {ROUNDS}): Ray's router {ray:.0f} µs, with the bridge {bridge:.0f} µs "
          f"(+{bridge - ray:.0f} µs)")


if __name__ == "__main__":
    main()
