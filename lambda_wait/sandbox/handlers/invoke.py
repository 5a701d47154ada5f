"""Invoke: refused while the function or the version is not ready; starts restores."""

from __future__ import annotations

from urllib.parse import quote

from lambda_wait.sandbox.calls import CallInfo
from lambda_wait.sandbox.context import Context
from lambda_wait.sandbox.errors import ApiError
from lambda_wait.sandbox.routing import LambdaRequest
from lambda_wait.sandbox.state import SNAPSTART_NOT_READY, STATE_CONFLICT, FunctionRecord
from lambda_wait.sandbox.timeline import Op
from lambda_wait.sandbox.wsgi import Response


def invoke(
    ctx: Context, req: LambdaRequest, info: CallInfo, record: FunctionRecord, now: float
) -> Response:
    """Invoke, InvokeAsync, InvokeWithResponseStream."""
    err = _guard(ctx, req, info, record, now)
    if err is not None:
        return ctx.reject(info, err)
    return ctx.apply(info, req.environ)


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
