"""Lambda's typed adapter over the one call path (:mod:`lambda_wait.aws_path`).

:class:`LambdaApi` is Lambda's operations for one Region, each a typed method that
hands its request to :meth:`AwsCallPath.call`: the budgets, the deadline, the server
clock, the error translation and the cleaning of AWS's text happen there, once for
every service, so nothing above sees ClientError. :func:`make_api` opens the session's
path; :func:`api_for` takes whatever a Python caller gave as ``client=``.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

from lambda_wait.anchor import ServerClock
from lambda_wait.answers import PageGuard, check_configuration, validate_answer
from lambda_wait.aws_errors import LAMBDA_ERRORS, iam_action
from lambda_wait.aws_model import BotocoreRequestModel, operation_members, validate_request
from lambda_wait.aws_path import AwsCallPath, Quota, Service, SessionClients, open_path
from lambda_wait.aws_setup import AwsSettings, client_config, make_session, no_credentials_error
from lambda_wait.budget import DEFAULT_GET_FUNCTION_RPS, DEFAULT_MAX_RPS, RequestBudget
from lambda_wait.clock import Clock, Deadline
from lambda_wait.errors import (
    ProvisionedConfigNotFoundError,
    UsageError,
)

# iam_action, the request model and the client set-up live in aws_errors / aws_model /
# aws_setup; imported from here too.
__all__ = [
    "LAMBDA",
    "AwsSettings",
    "BotocoreRequestModel",
    "LambdaApi",
    "api_for",
    "client_config",
    "iam_action",
    "make_api",
    "make_session",
    "no_credentials_error",
    "operation_members",
    "validate_request",
]

# Lambda's quotas, per account and Region: every control-plane call together 15 req/s
# (this process keeps to --max-rps, 10 by default); GetFunction alone 100 req/s.
CONTROL_PLANE = Quota("lambda:control-plane", DEFAULT_MAX_RPS)
GET_FUNCTION = Quota("lambda:GetFunction", DEFAULT_GET_FUNCTION_RPS)
LAMBDA = Service(
    "lambda",
    LAMBDA_ERRORS,
    CONTROL_PLANE,
    {"get_function": GET_FUNCTION},
    check=validate_answer,
)


class LambdaApi:
    """Lambda's operations in one Region, over the session's :class:`AwsCallPath`.

    Built from a path (``make_api``; ``region`` None: the session's), or from a client
    the caller built (the Python API's ``client=``, tests), then with that client's
    budgets (``budget``: the control plane's, ``get_function_budget``), ``clock`` and
    ``deadline``. ``clock`` is the run's Clock; :meth:`cancel` ends every sleep.
    """

    def __init__(
        self,
        client: AwsCallPath | Any,
        *,
        region: str | None = None,
        budget: RequestBudget | None = None,
        get_function_budget: RequestBudget | None = None,
        clock: Clock | None = None,
        deadline: Deadline | None = None,
    ) -> None:
        if isinstance(client, AwsCallPath):
            if any(x is not None for x in (budget, get_function_budget, clock, deadline)):
                raise TypeError("a path carries its own budgets, clock and deadline")
            self.path = client
        else:
            seeded = {CONTROL_PLANE: budget, GET_FUNCTION: get_function_budget}
            self.path = AwsCallPath.over(
                {"lambda": client},
                clock=clock,
                deadline=deadline,
                budgets={quota: b for quota, b in seeded.items() if b is not None},
            )
        self.region: str | None = self.path.region_of(region)
        # The run's one Deadline, and AWS's clock: the path's, shared by every Region.
        self.deadline: Deadline = self.path.deadline
        self.server_clock: ServerClock = self.path.server_clock
        self._regions: dict[str | None, LambdaApi] = {}
        self._regions_lock = threading.Lock()

    # What the path holds for this Region ------------------------------------------
    @property
    def client(self) -> Any:
        return self.path.client(LAMBDA, self.region)

    @property
    def clock(self) -> Clock:
        return self.path.clock

    @property
    def budget(self) -> RequestBudget:
        """The control plane's budget in this Region (everything but GetFunction)."""
        return self.path.budget(CONTROL_PLANE, self.region)

    @property
    def get_function_budget(self) -> RequestBudget:
        """GetFunction's budget in this Region (its own 100 req/s quota)."""
        return self.path.budget(GET_FUNCTION, self.region)

    def bounded_by(self, deadline: Deadline) -> LambdaApi:
        """This API (same clients, budgets, clocks) bounded by ``deadline``; self unchanged."""
        return LambdaApi(self.path.bounded_by(deadline), region=self.region)

    def past_deadline(
        self, stop_at: float | None = None
    ) -> contextlib.AbstractContextManager[None]:
        """Inside, this thread's requests ignore the deadline (other threads stay bounded),
        never ``stop_at`` (:meth:`AwsCallPath.past_deadline`)."""
        return self.path.past_deadline(stop_at)

    def cancel(self) -> None:
        """Stop every thread using this API's path (:meth:`AwsCallPath.cancel`)."""
        self.path.cancel()

    def sleep(self, seconds: float) -> None:
        """Sleep on the API's clock, unless :meth:`cancel` is called meanwhile (Interrupted)."""
        self.path.sleep(seconds)

    def in_region(self, region: str | None) -> LambdaApi:
        """The API for functions in ``region`` (from an ARN): the same path, so the same
        session, clock and deadline, and that Region's own budgets (Lambda's quotas are
        per account and Region). A client the caller built reaches its own Region only."""
        target = self.path.region_of(region)
        if target == self.region:
            return self
        with self._regions_lock:
            api = self._regions.get(target)
            if api is None:
                api = self._regions[target] = LambdaApi(self.path, region=target)
            return api

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        """Send one request (no retry) through the call path; every failure translated."""
        return self.path.call(LAMBDA, self.region, operation, params)

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
        # Not a request through the path, but bounded by the same Deadline as its requests.
        bounded = max(0.001, self.deadline.clamp(timeout))  # 0 would make urlopen non-blocking
        return fetch_package(location, sha, name, timeout=bounded)


def make_api(
    settings: AwsSettings,
    *,
    budget: RequestBudget | None = None,
    check_credentials: bool = True,
    get_function_budget: RequestBudget | None = None,
    credentials_by: Deadline | None = None,
) -> LambdaApi:
    """The :class:`LambdaApi` of the session's Region over a new call path
    (:func:`~lambda_wait.aws_path.open_path`); its client is built at once, so a bad
    setup fails before any request."""
    seeded = {CONTROL_PLANE: budget, GET_FUNCTION: get_function_budget}
    path = open_path(
        settings,
        budgets={quota: b for quota, b in seeded.items() if b is not None},
        check_credentials=check_credentials,
        credentials_by=credentials_by,
    )
    api = LambdaApi(path)
    api.path.client(LAMBDA)
    return api


def api_for(client: Any) -> LambdaApi:
    """The API over what a Python caller gave as ``client=``: a :class:`LambdaApi` as it
    is; None, the default session; a boto3 Session, its clients built by the call path;
    else a Lambda client the caller built."""
    if isinstance(client, LambdaApi):
        return client
    if client is None:
        return make_api(AwsSettings(), check_credentials=False)
    if hasattr(client, "client") and not hasattr(client, "get_function_configuration"):
        return LambdaApi(AwsCallPath(SessionClients(client)))  # a boto3 Session
    return LambdaApi(client)
