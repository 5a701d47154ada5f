"""Function URLs, one per qualifier (none, or an alias), as Lambda keeps them: moto
keeps one per function whatever the Qualifier, so the sandbox answers the four calls.
Permissions (AddPermission, GetPolicy, RemovePermission) stay moto's."""

from __future__ import annotations

import hashlib
from typing import Any

from lambda_wait.sandbox.calls import CallInfo
from lambda_wait.sandbox.context import Context
from lambda_wait.sandbox.errors import ApiError
from lambda_wait.sandbox.routing import LambdaRequest
from lambda_wait.sandbox.state import FunctionRecord
from lambda_wait.sandbox.wsgi import Response

NO_URL = "The resource you requested does not exist."
EXISTS = (
    "Failed to create function url config for [functionArn = {arn}]. "
    "Error message:  FunctionUrlConfig exists for this Lambda function"
)
_FIELDS = ("AuthType", "Cors", "InvokeMode")


def _stamp(now: float) -> str:
    import time

    return time.strftime("%Y-%m-%dT%H:%M:%S.000+0000", time.gmtime(now))


def _checked(
    ctx: Context, req: LambdaRequest, info: CallInfo, record: FunctionRecord
) -> tuple[str, Response | None]:
    """The qualifier, or the answer for one that does not exist (404) or is a version."""
    qualifier = req.qualifier or ""
    if qualifier and qualifier not in record.alias_versions and qualifier != "$LATEST":
        return qualifier, ctx.not_found(info, req.region, record.name, qualifier)
    return qualifier, None


def _missing(ctx: Context, info: CallInfo) -> Response:
    return ctx.reject(info, ApiError(404, "ResourceNotFoundException", NO_URL))


def create(
    ctx: Context, req: LambdaRequest, info: CallInfo, record: FunctionRecord, now: float
) -> Response:
    """CreateFunctionUrlConfig: 201; a second one on the same qualifier is a 409."""
    qualifier, refused = _checked(ctx, req, info, record)
    if refused is not None:
        return refused
    arn = f"{record.arn}:{qualifier}" if qualifier else record.arn
    if qualifier in record.urls:
        return ctx.reject(info, ApiError(409, "ResourceConflictException", EXISTS.format(arn=arn)))
    body = req.json()
    if body.get("AuthType") not in ("AWS_IAM", "NONE"):
        message = f"AuthType must be AWS_IAM or NONE, got {body.get('AuthType')!r}"
        return ctx.reject(info, ApiError(400, "ValidationException", message))
    url_id = hashlib.sha256(arn.encode()).hexdigest()[:32]
    doc: dict[str, Any] = {
        "FunctionUrl": f"https://{url_id}.lambda-url.{req.region}.on.aws/",
        "FunctionArn": arn,
        "InvokeMode": "BUFFERED",
        "CreationTime": _stamp(now),
        **{k: body[k] for k in _FIELDS if k in body},
    }
    doc["LastModifiedTime"] = doc["CreationTime"]
    record.urls[qualifier] = doc
    info.applied = True
    return Response.of_json(201, doc)


def get(
    ctx: Context, req: LambdaRequest, info: CallInfo, record: FunctionRecord, now: float
) -> Response:
    """GetFunctionUrlConfig of the function or an alias."""
    qualifier, refused = _checked(ctx, req, info, record)
    if refused is not None:
        return refused
    doc = record.urls.get(qualifier)
    return _missing(ctx, info) if doc is None else Response.of_json(200, doc)


def update(
    ctx: Context, req: LambdaRequest, info: CallInfo, record: FunctionRecord, now: float
) -> Response:
    """UpdateFunctionUrlConfig: the fields given; an empty Cors clears it."""
    qualifier, refused = _checked(ctx, req, info, record)
    if refused is not None:
        return refused
    doc = record.urls.get(qualifier)
    if doc is None:
        return _missing(ctx, info)
    body = req.json()
    doc.update({k: body[k] for k in _FIELDS if k in body})
    if doc.get("Cors") == {}:
        doc.pop("Cors")
    doc["LastModifiedTime"] = _stamp(now)
    info.applied = True
    return Response.of_json(200, doc)


def delete(
    ctx: Context, req: LambdaRequest, info: CallInfo, record: FunctionRecord, now: float
) -> Response:
    """DeleteFunctionUrlConfig: 204; none there is a 404."""
    qualifier, refused = _checked(ctx, req, info, record)
    if refused is not None:
        return refused
    if record.urls.pop(qualifier, None) is None:
        return _missing(ctx, info)
    info.applied = True
    return Response(204)
