"""Handlers per resource, and the table that routes each Lambda operation to one.

An operation with no handler goes to moto unchanged, its answer patched with
the timeline's state fields. A handler runs under the context's lock.
"""

from __future__ import annotations

from collections.abc import Callable

from lambda_wait.sandbox.calls import CallInfo
from lambda_wait.sandbox.context import Context
from lambda_wait.sandbox.handlers import (
    functions,
    invoke,
    mappings,
    provisioned,
    tags,
    urls,
    versions,
)
from lambda_wait.sandbox.routing import LambdaRequest
from lambda_wait.sandbox.shape import shape_error
from lambda_wait.sandbox.state import FunctionRecord
from lambda_wait.sandbox.wsgi import Response

Handler = Callable[[Context, LambdaRequest, CallInfo, FunctionRecord, float], Response]
Unbound = Callable[[Context, LambdaRequest, CallInfo, float], Response]

# Handlers of calls about a function the sandbox made (others go to moto as they are).
HANDLERS: dict[str, Handler] = {
    "UpdateFunctionCode": functions.update,
    "UpdateFunctionConfiguration": functions.update,
    "PublishVersion": versions.publish,
    "CreateAlias": versions.alias,
    "UpdateAlias": versions.alias,
    "GetAlias": versions.alias,
    "ListAliases": versions.alias,
    "DeleteAlias": versions.alias,
    "Invoke": invoke.invoke,
    "InvokeAsync": invoke.invoke,
    "InvokeWithResponseStream": invoke.invoke,
    "TagResource": tags.tag,
    "UntagResource": tags.untag,
    "PutFunctionConcurrency": provisioned.reserve,
    "DeleteFunctionConcurrency": provisioned.reserve,
}

# Operations moto does not implement: the sandbox answers them, 404 for an unknown function.
OWN_HANDLERS: dict[str, Handler] = {
    "PutProvisionedConcurrencyConfig": provisioned.put,
    "GetProvisionedConcurrencyConfig": provisioned.get,
    "DeleteProvisionedConcurrencyConfig": provisioned.delete,
    "ListProvisionedConcurrencyConfigs": provisioned.list_configs,
    # moto keeps one URL per function whatever the Qualifier: the sandbox keeps one per
    # qualifier, as Lambda does (an alias's URL follows the alias).
    "CreateFunctionUrlConfig": urls.create,
    "GetFunctionUrlConfig": urls.get,
    "UpdateFunctionUrlConfig": urls.update,
    "DeleteFunctionUrlConfig": urls.delete,
}

# Handlers of calls not about one function record (a mapping is named by its UUID).
UNBOUND_HANDLERS: dict[str, Unbound] = {
    "CreateFunction": functions.create,
    "ListFunctions": functions.list_functions,
    "CreateEventSourceMapping": mappings.create,
    "GetEventSourceMapping": mappings.get,
    "ListEventSourceMappings": mappings.list_mappings,
    "UpdateEventSourceMapping": mappings.update,
    "DeleteEventSourceMapping": mappings.delete,
}


def dispatch(ctx: Context, req: LambdaRequest, info: CallInfo) -> Response:
    """Answer one Lambda request (call under ``ctx.lock``); errors in Lambda's body shape."""
    return shape_error(_answer(ctx, req, info))


def _answer(ctx: Context, req: LambdaRequest, info: CallInfo) -> Response:
    now = ctx.clock()
    op = info.operation
    record = ctx.record(req.region, info.name)
    if record is not None:
        ctx.settle(record, now)
    if op in UNBOUND_HANDLERS:
        return UNBOUND_HANDLERS[op](ctx, req, info, now)
    if op == "DeleteFunction":
        return functions.delete(ctx, req, info, record)
    if op in OWN_HANDLERS:
        if record is None:
            return provisioned.missing(ctx, info, req.region, info.name or "", req.qualifier or "")
        return OWN_HANDLERS[op](ctx, req, info, record, now)
    handler = HANDLERS.get(op)
    if handler is not None and record is not None:
        return handler(ctx, req, info, record, now)
    resp = ctx.patched(ctx.apply(info, req.environ), req.region, now)
    if record is not None and op in ("GetFunction", "GetFunctionConfiguration"):
        alias_arn(resp, record, info.qualifier)
    return resp


def alias_arn(resp: Response, record: FunctionRecord, qualifier: str | None) -> None:
    """A function read through an alias names the alias's ARN (AWS), not the version's."""
    if not resp.ok or not qualifier or qualifier not in record.alias_versions:
        return
    data = resp.json()
    config = data.get("Configuration", data) if isinstance(data, dict) else None
    if isinstance(config, dict):
        config["FunctionArn"] = f"{record.arn}:{qualifier}"
        resp.set_json(data)
