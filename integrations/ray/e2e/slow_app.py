"""The deployment the end-to-end test and the throughput measurement route to."""

import asyncio
import os

from ray import serve
from ray.serve.config import RequestRouterConfig

ROUTER = RequestRouterConfig(
    request_router_class="routertop_ray:RoutertopRequestRouter",
    request_router_kwargs={"control_dir": os.environ["ROUTERTOP_RAY_CONTROL_DIR"]}
    if os.environ.get("ROUTERTOP_RAY_CONTROL_DIR") else {},
)


@serve.deployment(num_replicas=2, max_ongoing_requests=1, request_router_config=ROUTER)
class Slow:
    """Holds each request 0.2 s, so two one-slot replicas keep requests waiting in the router."""

    async def __call__(self, request) -> str:
        await asyncio.sleep(0.2)
        return "ok"


slow = Slow.bind()
