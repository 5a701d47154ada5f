"""The WSGI layer: moto stores, this module adds Lambda's state machine on top.

Every Lambda request is identified from its method and path (routes built from
botocore's model), checked against the function's timeline (409s, Inactive
invokes, throttling, faults), forwarded to moto's server app, and the JSON moto
returns is patched with the state fields the timeline says are current.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import http
import io
import json
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

from lambda_wait.errors import UsageError
from lambda_wait.sandbox.faults import (
    FaultConfig,
    FaultDecision,
    FaultInjector,
    TokenBucket,
    retry_after_header,
)
from lambda_wait.sandbox.scenario import Failure, Scenario, validate_tags
from lambda_wait.sandbox.state import (
    CODE_SHA_MISMATCH,
    REVISION_MISMATCH,
    SNAPSTART_NOT_READY,
    STATE_CONFLICT,
    ApiError,
    FunctionRecord,
    Op,
    VersionRecord,
    new_revision,
)

WSGIEnviron = dict[str, Any]
StartResponse = Callable[..., Any]

CONTROL_PREFIX = "/_sandbox"
DEFAULT_ACCOUNT = "123456789012"
GET_FUNCTION_RATE = 100.0  # GetFunction: 100 requests/s per account and Region
CONTROL_PLANE_RATE = 15.0  # every other control-plane call together: 15 requests/s
# Invocations have their own (concurrency) quota, not the control-plane rate.
_DATA_PLANE = frozenset({"Invoke", "InvokeAsync", "InvokeWithResponseStream"})
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
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d+/([^/]+)/([^/]+)/aws4_request")
_ROLE_ARN = re.compile(r"^arn:aws[a-zA-Z-]*:iam::(\d{12}):role/(.+)$")
_TRUST_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


@dataclass(frozen=True)
class Call:
    """One Lambda request as the sandbox saw it (the call log)."""

    time: float  # the sandbox clock (monotonic by default)
    operation: str
    function: str | None
    qualifier: str | None
    status: int  # 0 when the connection was dropped without an answer
    mutating: bool
    applied: bool  # the mutation took effect (accepted), whatever the client saw
    rejected: bool  # answered by the state machine (409/502) without reaching moto
    throttled: bool
    fault: str | None  # "500", "503", "drop", "slow"
    fault_when: str | None  # "before" (not applied) or "after" (applied, answer lost)
    restore_started: bool
    error_code: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (control API)."""
        return asdict(self)


@dataclass
class Response:
    """A buffered HTTP answer."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def json(self) -> Any:
        """The body decoded as JSON (None if it is not JSON)."""
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    def set_json(self, data: Any) -> None:
        """Replace the body with ``data`` as JSON and fix Content-Length."""
        self.body = json.dumps(data).encode()
        self.headers = [(k, v) for k, v in self.headers if k.lower() != "content-length"]
        self.headers.append(("Content-Length", str(len(self.body))))

    @property
    def ok(self) -> bool:
        """True for a 2xx answer."""
        return 200 <= self.status < 300

    @property
    def error_code(self) -> str | None:
        """The x-amzn-ErrorType of an error answer, if any."""
        for key, value in self.headers:
            if key.lower() == "x-amzn-errortype":
                return value.split(":")[0]
        if self.ok:
            return None
        data = self.json()
        if isinstance(data, dict):
            code = data.get("__type") or data.get("code") or data.get("Code")
            return str(code) if code else None
        return None


def error_response(err: ApiError, extra_headers: Iterable[tuple[str, str]] = ()) -> Response:
    """An error body botocore's rest-json parser understands."""
    payload: dict[str, Any] = {"Type": "User" if err.status < 500 else "Service"}
    payload[err.message_key] = err.message
    resp = Response(
        err.status,
        [
            ("Content-Type", "application/json"),
            ("x-amzn-ErrorType", err.code),
            ("x-amzn-RequestId", str(uuid.uuid4())),
            *extra_headers,
        ],
    )
    resp.set_json(payload)
    return resp


class _Dropped(ConnectionAbortedError):
    """Raised to make werkzeug drop the connection silently (fault injection)."""


# --- routing ---------------------------------------------------------------------


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


def _b64_sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


# --- the sandbox -----------------------------------------------------------------


class Sandbox:
    """A Lambda control plane with the documented states, as a WSGI application.

    ``scenario`` chooses timings and failures (see :mod:`.scenario`); every delay
    and the cooldown are multiplied by ``time_scale``; ``throttling`` switches
    AWS's real-time quotas on; ``faults`` injects 500/503/dropped/slow answers;
    ``clock`` (seconds, monotonic) is injectable for deterministic tests. Roles
    named in CreateFunction are created in moto's IAM when missing unless
    ``auto_create_roles`` is False (then moto answers "cannot be assumed").
    """

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        time_scale: float = 1.0,
        throttling: bool | None = None,
        faults: FaultConfig | None = None,
        clock: Callable[[], float] | None = None,
        auto_create_roles: bool = True,
        on_call: Callable[[Call], None] | None = None,
    ) -> None:
        if not time_scale > 0:
            raise UsageError(f"time scale must be > 0, got {time_scale!r}")
        self.scenario = scenario or Scenario()
        self.time_scale = float(time_scale)
        self.clock: Callable[[], float] = clock or time.monotonic
        self.auto_create_roles = auto_create_roles
        self.on_call = on_call
        self._lock = threading.RLock()
        self._records: dict[tuple[str, str], FunctionRecord] = {}
        self._calls: list[Call] = []
        self._throttling = bool(throttling if throttling is not None else self.scenario.throttling)
        self._get_bucket = TokenBucket(GET_FUNCTION_RATE, GET_FUNCTION_RATE, self.clock)
        self._plane_bucket = TokenBucket(CONTROL_PLANE_RATE, CONTROL_PLANE_RATE, self.clock)
        self._faults = FaultInjector(faults or self.scenario.faults or FaultConfig())
        self._moto_app: Callable[[WSGIEnviron, StartResponse], Iterable[bytes]] | None = None

    # --- in-process control API ------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """A copy of the call log, oldest first."""
        with self._lock:
            return list(self._calls)

    def reset_calls(self) -> None:
        """Empty the call log."""
        with self._lock:
            self._calls.clear()

    def mutating_calls(self, name: str | None = None, *, applied_only: bool = True) -> list[Call]:
        """Mutating calls (for ``name`` if given) that took effect, or all of them."""
        return [
            c
            for c in self.calls
            if c.mutating
            and (name is None or c.function == name)
            and (c.applied or not applied_only)
        ]

    def set_throttling(self, enabled: bool) -> None:
        """Switch the 100/s GetFunction and 15/s control-plane quotas on or off."""
        with self._lock:
            if enabled and not self._throttling:
                self._get_bucket.refill()
                self._plane_bucket.refill()
            self._throttling = enabled

    @property
    def throttling(self) -> bool:
        """Whether the quotas are enforced."""
        return self._throttling

    def set_faults(self, faults: FaultConfig | None = None, **kwargs: Any) -> FaultConfig:
        """Replace the fault configuration (a FaultConfig, or its fields as keywords).

        ``set_faults()`` switches faults off. The RNG restarts from the seed.
        """
        config = faults if faults is not None else FaultConfig(**kwargs)
        with self._lock:
            self._faults = FaultInjector(config)
        return config

    @property
    def faults(self) -> FaultConfig:
        """The fault configuration in force."""
        return self._faults.config

    def make_inactive(self, name: str, region: str = "us-east-1") -> None:
        """Put a function in State Inactive (StateReasonCode Idle), as if idle for weeks."""
        with self._lock:
            record = self._require(name, region)
            now = self.clock()
            self._settle(record, now)
            if record.create.running(now):
                record.create.end = now
                self._settle(record, now)
            record.inactive = True
            record.restore = None
            record.cooldown_until = None

    def function_state(self, name: str, region: str = "us-east-1") -> dict[str, Any]:
        """The state fields of $LATEST plus the layer's bookkeeping (for tests and demos)."""
        with self._lock:
            record = self._require(name, region)
            now = self.clock()
            self._settle(record, now)
            view = {k: v for k, v in record.view(now).items() if v is not None}
            view.update(
                FunctionName=record.name,
                Updates=record.updates,
                Restores=record.restores,
                CooldownRemaining=max(0.0, (record.cooldown_until or now) - now),
                Versions={v: r.view(now).get("State") for v, r in record.versions.items()},
            )
            return view

    def reset(self) -> None:
        """Forget every function, the call log and moto's stored resources."""
        with self._lock:
            self._records.clear()
            self._calls.clear()
            self._moto_request({}, "POST", "/moto-api/reset", service=None)
            self._configure_moto()

    def scaled(self, seconds: float) -> float:
        """``seconds`` after the time scale."""
        return seconds * self.time_scale

    # --- WSGI ------------------------------------------------------------------------

    def __call__(self, environ: WSGIEnviron, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            return self._send(self._control(environ, path), start_response)
        service, region = self._scope(environ)
        if service != "lambda":
            # IAM, S3, STS, /moto-api: moto unchanged.
            return self.moto_app(environ, start_response)
        return self._lambda(environ, start_response, region)

    @property
    def moto_app(self) -> Callable[[WSGIEnviron, StartResponse], Iterable[bytes]]:
        """moto's server application (created on first use)."""
        if self._moto_app is None:
            from moto.moto_server.werkzeug_app import (
                DomainDispatcherApplication,
                create_backend_app,
            )

            self._moto_app = DomainDispatcherApplication(create_backend_app)
            self._configure_moto()
        return self._moto_app

    def _configure_moto(self) -> None:
        # Invoke without Docker: moto's "lambda-simple" backend echoes the payload.
        self._moto_request(
            {},
            "POST",
            "/moto-api/config",
            body=json.dumps({"lambda": {"use_docker": False}}).encode(),
            service=None,
        )

    @staticmethod
    def _scope(environ: WSGIEnviron) -> tuple[str | None, str]:
        match = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
        if not match:
            return None, "us-east-1"
        return match.group(3), match.group(2)

    @staticmethod
    def _send(resp: Response, start_response: StartResponse) -> Iterable[bytes]:
        try:
            phrase = http.HTTPStatus(resp.status).phrase
        except ValueError:
            phrase = "Unknown"
        headers = [(k, v) for k, v in resp.headers if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(resp.body))))
        start_response(f"{resp.status} {phrase}", headers)
        return [resp.body]

    def _forward(self, environ: WSGIEnviron) -> Response:
        captured: dict[str, Any] = {}
        chunks: list[bytes] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            captured["status"], captured["headers"] = status, headers
            return chunks.append

        result = self.moto_app(environ, start_response)
        try:
            chunks.extend(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status = int(str(captured.get("status", "500")).split()[0])
        return Response(status, list(captured.get("headers", [])), b"".join(chunks))

    def _moto_request(
        self,
        base: WSGIEnviron,
        method: str,
        path: str,
        *,
        query: str = "",
        body: bytes = b"",
        service: str | None = "lambda",
        region: str = "us-east-1",
        content_type: str = "application/json",
    ) -> Response:
        """A request of the layer's own to moto (never logged, never throttled)."""
        environ: WSGIEnviron = {
            k: v for k, v in base.items() if k.startswith(("wsgi.", "SERVER_", "REMOTE_"))
        }
        environ.setdefault("wsgi.url_scheme", "http")
        environ.setdefault("wsgi.errors", io.StringIO())
        environ.setdefault("SERVER_NAME", "127.0.0.1")
        environ.setdefault("SERVER_PORT", "80")
        environ.setdefault("SERVER_PROTOCOL", "HTTP/1.1")
        environ.update(
            REQUEST_METHOD=method,
            PATH_INFO=path,
            QUERY_STRING=query,
            CONTENT_TYPE=content_type,
            CONTENT_LENGTH=str(len(body)),
            HTTP_HOST=base.get("HTTP_HOST", "127.0.0.1"),
        )
        environ["wsgi.input"] = io.BytesIO(body)
        if service is not None:
            key = "testing"
            match = _CREDENTIAL.search(base.get("HTTP_AUTHORIZATION", ""))
            if match:
                key = match.group(1)
            environ["HTTP_AUTHORIZATION"] = (
                f"AWS4-HMAC-SHA256 Credential={key}/20200101/{region}/{service}/aws4_request, "
                "SignedHeaders=host, Signature=0"
            )
        return self._forward(environ)

    # --- the Lambda path ---------------------------------------------------------------

    def _lambda(
        self, environ: WSGIEnviron, start_response: StartResponse, region: str
    ) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = (environ.get("PATH_INFO", "") or "/").rstrip("/") or "/"
        operation, params = identify(method, path)
        body = self._read_body(environ)
        raw_name = params.get("FunctionName") or params.get("Resource")
        if operation == "CreateFunction":
            raw_name = str((_json(body) or {}).get("FunctionName") or "") or None
        name, qualifier = split_function_name(raw_name) if raw_name else (None, None)
        query = parse_qs(environ.get("QUERY_STRING", ""))
        qualifier = (query.get("Qualifier") or [qualifier])[0]
        info = _CallInfo(operation, name, qualifier, is_mutating(operation))

        with self._lock:
            wait = self._throttle(operation)
            if wait is not None:
                info.throttled = True
                resp = error_response(
                    ApiError(429, "TooManyRequestsException", "Rate exceeded"),
                    [("Retry-After", retry_after_header(wait))],
                )
                payload = resp.json()
                payload["Reason"] = "CallerRateLimitExceeded"
                resp.set_json(payload)
                return self._finish(info, resp, start_response)
            fault = self._faults.decide(operation)

        if fault is not None:
            info.fault, info.fault_when = fault.kind, fault.when
            if fault.when == "before":
                if fault.kind == "slow":
                    time.sleep(self.faults.slow_seconds)
                else:
                    return self._fault_answer(info, fault, None, environ, start_response)

        with self._lock:
            resp = self._handle(info, environ, body, region, query, params)

        if fault is not None and fault.when == "after":
            if fault.kind == "slow":
                self._log(info, resp)
                time.sleep(self.faults.slow_seconds)
                return self._send(resp, start_response)
            return self._fault_answer(info, fault, resp, environ, start_response)
        return self._finish(info, resp, start_response)

    def _fault_answer(
        self,
        info: _CallInfo,
        fault: FaultDecision,
        real: Response | None,
        environ: WSGIEnviron,
        start_response: StartResponse,
    ) -> Iterable[bytes]:
        if real is None:
            info.applied = False
        if fault.kind == "drop":
            self._log(info, None)
            sock = environ.get("werkzeug.socket")
            if sock is not None:
                with contextlib.suppress(OSError):  # the client may have gone already
                    sock.shutdown(socket.SHUT_RDWR)
            raise _Dropped("sandbox fault: connection dropped")
        if fault.kind == "500":
            err = ApiError(500, "ServiceException", "Internal failure (sandbox fault).", "Message")
        else:
            err = ApiError(
                503, "ServiceUnavailableException", "Service unavailable (sandbox fault)."
            )
        return self._finish(info, error_response(err), start_response)

    def _finish(
        self, info: _CallInfo, resp: Response, start_response: StartResponse
    ) -> Iterable[bytes]:
        self._log(info, resp)
        return self._send(resp, start_response)

    def _log(self, info: _CallInfo, resp: Response | None) -> None:
        call = Call(
            time=self.clock(),
            operation=info.operation,
            function=info.name,
            qualifier=info.qualifier,
            status=resp.status if resp is not None else 0,
            mutating=info.mutating,
            applied=info.mutating and info.applied,
            rejected=info.rejected,
            throttled=info.throttled,
            fault=info.fault,
            fault_when=info.fault_when,
            restore_started=info.restore_started,
            error_code=resp.error_code if resp is not None else None,
        )
        with self._lock:
            self._calls.append(call)
        if self.on_call is not None:
            self.on_call(call)

    @staticmethod
    def _read_body(environ: WSGIEnviron) -> bytes:
        stream = environ.get("wsgi.input")
        length = environ.get("CONTENT_LENGTH")
        if stream is None:
            body = b""
        elif length:
            body = stream.read(int(length))
        elif environ.get("wsgi.input_terminated"):
            body = stream.read()
        else:
            body = b""
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return body

    def _throttle(self, operation: str) -> float | None:
        if not self._throttling or operation in _DATA_PLANE:
            return None
        bucket = self._get_bucket if operation == "GetFunction" else self._plane_bucket
        return bucket.take()

    # --- state machine per operation (called under the lock) ----------------------------

    def _handle(
        self,
        info: _CallInfo,
        environ: WSGIEnviron,
        body: bytes,
        region: str,
        query: Mapping[str, list[str]],
        params: Mapping[str, str] | None = None,
    ) -> Response:
        now = self.clock()
        params = params or {}
        op = info.operation
        record = self._records.get((region, info.name)) if info.name else None
        if record is not None:
            self._settle(record, now)

        if op == "CreateFunction":
            return self._create(info, environ, body, region, now)
        if op in ("UpdateFunctionCode", "UpdateFunctionConfiguration") and record is not None:
            return self._update(info, environ, body, region, record=record, now=now)
        if op == "PublishVersion" and record is not None:
            return self._publish(info, environ, body, region, record=record, now=now)
        if op in ("CreateAlias", "UpdateAlias", "GetAlias", "ListAliases") and record is not None:
            return self._alias(info, environ, body, record=record, params=params)
        if op in ("Invoke", "InvokeAsync", "InvokeWithResponseStream") and record is not None:
            err = self._invoke_guard(info, environ, record, region, now)
            if err is not None:
                return self._reject(info, err)
            return self._apply(info, environ)
        if op == "TagResource" and record is not None:
            conflict = record.mutation_conflict(now, tagging=True)
            if conflict is not None:
                return self._reject(info, conflict)
            tags = dict((_json(body) or {}).get("Tags") or {})
            try:
                validate_tags({**record.tags, **tags}, function=record.name)
            except UsageError as exc:
                return self._invalid(info, exc)
            resp = self._apply(info, environ)
            if resp.ok:
                record.tags.update(tags)
            return resp
        if op == "UntagResource" and record is not None:
            resp = self._apply(info, environ)
            if resp.ok:
                for key in query.get("tagKeys", []):
                    record.tags.pop(key, None)
            return resp
        if op == "DeleteFunction":
            resp = self._apply(info, environ)
            if resp.ok and record is not None:
                if info.qualifier and info.qualifier != "$LATEST":
                    record.versions.pop(info.qualifier, None)
                else:
                    self._records.pop((region, record.name), None)
            return resp
        return self._patched(self._apply(info, environ), region, now)

    def _apply(self, info: _CallInfo, environ: WSGIEnviron) -> Response:
        resp = self._forward(environ)
        info.applied = resp.ok
        return resp

    @staticmethod
    def _reject(info: _CallInfo, err: ApiError) -> Response:
        info.rejected = True
        return error_response(err)

    @staticmethod
    def _invalid(info: _CallInfo, exc: UsageError) -> Response:
        info.rejected = True
        return error_response(ApiError(400, "InvalidParameterValueException", exc.message))

    def _create(
        self, info: _CallInfo, environ: WSGIEnviron, body: bytes, region: str, now: float
    ) -> Response:
        request = _json(body)
        if not isinstance(request, dict) or not info.name:
            return self._apply(info, environ)  # let moto report the malformed request
        tags = {str(k): str(v) for k, v in (request.get("Tags") or {}).items()}
        try:
            validate_tags(tags, function=info.name)
            behaviour = self.scenario.resolve(info.name, tags)
        except UsageError as exc:
            return self._invalid(info, exc)
        if self.auto_create_roles and isinstance(request.get("Role"), str):
            self._ensure_role(environ, request["Role"])
        resp = self._apply(info, environ)
        if not resp.ok:
            return resp
        config = resp.json() or {}
        vpc = request.get("VpcConfig") or None
        timings = behaviour.timings
        has_vpc = bool(vpc and vpc.get("SubnetIds"))
        delay = timings.vpc_create if has_vpc else timings.create
        record = FunctionRecord(
            name=str(config.get("FunctionName") or info.name),
            arn=str(config.get("FunctionArn") or ""),
            create=Op(now, now + self.scaled(delay), behaviour.create),
            vpc_config=vpc,
            snapstart=_snapstart_on(request),
            tags=tags,
            start_inactive=behaviour.start_inactive,
        )
        self._records[(region, record.name)] = record
        record.changed_since_publish = not request.get("Publish")
        if request.get("Publish"):
            # Version 1 is published once the function itself is ready.
            self._register_version(record, {"Version": "1"}, region, now, start=record.create.end)
        return self._patched(resp, region, now)

    def _update(
        self,
        info: _CallInfo,
        environ: WSGIEnviron,
        body: bytes,
        region: str,
        *,
        record: FunctionRecord,
        now: float,
    ) -> Response:
        conflict = record.mutation_conflict(now)
        if conflict is not None:
            return self._reject(info, conflict)
        request = _json(body)
        if not isinstance(request, dict):
            return self._apply(info, environ)
        revision = record.revision_conflict(request.get("RevisionId"))
        if revision is not None:
            return self._reject(info, revision)
        if request.get("DryRun"):
            return self._apply(info, environ)  # validates only; nothing changes
        behaviour = self.scenario.resolve(record.name, record.tags)
        attempt = record.updates + 1
        failure = (
            behaviour.update if behaviour.update and behaviour.update.applies(attempt) else None
        )
        new_vpc = request.get("VpcConfig")
        vpc_changed = new_vpc is not None and _vpc_key(new_vpc) != _vpc_key(record.vpc_config)
        timings = behaviour.timings
        delay = timings.vpc_update if vpc_changed else timings.update
        if failure is not None:
            # A failed update leaves the previous code and configuration live, so the
            # request never reaches moto; the answer echoes what was asked for.
            resp = self._moto_request(
                environ,
                "GET",
                f"/2015-03-31/functions/{quote(record.name)}/configuration",
                region=region,
            )
            if not resp.ok:
                return resp
            config = resp.json()
            config.update(_requested_fields(info.operation, request))
            resp = Response(200, [("Content-Type", "application/json")])
            resp.set_json(config)
            info.applied = True
        else:
            resp = self._apply(info, environ)
            if not resp.ok:
                return resp
            record.changed_since_publish = True
            if new_vpc is not None:
                record.vpc_config = new_vpc
            if "SnapStart" in request:
                record.snapstart = _snapstart_on(request)
        record.updates += 1
        record.update = Op(now, now + self.scaled(delay), failure)
        record.rotate_revision()
        config = resp.json() or {}
        if config.get("Version") not in (None, "$LATEST"):
            record.changed_since_publish = False
            # UpdateFunctionCode with Publish: the new version is ready after the update.
            self._register_version(record, config, region, now, start=record.update.end)
        return self._patched(resp, region, now)

    def _publish(
        self,
        info: _CallInfo,
        environ: WSGIEnviron,
        body: bytes,
        region: str,
        *,
        record: FunctionRecord,
        now: float,
    ) -> Response:
        conflict = record.mutation_conflict(now)
        if conflict is not None:
            return self._reject(info, conflict)
        request = _json(body)
        request = request if isinstance(request, dict) else {}
        revision = record.revision_conflict(request.get("RevisionId"))
        if revision is not None:
            return self._reject(info, revision)
        given = request.get("CodeSha256")
        if given is not None:
            latest = self._moto_request(
                environ,
                "GET",
                f"/2015-03-31/functions/{quote(record.name)}/configuration",
                region=region,
            )
            current = (latest.json() or {}).get("CodeSha256") if latest.ok else None
            if current is not None and given != current:
                message = CODE_SHA_MISMATCH.format(given=given, current=current)
                return self._reject(info, ApiError(400, "InvalidParameterValueException", message))
        if record.versions and not record.changed_since_publish:
            # Nothing changed since the last version: Lambda returns it and makes none
            # (moto would make another after the first publish).
            last = max(record.versions, key=lambda v: int(v) if v.isdigit() else 0)
            resp = self._moto_request(
                environ,
                "GET",
                f"/2015-03-31/functions/{quote(record.name)}/configuration",
                query=urlencode({"Qualifier": last}),
                region=region,
            )
            if resp.ok:
                resp.status = 201
            return self._patched(resp, region, now)
        resp = self._apply(info, environ)
        if resp.ok:
            record.changed_since_publish = False
            if self._register_version(record, resp.json(), region, now, start=now):
                record.rotate_revision()
            else:
                info.applied = False  # nothing changed since the last version: nothing made
        return self._patched(resp, region, now)

    def _alias(
        self,
        info: _CallInfo,
        environ: WSGIEnviron,
        body: bytes,
        *,
        record: FunctionRecord,
        params: Mapping[str, str],
    ) -> Response:
        """Aliases with a RevisionId that changes on every update and is checked (412)."""
        op = info.operation
        request = _json(body)
        request = request if isinstance(request, dict) else {}
        name = str(params.get("Name") or request.get("Name") or "")
        if op == "UpdateAlias":
            current = record.alias_revisions.get(name)
            given = request.get("RevisionId")
            if current is not None and given is not None and given != current:
                return self._reject(
                    info, ApiError(412, "PreconditionFailedException", REVISION_MISMATCH)
                )
        resp = self._apply(info, environ)
        if not resp.ok:
            return resp
        data = resp.json()
        if not isinstance(data, dict):
            return resp
        if op in ("CreateAlias", "UpdateAlias"):
            record.alias_revisions[name] = new_revision()
        aliases = (data.get("Aliases") or []) if op == "ListAliases" else [data]
        for alias in aliases:
            if isinstance(alias, dict):
                key = str(alias.get("Name") or "")
                alias["RevisionId"] = record.alias_revisions.setdefault(
                    key, str(alias.get("RevisionId") or new_revision())
                )
        resp.set_json(data)
        return resp

    def _register_version(
        self, record: FunctionRecord, config: Any, region: str, now: float, *, start: float
    ) -> bool:
        """Track a newly published version; False when it already existed (nothing new)."""
        version = str((config or {}).get("Version") or "")
        if not version or version == "$LATEST" or version in record.versions:
            return False  # PublishVersion with nothing changed returns the existing version
        behaviour = self.scenario.resolve(record.name, record.tags)
        record.publishes += 1
        failure: Failure | None = None
        if behaviour.publish is not None and behaviour.publish.applies(record.publishes):
            failure = behaviour.publish
        timings = behaviour.timings
        delay = timings.snapstart_publish if record.snapstart else timings.publish
        begin = max(start, now)
        record.versions[version] = VersionRecord(
            version, Op(now, begin + self.scaled(delay), failure), record.snapstart
        )
        return True

    def _invoke_guard(
        self,
        info: _CallInfo,
        environ: WSGIEnviron,
        record: FunctionRecord,
        region: str,
        now: float,
    ) -> ApiError | None:
        qualifier = info.qualifier
        if qualifier and qualifier != "$LATEST":
            version = qualifier
            if not qualifier.isdigit():
                alias = self._moto_request(
                    environ,
                    "GET",
                    f"/2015-03-31/functions/{quote(record.name)}/aliases/{quote(qualifier)}",
                    region=region,
                )
                version = str((alias.json() or {}).get("FunctionVersion") or "") if alias.ok else ""
            vrec = record.versions.get(version)
            if vrec is None:
                return None
            if vrec.op.running(now):
                if vrec.snapstart:
                    return ApiError(
                        409, "SnapStartNotReadyException", SNAPSTART_NOT_READY, "Message"
                    )
                return ApiError(
                    409, "ResourceConflictException", STATE_CONFLICT.format(state="Pending")
                )
            if vrec.op.failure is not None:
                return ApiError(
                    409, "ResourceConflictException", STATE_CONFLICT.format(state="Failed")
                )
            return None
        err = record.invoke_error(now)
        if err is not None and record.may_start_restore(now):
            behaviour = self.scenario.resolve(record.name, record.tags)
            record.restores += 1
            failure = None
            if behaviour.restore is not None and behaviour.restore.applies(record.restores):
                failure = behaviour.restore
            record.restore = Op(now, now + self.scaled(behaviour.timings.restore), failure)
            record.cooldown_until = None
            info.restore_started = True
        return err

    def _ensure_role(self, environ: WSGIEnviron, role_arn: str) -> None:
        match = _ROLE_ARN.match(role_arn)
        if not match:
            return  # moto rejects the malformed ARN itself
        role_path, _, role_name = ("/" + match.group(2)).rpartition("/")
        form = {"Action": "GetRole", "RoleName": role_name, "Version": "2010-05-08"}
        found = self._moto_request(
            environ,
            "POST",
            "/",
            body=urlencode(form).encode(),
            service="iam",
            content_type="application/x-www-form-urlencoded",
        )
        if found.ok:
            return
        form = {
            "Action": "CreateRole",
            "RoleName": role_name,
            "Path": (role_path or "") + "/",
            "AssumeRolePolicyDocument": _TRUST_POLICY,
            "Version": "2010-05-08",
        }
        self._moto_request(
            environ,
            "POST",
            "/",
            body=urlencode(form).encode(),
            service="iam",
            content_type="application/x-www-form-urlencoded",
        )

    # --- response patching ------------------------------------------------------------

    def _settle(self, record: FunctionRecord, now: float) -> None:
        behaviour = self.scenario.resolve(record.name, record.tags)
        record.settle(now, self.scaled(behaviour.timings.cooldown))

    def _patched(self, resp: Response, region: str, now: float) -> Response:
        if not resp.ok:
            return resp
        data = resp.json()
        if not isinstance(data, dict):
            return resp
        configs: list[Any] = []
        if "Configuration" in data:
            configs.append(data["Configuration"])
        for key in ("Functions", "Versions"):
            configs.extend(data.get(key) or [])
        if "FunctionName" in data and "Version" in data:
            configs.append(data)
        changed = False
        for config in configs:
            if isinstance(config, dict):
                changed = self._patch_config(config, region, now) or changed
        if changed:
            resp.set_json(data)
        return resp

    def _patch_config(self, config: dict[str, Any], region: str, now: float) -> bool:
        record = self._records.get((region, str(config.get("FunctionName"))))
        if record is None:
            return False
        self._settle(record, now)
        version = str(config.get("Version") or "$LATEST")
        if version == "$LATEST":
            view = record.view(now)
        elif version in record.versions:
            view = record.versions[version].view(now)
        else:
            return False
        for key, value in view.items():
            if value is None:
                config.pop(key, None)
            else:
                config[key] = value
        if record.snapstart:
            config["SnapStart"] = {
                "ApplyOn": "PublishedVersions",
                "OptimizationStatus": "Off" if version == "$LATEST" else "On",
            }
        return True

    def _require(self, name: str, region: str) -> FunctionRecord:
        fname, _ = split_function_name(name)
        record = self._records.get((region, fname))
        if record is None:
            raise UsageError(f"the sandbox has no function named {fname!r} in {region}")
        return record

    # --- the HTTP control API ----------------------------------------------------------

    def _control(self, environ: WSGIEnviron, path: str) -> Response:
        from lambda_wait.sandbox.control import handle_control

        return handle_control(self, environ, path, self._read_body(environ))


@dataclass
class _CallInfo:
    operation: str
    name: str | None
    qualifier: str | None
    mutating: bool
    applied: bool = False
    rejected: bool = False
    throttled: bool = False
    fault: str | None = None
    fault_when: str | None = None
    restore_started: bool = False


def _json(body: bytes) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None


def _snapstart_on(request: Mapping[str, Any]) -> bool:
    snap = request.get("SnapStart") or {}
    return isinstance(snap, dict) and snap.get("ApplyOn") == "PublishedVersions"


def _vpc_key(vpc: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not isinstance(vpc, dict):
        return (), ()
    return (
        tuple(sorted(vpc.get("SubnetIds") or ())),
        tuple(sorted(vpc.get("SecurityGroupIds") or ())),
    )


def _requested_fields(operation: str, request: Mapping[str, Any]) -> dict[str, Any]:
    """What an accepted (to-be-failed) update answers with, echoed from the request."""
    if operation == "UpdateFunctionCode":
        out: dict[str, Any] = {}
        if isinstance(request.get("ZipFile"), str):
            try:
                code = base64.b64decode(request["ZipFile"])
                out.update(CodeSha256=_b64_sha256(code), CodeSize=len(code))
            except ValueError:
                pass
        return out
    simple = ("Description", "Handler", "MemorySize", "Role", "Runtime", "Timeout")
    out = {k: request[k] for k in simple if k in request}
    if "Environment" in request:
        out["Environment"] = request["Environment"]
    if "VpcConfig" in request:
        out["VpcConfig"] = request["VpcConfig"]
    return out
