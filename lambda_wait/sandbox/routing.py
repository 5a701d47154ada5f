"""Routing: which Lambda operation a request is (from botocore's model) and what it names."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from lambda_wait.sandbox.wsgi import WSGIEnviron, json_body

# Invocations have their own (concurrency) quota, not the control-plane rate.
DATA_PLANE = frozenset({"Invoke", "InvokeAsync", "InvokeWithResponseStream"})
_MUTATING_PREFIXES = (
    "Create",
    "Update",
    "Delete",
    "Put",
    "Publish",
    "Tag",
    "Untag",
    "Add",
    "Remove",
)


@functools.cache
def _routes() -> tuple[tuple[str, re.Pattern[str], str], ...]:
    import botocore.session

    model = botocore.session.get_session().get_service_model("lambda")
    routes: list[tuple[int, str, re.Pattern[str], str]] = []
    for name in model.operation_names:
        http_info = model.operation_model(name).http
        path = http_info["requestUri"].split("?")[0].rstrip("/")
        regex, literal = "", 0
        for part in re.split(r"(\{[^}]+\})", path):
            if part.startswith("{"):
                label = part[1:-1]
                greedy = label.endswith("+")
                regex += f"(?P<{label.rstrip('+')}>{'.+' if greedy else '[^/]+'})"
            else:
                regex += re.escape(part)
                literal += len(part)
        routes.append((literal, http_info["method"], re.compile(f"^{regex}/?$"), name))
    # The most literal template wins (".../versions" before ".../{FunctionName}").
    routes.sort(key=lambda r: -r[0])
    return tuple((m, rx, n) for _, m, rx, n in routes)


def identify(method: str, path: str) -> tuple[str, dict[str, str]]:
    """The Lambda operation name and URI parameters of a request, or ("Unknown", {})."""
    for route_method, regex, name in _routes():
        if route_method != method:
            continue
        match = regex.match(path)
        if match:
            return name, match.groupdict()
    return "Unknown", {}


def split_function_name(raw: str) -> tuple[str, str | None]:
    """Name and qualifier from a name, partial ARN or ARN, each with an optional qualifier."""
    rest = raw.split(":function:", 1)[1] if ":function:" in raw else raw
    name, _, qualifier = rest.partition(":")
    return name, qualifier or None


def is_mutating(operation: str) -> bool:
    """True for calls that change something (Create*, Update*, Publish*, Tag*, ...)."""
    return operation.startswith(_MUTATING_PREFIXES)


@dataclass(frozen=True)
class LambdaRequest:
    """One Lambda request, identified: what the handlers need to answer it."""

    environ: WSGIEnviron
    operation: str
    params: dict[str, str]
    query: dict[str, list[str]]
    body: bytes
    region: str
    name: str | None
    qualifier: str | None

    @classmethod
    def parse(cls, environ: WSGIEnviron, body: bytes, region: str) -> LambdaRequest:
        """Identify the operation and the function (name and qualifier) it is about."""
        method = environ.get("REQUEST_METHOD", "GET")
        path = (environ.get("PATH_INFO", "") or "/").rstrip("/") or "/"
        operation, params = identify(method, path)
        raw_name = params.get("FunctionName") or params.get("Resource")
        if operation == "CreateFunction":
            raw_name = str((json_body(body) or {}).get("FunctionName") or "") or None
        name, qualifier = split_function_name(raw_name) if raw_name else (None, None)
        query = parse_qs(environ.get("QUERY_STRING", ""))
        qualifier = (query.get("Qualifier") or [qualifier])[0]
        return cls(environ, operation, params, query, body, region, name, qualifier)

    def json(self) -> dict[str, Any]:
        """The body as a JSON object ({} when it is missing or not an object)."""
        data = json_body(self.body)
        return data if isinstance(data, dict) else {}
