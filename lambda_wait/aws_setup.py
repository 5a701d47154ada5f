"""Setting up the AWS clients: where and as whom to call (:class:`AwsSettings`),
the boto3 session, botocore's configuration (no retries, time-outs), and a broken
setup (config file, profile, credentials) as the tool's own error.

Split from :mod:`lambda_wait.aws` (which sends the requests) along that seam;
:mod:`lambda_wait.cloudwatch` builds its client from here too.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.config
import botocore.exceptions

from lambda_wait.aws_errors import first_line
from lambda_wait.errors import AuthError, LambdaWaitError, UsageError

CONNECT_TIMEOUT = 5
READ_TIMEOUT = 30  # UpdateFunctionCode with a 50 MB zip can take a while to answer
# Override the time-outs (seconds): tests use a short read time-out against slow answers.
CONNECT_TIMEOUT_ENV = "LAMBDA_WAIT_CONNECT_TIMEOUT"
READ_TIMEOUT_ENV = "LAMBDA_WAIT_READ_TIMEOUT"


@dataclass(frozen=True)
class AwsSettings:
    """Where and as whom to call Lambda (all optional: boto3's chain fills the rest)."""

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None


def no_credentials_error() -> AuthError:
    return AuthError(
        "no AWS credentials found.",
        hint="Set AWS_PROFILE (or --profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
    )


CONFIG_ERRORS = (
    botocore.exceptions.ConfigParseError,
    botocore.exceptions.InvalidConfigError,
    botocore.exceptions.ProfileNotFound,
    botocore.exceptions.ConfigNotFound,
)

# The service could not be reached or did not answer in time (Lambda and CloudWatch).
CONNECTION_ERRORS = (
    botocore.exceptions.EndpointConnectionError,
    botocore.exceptions.ConnectionClosedError,
    botocore.exceptions.ReadTimeoutError,
    botocore.exceptions.ConnectTimeoutError,
    botocore.exceptions.ConnectionError,
)


def setup_error(err: Exception) -> LambdaWaitError:
    """A broken AWS setup (config file, profile, credential provider) as the tool's error:
    the configuration is bad input (2), credentials that cannot be had are exit 5."""
    if isinstance(err, CONFIG_ERRORS):
        return UsageError(
            f"the AWS configuration cannot be used: {first_line(str(err))}",
            hint="Fix ~/.aws/config (or AWS_CONFIG_FILE) and the profile it names; "
            "`aws configure list` shows what is used.",
        )
    if isinstance(err, botocore.exceptions.NoCredentialsError):
        return no_credentials_error()
    return AuthError(
        f"AWS credentials could not be loaded: {first_line(str(err))}",
        hint="Refresh them (e.g. `aws sso login`), fix the profile's credential source "
        "(credential_process, source_profile, keys), or check AWS_PROFILE.",
    )


def make_session(settings: AwsSettings) -> Any:
    """A boto3 session for ``settings``; bad profile or missing region are usage errors."""
    try:
        session = boto3.Session(profile_name=settings.profile, region_name=settings.region)
    except botocore.exceptions.ProfileNotFound as err:
        profile = settings.profile or err.kwargs.get("profile")  # else it came from AWS_PROFILE
        raise UsageError(
            f"AWS profile {profile!r} not found.",
            hint="Check --profile / AWS_PROFILE against `aws configure list-profiles`.",
        ) from None
    return session


def client_config(environ: Mapping[str, str] | None = None) -> botocore.config.Config:
    """botocore's configuration, chosen on purpose (docs/reliability.md says why).

    No botocore retries (one attempt): every attempt must pass the shared request
    budget and the caller's deadline, and a mutation is re-sent only after the
    function was re-read. Time-outs: connect 5 s, read 30 s, or the environment's.
    """
    env = os.environ if environ is None else environ
    return botocore.config.Config(
        retries={"mode": "standard", "total_max_attempts": 1},
        connect_timeout=_seconds(env, CONNECT_TIMEOUT_ENV, CONNECT_TIMEOUT),
        read_timeout=_seconds(env, READ_TIMEOUT_ENV, READ_TIMEOUT),
        user_agent_extra="lambda-wait",
    )


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return float(default)
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:
        raise UsageError(f"{name} must be a number of seconds between 0 and 3600, got {raw!r}")
    return value


def endpoint_from_env() -> str | None:
    """The endpoint boto3 itself would use from the environment, for messages only."""
    return os.environ.get("AWS_ENDPOINT_URL_LAMBDA") or os.environ.get("AWS_ENDPOINT_URL")
