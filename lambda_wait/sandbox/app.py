"""The WSGI layer: moto stores, the sandbox adds Lambda's state machine on top.

Every Lambda request is identified from its method and path (:mod:`.routing`),
throttled or faulted here, then answered by a handler per resource
(:mod:`.handlers`) against the function's timeline (409s, Inactive invokes),
forwarded to moto's server app, and the JSON moto returns is patched with the
state fields the timeline says are current. Other services go to moto as they are.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable, Iterable
from typing import Any

from lambda_wait.clock import Clock, SystemClock
from lambda_wait.errors import UsageError
from lambda_wait.sandbox import control
from lambda_wait.sandbox.calls import Call, CallInfo, CallLog
from lambda_wait.sandbox.cloudwatch import (
    CLOUDWATCH_SERVICE,
    cloudwatch_operation,
)
from lambda_wait.sandbox.context import Context
from lambda_wait.sandbox.errors import ApiError, UnknownFunctionError
from lambda_wait.sandbox.faults import (
    ChaosRule,
    ChaosTable,
    FaultConfig,
    FaultDecision,
    FaultInjector,
    TokenBucket,
    cloudwatch_answer,
    retry_after_header,
)
from lambda_wait.sandbox.handlers import dispatch
from lambda_wait.sandbox.handlers.functions import _ensure_role as ensure_role
from lambda_wait.sandbox.image_configs import ImageConfigs
from lambda_wait.sandbox.init_logs import ensure_init_log, log_group_read
from lambda_wait.sandbox.inprocess import SandboxControls
from lambda_wait.sandbox.network import ensure_named
from lambda_wait.sandbox.reads import ACCOUNT, denied_answer, role_read
from lambda_wait.sandbox.reads import PREFIXES as READ_PREFIXES
from lambda_wait.sandbox.routing import DATA_PLANE, LambdaRequest, is_mutating
from lambda_wait.sandbox.scenario import Scenario
from lambda_wait.sandbox.wsgi import (
    Dropped,
    Response,
    StartResponse,
    WSGIApp,
    WSGIEnviron,
    error_response,
    read_body,
    scope,
    send,
    send_truncated,
)

__all__ = ["Call", "Sandbox"]

# Tells lambda-wait how fast the sandbox's operations run (AWS never sends it).
TIME_SCALE_HEADER = "X-Lambda-Wait-Sandbox-Time-Scale"

DEFAULT_ACCOUNT = "123456789012"
GET_FUNCTION_RATE = 100.0  # GetFunction: 100 requests/s per account and Region
CONTROL_PLANE_RATE = 15.0  # every other control-plane call together: 15 requests/s


def monotonic_seconds(clock: Clock | Callable[[], float] | None) -> Callable[[], float]:
    """The sandbox's time source: a Clock's ``now``, a test's callable as it is, or
    the system clock's."""
    if clock is None:
        return SystemClock().now
    return clock.now if isinstance(clock, Clock) else clock


class Sandbox(SandboxControls):
    """A Lambda control plane with the documented states, as a WSGI application.

    ``scenario`` chooses timings and failures (see :mod:`.scenario`); every delay
    and the cooldown are multiplied by ``time_scale``; ``throttling`` switches
    AWS's real-time quotas on; ``faults`` injects 500/503/dropped/slow answers;
    ``clock`` is a :class:`lambda_wait.clock.Clock` (its ``now()`` is the sandbox's
    time; a test's :class:`lambda_wait.clock.ManualClock`) or any callable giving
    monotonic seconds; by default the system clock. Roles
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
        clock: Clock | Callable[[], float] | None = None,
        auto_create_roles: bool = True,
        on_call: Callable[[Call], None] | None = None,
    ) -> None:
        if not time_scale > 0:
            raise UsageError(f"time scale must be > 0, got {time_scale!r}")
        scenario = scenario or Scenario()
        self._ctx = Context(
            scenario,
            time_scale=float(time_scale),
            clock=monotonic_seconds(clock),
            auto_create_roles=auto_create_roles,
        )
        self._log = CallLog(on_call)
        self._lock = self._ctx.lock
        self._throttling = bool(throttling if throttling is not None else scenario.throttling)
        self._get_bucket = TokenBucket(GET_FUNCTION_RATE, GET_FUNCTION_RATE, self.clock)
        self._plane_bucket = TokenBucket(CONTROL_PLANE_RATE, CONTROL_PLANE_RATE, self.clock)
        self._faults = FaultInjector(faults or scenario.faults or FaultConfig())
        self._chaos = ChaosTable(scenario.chaos)
        for flip in scenario.alarms:
            self._ctx.schedule_alarm(flip)
        self.denied_reads: frozenset[str] = frozenset()
        # Subnets and security groups a function names exist (lambda_wait.sandbox.network).
        self.auto_create_network = True
        # ECR config blobs served through GetDownloadUrlForLayer (moto lacks it).
        self.image_configs = ImageConfigs()

    def put_image_config(self, body: bytes) -> str:
        """Hold an image config blob ECR serves; its digest, for a manifest's config."""
        return self.image_configs.put(body)

    def deny_reads(self, *actions: str) -> None:
        """Answer AccessDenied to these evidence reads (``ec2:DescribeSubnets``), as a CI
        role without them gets; none: every read is allowed again."""
        self.denied_reads = frozenset(actions)

    # --- WSGI --------------------------------------------------------------------------

    def __call__(self, environ: WSGIEnviron, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        answer = self.image_configs.blob(path)  # an ECR config's download URL
        if control.is_control_path(path):
            answer = control.handle_control(self, environ, path, read_body(environ))
        if answer is not None:
            return send(answer, start_response)
        service, region = scope(environ)
        with self._lock:
            self._ctx.cloudwatch.apply_due(self.clock(), region)
        if service == CLOUDWATCH_SERVICE:
            chaotic = self._cloudwatch_chaos(environ)
            if chaotic is not None:
                return send(chaotic, start_response)
        if service in READ_PREFIXES:  # the evidence reads: a denied one, or moto's
            body = read_body(environ)
            refused = denied_answer(service, environ, body, self.denied_reads)
            if refused is not None:
                return send(Response(*refused), start_response)
            served = self.image_configs.layer_url(environ, body) if service == "ecr" else None
            if served is not None:
                return send(served, start_response)
            role = role_read(service, body) if self._ctx.auto_create_roles else None
            if role is not None:
                ensure_role(self._ctx, environ, f"arn:aws:iam::{ACCOUNT}:role/{role}")
            if service == "ec2" and self.auto_create_network:
                ensure_named(region, body)
            if service == "logs":
                self._init_log(region, body)
        if service != "lambda":
            # IAM, S3, STS, CloudWatch, /moto-api: moto unchanged.
            return self.moto_app(environ, start_response)
        scale = (TIME_SCALE_HEADER, repr(self._ctx.time_scale))

        def paced(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            # lambda-wait's poll schedule runs at the sandbox's pace (lambda_wait.anchor).
            return start_response(status, [*headers, scale], *rest)

        return self._lambda(environ, paced, region)

    def _init_log(self, region: str, body: bytes) -> None:
        """A read of the log group of a function that failed at init finds its error."""
        name = log_group_read(body)
        if name is None:
            return
        try:
            state = self.function_state(name, region)
        except UnknownFunctionError:
            return
        code = state.get("StateReasonCode") or state.get("LastUpdateStatusReasonCode")
        if isinstance(code, str) and code.startswith("FunctionError"):
            reason = state.get("StateReason") or state.get("LastUpdateStatusReason")
            ensure_init_log(region, name, code, reason)

    @property
    def moto_app(self) -> WSGIApp:
        """moto's server application (created on first use)."""
        return self._ctx.moto.app

    def _cloudwatch_chaos(self, environ: WSGIEnviron) -> Response | None:
        """A chaos rule's answer to a CloudWatch call that one names, else None."""
        operation = cloudwatch_operation(environ, read_body(environ))
        if operation is None:
            return None
        with self._lock:
            rule = self._chaos.take(operation, None, named_only=True)
        if rule is None:
            return None
        if rule.delay:
            time.sleep(rule.delay)  # real time, as for Lambda's calls
        if not rule.replaces:
            return None
        return Response(*cloudwatch_answer(rule))

    # --- the Lambda path: throttling, faults, the handler, the call log ------------------

    def _lambda(
        self, environ: WSGIEnviron, start_response: StartResponse, region: str
    ) -> Iterable[bytes]:
        req = LambdaRequest.parse(environ, read_body(environ), region)
        info = CallInfo(req.operation, req.name, req.qualifier, is_mutating(req.operation))

        with self._lock:
            wait = self._throttle(req.operation)
            if wait is not None:
                info.throttled = True
                return self._finish(info, _throttled(wait), start_response)
            chaos = self._chaos.take(req.operation, req.name)
            fault = None if chaos is not None else self._faults.decide(req.operation)

        if chaos is not None:
            return self._chaos_answer(info, req, chaos, environ, start_response)
        if fault is not None:
            info.fault, info.fault_when = fault.kind, fault.when
            if fault.when == "before":
                if fault.kind == "slow":
                    time.sleep(self.faults.slow_seconds)
                else:
                    return self._fault_answer(info, fault, None, environ, start_response)

        with self._lock:
            resp = dispatch(self._ctx, req, info)

        if fault is not None and fault.when == "after":
            if fault.kind == "slow":
                self._record(info, resp)
                time.sleep(self.faults.slow_seconds)
                return send(resp, start_response)
            return self._fault_answer(info, fault, resp, environ, start_response)
        return self._finish(info, resp, start_response)

    def _chaos_answer(
        self,
        info: CallInfo,
        req: LambdaRequest,
        rule: ChaosRule,
        environ: WSGIEnviron,
        start_response: StartResponse,
    ) -> Iterable[bytes]:
        info.fault, info.fault_when = "chaos", rule.when
        if rule.delay:
            time.sleep(rule.delay)  # real time: it must beat a client's read time-out
        if rule.replaces and rule.when == "before":
            resp = Response(*rule.answer())  # never reaches the state machine
        else:
            with self._lock:
                resp = dispatch(self._ctx, req, info)
            if rule.replaces:
                resp = Response(*rule.answer())
        if rule.truncate is None:
            return self._finish(info, resp, start_response)
        self._record(info, resp)
        return send_truncated(resp, rule.truncate, environ, start_response)

    def _fault_answer(
        self,
        info: CallInfo,
        fault: FaultDecision,
        real: Response | None,
        environ: WSGIEnviron,
        start_response: StartResponse,
    ) -> Iterable[bytes]:
        if real is None:
            info.applied = False
        if fault.kind == "drop":
            self._record(info, None)
            sock = environ.get("werkzeug.socket")
            if sock is not None:
                with contextlib.suppress(OSError):  # the client may have gone already
                    sock.shutdown(socket.SHUT_RDWR)
            raise Dropped("sandbox fault: connection dropped")
        if fault.kind == "500":
            err = ApiError(500, "ServiceException", "Internal failure (sandbox fault).", "Message")
        else:
            err = ApiError(
                503, "ServiceUnavailableException", "Service unavailable (sandbox fault)."
            )
        return self._finish(info, error_response(err), start_response)

    def _finish(
        self, info: CallInfo, resp: Response, start_response: StartResponse
    ) -> Iterable[bytes]:
        self._record(info, resp)
        return send(resp, start_response)

    def _record(self, info: CallInfo, resp: Response | None) -> None:
        status = resp.status if resp is not None else 0
        error_code = resp.error_code if resp is not None else None
        self._log.append(info.to_call(self.clock(), status, error_code))

    def _throttle(self, operation: str) -> float | None:
        if not self._throttling or operation in DATA_PLANE:
            return None
        bucket = self._get_bucket if operation == "GetFunction" else self._plane_bucket
        return bucket.take()


def _throttled(wait: float) -> Response:
    """AWS's 429 with Retry-After and the Reason botocore exposes."""
    resp = error_response(
        ApiError(429, "TooManyRequestsException", "Rate exceeded"),
        [("Retry-After", retry_after_header(wait))],
    )
    payload = resp.json()
    payload["Reason"] = "CallerRateLimitExceeded"
    resp.set_json(payload)
    return resp
