"""The HTTP control API under ``/_sandbox/`` (a path AWS never uses).

Lets tests and demos in other processes read the call log, make a function
Inactive, and switch throttling and faults. Every answer is JSON. It drives the
sandbox through the :class:`Controls` protocol, so it never imports the app.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote

from lambda_wait.errors import UsageError
from lambda_wait.sandbox.calls import Call
from lambda_wait.sandbox.cloudwatch import AlarmFlip
from lambda_wait.sandbox.errors import UnknownFunctionError
from lambda_wait.sandbox.faults import ChaosRule, FaultConfig
from lambda_wait.sandbox.wsgi import Response, WSGIEnviron

PREFIX = "/_sandbox"

ROUTES = (
    "GET /_sandbox/health",
    "GET /_sandbox/calls[?function=NAME&mutating=1]",
    "DELETE /_sandbox/calls",
    "GET /_sandbox/functions/NAME[?region=R]",
    "POST /_sandbox/functions/NAME/inactive[?region=R]",
    'GET|PUT /_sandbox/throttling  body {"enabled": true}',
    'GET|PUT|DELETE /_sandbox/faults  body {"rate": 0.2, "kinds": ["500"], ...}',
    'PUT /_sandbox/alarms/NAME  body {"state": "ALARM", "after": 30, "when": "now|start|weighted"}',
    "GET /_sandbox/alarms",
    'GET|PUT|DELETE /_sandbox/chaos  body [{"operation": "GetFunction", "status": 500, ...}]',
    "POST /_sandbox/reset",
)


class Controls(Protocol):
    """What the control API needs of a sandbox (``Sandbox`` satisfies it)."""

    @property
    def time_scale(self) -> float: ...
    @property
    def calls(self) -> list[Call]: ...
    @property
    def throttling(self) -> bool: ...
    @property
    def faults(self) -> FaultConfig: ...
    def reset_calls(self) -> None: ...
    def function_state(self, name: str, region: str = ...) -> dict[str, Any]: ...
    def make_inactive(self, name: str, region: str = ...) -> None: ...
    def set_throttling(self, enabled: bool) -> None: ...
    def set_faults(self, faults: FaultConfig | None = None, **kwargs: Any) -> FaultConfig: ...
    def reset(self) -> None: ...
    def set_chaos(self, *rules: ChaosRule) -> tuple[ChaosRule, ...]: ...
    @property
    def chaos(self) -> tuple[ChaosRule, ...]: ...
    def schedule_alarm(self, flip: AlarmFlip) -> None: ...
    @property
    def alarm_flips(self) -> list[tuple[str, str]]: ...


@dataclass(frozen=True)
class ControlRequest:
    """One control request: method, path parts (after /_sandbox), query, JSON payload."""

    method: str
    parts: list[str]
    query: dict[str, list[str]]
    payload: Any

    def arg(self, key: str, default: str | None = None) -> str | None:
        """The first value of a query parameter."""
        values = self.query.get(key)
        return values[0] if values else default

    @property
    def region(self) -> str:
        """The ``region`` query parameter (us-east-1 by default)."""
        return self.arg("region") or "us-east-1"


Route = Callable[[Controls, ControlRequest], Response | None]


def is_control_path(path: str) -> bool:
    """True for the paths the control API answers."""
    return path == PREFIX or path.startswith(PREFIX + "/")


def answer(status: int, data: Any) -> Response:
    """A JSON answer."""
    return Response.of_json(status, data)


def handle_control(sandbox: Controls, environ: WSGIEnviron, path: str, body: bytes) -> Response:
    """Answer one control request."""
    method = environ.get("REQUEST_METHOD", "GET")
    parts = [unquote(p) for p in path[len(PREFIX) :].strip("/").split("/") if p]
    try:
        payload = json.loads(body) if body else {}
    except ValueError:
        return answer(400, {"error": "the body must be JSON"})
    request = ControlRequest(method, parts, parse_qs(environ.get("QUERY_STRING", "")), payload)
    try:
        for route in _ROUTES:
            resp = route(sandbox, request)
            if resp is not None:
                return resp
    except UnknownFunctionError as exc:
        return answer(404, {"error": exc.message})
    except UsageError as exc:
        return answer(400, {"error": exc.message})
    return answer(404, {"error": f"unknown control route {method} {path}", "routes": list(ROUTES)})


def _health(sandbox: Controls, req: ControlRequest) -> Response | None:
    if req.parts == ["health"] and req.method == "GET":
        return answer(200, {"ok": True, "time_scale": sandbox.time_scale})
    return None


def _calls(sandbox: Controls, req: ControlRequest) -> Response | None:
    if req.parts != ["calls"]:
        return None
    if req.method == "DELETE":
        sandbox.reset_calls()
        return answer(200, {"ok": True})
    if req.method != "GET":
        return None
    name = req.arg("function")
    calls = sandbox.calls
    if name:
        calls = [c for c in calls if c.function == name]
    if req.arg("mutating", "0") in ("1", "true"):
        calls = [c for c in calls if c.mutating and c.applied]
    return answer(200, {"calls": [c.to_dict() for c in calls]})


def _functions(sandbox: Controls, req: ControlRequest) -> Response | None:
    parts = req.parts
    if len(parts) == 2 and parts[0] == "functions" and req.method == "GET":
        return answer(200, sandbox.function_state(parts[1], req.region))
    if len(parts) == 3 and parts[0] == "functions" and parts[2] == "inactive":
        if req.method != "POST":
            return answer(405, {"error": "use POST"})
        sandbox.make_inactive(parts[1], req.region)
        return answer(200, sandbox.function_state(parts[1], req.region))
    return None


def _throttling(sandbox: Controls, req: ControlRequest) -> Response | None:
    if req.parts != ["throttling"]:
        return None
    if req.method in ("PUT", "POST"):
        enabled = req.payload.get("enabled") if isinstance(req.payload, dict) else None
        if not isinstance(enabled, bool):
            return answer(400, {"error": 'body must be {"enabled": true|false}'})
        sandbox.set_throttling(enabled)
    return answer(200, {"enabled": sandbox.throttling})


def _faults(sandbox: Controls, req: ControlRequest) -> Response | None:
    if req.parts != ["faults"]:
        return None
    if req.method in ("PUT", "POST"):
        if not isinstance(req.payload, dict):
            return answer(400, {"error": "body must be a JSON object"})
        sandbox.set_faults(FaultConfig.from_mapping(req.payload, where="faults"))
    elif req.method == "DELETE":
        sandbox.set_faults()
    return answer(200, _faults_json(sandbox.faults))


def _chaos(sandbox: Controls, req: ControlRequest) -> Response | None:
    if req.parts != ["chaos"]:
        return None
    if req.method in ("PUT", "POST"):
        payload = req.payload
        items = payload.get("rules") if isinstance(payload, dict) else payload
        if not isinstance(items, list):
            return answer(400, {"error": 'body must be a list of rules or {"rules": [...]}'})
        sandbox.set_chaos(
            *(
                ChaosRule.from_mapping(item, where=f"chaos rule #{i}")
                for i, item in enumerate(items, 1)
            )
        )
    elif req.method == "DELETE":
        sandbox.set_chaos()
    return answer(200, {"rules": [rule.to_dict() for rule in sandbox.chaos]})


def _reset(sandbox: Controls, req: ControlRequest) -> Response | None:
    if req.parts == ["reset"] and req.method == "POST":
        sandbox.reset()
        return answer(200, {"ok": True})
    return None


def _alarms(sandbox: Controls, req: ControlRequest) -> Response | None:
    if req.parts == ["alarms"] and req.method == "GET":
        return answer(200, {"flipped": [list(f) for f in sandbox.alarm_flips]})
    if len(req.parts) != 2 or req.parts[0] != "alarms" or req.method not in ("PUT", "POST"):
        return None
    payload = req.payload if isinstance(req.payload, dict) else None
    if payload is None:
        return answer(400, {"error": "body must be a JSON object"})
    flip = AlarmFlip.from_mapping(
        {**payload, "name": req.parts[1]}, where="alarm", default_trigger="now"
    )
    sandbox.schedule_alarm(flip)
    return answer(
        200, {"name": flip.name, "state": flip.state, "after": flip.after, "when": flip.trigger}
    )


_ROUTES: tuple[Route, ...] = (
    _health,
    _calls,
    _functions,
    _throttling,
    _faults,
    _alarms,
    _chaos,
    _reset,
)


def _faults_json(config: FaultConfig) -> dict[str, Any]:
    return {
        "rate": config.rate,
        "kinds": list(config.kinds),
        "when": config.when,
        "slow_seconds": config.slow_seconds,
        "seed": config.seed,
        "operations": sorted(config.operations) if config.operations is not None else None,
    }
