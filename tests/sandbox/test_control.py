"""The control API answered in process (no server): routes, typed errors, bad bodies."""

from __future__ import annotations

import json
from typing import Any

from lambda_wait.sandbox import Sandbox
from lambda_wait.sandbox.control import ROUTES, handle_control


def control(method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """(status, decoded JSON) of one control request to a fresh sandbox."""
    raw = b"" if body is None else body if isinstance(body, bytes) else json.dumps(body).encode()
    resp = handle_control(Sandbox(), {"REQUEST_METHOD": method}, path, raw)
    return resp.status, resp.json()


def test_an_unknown_function_is_404_naming_it() -> None:
    status, data = control("GET", "/_sandbox/functions/ghost")
    assert status == 404
    assert data == {"error": "the sandbox has no function named 'ghost' in us-east-1"}
    assert control("POST", "/_sandbox/functions/ghost/inactive")[0] == 404


def test_bad_input_is_400_with_the_reason() -> None:
    status, data = control("PUT", "/_sandbox/faults", {"rate": 2})
    assert status == 400
    assert "fault rate must be between 0 and 1" in data["error"]
    assert control("PUT", "/_sandbox/faults", b"{not json")[0] == 400
    assert control("PUT", "/_sandbox/throttling", {"enabled": "yes"})[0] == 400


def test_an_unknown_route_lists_the_routes() -> None:
    status, data = control("PATCH", "/_sandbox/calls")
    assert status == 404
    assert data["routes"] == list(ROUTES)


def test_wrong_method_on_inactive_is_405() -> None:
    assert control("GET", "/_sandbox/functions/f/inactive")[0] == 405
