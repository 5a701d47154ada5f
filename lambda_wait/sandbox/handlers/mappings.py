"""Event source mappings: moto stores them (Enabled at once); the sandbox adds the
transitional states on a timeline, the 409 while transitional, and the knobs.

Create -> Creating; Update with Enabled flipped -> Enabling/Disabling, any other
update -> Updating; Delete -> Deleting (moto forgets it at once, so the sandbox
serves its last answer until the delete ends). A knob on the function
(``mapping``) ends a mapping Disabled by Lambda or Enabled with a PROBLEM.
"""

from __future__ import annotations

from typing import Any

from lambda_wait.sandbox.calls import CallInfo
from lambda_wait.sandbox.context import Context
from lambda_wait.sandbox.errors import ApiError
from lambda_wait.sandbox.routing import LambdaRequest, split_function_name
from lambda_wait.sandbox.serving import (
    CREATING,
    DELETING,
    DISABLING,
    ENABLED,
    ENABLING,
    UPDATING,
    MappingRecord,
)
from lambda_wait.sandbox.timeline import Op
from lambda_wait.sandbox.wsgi import Response

# Inferred wording: AWS documents ResourceInUseException, not its text.
IN_USE = "Cannot {action} the event source mapping because it is in use (state {state})."


def create(ctx: Context, req: LambdaRequest, info: CallInfo, now: float) -> Response:
    """CreateEventSourceMapping: moto stores it; it is Creating for the ``mapping`` delay."""
    resp = ctx.apply(info, req.environ)
    data = resp.json()
    if not resp.ok or not isinstance(data, dict) or not data.get("UUID"):
        return resp
    name = info.name or _function_of(data)
    mapping = MappingRecord(str(data["UUID"]), name, data, Op(now, now), CREATING)
    enabled = req.json().get("Enabled", True) is not False
    _begin(ctx, req, mapping, now, CREATING, enabled=enabled)
    ctx.mappings[mapping.uuid] = mapping
    return Response.of_json(resp.status, mapping.patch(data, now))


def get(ctx: Context, req: LambdaRequest, info: CallInfo, now: float) -> Response:
    """GetEventSourceMapping, with the timeline's state (the last answer while Deleting)."""
    mapping = _mapping(ctx, req, info, now)
    if mapping is not None and mapping.deleted:
        return Response.of_json(200, mapping.patch(dict(mapping.config), now))
    return _patched(ctx.apply(info, req.environ), mapping, now)


def list_mappings(ctx: Context, req: LambdaRequest, info: CallInfo, now: float) -> Response:
    """ListEventSourceMappings, with the timeline's states and the mappings being deleted."""
    resp = ctx.apply(info, req.environ)
    data = resp.json()
    if not resp.ok or not isinstance(data, dict):
        return resp
    items = [item for item in data.get("EventSourceMappings") or [] if isinstance(item, dict)]
    for item in items:
        mapping = ctx.mappings.get(str(item.get("UUID")))
        if mapping is not None:
            mapping.patch(item, now)
    wanted_fn = req.arg("FunctionName")
    wanted_arn = req.arg("EventSourceArn")
    for mapping in list(ctx.mappings.values()):
        if mapping.gone(now):
            del ctx.mappings[mapping.uuid]
        elif mapping.deleted and _matches(mapping, wanted_fn, wanted_arn):
            items.append(mapping.patch(dict(mapping.config), now))
    data["EventSourceMappings"] = items
    return Response.of_json(resp.status, data)


def update(ctx: Context, req: LambdaRequest, info: CallInfo, now: float) -> Response:
    """UpdateEventSourceMapping: 409 while transitional; Enabling/Disabling/Updating."""
    mapping = _mapping(ctx, req, info, now)
    refused = _in_use(ctx, info, mapping, "update", now)
    if refused is not None or mapping is None:
        return refused or ctx.apply(info, req.environ)
    resp = ctx.apply(info, req.environ)
    data = resp.json()
    if not resp.ok or not isinstance(data, dict):
        return resp
    mapping.config = data
    asked = req.json().get("Enabled")
    was_enabled = mapping.settled == ENABLED
    if asked is True and not was_enabled:
        _begin(ctx, req, mapping, now, ENABLING, enabled=True)
    elif asked is False and was_enabled:
        _begin(ctx, req, mapping, now, DISABLING, enabled=False)
    else:  # other settings: Updating, then back where it was
        _begin(ctx, req, mapping, now, UPDATING, enabled=None)
    return Response.of_json(resp.status, mapping.patch(data, now))


def delete(ctx: Context, req: LambdaRequest, info: CallInfo, now: float) -> Response:
    """DeleteEventSourceMapping: 409 while transitional; Deleting, then gone."""
    mapping = _mapping(ctx, req, info, now)
    refused = _in_use(ctx, info, mapping, "delete", now)
    if refused is not None:
        return refused
    resp = ctx.apply(info, req.environ)
    data = resp.json()
    if mapping is None or not resp.ok or not isinstance(data, dict):
        return resp
    mapping.config = data
    mapping.deleted = True
    end = now + ctx.scaled(ctx.behaviour_of(req.region, mapping.function).timings.mapping)
    mapping.op, mapping.state = Op(now, end), DELETING
    return Response.of_json(resp.status, mapping.patch(data, now))


def _begin(
    ctx: Context,
    req: LambdaRequest,
    mapping: MappingRecord,
    now: float,
    state: str,
    *,
    enabled: bool | None,
) -> None:
    behaviour = ctx.behaviour_of(req.region, mapping.function)
    end = now + ctx.scaled(behaviour.timings.mapping)
    mapping.begin(now, end, state, enabled=enabled, outcome=behaviour.mapping)


def _mapping(ctx: Context, req: LambdaRequest, info: CallInfo, now: float) -> MappingRecord | None:
    """The sandbox's record of the mapping in the path (forgotten once its delete ended)."""
    uuid = req.params.get("UUID", "")
    mapping = ctx.mappings.get(uuid)
    if mapping is not None and mapping.gone(now):
        del ctx.mappings[uuid]
        return None
    if mapping is not None:
        info.name = mapping.function  # the call log names the function the mapping feeds
    return mapping


def _in_use(
    ctx: Context, info: CallInfo, mapping: MappingRecord | None, action: str, now: float
) -> Response | None:
    if mapping is None or not mapping.busy(now):
        return None
    message = IN_USE.format(action=action, state=mapping.state)
    return ctx.reject(info, ApiError(409, "ResourceInUseException", message))


def _patched(resp: Response, mapping: MappingRecord | None, now: float) -> Response:
    data = resp.json()
    if mapping is None or not resp.ok or not isinstance(data, dict):
        return resp
    mapping.config = dict(data)
    return Response.of_json(resp.status, mapping.patch(data, now))


def _function_of(config: dict[str, Any]) -> str:
    name, _ = split_function_name(str(config.get("FunctionArn") or ""))
    return name


def _matches(mapping: MappingRecord, function: str | None, source_arn: str | None) -> bool:
    if function is not None and split_function_name(function)[0] != mapping.function:
        return False
    return source_arn is None or mapping.config.get("EventSourceArn") == source_arn
