"""TagResource and UntagResource: the tags are the per-function scenario knobs."""

from __future__ import annotations

from lambda_wait.errors import UsageError
from lambda_wait.sandbox.calls import CallInfo
from lambda_wait.sandbox.context import Context
from lambda_wait.sandbox.routing import LambdaRequest
from lambda_wait.sandbox.scenario import validate_tags
from lambda_wait.sandbox.state import FunctionRecord
from lambda_wait.sandbox.wsgi import Response


def tag(
    ctx: Context, req: LambdaRequest, info: CallInfo, record: FunctionRecord, now: float
) -> Response:
    """TagResource: refused during an update; a malformed sandbox tag is a 400."""
    conflict = record.mutation_conflict(now, tagging=True)
    if conflict is not None:
        return ctx.reject(info, conflict)
    tags = dict(req.json().get("Tags") or {})
    try:
        validate_tags({**record.tags, **tags}, function=record.name)
    except UsageError as exc:
        return ctx.invalid(info, exc)
    resp = ctx.apply(info, req.environ)
    if resp.ok:
        record.tags.update(tags)
    return resp


def untag(
    ctx: Context, req: LambdaRequest, info: CallInfo, record: FunctionRecord, now: float
) -> Response:
    """UntagResource: the knobs those tags set are gone."""
    resp = ctx.apply(info, req.environ)
    if resp.ok:
        for key in req.query.get("tagKeys", []):
            record.tags.pop(key, None)
    return resp
