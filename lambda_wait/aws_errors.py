"""Lambda's error answers as the tool's own errors (pure: no boto3 or botocore).

:mod:`lambda_wait.aws` hands every ``ClientError``'s response here, so the
mapping from AWS's codes to exit codes lives in one place and is tested without
an SDK.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lambda_wait.errors import (
    AuthError,
    AwsUnavailableError,
    ConflictError,
    FunctionNotFoundError,
    FunctionNotReadyError,
    InvalidRequestError,
    LambdaWaitError,
    ProvisionedConfigNotFoundError,
    RevisionMismatchError,
    ThrottledError,
    UnexpectedAnswerError,
)
from lambda_wait.untrusted import clean

# The caller's credentials were not accepted at all (expired, unknown, badly signed):
# refreshing them is the fix, not a permission.
_CREDENTIAL_CODES = {
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "ExpiredTokenException",
    "ExpiredToken",
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "IncompleteSignature",
    "MissingAuthenticationToken",
    "RequestExpired",
}

# Refused for want of a permission, or (the set above) of valid credentials.
_AUTH_CODES = {
    "AccessDeniedException",
    "AccessDenied",
    "MissingAuthenticationTokenException",
} | _CREDENTIAL_CODES
_INVALID_CODES = {
    "InvalidParameterValueException",
    "InvalidRequestContentException",
    "RequestTooLargeException",
    "CodeStorageExceededException",
    "CodeVerificationFailedException",
    "InvalidCodeSignatureException",
    "ValidationException",
    "SerializationException",
}
# Invoke on a function that is not ready; botocore does not even model the second one.
_NOT_READY_CODES = {
    "ResourceNotReadyException",
    "CodeArtifactUserPendingException",
    "SnapStartNotReadyException",
}
_UNAVAILABLE_CODES = {"ServiceException", "InternalFailure", "ServiceUnavailable", "InternalError"}


def iam_action(operation: str) -> str:
    """``get_function_configuration`` -> ``lambda:GetFunctionConfiguration``."""
    return "lambda:" + "".join(part.capitalize() for part in operation.split("_"))


def translate_error(  # noqa: PLR0911 -- one return per class of AWS error: a flat table
    response: Mapping[str, Any], operation: str, params: Mapping[str, Any]
) -> LambdaWaitError:
    """Map an error answer (botocore's ``ClientError.response``) to the tool's own error."""
    info = response.get("Error") or {}
    code = str(info.get("Code") or "")
    message = clean(str(info.get("Message") or response.get("message") or code), single_line=True)
    code = clean(code, 200, single_line=True)
    status = int((response.get("ResponseMetadata") or {}).get("HTTPStatusCode") or 0)
    name = params.get("FunctionName", "")
    qualifier = params.get("Qualifier")
    target = f"{name}:{qualifier}" if qualifier else str(name)
    if code == "ProvisionedConcurrencyConfigNotFoundException":
        return ProvisionedConfigNotFoundError(
            f"{target} has no provisioned concurrency config: {message}"
        )
    if code == "ResourceNotFoundException":
        return FunctionNotFoundError(
            f"function {target} not found: {message}",
            hint="Check the name, the --qualifier, the region and the account.",
        )
    if code == "TooManyRequestsException" or status == 429:
        return ThrottledError(
            f"throttled by Lambda ({info.get('Reason') or response.get('Reason') or code})",
            retry_after=_retry_after(response),
        )
    if (not code or code.isdigit()) and status < 500:  # no AWS error type: not Lambda
        return unexpected_answer(operation, status, message)
    if code in _CREDENTIAL_CODES:
        return AuthError(
            f"AWS did not accept the credentials ({code}): {first_line(message)}",
            hint="Refresh your credentials (e.g. `aws sso login`, or new keys), or check "
            "AWS_PROFILE / --profile; signatures also need the machine's clock to be right.",
        )
    if code in _AUTH_CODES or status == 403:
        return AuthError(
            f"permission denied for {iam_action(operation)}: {message}",
            hint=f"Grant {iam_action(operation)} to the caller, or use other credentials.",
        )
    if code in _NOT_READY_CODES:
        return FunctionNotReadyError(
            f"{target} is not ready to invoke ({code}): {message}", code=code
        )
    if code == "PreconditionFailedException":
        return RevisionMismatchError(
            f"{target} changed since it was read (RevisionId mismatch): {message}",
            hint="Another deployment is changing this function; re-run when it has finished.",
        )
    if code == "ResourceInUseException":  # an event source mapping is transitional
        return ConflictError(f"{message} (the event source mapping is changing state)")
    if code == "ResourceConflictException":
        return ConflictError(message)
    if code in _INVALID_CODES:
        return InvalidRequestError(f"Lambda rejected {iam_action(operation)}: {message}")
    if code in _UNAVAILABLE_CODES or status >= 500:
        return AwsUnavailableError(f"Lambda error {code or status}: {message}")
    return unexpected_answer(operation, status, f"{code}: {message}")


def first_line(text: str, limit: int = 200) -> str:
    """The first non-empty line of ``text``, cut at ``limit`` characters."""
    line = next((part.strip() for part in str(text).splitlines() if part.strip()), "")
    return line if len(line) <= limit else line[:limit] + "..."


def unexpected_answer(operation: str, status: int, body: str) -> UnexpectedAnswerError:
    """An answer that is not Lambda's: the status and the first line of the body."""
    shown = first_line(body) or "(empty body)"
    return UnexpectedAnswerError(
        f"unexpected answer to {iam_action(operation)}: HTTP {status or '?'}: {shown}",
        hint="Not an answer Lambda gives: check --endpoint-url / AWS_ENDPOINT_URL, any proxy "
        "(HTTPS_PROXY), and AWS's status; upgrade lambda-wait if the error is new.",
    )


def _retry_after(response: Mapping[str, Any]) -> float | None:
    """Lambda's Retry-After: botocore puts the modelled header in ``retryAfterSeconds``."""
    candidates = [
        response.get("retryAfterSeconds"),
        (response.get("ResponseMetadata") or {}).get("HTTPHeaders", {}).get("retry-after"),
    ]
    for value in candidates:
        try:
            if value is not None and float(value) >= 0:
                return float(value)
        except (TypeError, ValueError):
            continue
    return None
