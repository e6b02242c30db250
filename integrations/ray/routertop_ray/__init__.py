"""routertop's bridge to Ray Serve: `RoutertopRequestRouter` routes as Ray's power-of-two-choices router and
serves routertop's control API, so `routertop list` and `routertop attach` show a real Ray Serve router.

Select it with `RequestRouterConfig(request_router_class="routertop_ray:RoutertopRequestRouter")`. The class
is imported on first use, so the rest of the package (and its tests) needs no Ray.
"""

from typing import Any

__version__ = "0.1.0"
__all__ = ["RoutertopRequestRouter", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "RoutertopRequestRouter":
        from routertop_ray.router import RoutertopRequestRouter

        return RoutertopRequestRouter
    raise AttributeError(f"module 'routertop_ray' has no attribute {name!r}")
