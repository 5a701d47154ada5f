"""PublishVersion and aliases: a version of an idle $LATEST is Active at once (AWS), one
published by an update or create settles with it; aliases carry RevisionIds."""

from __future__ import annotations

from typing import Any

from lambda_wait.sandbox.calls import CallInfo
from lambda_wait.sandbox.context import Context
from lambda_wait.sandbox.errors import ApiError
from lambda_wait.sandbox.handlers.provisioned import forget_alias, reallocate
from lambda_wait.sandbox.routing import LambdaRequest
from lambda_wait.sandbox.state import (
    CODE_SHA_MISMATCH,
    REVISION_MISMATCH,
    FunctionRecord,
    new_revision,
)
from lambda_wait.sandbox.wsgi import Response

# AWS's texts for refused aliases and routing configurations (recorded answers).
ALIAS_NAME_PATTERN = (
    "1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: "
    "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)"
)
WEIGHT_VALUES = (
    "1 validation error detected: Value '{value}' at 'routingConfig.additionalVersionWeights' "
    "failed to satisfy constraint: Map value must satisfy constraint: [Member must have value "
    "less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member "
    "must not be null]"
)
WEIGHT_KEYS = (
    "1 validation error detected: Value '{value}' at 'routingConfig.additionalVersionWeights' "
    "failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length "
    "less than or equal to 1024, Member must have length greater than or equal to 1, Member "
    "must satisfy regular expression pattern: [0-9]+]"
)
TOO_MANY_WEIGHTS = "Number of items in AdditionalVersionWeights cannot be greater than 1"
LATEST_WEIGHTS = "$LATEST is not supported for an alias pointing to more than 1 version"
SAME_VERSION = (
    "Invalid function version {version}. "
    "Function version {version} is already included in routing configuration."
)


def publish(
    ctx: Context, req: LambdaRequest, info: CallInfo, record: FunctionRecord, now: float
) -> Response:
    """PublishVersion: checks RevisionId and CodeSha256; nothing changed -> the last version."""
    conflict = record.mutation_conflict(now)
    if conflict is not None:
        return ctx.reject(info, conflict)
    request = req.json()
    revision = record.revision_conflict(request.get("RevisionId"))
    if revision is not None:
        return ctx.reject(info, revision)
    given = request.get("CodeSha256")
    if given is not None:
        latest = ctx.configuration(req.environ, record, req.region)
        current = (latest.json() or {}).get("CodeSha256") if latest.ok else None
        if current is not None and given != current:
            message = CODE_SHA_MISMATCH.format(given=given, current=current)
            return ctx.reject(info, ApiError(400, "InvalidParameterValueException", message))
    if record.versions and not record.changed_since_publish:
        # Nothing changed since the last version: Lambda returns it and makes none
        # (moto would make another after the first publish).
        last = max(record.versions, key=lambda v: int(v) if v.isdigit() else 0)
        resp = ctx.configuration(req.environ, record, req.region, last)
        if resp.ok:
            resp.status = 201
        return ctx.patched(resp, req.region, now)
    resp = ctx.apply(info, req.environ)
    if resp.ok:
        record.changed_since_publish = False
        if ctx.register_version(record, resp.json(), now, start=now):
            record.rotate_revision()
        else:
            info.applied = False  # nothing changed since the last version: nothing made
    return ctx.patched(resp, req.region, now)


def alias(
    ctx: Context, req: LambdaRequest, info: CallInfo, record: FunctionRecord, now: float
) -> Response:
    """Aliases with a RevisionId that changes on every update and is checked (412)."""
    op = info.operation
    request = req.json()
    name = str(req.params.get("Name") or request.get("Name") or "")
    refused = _alias_refusal(ctx, req, info, record, name)
    if refused is not None:
        return refused
    resp = ctx.apply(info, req.environ)
    if not resp.ok:
        return resp
    if op in ("GetAlias", "UpdateAlias"):
        resp.status = 200  # moto answers 201 (AWS: 200; only CreateAlias is 201)
    if op == "DeleteAlias":
        forget_alias(record, name)
        return Response(204, [], b"")  # moto: 201 with a body
    data = resp.json()
    if not isinstance(data, dict):
        return resp
    if op in ("CreateAlias", "UpdateAlias"):
        record.alias_revisions[name] = new_revision()
    aliases = (data.get("Aliases") or []) if op == "ListAliases" else [data]
    wanted = req.arg("FunctionVersion")
    if op == "ListAliases" and wanted:  # moto ignores the filter
        aliases = data["Aliases"] = [a for a in aliases if a.get("FunctionVersion") == wanted]
    for item in aliases:
        if isinstance(item, dict):
            key = str(item.get("Name") or "")
            item["RevisionId"] = record.alias_revisions.setdefault(
                key, str(item.get("RevisionId") or new_revision())
            )
            _track(ctx, record, key, item, now)
            routing = item.get("RoutingConfig")
            if isinstance(routing, dict) and not routing.get("AdditionalVersionWeights"):
                del item["RoutingConfig"]  # AWS leaves an empty routing config out
    resp.set_json(data)
    return resp


def _alias_refusal(
    ctx: Context, req: LambdaRequest, info: CallInfo, record: FunctionRecord, name: str
) -> Response | None:
    """What AWS refuses before touching an alias: names, revisions, existence, routing."""
    op = info.operation
    request = req.json()
    arn = f"{record.arn}:{name}"
    if op == "CreateAlias" and name.isdigit():
        message = ALIAS_NAME_PATTERN.format(name=name)
        return ctx.reject(info, ApiError(400, "ValidationException", message))
    if op == "CreateAlias" and name in record.alias_versions:
        message = f"Alias already exists: {arn}"
        return ctx.reject(info, ApiError(409, "ResourceConflictException", message))
    if op == "UpdateAlias":
        if name not in record.alias_versions:
            message = f"Alias not found: {arn}"
            return ctx.reject(info, ApiError(404, "ResourceNotFoundException", message))
        current = record.alias_revisions.get(name)
        given = request.get("RevisionId")
        if current is not None and given is not None and given != current:
            return ctx.reject(info, ApiError(412, "PreconditionFailedException", REVISION_MISMATCH))
    if op in ("CreateAlias", "UpdateAlias"):
        return _routing_refusal(ctx, req, info, record, name)
    return None


def _routing_refusal(
    ctx: Context, req: LambdaRequest, info: CallInfo, record: FunctionRecord, name: str
) -> Response | None:
    """AWS's checks of RoutingConfig.AdditionalVersionWeights (texts as AWS answers)."""
    request = req.json()
    routing = request.get("RoutingConfig")
    weights = routing.get("AdditionalVersionWeights") if isinstance(routing, dict) else None
    primary = str(request.get("FunctionVersion") or record.alias_versions.get(name) or "")
    if not weights:
        return _missing_version(ctx, req, info, record, [primary])
    shown = "{" + ", ".join(f"{k}={float(v)}" for k, v in weights.items()) + "}"
    error: ApiError | None = None
    if any(not str(k).isdigit() for k in weights):
        error = ApiError(400, "ValidationException", WEIGHT_KEYS.format(value=shown))
    elif any(not 0.0 <= float(w) <= 1.0 for w in weights.values()):
        error = ApiError(400, "ValidationException", WEIGHT_VALUES.format(value=shown))
    elif len(weights) > 1:
        error = ApiError(400, "InvalidParameterValueException", TOO_MANY_WEIGHTS)
    elif primary == "$LATEST":
        error = ApiError(400, "InvalidParameterValueException", LATEST_WEIGHTS, typed=False)
    elif primary in weights:
        message = SAME_VERSION.format(version=primary)
        error = ApiError(400, "InvalidParameterValueException", message)
    if error is not None:
        return ctx.reject(info, error)
    return _missing_version(ctx, req, info, record, [primary, *map(str, weights)])


def _missing_version(
    ctx: Context, req: LambdaRequest, info: CallInfo, record: FunctionRecord, versions: list[str]
) -> Response | None:
    """404 for the first version named that does not exist."""
    for version in versions:
        if version and version != "$LATEST" and version not in record.versions:
            return ctx.not_found(info, req.region, record.name, version)
    return None


def _track(
    ctx: Context, record: FunctionRecord, name: str, alias: dict[str, Any], now: float
) -> None:
    """Remember where an alias points and its weights; a move re-allocates its config."""
    version = str(alias.get("FunctionVersion") or "")
    routing = alias.get("RoutingConfig") or {}
    weights = routing.get("AdditionalVersionWeights") if isinstance(routing, dict) else None
    record.alias_weights[name] = {str(k): float(v) for k, v in (weights or {}).items()}
    if record.alias_weights[name]:
        ctx.cloudwatch.weights_seen(now, ctx.time_scale)
    if version:
        record.alias_versions[name] = version
        reallocate(ctx, record, name, version, now)
