"""Two identical trivial deployments, one routed by Ray's own router and one by the bridge, for throughput."""

from ray import serve
from ray.serve.config import RequestRouterConfig


@serve.deployment(max_ongoing_requests=100)
class Plain:
    async def __call__(self, request) -> str:
        return "ok"


@serve.deployment(max_ongoing_requests=100, request_router_config=RequestRouterConfig(
    request_router_class="routertop_ray:RoutertopRequestRouter"))
class Bridged:
    async def __call__(self, request) -> str:
        return "ok"


plain = Plain.bind()
bridged = Bridged.bind()
