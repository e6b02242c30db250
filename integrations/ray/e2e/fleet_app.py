"""One application with two routers the bridge serves: Ray's proxy routing to the ingress deployment, and the
ingress's handle routing to a second deployment, so a fleet shows both and one rollout changes both."""

from ray import serve
from ray.serve.handle import DeploymentHandle

from slow_app import ROUTER


# No CPU reserved: the test's Ray head has two, and the other application's replicas hold them.
@serve.deployment(num_replicas=1, max_ongoing_requests=4, request_router_config=ROUTER,
                  ray_actor_options={"num_cpus": 0})
class Back:
    async def __call__(self) -> str:
        return "ok"


@serve.deployment(num_replicas=1, max_ongoing_requests=4, request_router_config=ROUTER,
                  ray_actor_options={"num_cpus": 0})
class Front:
    def __init__(self, back: DeploymentHandle) -> None:
        self.back = back

    async def __call__(self, request) -> str:
        return await self.back.remote()


front = Front.bind(Back.bind())
