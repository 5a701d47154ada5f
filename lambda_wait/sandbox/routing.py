"""Routing: which Lambda operation a request is (from botocore's model) and what it names."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from lambda_wait.sandbox.wsgi import WSGIEnviron, json_body

# Invocations have their own (concurrency) quota, not the control-plane rate.
DATA_PLANE = frozenset({"Invoke", "InvokeAsync", "InvokeWithResponseStream"})
# Operations whose function is named in the JSON body, not in the path.
_NAMED_IN_BODY = frozenset({"CreateFunction", "CreateEventSourceMapping"})
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


Route = tuple[str, re.Pattern[str], str, tuple[tuple[str, str], ...]]


@functools.cache
def _routes() -> tuple[Route, ...]:
    import botocore.session

    model = botocore.session.get_session().get_service_model("lambda")
    routes: list[tuple[int, Route]] = []
    for name in model.operation_names:
        http_info = model.operation_model(name).http
        uri, _, literal_query = http_info["requestUri"].partition("?")
        path = uri.rstrip("/")
        # A query literal in the URI tells two operations on one path apart
        # (ListProvisionedConcurrencyConfigs is GetProvisionedConcurrencyConfig + List=ALL).
        required = tuple(
            (key, value)
            for key, value in (item.partition("=")[::2] for item in literal_query.split("&"))
            if key
        )
        regex, literal = "", 0
        for part in re.split(r"(\{[^}]+\})", path):
            if part.startswith("{"):
                label = part[1:-1]
                greedy = label.endswith("+")
                regex += f"(?P<{label.rstrip('+')}>{'.+' if greedy else '[^/]+'})"
            else:
                regex += re.escape(part)
                literal += len(part)
        route = (http_info["method"], re.compile(f"^{regex}/?$"), name, required)
        routes.append((literal + 1000 * len(required), route))
    # The most literal template wins (".../versions" before ".../{FunctionName}").
    routes.sort(key=lambda r: -r[0])
    return tuple(route for _, route in routes)


def identify(
    method: str, path: str, query: Mapping[str, list[str]] | None = None
) -> tuple[str, dict[str, str]]:
    """The Lambda operation name and URI parameters of a request, or ("Unknown", {})."""
    query = query or {}
    for route_method, regex, name, required in _routes():
        if route_method != method or any(query.get(k) != [v] for k, v in required):
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
        query = parse_qs(environ.get("QUERY_STRING", ""))
        operation, params = identify(method, path, query)
        raw_name = params.get("FunctionName") or params.get("Resource")
        if operation in _NAMED_IN_BODY:
            raw_name = str((json_body(body) or {}).get("FunctionName") or "") or None
        name, qualifier = split_function_name(raw_name) if raw_name else (None, None)
        qualifier = (query.get("Qualifier") or [qualifier])[0]
        return cls(environ, operation, params, query, body, region, name, qualifier)

    def arg(self, key: str) -> str | None:
        """The first value of a query parameter, if given."""
        values = self.query.get(key)
        return values[0] if values else None

    def json(self) -> dict[str, Any]:
        """The body as a JSON object ({} when it is missing or not an object)."""
        data = json_body(self.body)
        return data if isinstance(data, dict) else {}
