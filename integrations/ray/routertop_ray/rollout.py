"""The rollout a change belongs to, read from the two headers routertop's `rollout` sends.

The same rules as routertop's `RolloutMark`: every router a rollout reached journals its part with one
`rollout_id` and the rollout's targets, so each journal tells the whole change apart from its part.
"""

import string
from typing import Any, Dict, Mapping, Optional

from routertop_ray.errors import ApiError

ID_HEADER = "x-routertop-rollout"
TARGETS_HEADER = "x-routertop-rollout-targets"
MAX_TARGETS = 256
MAX_ID_LENGTH = 64
MAX_TARGET_LENGTH = 256
_ID_CHARACTERS = frozenset(string.ascii_letters + string.digits + "-_.")


def parse(headers: Mapping[str, str]) -> Optional[Dict[str, Any]]:
    """The rollout mark the headers name (`{"rollout_id", "targets"}`), None for none, or a 400 naming the fault."""
    rollout_id = headers.get(ID_HEADER) or ""
    targets = headers.get(TARGETS_HEADER) or ""
    if not rollout_id:
        if targets:
            raise ApiError(400, f"{TARGETS_HEADER} needs {ID_HEADER} beside it")
        return None
    if len(rollout_id) > MAX_ID_LENGTH or not set(rollout_id) <= _ID_CHARACTERS:
        raise ApiError(400, f"{ID_HEADER}: {rollout_id} is not a rollout id; it must be 1 to {MAX_ID_LENGTH} "
                            "letters, digits, '-', '_' or '.'")
    names = [piece.strip(" ") for piece in targets.split(",") if piece]
    if len(names) > MAX_TARGETS:
        raise ApiError(400, f"{TARGETS_HEADER} names {len(names)} routers; at most {MAX_TARGETS}")
    for name in names:
        if not name or len(name) > MAX_TARGET_LENGTH:
            raise ApiError(400, f"{TARGETS_HEADER}: \"{name}\" is not a router name (1 to {MAX_TARGET_LENGTH} "
                                "characters)")
    return {"rollout_id": rollout_id, "targets": names}
