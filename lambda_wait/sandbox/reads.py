"""The evidence reads at the sandbox: EC2, IAM, CloudWatch Logs, ECR, KMS and EFS are
moto's, on the same endpoint. This module adds what moto lacks: a read the caller is
denied (``Sandbox.deny_reads("ec2:DescribeSubnets")``, as a CI role without that
permission gets), and IAM's SimulatePrincipalPolicy (moto has none; the sandbox denies
it, as most CI roles are, so callers fall back to reading the role's policies)."""

from __future__ import annotations

import json
from collections.abc import Collection
from urllib.parse import parse_qs

from lambda_wait.sandbox.wsgi import WSGIEnviron

# botocore's service name (the credential scope) -> the IAM prefix of its actions.
PREFIXES = {
    "ec2": "ec2",
    "iam": "iam",
    "logs": "logs",
    "ecr": "ecr",
    "kms": "kms",
    "elasticfilesystem": "elasticfilesystem",
}
_QUERY = frozenset({"ec2", "iam"})
# EFS is REST: its reads' actions by path (GET /2015-02-01/<resource>).
_EFS_PATHS = {
    "access-points": "DescribeAccessPoints",
    "mount-targets": "DescribeMountTargets",
    "file-systems": "DescribeFileSystems",
}
ALWAYS_DENIED = frozenset({"iam:SimulatePrincipalPolicy"})
ACCOUNT = "123456789012"  # moto's default account


def action_of(service: str, environ: WSGIEnviron, body: bytes) -> str | None:
    """The IAM action of an evidence read (``ec2:DescribeSubnets``), else None."""
    prefix = PREFIXES.get(service)
    if prefix is None:
        return None
    if service in _QUERY:
        names = parse_qs(body.decode("utf-8", "replace")).get("Action")
        name = names[0] if names else None
    elif service == "elasticfilesystem":
        parts = str(environ.get("PATH_INFO") or "").strip("/").split("/")
        get = environ.get("REQUEST_METHOD") == "GET" and len(parts) >= 2
        name = _EFS_PATHS.get(parts[1]) if get else None
    else:
        target = str(environ.get("HTTP_X_AMZ_TARGET") or "")
        name = target.rsplit(".", 1)[-1] if "." in target else None
    return f"{prefix}:{name}" if name else None


def denied_answer(
    service: str, environ: WSGIEnviron, body: bytes, denied: Collection[str]
) -> tuple[int, list[tuple[str, str]], bytes] | None:
    """AccessDenied in the service's protocol when the read's action is denied."""
    action = action_of(service, environ, body)
    if action is None or (action not in denied and action not in ALWAYS_DENIED):
        return None
    caller = f"arn:aws:sts::{ACCOUNT}:assumed-role/ci/sandbox"
    message = f"User: {caller} is not authorized to perform: {action}"
    if service in _QUERY:
        code = "UnauthorizedOperation" if service == "ec2" else "AccessDenied"
        xml = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
            f"<Message>{message}</Message></Error><RequestId>sandbox</RequestId></ErrorResponse>"
        )
        if service == "ec2":
            xml = (
                f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message>"
                "</Error></Errors><RequestID>sandbox</RequestID></Response>"
            )
        return 403, [("Content-Type", "text/xml")], xml.encode()
    doc = {"__type": "AccessDeniedException", "message": message}
    return 403, [("Content-Type", "application/x-amz-json-1.1")], json.dumps(doc).encode()


def role_read(service: str, body: bytes) -> str | None:
    """The role name a GetRole asks for (the sandbox creates roles on first use when it
    auto-creates them: preflight's GetRole sees the role CreateFunction would make)."""
    if service != "iam":
        return None
    form = parse_qs(body.decode("utf-8", "replace"))
    if form.get("Action") != ["GetRole"]:
        return None
    names = form.get("RoleName")
    return names[0] if names else None
