"""PublishVersion and aliases: versions go Pending -> Active; aliases carry RevisionIds."""

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
    if op == "UpdateAlias":
        current = record.alias_revisions.get(name)
        given = request.get("RevisionId")
        if current is not None and given is not None and given != current:
            return ctx.reject(info, ApiError(412, "PreconditionFailedException", REVISION_MISMATCH))
    if op in ("CreateAlias", "UpdateAlias"):
        refused = _routing_refusal(ctx, req, info, record, name)
        if refused is not None:
            return refused
    resp = ctx.apply(info, req.environ)
    if not resp.ok:
        return resp
    if op in ("GetAlias", "UpdateAlias"):
        resp.status = 200  # moto answers 201 (AWS: 200; only CreateAlias is 201)
    if op == "DeleteAlias":
        forget_alias(record, name)
        return resp
    data = resp.json()
    if not isinstance(data, dict):
        return resp
    if op in ("CreateAlias", "UpdateAlias"):
        record.alias_revisions[name] = new_revision()
    aliases = (data.get("Aliases") or []) if op == "ListAliases" else [data]
    for item in aliases:
        if isinstance(item, dict):
            key = str(item.get("Name") or "")
            item["RevisionId"] = record.alias_revisions.setdefault(
                key, str(item.get("RevisionId") or new_revision())
            )
            _track(ctx, record, key, item, now)
    resp.set_json(data)
    return resp


def _routing_refusal(
    ctx: Context, req: LambdaRequest, info: CallInfo, record: FunctionRecord, name: str
) -> Response | None:
    """AWS's checks of RoutingConfig.AdditionalVersionWeights (wording partly inferred)."""
    request = req.json()
    routing = request.get("RoutingConfig")
    weights = routing.get("AdditionalVersionWeights") if isinstance(routing, dict) else None
    if not weights:
        return None
    primary = str(request.get("FunctionVersion") or record.alias_versions.get(name) or "")
    problem = None
    if not isinstance(weights, dict) or len(weights) > 1:
        problem = "An alias can route to at most one additional version."
    elif primary == "$LATEST" or "$LATEST" in weights:
        problem = "$LATEST is not supported for an alias pointing to more than 1 version"
    elif primary in weights:
        problem = f"The additional version {primary} is the alias's own FunctionVersion."
    elif any(not 0.0 <= float(w) <= 1.0 for w in weights.values()):
        problem = "AdditionalVersionWeights must be between 0.0 and 1.0."
    if problem is not None:
        return ctx.reject(info, ApiError(400, "InvalidParameterValueException", problem))
    missing = [str(v) for v in weights if str(v) not in record.versions]
    if missing:
        return ctx.not_found(info, req.region, record.name, missing[0])
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
