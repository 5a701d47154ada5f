"""Provisioned concurrency (API 2019-09-30): moto has none, so the sandbox answers it all.

A config lives on an alias or a published version, never $LATEST; it is
IN_PROGRESS for the ``provisioned`` delay, then READY or FAILED (a knob);
an alias with routing weights cannot be given one; moving an alias
re-allocates its config on the new version (see :func:`reallocate`).
"""

from __future__ import annotations

from lambda_wait.sandbox.calls import CallInfo
from lambda_wait.sandbox.context import ACCOUNT, Context
from lambda_wait.sandbox.errors import ApiError
from lambda_wait.sandbox.routing import LambdaRequest
from lambda_wait.sandbox.serving import ProvisionedConfig
from lambda_wait.sandbox.state import FunctionRecord, new_revision
from lambda_wait.sandbox.timeline import Op
from lambda_wait.sandbox.wsgi import Response

UNPUBLISHED = "Provisioned Concurrency Configs cannot be applied to unpublished function versions."
NOT_ALIAS_OR_VERSION = "The function resource provided must be an alias or a published version."
ALIAS_ON_PROVISIONED_VERSION = (
    "Alias can't be used for Provisioned Concurrency configuration on an already "
    "Provisioned version"
)
VERSION_UNDER_ALIAS = "Version is pointed by a Provisioned Concurrency alias"
OVER_RESERVED = (
    "Requested Provisioned Concurrency should not be greater than the "
    "reservedConcurrentExecution for function"
)
UNDER_PROVISIONED = (
    " ReservedConcurrentExecutions  {reserved} should not be lower than function's total "
    "provisioned concurrency [{total}]."
)
ZERO = (
    "1 validation error detected: Value '{count}' at 'provisionedConcurrentExecutions' failed "
    "to satisfy constraint: Member must have value greater than or equal to 1"
)
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
    count = req.json().get("ProvisionedConcurrentExecutions")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        return ctx.reject(info, ApiError(400, "ValidationException", ZERO.format(count=count)))
    refused = _refusal(ctx, req, info, record, now) or _overlap(ctx, req, info, record)
    if refused is not None:
        return refused
    qualifier = str(req.qualifier)
    total = record.provisioned_total(besides=qualifier) + count
    if record.reserved is not None and total > record.reserved:
        err = ApiError(400, "InvalidParameterValueException", OVER_RESERVED)
        return ctx.reject(info, err)
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
    if qualifier in ("", "$LATEST"):
        err = ApiError(400, "InvalidParameterValueException", NOT_ALIAS_OR_VERSION)
        return ctx.reject(info, err)
    if _version_of(record, qualifier) is None:
        return missing(ctx, info, req.region, record.name, qualifier)
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
    config.carried = config.view(now)["AllocatedProvisionedConcurrentExecutions"]
    config.version = version
    _allocate(ctx, record, config, now)


def forget_alias(record: FunctionRecord, alias: str) -> None:
    """DeleteAlias removes the alias's config with it."""
    record.provisioned.pop(alias, None)
    record.alias_versions.pop(alias, None)
    record.alias_weights.pop(alias, None)


def _allocate(ctx: Context, record: FunctionRecord, config: ProvisionedConfig, now: float) -> None:
    behaviour = ctx.behaviour(record)
    if config.version in record.versions:  # AWS: provisioning gives the version a new RevisionId
        record.versions[config.version].revision_id = new_revision()
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
        text = UNPUBLISHED if info.operation.startswith("Put") else NOT_ALIAS_OR_VERSION
        return ctx.reject(info, ApiError(400, "InvalidParameterValueException", text))
    if _version_of(record, qualifier) is None:
        return missing(ctx, info, req.region, record.name, qualifier)
    if record.alias_weights.get(qualifier):
        return ctx.reject(info, ApiError(400, "InvalidParameterValueException", WEIGHTED))
    config = record.provisioned.get(qualifier)
    if config is not None and config.busy(now):
        message = IN_PROGRESS.format(arn=record.arn, qualifier=qualifier)
        return ctx.reject(info, ApiError(409, "ResourceConflictException", message))
    return None


def _overlap(
    ctx: Context, req: LambdaRequest, info: CallInfo, record: FunctionRecord
) -> Response | None:
    """AWS refuses a config on an alias whose version has one, and the reverse (409)."""
    qualifier = req.qualifier or ""
    if not qualifier.isdigit():
        version = record.alias_versions.get(qualifier)
        if version is not None and version in record.provisioned:
            err = ApiError(409, "ResourceConflictException", ALIAS_ON_PROVISIONED_VERSION)
            return ctx.reject(info, err)
        return None
    for alias, config in record.provisioned.items():
        if alias != qualifier and not alias.isdigit() and config.version == qualifier:
            return ctx.reject(info, ApiError(409, "ResourceConflictException", VERSION_UNDER_ALIAS))
    return None


def missing(ctx: Context, info: CallInfo, region: str, name: str, qualifier: str) -> Response:
    """Lambda's 404 for a qualifier (or function) that does not exist, as these calls word it."""
    if qualifier and not qualifier.isdigit() and qualifier != "$LATEST":
        arn = f"arn:aws:lambda:{region}:{ACCOUNT}:function:{name}:{qualifier}"
        err = ApiError(404, "ResourceNotFoundException", f"Cannot find alias arn: {arn}")
        return ctx.reject(info, err)
    return ctx.not_found(info, region, name, qualifier)


def reserve(
    ctx: Context, req: LambdaRequest, info: CallInfo, record: FunctionRecord, now: float
) -> Response:
    """PutFunctionConcurrency / DeleteFunctionConcurrency: moto stores it; AWS refuses a
    reservation below the function's provisioned concurrency (the sandbox remembers it)."""
    if info.operation == "DeleteFunctionConcurrency":
        resp = ctx.apply(info, req.environ)
        if resp.ok:
            record.reserved = None
        return resp
    reserved = req.json().get("ReservedConcurrentExecutions")
    total = record.provisioned_total()
    if isinstance(reserved, int) and reserved < total:
        message = UNDER_PROVISIONED.format(reserved=reserved, total=total)
        err = ApiError(400, "InvalidParameterValueException", message, typed=False)
        return ctx.reject(info, err)
    resp = ctx.apply(info, req.environ)
    if resp.ok and isinstance(reserved, int):
        record.reserved = reserved
    return resp
