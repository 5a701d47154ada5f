"""The HTTP control API under ``/_sandbox/`` (a path AWS never uses).

Lets tests and demos in other processes read the call log, make a function
Inactive, and switch throttling and faults. Every answer is JSON.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote

from lambda_wait.errors import UsageError
from lambda_wait.sandbox.faults import FaultConfig

if TYPE_CHECKING:
    from lambda_wait.sandbox.app import Response, Sandbox, WSGIEnviron

ROUTES = (
    "GET /_sandbox/health",
    "GET /_sandbox/calls[?function=NAME&mutating=1]",
    "DELETE /_sandbox/calls",
    "GET /_sandbox/functions/NAME[?region=R]",
    "POST /_sandbox/functions/NAME/inactive[?region=R]",
    'GET|PUT /_sandbox/throttling  body {"enabled": true}',
    'GET|PUT|DELETE /_sandbox/faults  body {"rate": 0.2, "kinds": ["500"], ...}',
    "POST /_sandbox/reset",
)


def handle_control(sandbox: Sandbox, environ: WSGIEnviron, path: str, body: bytes) -> Response:
    """Answer one control request."""
    from lambda_wait.sandbox.app import Response

    method = environ.get("REQUEST_METHOD", "GET")
    query = parse_qs(environ.get("QUERY_STRING", ""))
    parts = [unquote(p) for p in path[len("/_sandbox") :].strip("/").split("/") if p]

    def answer(status: int, data: Any) -> Response:
        resp = Response(status, [("Content-Type", "application/json")])
        resp.set_json(data)
        return resp

    try:
        payload = json.loads(body) if body else {}
    except ValueError:
        return answer(400, {"error": "the body must be JSON"})
    region = (query.get("region") or ["us-east-1"])[0]
    try:
        if parts == ["health"] and method == "GET":
            return answer(200, {"ok": True, "time_scale": sandbox.time_scale})
        if parts == ["calls"] and method == "GET":
            name = (query.get("function") or [None])[0]
            calls = sandbox.calls
            if name:
                calls = [c for c in calls if c.function == name]
            if (query.get("mutating") or ["0"])[0] in ("1", "true"):
                calls = [c for c in calls if c.mutating and c.applied]
            return answer(200, {"calls": [c.to_dict() for c in calls]})
        if parts == ["calls"] and method == "DELETE":
            sandbox.reset_calls()
            return answer(200, {"ok": True})
        if len(parts) == 2 and parts[0] == "functions" and method == "GET":
            return answer(200, sandbox.function_state(parts[1], region))
        if len(parts) == 3 and parts[0] == "functions" and parts[2] == "inactive":
            if method != "POST":
                return answer(405, {"error": "use POST"})
            sandbox.make_inactive(parts[1], region)
            return answer(200, sandbox.function_state(parts[1], region))
        if parts == ["throttling"]:
            if method in ("PUT", "POST"):
                enabled = payload.get("enabled") if isinstance(payload, dict) else None
                if not isinstance(enabled, bool):
                    return answer(400, {"error": 'body must be {"enabled": true|false}'})
                sandbox.set_throttling(enabled)
            return answer(200, {"enabled": sandbox.throttling})
        if parts == ["faults"]:
            if method in ("PUT", "POST"):
                if not isinstance(payload, dict):
                    return answer(400, {"error": "body must be a JSON object"})
                sandbox.set_faults(FaultConfig.from_mapping(payload, where="faults"))
            elif method == "DELETE":
                sandbox.set_faults()
            return answer(200, _faults_json(sandbox.faults))
        if parts == ["reset"] and method == "POST":
            sandbox.reset()
            return answer(200, {"ok": True})
    except UsageError as exc:
        status = 404 if "has no function" in exc.message else 400
        return answer(status, {"error": exc.message})
    return answer(404, {"error": f"unknown control route {method} {path}", "routes": list(ROUTES)})


def _faults_json(config: FaultConfig) -> dict[str, Any]:
    return {
        "rate": config.rate,
        "kinds": list(config.kinds),
        "when": config.when,
        "slow_seconds": config.slow_seconds,
        "seed": config.seed,
        "operations": sorted(config.operations) if config.operations is not None else None,
    }
