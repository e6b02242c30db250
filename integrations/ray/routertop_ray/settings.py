"""The router settings, their rules and the `PUT /v1/settings` body: routertop's validator, in Python.

Every rule and message matches routertop's (`SettingsValidator`, `RouterSettingKey`, `StrictJSON`), so an
operator reads the same refusal from a Ray Serve router as from routertop's own.
"""

import json
import math
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

from routertop_ray.errors import ApiError

MAX_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class SettingKey:
    """One router setting: its file key, Ray's environment variable, and what values it allows."""

    file_key: str
    environment_variable: str
    label: str
    allowed: str
    default: float


SETTING_KEYS: Tuple[SettingKey, ...] = (
    SettingKey("initial_backoff_s", "RAY_SERVE_ROUTER_RETRY_INITIAL_BACKOFF_S", "initial backoff (s)",
               "a finite number ≥ 0", 0.025),
    SettingKey("backoff_multiplier", "RAY_SERVE_ROUTER_RETRY_BACKOFF_MULTIPLIER", "backoff multiplier",
               "a finite number ≥ 1", 2.0),
    SettingKey("max_backoff_s", "RAY_SERVE_ROUTER_RETRY_MAX_BACKOFF_S", "max backoff (s)",
               "a finite number ≥ the initial backoff", 0.5),
    SettingKey("probe_deadline_s", "RAY_SERVE_QUEUE_LENGTH_RESPONSE_DEADLINE_S", "probe deadline (s)",
               "a finite number > 0", 0.1),
    SettingKey("max_probe_deadline_s", "RAY_SERVE_MAX_QUEUE_LENGTH_RESPONSE_DEADLINE_S", "max probe deadline (s)",
               "a finite number > 0", 1.0),
    SettingKey("cache_timeout_s", "RAY_SERVE_QUEUE_LENGTH_CACHE_TIMEOUT_S", "cache TTL (s)",
               "a finite number ≥ 0", 10.0),
    SettingKey("model_matching_timeout_s", "RAY_SERVE_MULTIPLEXED_MODEL_ID_MATCHING_TIMEOUT_S",
               "model match timeout (s)", "a finite number ≥ 0", 1.0),
)
KEYS_BY_NAME: Dict[str, SettingKey] = {key.file_key: key for key in SETTING_KEYS}
FILE_KEYS: List[str] = [key.file_key for key in SETTING_KEYS]

# Ray reads the multiplexing timeout once, at import, into a module constant its routers share: a
# router cannot change it alone.
FIXED_ON_RAY = ("model_matching_timeout_s",)

Settings = Dict[str, float]


def default_settings() -> Settings:
    """routertop's defaults, which are Ray's."""
    return {key.file_key: key.default for key in SETTING_KEYS}


def format_number(value: float) -> str:
    """The shortest text that reads back as `value`: `2`, `0.025`, `0.5` (routertop's `SettingText.format`)."""
    if math.isfinite(value) and value == round(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


class ConfigurationError(ApiError):
    """A refused setting, worded `SUBJECT=VALUE PROBLEM; it must be ALLOWED`."""

    def __init__(self, subject: str, value: str, problem: str, allowed: str) -> None:
        super().__init__(400, f"{subject}={value} {problem}; it must be {allowed}")


def check_value(file_key: str, value: float) -> None:
    """Refuses one value that breaks its own setting's rule."""
    key = KEYS_BY_NAME[file_key]

    def refuse(problem: str) -> ConfigurationError:
        return ConfigurationError(file_key, format_number(value), problem, key.allowed)

    if not math.isfinite(value):
        raise refuse("is not finite")
    if file_key in ("initial_backoff_s", "max_backoff_s", "cache_timeout_s", "model_matching_timeout_s"):
        if value < 0:
            raise refuse("is negative")
    elif file_key == "backoff_multiplier":
        if value < 1:
            raise refuse("is below 1")
    elif value <= 0:
        raise refuse("is negative" if value < 0 else "is zero")


def validate(settings: Mapping[str, float]) -> None:
    """Checks a whole set of settings, including the rule that relates two of them."""
    for key in SETTING_KEYS:
        check_value(key.file_key, settings[key.file_key])
    if settings["max_backoff_s"] < settings["initial_backoff_s"]:
        raise ConfigurationError(
            "max_backoff_s", format_number(settings["max_backoff_s"]),
            f"is below the initial backoff {format_number(settings['initial_backoff_s'])}",
            "at least the initial backoff",
        )


def strict_object(body: bytes, fields: List[str]) -> Dict[str, Any]:
    """The body's top-level JSON object, refusing a long body, bad JSON, non-finite numbers and unknown fields."""
    if len(body) > MAX_BODY_BYTES:
        raise ApiError(400, f"the body is {len(body)} bytes; it must be at most {MAX_BODY_BYTES}")
    if not body:
        return {}

    def refuse_constant(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON number")

    try:
        parsed = json.loads(body.decode("utf-8"), parse_constant=refuse_constant)
    except (ValueError, UnicodeDecodeError) as error:
        raise ApiError(400, f"the body is not valid JSON ({error})") from None
    if not isinstance(parsed, dict):
        raise ApiError(400, "the body must be a JSON object")
    unknown = sorted(name for name in parsed if name not in fields)
    if unknown:
        known = f"the fields are {', '.join(fields)}" if fields else "this request takes no fields"
        raise ApiError(400, f'unknown field "{unknown[0]}"; {known}')
    return parsed


def json_kind(value: Any) -> str:
    """What a JSON value is, in words, for a refusal."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return str(value)


def number_field(value: Any, field: str) -> float:
    """A field's number, refusing booleans and strings."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ApiError(400, f"{field} must be a number, not {json_kind(value)}")
    return float(value)


def patch_numbers(body: bytes) -> List[Tuple[str, float]]:
    """The settings a `PUT /v1/settings` body gives, in key order, each a number."""
    parsed = strict_object(body, FILE_KEYS)
    if not parsed:
        raise ApiError(400, f"the body names no setting; give any of {', '.join(FILE_KEYS)}")
    return [(key, number_field(parsed[key], key)) for key in FILE_KEYS if key in parsed]


def apply_patch(body: bytes, live: Mapping[str, float]) -> Settings:
    """The live settings with the body's values, validated as a whole; a 400 `ApiError` names the first bad one."""
    settings = dict(live)
    for key, number in patch_numbers(body):
        check_value(key, number)
        if key in FIXED_ON_RAY and number != live[key]:
            raise ApiError(
                400,
                f"{key} cannot be changed on a Ray Serve router: Ray reads "
                f"{KEYS_BY_NAME[key].environment_variable} once, when it starts; "
                f"the others ({', '.join(k for k in FILE_KEYS if k not in FIXED_ON_RAY)}) can",
            )
        settings[key] = number
    validate(settings)
    return settings


def unchecked_patch(body: bytes, live: Mapping[str, float]) -> Optional[Settings]:
    """What a well-formed body asked for, not validated, so a refused change is journaled with its values."""
    try:
        numbers = patch_numbers(body)
    except ApiError:
        return None
    settings = dict(live)
    settings.update(numbers)
    return settings


def differences(before: Mapping[str, float], after: Mapping[str, float]) -> List[str]:
    """The settings that differ, as `initial backoff (s) 0.025 → 0.01`, in key order."""
    return [
        f"{key.label} {format_number(before[key.file_key])} → {format_number(after[key.file_key])}"
        for key in SETTING_KEYS
        if before[key.file_key] != after[key.file_key]
    ]


def summary(before: Mapping[str, float], after: Mapping[str, float]) -> str:
    """A settings change in words."""
    changes = differences(before, after)
    return ", ".join(changes) if changes else "no setting changes"
