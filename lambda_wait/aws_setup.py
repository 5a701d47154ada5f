"""Setting up the AWS clients: where and as whom to call (:class:`AwsSettings`),
the session (:class:`AwsSession`, on botocore's own), botocore's configuration (no
retries, time-outs), and a broken setup (config file, profile, credentials) as the
tool's own error.

The call path (:mod:`lambda_wait.aws_path`) builds every service's client from here;
it sends the requests.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import botocore.config
import botocore.exceptions
import botocore.session

from lambda_wait.aws_errors import first_line
from lambda_wait.errors import AuthError, LambdaWaitError, UsageError

CONNECT_TIMEOUT = 5
READ_TIMEOUT = 30  # UpdateFunctionCode with a 50 MB zip can take a while to answer
# Override the time-outs (seconds): tests use a short read time-out against slow answers.
CONNECT_TIMEOUT_ENV = "LAMBDA_WAIT_CONNECT_TIMEOUT"
READ_TIMEOUT_ENV = "LAMBDA_WAIT_READ_TIMEOUT"
# botocore waits for a credential_process without any time-out: one that never exits
# hung the run past --timeout. It is ended after this long, or what --timeout leaves.
# (botocore's other providers are bounded already: IMDS 1 s x 1 attempt, the container
# provider 2 s x 3, SSO and assume-role through clients with connect/read time-outs.)
CREDENTIAL_PROCESS_LIMIT = 60.0


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


# The credentials could not be had, or the configuration read (setup_error says which).
SETUP_ERRORS = (
    botocore.exceptions.NoCredentialsError,
    botocore.exceptions.PartialCredentialsError,
    botocore.exceptions.CredentialRetrievalError,
    botocore.exceptions.TokenRetrievalError,
    botocore.exceptions.SSOTokenLoadError,
    botocore.exceptions.UnauthorizedSSOTokenError,
    *CONFIG_ERRORS,
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


class AwsSession:
    """The part of boto3's ``Session`` the tool uses, on botocore's session: the same
    configuration chain, credential providers and clients. boto3 itself (with
    s3transfer, which it imports) added ~0.1 s to every start and nothing to a client.
    Only the User-Agent differs: ``Botocore/...`` where boto3 said ``Boto3/...``."""

    def __init__(self, profile: str | None = None, region: str | None = None) -> None:
        self._session = botocore.session.Session()
        if profile is not None:
            self._session.set_config_variable("profile", profile)
        if region is not None:
            self._session.set_config_variable("region", region)
        # A profile that does not exist (given, or AWS_PROFILE) fails here, as it did in
        # boto3.Session(), which read the profile's configuration while being built.
        self._session.get_scoped_config()

    @property
    def region_name(self) -> str | None:
        region = self._session.get_config_variable("region")
        return None if region is None else str(region)

    def get_credentials(self) -> Any:
        """botocore's credentials (None when the chain finds none)."""
        return self._session.get_credentials()

    def client(
        self,
        service: str,
        *,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        config: botocore.config.Config | None = None,
    ) -> Any:
        """A botocore client for ``service``, as ``boto3.Session.client`` builds it."""
        return self._session.create_client(
            service, region_name=region_name, endpoint_url=endpoint_url, config=config
        )


def make_session(
    settings: AwsSettings, limit: Callable[[], float | None] | None = None
) -> AwsSession:
    """The session for ``settings``; bad profile or missing region are usage errors.
    Its credential_process is ended after ``limit()`` seconds (the run's deadline), at
    most :data:`CREDENTIAL_PROCESS_LIMIT`: exit 5 naming it, never a hang."""
    try:
        session = AwsSession(settings.profile, settings.region)
    except botocore.exceptions.ProfileNotFound as err:
        profile = settings.profile or err.kwargs.get("profile")  # else it came from AWS_PROFILE
        raise UsageError(
            f"AWS profile {profile!r} not found.",
            hint="Check --profile / AWS_PROFILE against `aws configure list-profiles`.",
        ) from None
    bound_credential_process(session, limit or (lambda: None))
    return session


def bound_credential_process(session: AwsSession, limit: Callable[[], float | None]) -> None:
    """Give botocore's credential_process provider a child process that is ended (and
    the run told, exit 5) when it outlasts ``limit()`` or :data:`CREDENTIAL_PROCESS_LIMIT`,
    or when the run stops (Ctrl-C, SIGTERM) while waiting for it."""
    try:
        resolver = session._session.get_component("credential_provider")
        provider = resolver.get_provider("custom-process")
    except (AttributeError, KeyError, botocore.exceptions.BotoCoreError):
        return  # a botocore without it: its own behaviour

    def popen(args: Any, **kwargs: Any) -> BoundedProcess:
        return BoundedProcess(limit, args, **kwargs)

    provider._popen = popen


class BoundedProcess(subprocess.Popen[bytes]):
    """A child whose :meth:`communicate` ends it after a time limit, or on any exception
    (an interrupt): a credential_process never outlives the wait for it."""

    def __init__(self, limit: Callable[[], float | None], args: Any, **kwargs: Any) -> None:
        self._limit = limit
        super().__init__(args, **kwargs)

    def communicate(
        self, input: bytes | None = None, timeout: float | None = None
    ) -> tuple[bytes, bytes]:
        seconds = min(
            s for s in (self._limit(), timeout, CREDENTIAL_PROCESS_LIMIT) if s is not None
        )
        try:
            return super().communicate(input, timeout=max(0.1, seconds))
        except subprocess.TimeoutExpired:
            self._end()
            raise botocore.exceptions.CredentialRetrievalError(
                provider="custom-process",
                error_msg=f"credential_process did not finish within {seconds:.3g}s and was "
                "ended (a prompt waiting for input, or a hang?)",
            ) from None
        except BaseException:
            self._end()
            raise

    def _end(self) -> None:
        self.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.wait(timeout=2)


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


def service_endpoint(
    service: str, given: str | None, environ: Mapping[str, str] | None = None
) -> tuple[str | None, str | None]:
    """The endpoint a ``service`` client is built with, and where it came from (for a
    message): ``--endpoint-url`` is Lambda's, and every other service's too unless the
    environment names one of its own (botocore's AWS_ENDPOINT_URL_<SERVICE> or
    AWS_ENDPOINT_URL, which botocore then reads itself). A URL that cannot be used
    (no host, a port past 65535) is exit 2 here, before any request."""
    env = os.environ if environ is None else environ
    names = (f"AWS_ENDPOINT_URL_{service.upper()}", "AWS_ENDPOINT_URL")
    own = next(((name, env[name]) for name in names if env.get(name)), None)
    if given and (service == "lambda" or own is None):
        # The CLI reads --endpoint-url from AWS_ENDPOINT_URL_LAMBDA / AWS_ENDPOINT_URL too.
        lambdas = ("AWS_ENDPOINT_URL_LAMBDA", "AWS_ENDPOINT_URL")
        where = next((name for name in lambdas if env.get(name) == given), "--endpoint-url")
        check_endpoint(given, where)
        return given, where
    if own is not None:
        check_endpoint(own[1], own[0])
    return None, None


def check_endpoint(url: str, where: str) -> None:
    """UsageError (exit 2) naming ``where`` when ``url`` is no http(s) URL of a host
    and a port from 1 to 65535 (botocore would fail on its first request, exit 70)."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        port = parts.port  # ValueError: "Port out of range 0-65535", or not a number
        problem = (
            "it is not an http:// or https:// URL"
            if parts.scheme not in ("http", "https")
            else "it names no host"
            if not parts.hostname
            else "port 0 cannot be reached"
            if port == 0
            else None
        )
    except ValueError as err:
        problem = first_line(str(err)).lower()
    if problem is not None:
        raise UsageError(
            f"invalid endpoint URL {url!r} ({where}): {problem}.",
            hint="Give a URL such as http://127.0.0.1:4566 or "
            "https://lambda.us-east-1.amazonaws.com (a port from 1 to 65535), or leave it out.",
        )


def no_region_error() -> UsageError:
    return UsageError(
        "no AWS region configured.",
        hint="Pass --region, or set AWS_REGION / AWS_DEFAULT_REGION (or region in a profile).",
    )
