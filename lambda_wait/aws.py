"""The only module that talks to boto3/botocore.

It builds the Lambda client, sends every request through the process-wide
:class:`~lambda_wait.budget.RequestBudget`, and turns botocore's exceptions into
the tool's own (:mod:`lambda_wait.errors`), so nothing above it sees ClientError.

botocore's own retries are switched off (``total_max_attempts=1``): every
attempt must pass through the shared budget and the caller's deadline, and
Lambda's Retry-After (``retryAfterSeconds``) is ignored by botocore's retry
logic anyway. The waiter and the deploy steps retry deliberately instead.
"""

from __future__ import annotations

import contextlib
import copy
import threading
from collections.abc import Callable, Mapping
from typing import Any

import botocore.config
import botocore.exceptions
import botocore.parsers

from lambda_wait.anchor import TIME_SCALE_HEADER, ServerClock
from lambda_wait.answers import PageGuard, check_answer, check_configuration
from lambda_wait.aws_errors import first_line, iam_action, translate_error
from lambda_wait.aws_model import BotocoreRequestModel, operation_members, validate_request
from lambda_wait.aws_setup import (
    CONFIG_ERRORS,
    CONNECTION_ERRORS,
    AwsSettings,
    client_config,
    make_session,
    no_credentials_error,
    setup_error,
)
from lambda_wait.budget import READ_URGENCY, RequestBudget
from lambda_wait.clock import Clock, Deadline, SystemClock, deadline_lifted, past_deadline
from lambda_wait.errors import (
    AwsUnavailableError,
    DeadlineReachedError,
    InvalidRequestError,
    LambdaWaitError,
    ProvisionedConfigNotFoundError,
    ThrottledError,
    UnexpectedAnswerError,
    UsageError,
)

# iam_action, the request model and the client set-up live in aws_errors / aws_model /
# aws_setup; imported from here too.
__all__ = [
    "AwsSettings",
    "BotocoreRequestModel",
    "LambdaApi",
    "client_config",
    "iam_action",
    "make_api",
    "make_session",
    "no_credentials_error",
    "operation_members",
    "translate_client_error",
    "validate_request",
]

# How far past the deadline a request may still be answered: the waiter's last read
# happens at the deadline itself, and it needs a usable read time-out.
DEADLINE_GRACE = 0.5

# The read time-out of the request this thread is sending (None: the client's own).
_CALL = threading.local()


def _clamp_read_timeout(context: dict[str, Any], **_: Any) -> None:
    """botocore hook: shorten this request's read time-out to what the deadline leaves
    (botocore >= 1.40 reads ``read_timeout`` from the request context; older ones ignore it)."""
    timeout = getattr(_CALL, "read_timeout", None)
    if timeout is not None:
        context["read_timeout"] = timeout


class LambdaApi:
    """Typed, budgeted access to the Lambda API; raises only lambda-wait errors.

    Every request goes through :meth:`RequestBudget.acquire` (the one request path),
    bounded by the run's deadline. ``clock`` is the run's Clock (by default the
    budget's); :meth:`cancel` cancels it, ending every sleep of every thread at once.
    ``server_clock`` learns AWS's clock offset from the Date of every answer.
    """

    def __init__(
        self,
        client: Any,
        *,
        budget: RequestBudget | None = None,
        get_function_budget: RequestBudget | None = None,
        clock: Clock | None = None,
        deadline: Deadline | None = None,
        client_factory: Callable[[str], Any] | None = None,
    ) -> None:
        self.client = client
        self._client_factory = client_factory  # a client for another Region
        self._regions: dict[str, LambdaApi] = {}
        self._regions_lock = threading.Lock()
        if clock is None:
            clock = budget.clock if budget is not None else SystemClock()
        self.clock: Clock = clock
        self.budget = budget if budget is not None else RequestBudget(clock=clock)
        # GetFunction has its own 100 req/s quota, separate from everything else.
        self.get_function_budget = (
            get_function_budget
            if get_function_budget is not None
            else RequestBudget(50.0, clock=clock)
        )
        # The run's one Deadline (shared with its per-Region APIs): no request is sent
        # past it, none answered after it (plus DEADLINE_GRACE); never, without one.
        self.deadline: Deadline = deadline if deadline is not None else Deadline.never(clock)
        self.server_clock = ServerClock()
        meta = getattr(client, "meta", None)
        self._read_timeout = float(getattr(getattr(meta, "config", None), "read_timeout", 0) or 0)
        events = getattr(meta, "events", None)
        if events is not None and hasattr(events, "register"):
            events.register(
                "before-call.lambda", _clamp_read_timeout, unique_id="lambda-wait-read-timeout"
            )

    def bounded_by(self, deadline: Deadline) -> LambdaApi:
        """This API (same client, budgets, clocks) bounded by ``deadline``; self unchanged."""
        view = copy.copy(self)
        view.deadline = deadline
        view._regions, view._regions_lock = {}, threading.Lock()
        return view

    def past_deadline(self) -> contextlib.AbstractContextManager[None]:
        """Inside, this thread's requests ignore the deadline (other threads stay bounded)."""
        return past_deadline()

    def _remaining(self) -> float | None:
        """Seconds left until the hard limit (deadline plus grace), or None (no deadline,
        or this thread is inside :meth:`past_deadline`)."""
        remaining = None if deadline_lifted() else self.deadline.remaining()
        return None if remaining is None else remaining + DEADLINE_GRACE

    def _call_read_timeout(self) -> float | None:
        remaining = self._remaining()
        if remaining is not None and (not self._read_timeout or remaining < self._read_timeout):
            return max(0.05, remaining)
        return None

    def cancel(self) -> None:
        """Stop every thread using this API: a wait for the budget ends at once with
        :class:`Interrupted`, and so does :meth:`sleep` (used by the waiters)."""
        for clock in {
            id(c): c for c in (self.clock, self.budget.clock, self.get_function_budget.clock)
        }.values():
            clock.cancel()

    def sleep(self, seconds: float) -> None:
        """Sleep on the API's clock, unless :meth:`cancel` is called meanwhile (Interrupted)."""
        self.clock.sleep(seconds)

    def _acquire(self, budget: RequestBudget) -> None:
        """Wait for the budget's slot, unless that slot lies past the deadline."""
        remaining = self._remaining()
        until = None if remaining is None else budget.clock.now() + remaining - 0.1
        # A waiter's read says how urgent it is; everything else goes first come, first served.
        budget.acquire(until, urgency=READ_URGENCY.get())

    def in_region(self, region: str | None) -> LambdaApi:
        """The API for functions in ``region`` (from an ARN). Lambda's quotas are per
        account and Region, so another Region gets budgets of its own, at the same
        rates, on the same clock and deadline; without a client factory (a client the
        caller built), every function goes through this API."""
        if not region or region == self.region or self._client_factory is None:
            return self
        with self._regions_lock:
            api = self._regions.get(region)
            if api is None:
                api = LambdaApi(
                    self._client_factory(region),
                    budget=RequestBudget(self.budget.max_rps, clock=self.clock),
                    get_function_budget=RequestBudget(
                        self.get_function_budget.max_rps, clock=self.clock
                    ),
                    clock=self.clock,
                    deadline=self.deadline,
                )
                self._regions[region] = api
            return api

    @property
    def region(self) -> str | None:
        return str(self.client.meta.region_name) if self.client.meta.region_name else None

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        """Send one request (no retry) and translate every failure."""
        budget = self.get_function_budget if operation == "get_function" else self.budget
        self._acquire(budget)
        _CALL.read_timeout = self._call_read_timeout()
        sent = self.clock.wall()
        try:
            response: dict[str, Any] = getattr(self.client, operation)(**params)
            self._observe(response, sent)
        except botocore.exceptions.ClientError as err:
            self._observe(dict(err.response), sent)
            error = translate_client_error(err, operation, params)
            if isinstance(error, ThrottledError):
                budget.throttled(error.retry_after)
            raise error from None
        except (
            botocore.exceptions.NoCredentialsError,
            botocore.exceptions.PartialCredentialsError,
            botocore.exceptions.CredentialRetrievalError,
            botocore.exceptions.TokenRetrievalError,
            botocore.exceptions.SSOTokenLoadError,
            botocore.exceptions.UnauthorizedSSOTokenError,
            *CONFIG_ERRORS,
        ) as err:
            raise setup_error(err) from None
        except CONNECTION_ERRORS as err:
            remaining = self._remaining()
            if remaining is not None and remaining <= 0.05:
                raise DeadlineReachedError(
                    f"the --timeout ran out while waiting for Lambda's answer to {operation}"
                ) from None
            raise AwsUnavailableError(f"could not reach Lambda: {err}") from None
        except botocore.exceptions.ParamValidationError as err:
            raise InvalidRequestError(f"invalid request: {err}") from None
        except (botocore.parsers.ResponseParserError, AttributeError, TypeError) as err:
            # botocore could not parse the body (a list, HTML, truncated JSON on a 200).
            raise UnexpectedAnswerError(
                f"Lambda's answer to {iam_action(operation)} could not be read: "
                f"{first_line(str(err))}",
                hint="Check --endpoint-url / AWS_ENDPOINT_URL and any proxy (HTTPS_PROXY).",
            ) from None
        finally:
            _CALL.read_timeout = None
        if not isinstance(response, dict):
            raise UnexpectedAnswerError(
                f"Lambda's answer to {iam_action(operation)} is not a JSON object"
            )
        response.pop("ResponseMetadata", None)
        return check_answer(operation, response)

    def _observe(self, response: Mapping[str, Any], sent: float) -> None:
        headers = (response.get("ResponseMetadata") or {}).get("HTTPHeaders") or {}
        self.server_clock.observe(headers.get("date"), sent, self.clock.wall())
        if TIME_SCALE_HEADER in headers:
            self.server_clock.observe_time_scale(headers.get(TIME_SCALE_HEADER))

    # Reads -----------------------------------------------------------------
    def get_function_configuration(self, name: str, qualifier: str | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {"FunctionName": name}
        if qualifier:
            params["Qualifier"] = qualifier
        return check_configuration(
            self.call("get_function_configuration", **params), "get_function_configuration"
        )

    def get_function(self, name: str, qualifier: str | None = None) -> dict[str, Any]:
        """GetFunction; the presigned code URL is dropped so it can never be printed."""
        params: dict[str, Any] = {"FunctionName": name}
        if qualifier:
            params["Qualifier"] = qualifier
        response = self.call("get_function", **params)
        response.pop("Code", None)
        check_configuration(response.get("Configuration"), "get_function")
        return response

    def list_functions(self) -> list[dict[str, Any]]:
        """Every function's configuration in the region (paginated)."""
        return self._paginate("list_functions", "Functions", MaxItems=50)

    def list_tags(self, arn: str) -> dict[str, str]:
        tags: dict[str, str] = self.call("list_tags", Resource=arn).get("Tags") or {}
        return tags

    def tag_resource(self, arn: str, tags: dict[str, str]) -> None:
        """Set ``tags`` on a function (deploy --tag on an existing function)."""
        self.call("tag_resource", Resource=arn, Tags=tags)

    def get_alias(self, name: str, alias: str) -> dict[str, Any]:
        return self.call("get_alias", FunctionName=name, Name=alias)

    def get_provisioned_concurrency_config(
        self, name: str, qualifier: str
    ) -> dict[str, Any] | None:
        """The provisioned concurrency config of an alias or version; None if it has none.

        A qualifier that does not exist raises FunctionNotFoundError (exit 4).
        """
        try:
            return self.call(
                "get_provisioned_concurrency_config", FunctionName=name, Qualifier=qualifier
            )
        except ProvisionedConfigNotFoundError:
            return None

    def get_function_concurrency(self, name: str) -> int | None:
        """The function's reserved concurrency, or None when it has none."""
        value = self.call("get_function_concurrency", FunctionName=name).get(
            "ReservedConcurrentExecutions"
        )
        return value if isinstance(value, int) else None

    def get_unreserved_concurrency(self) -> int | None:
        """The account's unreserved concurrency in this Region (GetAccountSettings)."""
        limit = self.call("get_account_settings").get("AccountLimit") or {}
        value = limit.get("UnreservedConcurrentExecutions")
        return value if isinstance(value, int) else None

    def list_provisioned_concurrency_configs(self, name: str) -> list[dict[str, Any]]:
        """Every provisioned concurrency config of a function (paginated)."""
        return self._paginate(
            "list_provisioned_concurrency_configs",
            "ProvisionedConcurrencyConfigs",
            FunctionName=name,
        )

    def list_event_source_mappings(self, name: str) -> list[dict[str, Any]]:
        """Every event source mapping of a function (paginated)."""
        return self._paginate(
            "list_event_source_mappings", "EventSourceMappings", FunctionName=name
        )

    def _paginate(self, operation: str, key: str, **params: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        marker: str | None = None
        guard = PageGuard(operation)  # the same marker again: exit 8, not a loop for ever
        while True:
            page = self.call(operation, **params, **({"Marker": marker} if marker else {}))
            items.extend(page[key])  # check_answer made sure it is a list
            marker = guard.next(page.get("NextMarker"))
            if marker is None:
                return items

    # Mutations: never retried here; callers decide (a retried mutation may apply twice).
    def put_provisioned_concurrency_config(
        self, name: str, qualifier: str, count: int
    ) -> dict[str, Any]:
        return self.call(
            "put_provisioned_concurrency_config",
            FunctionName=name,
            Qualifier=qualifier,
            ProvisionedConcurrentExecutions=count,
        )

    def delete_provisioned_concurrency_config(self, name: str, qualifier: str) -> None:
        self.call("delete_provisioned_concurrency_config", FunctionName=name, Qualifier=qualifier)

    def create_function(self, **params: Any) -> dict[str, Any]:
        return self.call("create_function", **params)

    def update_function_code(self, **params: Any) -> dict[str, Any]:
        return self.call("update_function_code", **params)

    def update_function_configuration(self, **params: Any) -> dict[str, Any]:
        return self.call("update_function_configuration", **params)

    def publish_version(self, **params: Any) -> dict[str, Any]:
        return self.call("publish_version", **params)

    def create_alias(self, **params: Any) -> dict[str, Any]:
        return self.call("create_alias", **params)

    def update_alias(self, **params: Any) -> dict[str, Any]:
        return self.call("update_alias", **params)

    def get_function_image_uri(self, name: str) -> str | None:
        """The container image URI of an Image function (never the presigned zip URL)."""
        response = self.call("get_function", FunctionName=name)
        code = response.get("Code") or {}
        uri = code.get("ImageUri")
        return str(uri) if uri else None

    def invoke(self, **params: Any) -> dict[str, Any]:
        """Invoke; the response payload stream is read and dropped (never printed)."""
        response = self.call("invoke", **params)
        payload = response.pop("Payload", None)
        if payload is not None and hasattr(payload, "read"):
            payload.read()
        return response

    # Releases (issue 15): versions, aliases, their deletion and the code download.
    def list_versions(self, name: str) -> list[dict[str, Any]]:
        """Every version of a function, $LATEST included (ListVersionsByFunction, paginated)."""
        return self._paginate("list_versions_by_function", "Versions", FunctionName=name)

    def list_aliases(self, name: str) -> list[dict[str, Any]]:
        """Every alias of a function, with its RoutingConfig (paginated)."""
        return self._paginate("list_aliases", "Aliases", FunctionName=name)

    def delete_function(self, name: str) -> None:
        """Delete a function (every version): deploy --recreate-failed, on State Failed only."""
        self.call("delete_function", FunctionName=name)

    def delete_version(self, name: str, version: str) -> None:
        """Delete one published version; refuses $LATEST and aliases (never the function)."""
        if not version.isdigit():
            raise UsageError(f"refusing to delete {name}:{version}: only a version number.")
        self.call("delete_function", FunctionName=name, Qualifier=version)

    def download_code(self, name: str, *, timeout: float = 60.0) -> bytes:
        """The deployment package of $LATEST (a zip), fetched from GetFunction's presigned
        URL and checked against its CodeSha256 (:mod:`lambda_wait.code_download`); the URL
        itself is never returned, logged or put in an error."""
        response = self.call("get_function", FunctionName=name)
        location = str((response.get("Code") or {}).get("Location") or "")
        if not location.startswith(("https://", "http://")):
            raise UsageError(
                f"{name} has no downloadable code package (an image function, or none "
                "was returned): drop --download."
            )
        from lambda_wait.code_download import fetch_package  # checks length, zip, CodeSha256

        sha = str((response.get("Configuration") or {}).get("CodeSha256") or "")
        return fetch_package(location, sha, name, timeout=timeout)


def translate_client_error(
    err: botocore.exceptions.ClientError, operation: str, params: Mapping[str, Any]
) -> LambdaWaitError:
    """Map a botocore ClientError to the tool's own error (:func:`translate_error`)."""
    return translate_error(dict(err.response), operation, params)


def make_api(
    settings: AwsSettings,
    *,
    budget: RequestBudget | None = None,
    check_credentials: bool = True,
    get_function_budget: RequestBudget | None = None,
    credentials_by: Deadline | None = None,
) -> LambdaApi:
    """Build a :class:`LambdaApi`; fails before any request when region or credentials lack.
    A credential_process still running at ``credentials_by`` (the --timeout, counted from
    the set-up) is ended: exit 5 naming it (aws_setup.BoundedProcess)."""
    try:
        limit = None if credentials_by is None else credentials_by.remaining
        session = make_session(settings, limit)
        region = session.region_name
        credentials = session.get_credentials() if check_credentials and region else True
    except botocore.exceptions.BotoCoreError as err:
        raise setup_error(err) from None
    if not region:
        raise UsageError(
            "no AWS region configured.",
            hint="Pass --region, or set AWS_REGION / AWS_DEFAULT_REGION (or region in a profile).",
        )
    if credentials is None:
        raise no_credentials_error()
    config = client_config()
    endpoint = settings.endpoint_url or None
    try:
        client = session.client("lambda", endpoint_url=endpoint, config=config)
    except ValueError as err:  # botocore rejects a malformed endpoint URL this way
        raise UsageError(f"invalid endpoint URL {endpoint!r}: {err}") from None

    def regional(region: str) -> Any:
        return session.client("lambda", region_name=region, endpoint_url=endpoint, config=config)

    return LambdaApi(
        client, budget=budget, get_function_budget=get_function_budget, client_factory=regional
    )
