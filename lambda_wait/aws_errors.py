"""AWS's error answers as the tool's own errors (pure: no boto3 or botocore).

The call path (:mod:`lambda_wait.aws_path`) hands every ``ClientError``'s response
here with the service's :class:`ServiceErrors` (Lambda's below, CloudWatch's in its
adapter), so the mapping from AWS's codes to exit codes lives in one place for every
service and is tested without an SDK.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
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


@dataclass(frozen=True)
class ServiceErrors:
    """How one AWS service words its errors: its name, its IAM prefix, the codes it uses
    for throttling and for a request it rejects, and the errors that only it has."""

    title: str  # "Lambda", in messages
    prefix: str  # "lambda", of IAM actions (lambda:GetFunction)
    throttled: frozenset[str] = frozenset({"TooManyRequestsException"})
    invalid: frozenset[str] = frozenset()
    auth_remedy: str = "or use other credentials"
    # Codes only this service has (a function not found, a revision mismatch): first say.
    specific: Callable[[str, str, Mapping[str, Any]], LambdaWaitError | None] | None = None
    endpoint_hint: str = "check --endpoint-url / AWS_ENDPOINT_URL, any proxy (HTTPS_PROXY)"

    def action(self, operation: str) -> str:
        """``get_metric_data`` -> ``cloudwatch:GetMetricData``."""
        return f"{self.prefix}:" + "".join(part.capitalize() for part in operation.split("_"))


def iam_action(operation: str) -> str:
    """``get_function_configuration`` -> ``lambda:GetFunctionConfiguration``."""
    return LAMBDA_ERRORS.action(operation)


def _lambda_specific(  # noqa: PLR0911 -- one return per Lambda error: a flat table
    code: str, message: str, params: Mapping[str, Any]
) -> LambdaWaitError | None:
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
    return None


LAMBDA_ERRORS = ServiceErrors(
    "Lambda", "lambda", invalid=frozenset(_INVALID_CODES), specific=_lambda_specific
)


def translate_error(  # noqa: PLR0911 -- one return per class of AWS error: a flat table
    response: Mapping[str, Any],
    operation: str,
    params: Mapping[str, Any],
    service: ServiceErrors = LAMBDA_ERRORS,
) -> LambdaWaitError:
    """Map an error answer (botocore's ``ClientError.response``) to the tool's own error."""
    info = response.get("Error") or {}
    code = clean(str(info.get("Code") or ""), 200, single_line=True)
    message = readable(str(info.get("Message") or response.get("message") or code))
    status = int((response.get("ResponseMetadata") or {}).get("HTTPStatusCode") or 0)
    action = service.action(operation)
    specific = service.specific(code, message, params) if service.specific and code else None
    if specific is not None:
        return specific
    if code in service.throttled or status == 429:
        reason = clean(str(info.get("Reason") or response.get("Reason") or code), 200)
        return ThrottledError(
            f"throttled by {service.title} ({reason})", retry_after=_retry_after(response)
        )
    if (not code or code.isdigit()) and status < 500:  # no AWS error type: not the service
        return unexpected_answer(operation, status, message, service)
    if code in _CREDENTIAL_CODES:
        return AuthError(
            f"AWS did not accept the credentials ({code}): {first_line(message)}",
            hint="Refresh your credentials (e.g. `aws sso login`, or new keys), or check "
            "AWS_PROFILE / --profile; signatures also need the machine's clock to be right.",
        )
    if code in _AUTH_CODES or status == 403:
        return AuthError(
            f"permission denied for {action}: {message}",
            hint=f"Grant {action} to the caller, {service.auth_remedy}.",
        )
    if code in service.invalid:
        return InvalidRequestError(f"{service.title} rejected {action}: {message}")
    if code in _UNAVAILABLE_CODES or status >= 500:
        shown = code if code and not code.isdigit() else f"HTTP {status}"
        return AwsUnavailableError(f"{service.title} error {shown}: {message}")
    return unexpected_answer(operation, status, f"{code}: {message}", service)


def first_line(text: str, limit: int = 200) -> str:
    """The first non-empty line of ``text``, cut at ``limit`` characters."""
    line = next((part.strip() for part in str(text).splitlines() if part.strip()), "")
    return line if len(line) <= limit else line[:limit] + "..."


def unexpected_answer(
    operation: str, status: int, body: str, service: ServiceErrors = LAMBDA_ERRORS
) -> UnexpectedAnswerError:
    """An answer that is not the service's: the status and the first readable line."""
    shown = first_line(readable(body)) or "(empty body)"
    return UnexpectedAnswerError(
        f"unexpected answer to {service.action(operation)}: HTTP {status or '?'}: {shown}",
        hint=f"Not an answer {service.title} gives: {service.endpoint_hint}, and AWS's "
        "status; upgrade lambda-wait if the error is new.",
    )


# An HTML page (a proxy's 404, a captive portal): its title, else its text, never markup.
_MARKUP = re.compile(r"^\s*<(?:!doctype|html|head|body|\?xml|[a-z][a-z0-9]*[\s>/])", re.I)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.I | re.S)
_NOT_SHOWN = re.compile(r"<(script|style|head)\b.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")
_ENTITIES = {"&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&nbsp;": " ", "&amp;": "&"}


def readable(text: str) -> str:
    """``text`` cleaned onto one line; markup is turned into its words (a page's title
    and heading once, not ``<html><body><h1>...``)."""
    if _MARKUP.match(text):
        title = _TITLE.search(text)
        words = _TAG.sub(" ", _NOT_SHOWN.sub(" ", text))
        for entity, char in _ENTITIES.items():
            words = words.replace(entity, char)
        words = " ".join(words.split())
        heading = " ".join(title.group(1).split()) if title else ""
        if heading and words.startswith(heading):
            words = words[len(heading) :].strip()
        text = " ".join(part for part in (heading, words) if part) or "(an empty page)"
        if heading and len(text) > 120:
            text = heading
    return clean(text, single_line=True)


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
