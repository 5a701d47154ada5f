"""SSM Parameter Store's typed adapter for ``${ssm:/path/name}`` in a deploy's
environment: GetParameter with decryption.

Thin, as every service's adapter is (see :mod:`lambda_wait.cloudwatch`): the one call
path budgets the request, bounds it by the run's Deadline, reads the server clock and
translates errors; the parameter's value is passed through verbatim (never cleaned,
it goes to Lambda as it is) and the caller masks it in every output.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lambda_wait.aws_errors import ServiceErrors
from lambda_wait.aws_path import AwsCallPath
from lambda_wait.aws_service import Quota, Service
from lambda_wait.errors import LambdaWaitError, UnexpectedAnswerError, UsageError

if TYPE_CHECKING:
    from lambda_wait.aws import LambdaApi


def _ssm_specific(code: str, message: str, params: Mapping[str, Any]) -> LambdaWaitError | None:
    if code in ("ParameterNotFound", "ParameterVersionNotFound"):
        name = params.get("Name", "")
        return UsageError(
            f"SSM parameter {name} does not exist (referenced as ${{ssm:{name}}}); "
            "nothing was sent to Lambda.",
            hint="Create the parameter, or fix the name and the Region (the function's).",
        )
    return None


SSM_ERRORS = ServiceErrors(
    "SSM",
    "ssm",
    throttled=frozenset({"ThrottlingException", "TooManyUpdates"}),
    invalid=frozenset({"ValidationException", "InvalidKeyId", "InvalidParameters"}),
    specific=_ssm_specific,
    auth_remedy="and kms:Decrypt on a SecureString's key",
    endpoint_hint="check AWS_ENDPOINT_URL_SSM / --endpoint-url and any proxy",
)
# GetParameter: 40 requests/s per account and Region by default (shared with everyone).
SSM = Service(
    "ssm", SSM_ERRORS, Quota("ssm:GetParameter", 10.0), verbatim=(("Parameter", "Value"),)
)


class SsmApi:
    """The one SSM read a deploy needs, in the function's Region."""

    def __init__(self, path: AwsCallPath, region: str | None = None) -> None:
        self.path = path
        self.region = path.region_of(region)

    @classmethod
    def beside(cls, api: LambdaApi) -> SsmApi:
        """SSM on ``api``'s path, in its Region (the function's)."""
        return cls(api.path, api.region)

    def parameter_value(self, name: str) -> str:
        """The parameter's value, decrypted (a SecureString's plain text)."""
        answer = self.path.call(
            SSM, self.region, "get_parameter", {"Name": name, "WithDecryption": True}
        )
        value = (answer.get("Parameter") or {}).get("Value")
        if not isinstance(value, str):
            raise UnexpectedAnswerError(
                f"SSM's answer to ssm:GetParameter for {name} has no Value",
                hint=f"Not an answer SSM gives: {SSM_ERRORS.endpoint_hint}.",
            )
        return value
