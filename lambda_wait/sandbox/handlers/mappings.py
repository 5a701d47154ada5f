"""Event source mappings: moto stores them (Enabled at once); the sandbox adds the
transitional states on a timeline, the 409 while transitional, and the knobs.

Create -> Creating; Update with Enabled flipped -> Enabling/Disabling, any other
update -> Updating; Delete -> Deleting (moto forgets it at once, so the sandbox
serves its last answer until the delete ends). A knob on the function
(``mapping``) ends a mapping Disabled by Lambda or Enabled with a PROBLEM.
"""

from __future__ import annotations

import json
from typing import Any

from lambda_wait.sandbox.calls import CallInfo
from lambda_wait.sandbox.context import ACCOUNT, Context
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
# AWS's texts (recorded answers).
UNKNOWN = "The resource you requested does not exist."
SQS_UNWINDOWED_BATCH = 10  # a larger SQS batch needs a batching window
BATCH_WITHOUT_WINDOW = (
    "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater "
    "than 10"
)
STARTING_POSITIONS = ("LATEST", "AT_TIMESTAMP", "TRIM_HORIZON")
NO_STARTING_POSITION = (
    "1 validation error detected: Value null at 'startingPosition' failed to satisfy "
    "constraint: Member must not be null."
)
BAD_STARTING_POSITION = (
    "1 validation error detected: Value '{value}' at 'startingPosition' failed to satisfy "
    "constraint: Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, TRIM_HORIZON]"
)
# Stream sources (DynamoDB, Kinesis): AWS's wording and defaults (recorded answers).
STREAM_USER_REASON = "User action"
NO_RECORDS = "No records processed"
STREAM_DEFAULTS: dict[str, Any] = {
    "BisectBatchOnFunctionError": False,
    "MaximumRecordAgeInSeconds": -1,
    "MaximumRetryAttempts": -1,
    "ParallelizationFactor": 1,
    "TumblingWindowInSeconds": 0,
    "LastProcessingResult": NO_RECORDS,
}
NO_QUEUE = (
    "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. "
    "SQS Error Message: The specified queue does not exist."
)
DUPLICATE = (
    'An event source mapping with SQS arn (" {source} ") and function (" {function} ") already '
    "exists. Please update or delete the existing mapping with UUID {uuid}"
)


def create(ctx: Context, req: LambdaRequest, info: CallInfo, now: float) -> Response:
    """CreateEventSourceMapping: 202, Creating for the ``mapping`` delay (Disabled at once
    with ``Enabled=false``); refused as AWS refuses it."""
    refused = _create_refusal(ctx, req, info, now)
    if refused is not None:
        return refused
    resp = ctx.apply(info, req.environ)
    data = resp.json()
    source = str(req.json().get("EventSourceArn"))
    if resp.error_code == "ResourceNotFoundException" and ":sqs:" in source:
        return ctx.reject(info, ApiError(400, "InvalidParameterValueException", NO_QUEUE))
    if not resp.ok or not isinstance(data, dict) or not data.get("UUID"):
        return resp
    name = info.name or _function_of(data)
    mapping = MappingRecord(str(data["UUID"]), name, _shaped(data), Op(now, now), CREATING)
    mapping.function_arn = _named_arn(req, str(req.json().get("FunctionName") or ""))
    if _is_stream(source):
        mapping.user_reason = mapping.reason = STREAM_USER_REASON
        mapping.idle_result = NO_RECORDS
    if req.json().get("Enabled", True) is False:
        mapping.begin(now, now, CREATING, enabled=False, outcome=None)  # Disabled at once
    else:
        _begin(ctx, req, mapping, now, CREATING, enabled=True)
    ctx.mappings[mapping.uuid] = mapping
    return Response.of_json(202, mapping.patch(_shaped(data), now))


def _create_refusal(
    ctx: Context, req: LambdaRequest, info: CallInfo, now: float
) -> Response | None:
    """AWS's 400s and the 409 of a duplicate, in the order AWS checks them."""
    request = req.json()
    source = request.get("EventSourceArn")
    problem = None
    if not isinstance(source, str) or not source:
        problem = "Unrecognized event source."
    elif ":sqs:" in source and request.get("DestinationConfig"):
        problem = "Unsupported DestinationConfig parameter for given event source mapping type."
    elif ctx.record(req.region, info.name) is None:
        problem = "Function does not exist"
    else:
        problem = _settings_problem(request, source, {})
    if problem is not None:
        return ctx.reject(info, ApiError(400, "InvalidParameterValueException", problem))
    if _is_stream(str(source)):
        refused = _starting_position_refusal(
            ctx, info, str(source), request.get("StartingPosition")
        )
        if refused is not None:
            return refused
    wanted = split_function_name(str(request.get("FunctionName") or ""))
    for mapping in ctx.mappings.values():
        same = split_function_name(str(mapping.config.get("FunctionArn") or "")) == wanted
        if same and mapping.config.get("EventSourceArn") == source and not mapping.gone(now):
            message = DUPLICATE.format(source=source, function=wanted[0], uuid=mapping.uuid)
            return ctx.reject(info, ApiError(409, "ResourceConflictException", message))
    return None


def _shaped(data: dict[str, Any]) -> dict[str, Any]:
    """AWS's defaults moto leaves out of a mapping's answer."""
    data.setdefault("FunctionResponseTypes", [])
    source = str(data.get("EventSourceArn"))
    if ":sqs:" in source:
        data.setdefault("MaximumBatchingWindowInSeconds", 0)
    if _is_stream(source):
        for key, value in STREAM_DEFAULTS.items():
            data.setdefault(key, value)
    return data


def _settings_problem(request: dict[str, Any], source: str, current: dict[str, Any]) -> str | None:
    """AWS's 400s for a mapping's settings (a create's, or an update's over ``current``)."""
    filters = (request.get("FilterCriteria") or {}).get("Filters") or []
    if any(not _valid_pattern(f.get("Pattern")) for f in filters if isinstance(f, dict)):
        return "Invalid filter pattern definition."
    if ":sqs:" in source:
        size = request.get("BatchSize", current.get("BatchSize", 10))
        window = request.get(
            "MaximumBatchingWindowInSeconds", current.get("MaximumBatchingWindowInSeconds", 0)
        )
        if isinstance(size, int) and size > SQS_UNWINDOWED_BATCH and not window:
            return BATCH_WITHOUT_WINDOW
    return None


def _valid_pattern(pattern: Any) -> bool:
    """A filter pattern: a JSON object whose leaves are non-empty lists."""
    try:
        parsed = json.loads(pattern) if isinstance(pattern, str) else None
    except ValueError:
        return False
    return isinstance(parsed, dict) and bool(parsed) and _valid_node(parsed)


def _valid_node(node: dict[str, Any]) -> bool:
    for value in node.values():
        if isinstance(value, dict):
            if not value or not _valid_node(value):
                return False
        elif not isinstance(value, list) or not value:
            return False
    return True


def _starting_position_refusal(
    ctx: Context, info: CallInfo, source: str, position: Any
) -> Response | None:
    """A stream source needs a StartingPosition AWS supports for it (recorded texts)."""
    if position is None:
        err = ApiError(400, "InvalidParameterValueException", NO_STARTING_POSITION)
    elif position not in STARTING_POSITIONS:
        message = BAD_STARTING_POSITION.format(value=position)
        err = ApiError(400, "ValidationException", message)
    elif position == "AT_TIMESTAMP" and ":dynamodb:" in source:
        message = f"Unsupported starting position for arn type: {source}"
        err = ApiError(400, "InvalidParameterValueException", message)
    else:
        return None
    return ctx.reject(info, err)


def _is_stream(source: str) -> bool:
    return ":dynamodb:" in source or ":kinesis:" in source


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
    if mapping is None or mapping.deleted:
        return ctx.reject(info, ApiError(404, "ResourceNotFoundException", UNKNOWN))
    problem = _settings_problem(
        req.json(), str(mapping.config.get("EventSourceArn")), mapping.config
    )
    if problem is not None:
        return ctx.reject(info, ApiError(400, "InvalidParameterValueException", problem))
    refused = _in_use(ctx, info, mapping, "update", now)
    if refused is not None:
        return refused
    resp = ctx.apply(info, req.environ)
    data = resp.json()
    if not resp.ok or not isinstance(data, dict):
        return resp
    mapping.config = data = _shaped(data)
    if req.json().get("FunctionName"):
        mapping.function_arn = _named_arn(req, str(req.json()["FunctionName"]))
    asked = req.json().get("Enabled")
    was_enabled = mapping.settled == ENABLED
    if asked is True and not was_enabled:
        _begin(ctx, req, mapping, now, ENABLING, enabled=True)
    elif asked is False and was_enabled:
        _begin(ctx, req, mapping, now, DISABLING, enabled=False)
    else:  # other settings: Updating, then back where it was
        _begin(ctx, req, mapping, now, UPDATING, enabled=None)
    return Response.of_json(202, mapping.patch(data, now))


def delete(ctx: Context, req: LambdaRequest, info: CallInfo, now: float) -> Response:
    """DeleteEventSourceMapping: 409 while transitional; Deleting, then gone."""
    mapping = _mapping(ctx, req, info, now)
    if mapping is None or mapping.deleted:
        return ctx.reject(info, ApiError(404, "ResourceNotFoundException", UNKNOWN))
    refused = _in_use(ctx, info, mapping, "delete", now)
    if refused is not None:
        return refused
    resp = ctx.apply(info, req.environ)
    data = resp.json()
    if not resp.ok or not isinstance(data, dict):
        return resp
    mapping.config = data = _shaped(data)
    mapping.deleted = True
    end = now + ctx.scaled(ctx.behaviour_of(req.region, mapping.function).timings.mapping)
    mapping.op, mapping.state = Op(now, end), DELETING
    return Response.of_json(202, mapping.patch(data, now))


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
    mapping.config = dict(_shaped(data))
    return Response.of_json(resp.status, mapping.patch(data, now))


def _named_arn(req: LambdaRequest, function: str) -> str:
    """The function's ARN as the request named it: AWS keeps ``:$LATEST`` and an alias
    (moto resolves an alias to its version and drops ``$LATEST``)."""
    if function.startswith("arn:"):
        return function
    name, qualifier = split_function_name(function)
    arn = f"arn:aws:lambda:{req.region}:{ACCOUNT}:function:{name}"
    return f"{arn}:{qualifier}" if qualifier else arn


def _function_of(config: dict[str, Any]) -> str:
    name, _ = split_function_name(str(config.get("FunctionArn") or ""))
    return name


def _matches(mapping: MappingRecord, function: str | None, source_arn: str | None) -> bool:
    if function is not None and split_function_name(function)[0] != mapping.function:
        return False
    return source_arn is None or mapping.config.get("EventSourceArn") == source_arn
