"""Secrets Manager's typed adapter for ``${secretsmanager:name}`` (and ``name#key``)
in a deploy's environment: GetSecretValue.

Thin, as every service's adapter is (see :mod:`lambda_wait.cloudwatch`): the one call
path budgets, bounds, translates; the secret's string is passed through verbatim
(never cleaned) and the caller masks it in every output.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lambda_wait.aws_errors import ServiceErrors
from lambda_wait.aws_path import AwsCallPath
from lambda_wait.aws_service import Quota, Service
from lambda_wait.errors import LambdaWaitError, UsageError

if TYPE_CHECKING:
    from lambda_wait.aws import LambdaApi


def _secrets_specific(code: str, message: str, params: Mapping[str, Any]) -> LambdaWaitError | None:
    if code == "ResourceNotFoundException":
        name = params.get("SecretId", "")
        return UsageError(
            f"Secrets Manager secret {name} does not exist (referenced as "
            f"${{secretsmanager:{name}}}); nothing was sent to Lambda.",
            hint="Create the secret, or fix the name and the Region (the function's).",
        )
    return None


SECRETS_ERRORS = ServiceErrors(
    "Secrets Manager",
    "secretsmanager",
    throttled=frozenset({"ThrottlingException"}),
    invalid=frozenset({"InvalidParameterException", "InvalidRequestException"}),
    specific=_secrets_specific,
    auth_remedy="and kms:Decrypt on the secret's key",
    endpoint_hint="check AWS_ENDPOINT_URL_SECRETS_MANAGER / --endpoint-url and any proxy",
)
# GetSecretValue: 10,000 requests/s per account and Region; a deploy needs a handful.
SECRETS = Service(
    "secretsmanager",
    SECRETS_ERRORS,
    Quota("secretsmanager:GetSecretValue", 20.0),
    verbatim=(("SecretString",),),
)


class SecretsApi:
    """The one Secrets Manager read a deploy needs, in the function's Region."""

    def __init__(self, path: AwsCallPath, region: str | None = None) -> None:
        self.path = path
        self.region = path.region_of(region)

    @classmethod
    def beside(cls, api: LambdaApi) -> SecretsApi:
        """Secrets Manager on ``api``'s path, in its Region (the function's)."""
        return cls(api.path, api.region)

    def secret_string(self, name: str) -> str:
        """The secret's current SecretString; a binary-only secret is bad input."""
        answer = self.path.call(SECRETS, self.region, "get_secret_value", {"SecretId": name})
        value = answer.get("SecretString")
        if not isinstance(value, str):
            raise UsageError(
                f"Secrets Manager secret {name} holds no SecretString (a binary secret "
                "cannot be an environment value).",
                hint="Store it as a string, or reference another secret.",
            )
        return value
