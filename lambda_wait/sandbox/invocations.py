"""Which version an invocation runs, and whether it errors on demand (the ``errors`` knob).

Both decisions are deterministic, so tests and demos repeat: an alias with
weight ``w`` on another version sends it invocation ``n`` when ``floor(n*w)``
steps up, and a version erring at rate ``r`` errs on invocation ``n`` when
``floor(n*r)`` does.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from lambda_wait.errors import UsageError

LATEST_TOKEN = "LATEST"  # "$" is not allowed in tag values


def steps_up(n: int, rate: float) -> bool:
    """True when the ``n``-th event (from 1) is one of the ``rate`` share."""
    return math.floor(n * rate + 1e-9) > math.floor((n - 1) * rate + 1e-9)


def parse_error_tag(value: str, *, where: str) -> dict[str, float] | None:
    """``3``, ``3@0.5``, ``2 3@0.25`` or ``LATEST``; ``ok`` clears. Version -> error rate."""
    if value.strip() == "ok":
        return None
    rates: dict[str, float] = {}
    for item in value.split():
        version, _, rate_text = item.partition("@")
        rates[_version(version, where=where)] = _rate(rate_text or "1", where=where)
    if not rates:
        raise UsageError(f"{where}: expected 'VERSION', 'VERSION@RATE' (space-separated) or 'ok'")
    return rates


def parse_error_rule(value: Any, *, where: str) -> dict[str, float] | None:
    """A scenario's ``errors``: ``"ok"``, a list of versions, or ``{VERSION: RATE}``."""
    if value == "ok" or value is None:
        return None
    if isinstance(value, list):
        value = {str(v): 1.0 for v in value}
    if not isinstance(value, Mapping) or not value:
        raise UsageError(f'{where}: expected "ok", a list of versions or {{"VERSION": RATE}}')
    return {_version(str(k), where=where): _rate(v, where=where) for k, v in value.items()}


def _version(text: str, *, where: str) -> str:
    if text in (LATEST_TOKEN, "$LATEST"):
        return "$LATEST"
    if not text.isdigit() or int(text) < 1:
        raise UsageError(f"{where}: {text!r} is not a version (1, 2, ... or LATEST)")
    return text


def _rate(value: Any, *, where: str) -> float:
    try:
        rate = float(value)
    except (TypeError, ValueError):
        rate = -1.0
    if isinstance(value, bool) or not 0.0 <= rate <= 1.0:
        raise UsageError(f"{where}: error rate must be between 0 and 1, got {value!r}")
    return rate


def error_payload(function: str, version: str) -> dict[str, Any]:
    """The body of an invocation that failed on demand (as Lambda reports an unhandled error)."""
    return {
        "errorMessage": f"sandbox: {function} version {version} fails on demand (errors knob)",
        "errorType": "SandboxInjectedError",
        "stackTrace": [],
    }
