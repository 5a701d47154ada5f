"""Provisioned concurrency (API 2019-09-30): moto has none, so the sandbox answers it all.

A config lives on an alias or a published version, never $LATEST; it is
IN_PROGRESS for the ``provisioned`` delay, then READY or FAILED (a knob);
an alias with routing weights cannot be given one; moving an alias
re-allocates its config on the new version (see :func:`reallocate`).
"""

from __future__ import annotations

from lambda_wait.sandbox.calls import CallInfo
from lambda_wait.sandbox.context import Context
from lambda_wait.sandbox.errors import ApiError
from lambda_wait.sandbox.routing import LambdaRequest
from lambda_wait.sandbox.serving import ProvisionedConfig
from lambda_wait.sandbox.state import FunctionRecord
from lambda_wait.sandbox.timeline import Op
from lambda_wait.sandbox.wsgi import Response

UNPUBLISHED = "Provisioned Concurrency Configs cannot be applied to unpublished function versions."
WEIGHTED = "Alias with weights can not be used with Provisioned Concurrency"
NO_CONFIG = "No Provisioned Concurrency Config found for this function"
# Inferred wording: AWS documents the exception, not its text.
IN_PROGRESS = (
    "The operation cannot be performed at this time. A provisioned concurrency "
    "configuration change is in progress for: {arn}:{qualifier}"
)


def put(
    ctx: Context, req: LambdaRequest, info: CallInfo, record: FunctionRecord, now: float
) -> Response:
    """PutProvisionedConcurrencyConfig: 202, IN_PROGRESS."""
    refused = _refusal(ctx, req, info, record, now)
    if refused is not None:
        return refused
    qualifier = str(req.qualifier)
    count = req.json().get("ProvisionedConcurrentExecutions")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        message = f"ProvisionedConcurrentExecutions must be a positive integer, got {count!r}"
        return ctx.reject(info, ApiError(400, "InvalidParameterValueException", message))
    version = _version_of(record, qualifier) or qualifier
    config = ProvisionedConfig(qualifier, count, version, Op(now, now))
    record.provisioned[qualifier] = config
    _allocate(ctx, record, config, now)
    info.applied = True
    return Response.of_json(202, config.view(now))


def get(
    ctx: Context, req: LambdaRequest, info: CallInfo, record: FunctionRecord, now: float
) -> Response:
    """GetProvisionedConcurrencyConfig of an alias or version."""
    qualifier = req.qualifier or ""
    if _version_of(record, qualifier) is None:
        return ctx.not_found(info, req.region, record.name, qualifier)
    config = record.provisioned.get(qualifier)
    if config is None:
        err = ApiError(404, "ProvisionedConcurrencyConfigNotFoundException", NO_CONFIG)
        return ctx.reject(info, err)
    return Response.of_json(200, config.view(now))


def delete(
    ctx: Context, req: LambdaRequest, info: CallInfo, record: FunctionRecord, now: float
) -> Response:
    """DeleteProvisionedConcurrencyConfig: 204 (also when there was none)."""
    refused = _refusal(ctx, req, info, record, now)
    if refused is not None:
        return refused
    record.provisioned.pop(str(req.qualifier), None)
    info.applied = True
    return Response(204)


def list_configs(
    ctx: Context, req: LambdaRequest, info: CallInfo, record: FunctionRecord, now: float
) -> Response:
    """ListProvisionedConcurrencyConfigs: every config of the function."""
    items = [
        {"FunctionArn": f"{record.arn}:{q}", **config.view(now)}
        for q, config in sorted(record.provisioned.items())
    ]
    return Response.of_json(200, {"ProvisionedConcurrencyConfigs": items})


def reallocate(ctx: Context, record: FunctionRecord, alias: str, version: str, now: float) -> None:
    """An alias with a config moved to ``version``: allocate there (IN_PROGRESS again)."""
    config = record.provisioned.get(alias)
    if config is None or config.version == version:
        return
    config.version = version
    _allocate(ctx, record, config, now)


def forget_alias(record: FunctionRecord, alias: str) -> None:
    """DeleteAlias removes the alias's config with it."""
    record.provisioned.pop(alias, None)
    record.alias_versions.pop(alias, None)
    record.alias_weights.pop(alias, None)


def _allocate(ctx: Context, record: FunctionRecord, config: ProvisionedConfig, now: float) -> None:
    behaviour = ctx.behaviour(record)
    record.allocations += 1
    failure = behaviour.provisioned
    if failure is not None and not failure.applies(record.allocations):
        failure = None
    config.op = Op(now, now + ctx.scaled(behaviour.timings.provisioned), failure)


def _version_of(record: FunctionRecord, qualifier: str) -> str | None:
    """The version an alias or version qualifier names, None if it does not exist."""
    if qualifier.isdigit():
        return qualifier if qualifier in record.versions else None
    return record.alias_versions.get(qualifier)


def _refusal(
    ctx: Context, req: LambdaRequest, info: CallInfo, record: FunctionRecord, now: float
) -> Response | None:
    """Why a Put or Delete on this qualifier is refused now, if it is."""
    qualifier = req.qualifier or ""
    if qualifier in ("", "$LATEST"):
        return ctx.reject(info, ApiError(400, "InvalidParameterValueException", UNPUBLISHED))
    if _version_of(record, qualifier) is None:
        return ctx.not_found(info, req.region, record.name, qualifier)
    if record.alias_weights.get(qualifier):
        return ctx.reject(info, ApiError(400, "InvalidParameterValueException", WEIGHTED))
    config = record.provisioned.get(qualifier)
    if config is not None and config.busy(now):
        message = IN_PROGRESS.format(arn=record.arn, qualifier=qualifier)
        return ctx.reject(info, ApiError(409, "ResourceConflictException", message))
    return None
