"""Reason codes the sandbox accepts, read from botocore's Lambda model, and the
StateReason texts it shows with them.

The enums are read at run time (never copied) so a botocore upgrade that adds a
code is accepted without a release of lambda-wait.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from lambda_wait.errors import UsageError

# Lambda waits at least 5 minutes before creating another ENI after these
# (the seed page spells the first one without the final "s"; accept both).
COOLDOWN_CODES: frozenset[str] = frozenset(
    {"InsufficientRolePermissions", "InsufficientRolePermission", "SubnetOutOfIPAddresses"}
)

CREATING_REASON = "The function is being created."
RESTORING_REASON = "The function is being restored to an active state."  # inferred wording
IDLE_REASON = "The function is inactive because it has been idle."  # inferred wording

# Sandbox texts modelled on what Lambda says; AWS's exact wording varies by region and date.
_REASONS: dict[str, str] = {
    "EniLimitExceeded": (
        "Lambda was unable to create an ENI in the VPC of the Lambda function because the "
        "limit for Network Interfaces has been reached."
    ),
    "SubnetOutOfIPAddresses": (
        "Lambda was unable to create an ENI in the VPC of the Lambda function because the "
        "subnet(s) configured for it have no available IP addresses."
    ),
    "InsufficientRolePermissions": (
        "The provided execution role does not have permissions to call "
        "CreateNetworkInterface on EC2."
    ),
    "InvalidSubnet": "The function's VpcConfig refers to a subnet that does not exist.",
    "InvalidSecurityGroup": (
        "The function's VpcConfig refers to a security group that does not exist."
    ),
    "InternalError": "An internal error occurred while Lambda was preparing the function.",
    "InvalidConfiguration": "The function's configuration is not valid.",
    "ImageDeleted": "The container image of the function has been deleted from Amazon ECR.",
    "ImageAccessDenied": "Lambda does not have permission to access the function's ECR image.",
    "InvalidImage": "The function's container image is not valid.",
    "KMSKeyAccessDenied": (
        "Lambda was unable to decrypt the environment variables because KMS access was denied."
    ),
    "KMSKeyNotFound": "The KMS key configured for the function was not found.",
    "InvalidStateKMSKey": "The KMS key configured for the function is not in a valid state.",
    "DisabledKMSKey": "The KMS key configured for the function is disabled.",
    "EFSMountFailure": "Lambda was unable to mount the function's EFS file system.",
    "EFSMountTimeout": "Mounting the function's EFS file system timed out.",
    "EFSMountConnectivityError": "Lambda could not connect to the function's EFS file system.",
    "EFSIOError": "An I/O error occurred on the function's EFS file system.",
    "InvalidRuntime": "The function's runtime is not supported.",
    "InvalidZipFileException": (
        "Could not unzip uploaded file. Please check your file, then try to upload again."
    ),
    "FunctionError": "The function's initialization code failed while preparing the version.",
}


@functools.cache
def _enum(shape: str) -> tuple[str, ...]:
    import botocore.session

    model = botocore.session.get_session().get_service_model("lambda")
    found: Any = model.shape_for(shape)  # a StringShape; its .enum is untyped in the stubs
    return tuple(str(code) for code in found.enum)


def state_reason_codes() -> tuple[str, ...]:
    """StateReasonCode values known to the installed botocore."""
    return _enum("StateReasonCode")


def last_update_reason_codes() -> tuple[str, ...]:
    """LastUpdateStatusReasonCode values known to the installed botocore."""
    return _enum("LastUpdateStatusReasonCode")


def canonical(code: str) -> str:
    """Map accepted spellings to the API's (``InsufficientRolePermission`` -> ``...s``)."""
    return "InsufficientRolePermissions" if code == "InsufficientRolePermission" else code


# Provisioned concurrency StatusReason has no enum in botocore: codes are upper-case tokens.
_PROVISIONED_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
PROVISIONED_REASONS: dict[str, str] = {
    "FUNCTION_ERROR_INIT_FAILURE": (
        "FUNCTION_ERROR_INIT_FAILURE: the function's initialization code failed while "
        "Lambda prepared the provisioned execution environments."
    ),
}


def validate_provisioned_code(code: object, *, where: str) -> str:
    """Return ``code`` if it looks like a provisioned-concurrency StatusReason code."""
    if not isinstance(code, str) or not _PROVISIONED_CODE.match(code):
        known = ", ".join(PROVISIONED_REASONS)
        raise UsageError(
            f"{where}: {code!r} is not a provisioned concurrency reason code "
            f"(upper-case letters, digits and _, e.g. {known})"
        )
    return code


def validate_code(code: object, *, kind: str, where: str) -> str:
    """Return ``code`` if botocore knows it for ``kind``; raise UsageError listing valid ones.

    ``kind`` is ``"state"`` (StateReasonCode: create and publish failures) or
    ``"update"`` (LastUpdateStatusReasonCode: update and restore failures).
    ``where`` says where the code came from, for the message.
    ``"provisioned"`` accepts any upper-case code (StatusReason has no enum).
    """
    if kind == "provisioned":
        return validate_provisioned_code(code, where=where)
    valid = state_reason_codes() if kind == "state" else last_update_reason_codes()
    field = "StateReasonCode" if kind == "state" else "LastUpdateStatusReasonCode"
    if not isinstance(code, str) or canonical(code) not in valid:
        raise UsageError(
            f"{where}: unknown {field} {code!r}; valid values: {', '.join(sorted(valid))}"
        )
    return canonical(code)


def reason_for(code: str) -> str:
    """A realistic StateReason / LastUpdateStatusReason for ``code``."""
    if code in _REASONS:
        return _REASONS[code]
    if code in PROVISIONED_REASONS:
        return PROVISIONED_REASONS[code]
    if code.startswith("FunctionError"):
        return _REASONS["FunctionError"] + f" ({code})"
    return f"Lambda could not complete the operation: {code}."


def has_cooldown(code: str | None) -> bool:
    """True when Lambda waits the 5-minute cooldown after a restore failing with ``code``."""
    return code is not None and code in COOLDOWN_CODES
