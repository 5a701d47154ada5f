"""CreateFunction, UpdateFunctionCode/Configuration and DeleteFunction on the timeline."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode

from lambda_wait.errors import UsageError
from lambda_wait.sandbox.calls import CallInfo
from lambda_wait.sandbox.context import Context
from lambda_wait.sandbox.errors import ApiError
from lambda_wait.sandbox.handlers.runtimes import refused_runtime
from lambda_wait.sandbox.routing import LambdaRequest
from lambda_wait.sandbox.scenario import validate_tags
from lambda_wait.sandbox.state import FunctionRecord, lambda_timestamp
from lambda_wait.sandbox.timeline import Op
from lambda_wait.sandbox.wsgi import Response, WSGIEnviron, json_body

S3_MISSING = "Error occurred while GetObject. S3 Error Code: {code}. S3 Error Message: {text}"
IN_USE_VERSION = "Unable to delete version because the following aliases reference it: [{aliases}]"
_ROLE_ARN = re.compile(r"^arn:aws[a-zA-Z-]*:iam::(\d{12}):role/(.+)$")
_TRUST_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def create(ctx: Context, req: LambdaRequest, info: CallInfo, now: float) -> Response:
    """CreateFunction: Pending for the create delay, then Active or Failed."""
    request = json_body(req.body)
    if not isinstance(request, dict) or not info.name:
        return ctx.apply(info, req.environ)  # let moto report the malformed request
    tags = {str(k): str(v) for k, v in (request.get("Tags") or {}).items()}
    try:
        validate_tags(tags, function=info.name)
        behaviour = ctx.scenario.resolve(info.name, tags)
    except UsageError as exc:
        return ctx.invalid(info, exc)
    if ctx.auto_create_roles and isinstance(request.get("Role"), str):
        _ensure_role(ctx, req.environ, request["Role"])
    missing = refused_runtime(request) or _missing_code(ctx, req, request.get("Code") or {})
    if missing is not None:
        return ctx.reject(info, missing)
    resp = ctx.apply(info, req.environ)
    if not resp.ok:
        return resp
    config = resp.json() or {}
    vpc = request.get("VpcConfig") or None
    timings = behaviour.timings
    has_vpc = bool(vpc and vpc.get("SubnetIds"))
    delay = timings.vpc_create if has_vpc else timings.create
    record = FunctionRecord(
        name=str(config.get("FunctionName") or info.name),
        arn=str(config.get("FunctionArn") or ""),
        create=Op(now, now + ctx.scaled(delay), behaviour.create),
        vpc_config=vpc,
        snapstart=snapstart_on(request),
        tags=tags,
        start_inactive=behaviour.start_inactive,
        environment_given="Environment" in request,
        file_systems=request.get("FileSystemConfigs") or None,
    )
    ctx.records[(req.region, record.name)] = record
    record.changed_since_publish = not request.get("Publish")
    if request.get("Publish"):
        # Version 1 is Active (or Failed) when $LATEST is: it is a copy of it.
        ctx.register_version(record, {"Version": "1"}, now, start=record.create.end)
        # The answer is $LATEST's (Pending, its RevisionId) with Version 1 (AWS).
        config["Version"] = "$LATEST"
        resp.set_json(config)
        resp = ctx.patched(resp, req.region, now)
        config = resp.json()
        config["Version"] = "1"
        resp.set_json(config)
        return resp
    return ctx.patched(resp, req.region, now)


def list_functions(ctx: Context, req: LambdaRequest, info: CallInfo, now: float) -> Response:
    """ListFunctions; ``FunctionVersion`` takes only ``ALL`` (AWS's enum check)."""
    version = req.arg("FunctionVersion")
    if version is not None and version != "ALL":
        message = (
            f"1 validation error detected: Value '{version}' at 'functionVersion' failed to "
            "satisfy constraint: Member must satisfy enum value set: [ALL]"
        )
        return ctx.reject(info, ApiError(400, "ValidationException", message))
    return ctx.patched(ctx.apply(info, req.environ), req.region, now)


def update(
    ctx: Context, req: LambdaRequest, info: CallInfo, record: FunctionRecord, now: float
) -> Response:
    """UpdateFunctionCode/Configuration: InProgress for the update delay, then the outcome."""
    conflict = record.mutation_conflict(now)
    if conflict is not None:
        return ctx.reject(info, conflict)
    request = json_body(req.body)
    if not isinstance(request, dict):
        return ctx.apply(info, req.environ)
    refused = (
        record.revision_conflict(request.get("RevisionId"))
        or refused_runtime(request)
        or _missing_code(ctx, req, request)
    )
    if refused is not None:
        return ctx.reject(info, refused)
    if request.get("DryRun"):
        return ctx.apply(info, req.environ)  # validates only; nothing changes
    behaviour = ctx.behaviour(record)
    attempt = record.updates + 1
    failure = behaviour.update if behaviour.update and behaviour.update.applies(attempt) else None
    new_vpc = request.get("VpcConfig")
    vpc_changed = new_vpc is not None and _vpc_key(new_vpc) != _vpc_key(record.vpc_config)
    timings = behaviour.timings
    delay = timings.vpc_update if vpc_changed else timings.update
    resp = _forward_update(ctx, req, info, record, request, failed=failure is not None)
    if not resp.ok:
        return resp
    record.updates += 1
    record.update = Op(now, now + ctx.scaled(delay), failure)
    record.last_modified = lambda_timestamp(time.time())  # Lambda's moves; moto's does not
    record.rotate_revision()
    config = resp.json() or {}
    if config.get("Version") not in (None, "$LATEST"):
        record.changed_since_publish = False
        # UpdateFunctionCode with Publish: the new version is ready after the update.
        ctx.register_version(record, config, now, start=record.update.end)
    return ctx.patched(resp, req.region, now)


def _forward_update(
    ctx: Context,
    req: LambdaRequest,
    info: CallInfo,
    record: FunctionRecord,
    request: dict[str, Any],
    *,
    failed: bool,
) -> Response:
    if failed:
        # A failed update leaves the previous code and configuration live, so the
        # request never reaches moto; the answer echoes what was asked for.
        resp = ctx.configuration(req.environ, record, req.region)
        if not resp.ok:
            return resp
        config = resp.json()
        config.update(_requested_fields(info.operation, request))
        info.applied = True
        return Response.of_json(200, config)
    resp = ctx.apply(info, req.environ)
    if resp.ok:
        record.changed_since_publish = True
        new_vpc = request.get("VpcConfig")
        if new_vpc is not None:
            record.vpc_config = new_vpc
        if "Environment" in request:
            record.environment_given = True
        if "FileSystemConfigs" in request:
            record.file_systems = request.get("FileSystemConfigs") or None
        if "SnapStart" in request:
            record.snapstart = snapstart_on(request)
    return resp


def delete(
    ctx: Context, req: LambdaRequest, info: CallInfo, record: FunctionRecord | None
) -> Response:
    """DeleteFunction: forget the function, or only the version named by Qualifier.

    A version an alias points to (or routes weight to) is refused, as AWS does.
    """
    version = info.qualifier if info.qualifier and info.qualifier != "$LATEST" else None
    if record is None and info.name:
        # AWS names the function, not the qualifier, when the function does not exist.
        return ctx.not_found(info, req.region, info.name)
    if record is not None and version is not None:
        aliases = sorted(
            alias
            for alias, target in record.alias_versions.items()
            if target == version or version in record.alias_weights.get(alias, {})
        )
        if aliases:
            message = IN_USE_VERSION.format(aliases=", ".join(aliases))
            return ctx.reject(info, ApiError(409, "ResourceConflictException", message))
    resp = ctx.apply(info, req.environ)
    if resp.ok and record is not None:
        if version is not None:
            record.versions.pop(version, None)
            record.provisioned.pop(version, None)
        else:
            ctx.records.pop((req.region, record.name), None)
    return resp


def _missing_code(ctx: Context, req: LambdaRequest, code: Mapping[str, Any]) -> ApiError | None:
    """AWS's 400 when the S3 object named for the code does not exist (moto accepts it,
    and the function would then have no code)."""
    bucket, key = code.get("S3Bucket"), code.get("S3Key")
    if not isinstance(bucket, str) or not isinstance(key, str):
        return None
    found = ctx.moto.request(req.environ, "HEAD", f"/{quote(bucket)}/{quote(key)}", service="s3")
    if found.ok:
        return None
    if not ctx.moto.request(req.environ, "HEAD", f"/{quote(bucket)}", service="s3").ok:
        text = S3_MISSING.format(code="NoSuchBucket", text="The specified bucket does not exist")
    else:
        text = S3_MISSING.format(code="NoSuchKey", text="The specified key does not exist.")
    return ApiError(400, "InvalidParameterValueException", text)


def snapstart_on(request: Mapping[str, Any]) -> bool:
    """True when a request turns SnapStart on for published versions."""
    snap = request.get("SnapStart") or {}
    return isinstance(snap, dict) and snap.get("ApplyOn") == "PublishedVersions"


def _ensure_role(ctx: Context, environ: WSGIEnviron, role_arn: str) -> None:
    match = _ROLE_ARN.match(role_arn)
    if not match:
        return  # moto rejects the malformed ARN itself
    role_path, _, role_name = ("/" + match.group(2)).rpartition("/")
    form = {"Action": "GetRole", "RoleName": role_name, "Version": "2010-05-08"}
    if _iam(ctx, environ, form).ok:
        return
    form = {
        "Action": "CreateRole",
        "RoleName": role_name,
        "Path": (role_path or "") + "/",
        "AssumeRolePolicyDocument": _TRUST_POLICY,
        "Version": "2010-05-08",
    }
    _iam(ctx, environ, form)


def _iam(ctx: Context, environ: WSGIEnviron, form: Mapping[str, str]) -> Response:
    return ctx.moto.request(
        environ,
        "POST",
        "/",
        body=urlencode(form).encode(),
        service="iam",
        content_type="application/x-www-form-urlencoded",
    )


def _b64_sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def _vpc_key(vpc: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not isinstance(vpc, dict):
        return (), ()
    return (
        tuple(sorted(vpc.get("SubnetIds") or ())),
        tuple(sorted(vpc.get("SecurityGroupIds") or ())),
    )


def _requested_fields(operation: str, request: Mapping[str, Any]) -> dict[str, Any]:
    """What an accepted (to-be-failed) update answers with, echoed from the request."""
    if operation == "UpdateFunctionCode":
        out: dict[str, Any] = {}
        if isinstance(request.get("ZipFile"), str):
            try:
                code = base64.b64decode(request["ZipFile"])
                out.update(CodeSha256=_b64_sha256(code), CodeSize=len(code))
            except ValueError:
                pass
        return out
    simple = ("Description", "Handler", "MemorySize", "Role", "Runtime", "Timeout")
    out = {k: request[k] for k in simple if k in request}
    if "Environment" in request:
        out["Environment"] = request["Environment"]
    if "VpcConfig" in request:
        out["VpcConfig"] = request["VpcConfig"]
    return out
