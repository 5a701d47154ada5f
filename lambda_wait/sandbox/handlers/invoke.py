"""Invoke: refused while the function or the version is not ready; starts restores."""

from __future__ import annotations

from urllib.parse import quote

from lambda_wait.sandbox.calls import CallInfo
from lambda_wait.sandbox.context import Context
from lambda_wait.sandbox.errors import ApiError
from lambda_wait.sandbox.init_logs import ensure_invoke_log, log_tail
from lambda_wait.sandbox.invocations import error_payload, steps_up
from lambda_wait.sandbox.routing import LambdaRequest
from lambda_wait.sandbox.state import SNAPSTART_NOT_READY, STATE_CONFLICT, FunctionRecord
from lambda_wait.sandbox.timeline import Op
from lambda_wait.sandbox.wsgi import Response, error_response


def invoke(
    ctx: Context, req: LambdaRequest, info: CallInfo, record: FunctionRecord, now: float
) -> Response:
    """Invoke, InvokeAsync, InvokeWithResponseStream."""
    qualifier = req.qualifier or "$LATEST"
    if qualifier != "$LATEST" and not resolve_qualifier(ctx, req, record):
        return ctx.not_found(info, req.region, record.name, qualifier)  # no such alias
    err = _guard(ctx, req, info, record, now)
    if err is not None:
        return ctx.reject(info, err)
    if _throttled_on_demand(ctx, req, record, now):
        info.rejected = True
        return reserved_throttle()
    executed = _executed_version(ctx, req, record)
    resp = ctx.apply(info, req.environ)
    if not resp.ok or not executed:
        return resp
    count = record.invocations[executed] = record.invocations.get(executed, 0) + 1
    rates = ctx.behaviour(record).errors or {}
    error = executed in rates and steps_up(count, rates[executed])
    synchronous = req.environ.get("HTTP_X_AMZ_INVOCATION_TYPE", "RequestResponse")
    if error and info.operation == "Invoke" and synchronous == "RequestResponse":
        resp = Response.of_json(200, error_payload(record.name, executed))
        resp.set_header("X-Amz-Function-Error", "Unhandled")
        if req.environ.get("HTTP_X_AMZ_LOG_TYPE") == "Tail":  # the log's last 4 KB
            resp.set_header("X-Amz-Log-Result", log_tail(record.name, executed))
    if error and executed != "$LATEST":
        ensure_invoke_log(req.region, record.name, executed)  # as Lambda logs it
    resp.set_header("X-Amz-Executed-Version", executed)
    ctx.cloudwatch.record_invocation(req.region, record.name, req.qualifier, executed, error=error)
    return resp


def _executed_version(ctx: Context, req: LambdaRequest, record: FunctionRecord) -> str:
    """The version that runs: an alias with weights sends each version its share."""
    qualifier = req.qualifier or "$LATEST"
    if qualifier == "$LATEST" or qualifier.isdigit():
        return qualifier
    version = record.alias_versions.get(qualifier) or resolve_qualifier(ctx, req, record)
    weights = record.alias_weights.get(qualifier) or {}
    if weights:
        n = record.alias_invocations[qualifier] = record.alias_invocations.get(qualifier, 0) + 1
        for other, weight in sorted(weights.items()):
            if steps_up(n, float(weight)):
                return other
    return version


def resolve_qualifier(ctx: Context, req: LambdaRequest, record: FunctionRecord) -> str:
    """The version a qualifier names ("" for an alias that does not exist)."""
    qualifier = req.qualifier or "$LATEST"
    if qualifier == "$LATEST" or qualifier.isdigit():
        return qualifier
    path = f"/2015-03-31/functions/{quote(record.name)}/aliases/{quote(qualifier)}"
    alias = ctx.lambda_get(req.environ, path, req.region)
    return str((alias.json() or {}).get("FunctionVersion") or "") if alias.ok else ""


def _guard(
    ctx: Context, req: LambdaRequest, info: CallInfo, record: FunctionRecord, now: float
) -> ApiError | None:
    if req.qualifier and req.qualifier != "$LATEST":
        return _version_error(record, resolve_qualifier(ctx, req, record), now)
    err = record.invoke_error(now)
    if err is not None and record.may_start_restore(now):
        behaviour = ctx.behaviour(record)
        record.restores += 1
        failure = None
        if behaviour.restore is not None and behaviour.restore.applies(record.restores):
            failure = behaviour.restore
        record.restore = Op(now, now + ctx.scaled(behaviour.timings.restore), failure)
        record.cooldown_until = None
        info.restore_started = True
    return err


def _version_error(record: FunctionRecord, version: str, now: float) -> ApiError | None:
    vrec = record.versions.get(version)
    if vrec is None:
        return None
    if vrec.op.running(now):
        if vrec.snapstart:
            return ApiError(409, "SnapStartNotReadyException", SNAPSTART_NOT_READY, "Message")
        return ApiError(409, "ResourceConflictException", STATE_CONFLICT.format(state="Pending"))
    if vrec.op.failure is not None:
        return ApiError(409, "ResourceConflictException", STATE_CONFLICT.format(state="Failed"))
    return None


def _throttled_on_demand(
    ctx: Context, req: LambdaRequest, record: FunctionRecord, now: float
) -> bool:
    """AWS: provisioned concurrency comes out of the reservation; when it takes all of it,
    invocations that no provisioned environment serves are throttled."""
    if record.reserved is None or record.reserved > record.provisioned_total():
        return False
    qualifier = req.qualifier or "$LATEST"
    version = resolve_qualifier(ctx, req, record)
    served = [c for q, c in record.provisioned.items() if q == qualifier or c.version == version]
    return not any(c.status(now) == "READY" for c in served)


def reserved_throttle() -> Response:
    """AWS's 429 for an invocation beyond the function's reserved concurrency."""
    resp = error_response(ApiError(429, "TooManyRequestsException", "Rate Exceeded."))
    payload = resp.json()
    payload["Reason"] = "ReservedFunctionConcurrentInvocationLimitExceeded"
    resp.set_json(payload)
    return resp
