"""The boto3 adapter: exact calls (botocore Stubber), error translation, client building."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.awsrequest
import pytest
from botocore.stub import Stubber

from lambda_wait.api import wait_for_function
from lambda_wait.aws import CONTROL_PLANE, AwsSettings, LambdaApi, iam_action, make_api
from lambda_wait.aws_path import AwsCallPath, SessionClients
from lambda_wait.budget import RequestBudget
from lambda_wait.clock import Deadline, ManualClock
from lambda_wait.errors import (
    AuthError,
    AwsUnavailableError,
    ConflictError,
    DeadlineReachedError,
    ExitCode,
    FunctionNotFoundError,
    InvalidRequestError,
    RevisionMismatchError,
    ThrottledError,
    UsageError,
)
from lambda_wait.states import Target

ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders"
CANARY = "https://awslambda-canary-7f3e.s3.amazonaws.com/DO-NOT-LEAK?X-Amz-Signature=abc"


def configuration(state: str = "Active", update: str | None = "Successful") -> dict[str, Any]:
    doc: dict[str, Any] = {
        "FunctionName": "orders",
        "FunctionArn": ARN,
        "Version": "$LATEST",
        "State": state,
        "RevisionId": "rev-1",
    }
    if update is not None:
        doc["LastUpdateStatus"] = update
    return doc


@pytest.fixture
def client() -> Any:
    return boto3.client(
        "lambda",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(100.0)


@pytest.fixture
def budget(clock: ManualClock) -> RequestBudget:
    return RequestBudget(10.0, clock=clock)


@pytest.fixture
def stubbed(client: Any, budget: RequestBudget) -> Iterator[tuple[LambdaApi, Stubber]]:
    with Stubber(client) as stubber:
        yield LambdaApi(client, budget=budget), stubber
        stubber.assert_no_pending_responses()


# --- the exact calls ------------------------------------------------------------------------


def test_get_function_configuration_sends_only_the_function_name(
    stubbed: tuple[LambdaApi, Stubber],
) -> None:
    api, stubber = stubbed
    stubber.add_response(
        "get_function_configuration", configuration(), expected_params={"FunctionName": "orders"}
    )
    doc = api.get_function_configuration("orders")
    assert doc["State"] == "Active"
    assert "ResponseMetadata" not in doc
    assert api.budget.granted == 1
    assert api.get_function_budget.granted == 0


def test_get_function_configuration_sends_the_qualifier_when_given(
    stubbed: tuple[LambdaApi, Stubber],
) -> None:
    api, stubber = stubbed
    stubber.add_response(
        "get_function_configuration",
        configuration(),
        expected_params={"FunctionName": ARN, "Qualifier": "prod"},
    )
    assert api.get_function_configuration(ARN, "prod")["FunctionArn"] == ARN


def test_get_function_drops_the_presigned_code_location(
    stubbed: tuple[LambdaApi, Stubber],
) -> None:
    api, stubber = stubbed
    stubber.add_response(
        "get_function",
        {
            "Configuration": configuration(),
            "Code": {"RepositoryType": "S3", "Location": CANARY},
            "Tags": {"team": "payments"},
        },
        expected_params={"FunctionName": "orders", "Qualifier": "3"},
    )
    response = api.get_function("orders", "3")
    assert "Code" not in response
    assert CANARY not in json.dumps(response)
    assert "awslambda-canary" not in repr(response)
    assert response["Configuration"]["State"] == "Active"
    assert response["Tags"] == {"team": "payments"}
    # GetFunction has its own quota, so its own budget.
    assert api.get_function_budget.granted == 1
    assert api.budget.granted == 0


def test_get_function_without_qualifier_sends_only_the_name(
    stubbed: tuple[LambdaApi, Stubber],
) -> None:
    api, stubber = stubbed
    stubber.add_response(
        "get_function",
        {"Configuration": configuration(), "Code": {"Location": CANARY}},
        expected_params={"FunctionName": "orders"},
    )
    assert CANARY not in json.dumps(api.get_function("orders"))


# --- error translation ----------------------------------------------------------------------


def test_resource_not_found_is_function_not_found(stubbed: tuple[LambdaApi, Stubber]) -> None:
    api, stubber = stubbed
    stubber.add_client_error(
        "get_function_configuration",
        service_error_code="ResourceNotFoundException",
        service_message=f"Function not found: {ARN}:prod",
        http_status_code=404,
        expected_params={"FunctionName": "orders", "Qualifier": "prod"},
    )
    with pytest.raises(FunctionNotFoundError) as info:
        api.get_function_configuration("orders", "prod")
    assert info.value.exit_code is ExitCode.NOT_FOUND
    assert info.value.exit_code == 4
    assert "orders:prod" in info.value.message
    assert "--qualifier" in (info.value.hint or "")


def test_throttling_reads_retry_after_seconds_and_halves_the_budget(
    stubbed: tuple[LambdaApi, Stubber], budget: RequestBudget, clock: ManualClock
) -> None:
    api, stubber = stubbed
    stubber.add_client_error(
        "get_function_configuration",
        service_error_code="TooManyRequestsException",
        service_message="Rate exceeded",
        http_status_code=429,
        service_error_meta={"Reason": "CallerRateLimitExceeded"},
        response_meta={"HTTPHeaders": {"retry-after": "3"}},
        modeled_fields={"retryAfterSeconds": "3", "Reason": "CallerRateLimitExceeded"},
    )
    assert budget.rate == 10.0
    with pytest.raises(ThrottledError) as info:
        api.get_function_configuration("orders")
    assert info.value.retry_after == 3.0
    assert info.value.exit_code is ExitCode.UNAVAILABLE
    assert "CallerRateLimitExceeded" in info.value.message
    assert budget.rate == 5.0
    # The next request through this budget waits out Retry-After.
    assert budget.reserve() >= 3.0 - 1e-9


def test_retry_after_from_the_modelled_field_alone(stubbed: tuple[LambdaApi, Stubber]) -> None:
    api, stubber = stubbed
    stubber.add_client_error(
        "get_function_configuration",
        service_error_code="TooManyRequestsException",
        http_status_code=429,
        modeled_fields={"retryAfterSeconds": "7"},
    )
    with pytest.raises(ThrottledError) as info:
        api.get_function_configuration("orders")
    assert info.value.retry_after == 7.0


def test_throttling_without_retry_after(stubbed: tuple[LambdaApi, Stubber]) -> None:
    api, stubber = stubbed
    stubber.add_client_error(
        "get_function_configuration",
        service_error_code="TooManyRequestsException",
        http_status_code=429,
    )
    with pytest.raises(ThrottledError) as info:
        api.get_function_configuration("orders")
    assert info.value.retry_after is None
    assert api.budget.rate == 5.0


def test_access_denied_names_the_missing_permission(stubbed: tuple[LambdaApi, Stubber]) -> None:
    api, stubber = stubbed
    stubber.add_client_error(
        "get_function_configuration",
        service_error_code="AccessDeniedException",
        service_message="User: arn:aws:iam::123456789012:user/ci is not authorized",
        http_status_code=403,
    )
    with pytest.raises(AuthError) as info:
        api.get_function_configuration("orders")
    assert info.value.exit_code is ExitCode.AUTH
    assert "lambda:GetFunctionConfiguration" in info.value.message
    assert "lambda:GetFunctionConfiguration" in (info.value.hint or "")
    assert "not authorized" in info.value.message


def test_access_denied_on_get_function_names_get_function(
    stubbed: tuple[LambdaApi, Stubber],
) -> None:
    api, stubber = stubbed
    stubber.add_client_error(
        "get_function",
        service_error_code="AccessDeniedException",
        http_status_code=403,
    )
    with pytest.raises(AuthError, match=r"lambda:GetFunction\b"):
        api.get_function("orders")


@pytest.mark.parametrize(
    ("code", "status", "error_type", "exit_code"),
    [
        ("PreconditionFailedException", 412, RevisionMismatchError, ExitCode.CONFLICT),
        ("ResourceConflictException", 409, ConflictError, ExitCode.CONFLICT),
        ("ServiceException", 500, AwsUnavailableError, ExitCode.UNAVAILABLE),
        ("InvalidParameterValueException", 400, InvalidRequestError, ExitCode.USAGE),
        ("UnrecognizedClientException", 403, AuthError, ExitCode.AUTH),
        ("SomethingNewException", 503, AwsUnavailableError, ExitCode.UNAVAILABLE),
    ],
)
def test_error_codes_map_to_the_tools_errors(
    stubbed: tuple[LambdaApi, Stubber],
    code: str,
    status: int,
    error_type: type[Exception],
    exit_code: ExitCode,
) -> None:
    api, stubber = stubbed
    stubber.add_client_error(
        "get_function_configuration",
        service_error_code=code,
        service_message=f"message for {code}",
        http_status_code=status,
    )
    with pytest.raises(error_type) as info:
        api.get_function_configuration("orders")
    err = info.value
    assert type(err) is error_type
    assert getattr(err, "exit_code", None) is exit_code
    assert f"message for {code}" in str(err)
    assert not isinstance(err, ThrottledError)
    assert api.budget.rate == 10.0  # only throttling cuts the rate


def test_revision_mismatch_is_exit_9() -> None:
    assert RevisionMismatchError("x").exit_code == 9
    assert issubclass(RevisionMismatchError, ConflictError)


def test_iam_action_names() -> None:
    assert iam_action("get_function_configuration") == "lambda:GetFunctionConfiguration"
    assert iam_action("get_function") == "lambda:GetFunction"


# --- the real botocore pipeline below the Stubber: parsing and (no) retries ------------------


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def _http_responder(status: int, headers: dict[str, str], body: dict[str, Any], sent: list[Any]):  # type: ignore[no-untyped-def]
    def respond(request: Any, **_: Any) -> botocore.awsrequest.AWSResponse:
        sent.append(request)
        raw = json.dumps(body).encode()
        return botocore.awsrequest.AWSResponse(request.url, status, headers, _Raw(raw))

    return respond


def test_botocore_does_not_retry_a_500_so_the_budget_sees_every_attempt(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch, clock: ManualClock
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    budget = RequestBudget(10.0, clock=clock)
    api = make_api(AwsSettings(region="us-east-1"), budget=budget)
    sent: list[Any] = []
    api.client.meta.events.register(
        "before-send.lambda.GetFunctionConfiguration",
        _http_responder(
            500,
            {"x-amzn-ErrorType": "ServiceException", "Content-Type": "application/json"},
            {"Type": "Service", "message": "internal failure"},
            sent,
        ),
    )
    with pytest.raises(AwsUnavailableError) as info:
        api.get_function_configuration("orders")
    assert info.value.exit_code == 8
    assert len(sent) == 1  # standard mode would have tried 3 times
    assert budget.granted == 1


def test_a_real_429_response_with_retry_after_header_is_parsed(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch, clock: ManualClock
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    budget = RequestBudget(10.0, clock=clock)
    api = make_api(AwsSettings(region="us-east-1"), budget=budget)
    sent: list[Any] = []
    api.client.meta.events.register(
        "before-send.lambda.GetFunctionConfiguration",
        _http_responder(
            429,
            {
                "x-amzn-ErrorType": "TooManyRequestsException",
                "Retry-After": "4",
                "Content-Type": "application/json",
            },
            {"Reason": "CallerRateLimitExceeded", "Type": "User", "message": "Rate exceeded"},
            sent,
        ),
    )
    with pytest.raises(ThrottledError) as info:
        api.get_function_configuration("orders", "prod")
    assert info.value.retry_after == 4.0
    assert len(sent) == 1
    assert "Qualifier=prod" in sent[0].url
    assert budget.rate == 5.0


# --- make_api -------------------------------------------------------------------------------


@pytest.fixture
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No AWS settings from the developer's machine, CI or instance metadata."""
    import os

    for var in list(os.environ):
        if var.startswith("AWS_") or var == "BOTO_CONFIG":
            monkeypatch.delenv(var, raising=False)
    config = tmp_path / "config"
    credentials = tmp_path / "credentials"
    config.write_text("")
    credentials.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.boto, no ~/.aws
    return tmp_path


def test_make_api_without_a_region_is_a_usage_error_naming_region(isolated_env: Path) -> None:
    with pytest.raises(UsageError) as info:
        make_api(AwsSettings())
    assert info.value.exit_code == 2
    assert "region" in info.value.message
    assert "--region" in (info.value.hint or "")


def test_make_api_without_credentials_is_an_auth_error(isolated_env: Path) -> None:
    with pytest.raises(AuthError) as info:
        make_api(AwsSettings(region="us-east-1"))
    assert info.value.exit_code == 5
    assert "credentials" in info.value.message


def test_make_api_can_skip_the_credentials_check(isolated_env: Path) -> None:
    api = make_api(AwsSettings(region="eu-west-1"), check_credentials=False)
    assert api.region == "eu-west-1"


@pytest.mark.parametrize("via_env", [False, True])
def test_make_api_with_an_unknown_profile_is_a_usage_error(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch, via_env: bool
) -> None:
    if via_env:
        monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
        settings = AwsSettings(region="us-east-1")
    else:
        settings = AwsSettings(region="us-east-1", profile="no-such-profile")
    with pytest.raises(UsageError) as info:
        make_api(settings)
    assert info.value.exit_code == 2
    assert "no-such-profile" in info.value.message


def test_make_api_takes_region_and_credentials_from_a_profile(isolated_env: Path) -> None:
    (isolated_env / "config").write_text("[profile ci]\nregion = ap-southeast-2\n")
    (isolated_env / "credentials").write_text(
        "[ci]\naws_access_key_id = AKIDTEST\naws_secret_access_key = secret\n"
    )
    api = make_api(AwsSettings(profile="ci"))
    assert api.region == "ap-southeast-2"


def test_make_api_disables_botocore_retries(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    budget = RequestBudget(3.0)
    api = make_api(AwsSettings(region="us-east-1"), budget=budget)
    retries = api.client.meta.config.retries
    assert retries["total_max_attempts"] == 1
    assert api.budget is budget
    assert api.client.meta.region_name == "us-east-1"


def test_make_api_uses_the_endpoint_url(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    api = make_api(AwsSettings(region="us-east-1", endpoint_url="http://localhost:4566"))
    assert api.client.meta.endpoint_url == "http://localhost:4566"


# --- the public API end to end over a stubbed client ----------------------------------------


@pytest.fixture(autouse=True)
def _cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Whatever the wait remembers (cooldowns) goes to a temp dir, not the user's cache."""
    monkeypatch.setenv("LAMBDA_WAIT_CACHE_DIR", str(tmp_path / "cache"))


def test_wait_for_function_polls_until_active(client: Any) -> None:
    clock = ManualClock(100.0)
    with Stubber(client) as stubber:
        for doc in (configuration("Pending", None), configuration("Pending", None)):
            stubber.add_response(
                "get_function_configuration", doc, expected_params={"FunctionName": "orders"}
            )
        stubber.add_response(
            "get_function_configuration",
            configuration("Active", None),
            expected_params={"FunctionName": "orders"},
        )
        result = wait_for_function(
            "orders",
            client=client,
            timeout=60,
            clock=clock,
        )
        stubber.assert_no_pending_responses()
    assert result.exit_code is ExitCode.READY
    assert result.ready
    assert result.polls == 3
    assert len(clock.sleeps) == 2
    assert result.snapshot is not None and result.snapshot.state == "Active"
    assert result.elapsed == pytest.approx(sum(clock.sleeps))


def test_wait_for_function_with_a_qualified_arn_sends_name_and_qualifier(client: Any) -> None:
    clock = ManualClock(100.0)
    with Stubber(client) as stubber:
        stubber.add_response(
            "get_function_configuration",
            configuration("Active", "InProgress"),
            expected_params={"FunctionName": ARN, "Qualifier": "live"},
        )
        result = wait_for_function(ARN + ":live", client=client, target="active", clock=clock)
        stubber.assert_no_pending_responses()
    assert result.exit_code is ExitCode.READY
    assert result.target is Target.ACTIVE
    assert result.function == "orders:live"
    assert result.polls == 1
    assert clock.sleeps == []


def test_wait_for_function_with_get_function_polls_get_function(client: Any) -> None:
    clock = ManualClock(100.0)
    with Stubber(client) as stubber:
        stubber.add_response(
            "get_function",
            {"Configuration": configuration("Pending", None), "Code": {"Location": CANARY}},
            expected_params={"FunctionName": "orders"},
        )
        stubber.add_response(
            "get_function",
            {"Configuration": configuration("Active"), "Code": {"Location": CANARY}},
            expected_params={"FunctionName": "orders"},
        )
        result = wait_for_function(
            "orders",
            client=client,
            poll_api="get-function",
            clock=clock,
        )
        stubber.assert_no_pending_responses()
    assert result.exit_code is ExitCode.READY
    assert result.polls == 2


def test_wait_for_function_raises_access_denied_at_once(client: Any) -> None:
    clock = ManualClock(100.0)
    with Stubber(client) as stubber:
        stubber.add_client_error(
            "get_function_configuration",
            service_error_code="AccessDeniedException",
            http_status_code=403,
            expected_params={"FunctionName": "orders"},
        )
        with pytest.raises(AuthError, match="lambda:GetFunctionConfiguration"):
            wait_for_function("orders", client=client, clock=clock)
        stubber.assert_no_pending_responses()
    assert clock.sleeps == []


def test_wait_for_function_rejects_a_bad_name_before_any_call(client: Any) -> None:
    with Stubber(client) as stubber:
        with pytest.raises(UsageError):
            wait_for_function("bad/name", client=client)
        stubber.assert_no_pending_responses()


class FakeSession:
    """A session whose clients are real botocore clients, counted as they are built."""

    region_name = "us-east-1"

    def __init__(self) -> None:
        self.made: list[tuple[str, str | None]] = []

    def client(self, service: str, *, region_name: str | None = None, **_: Any) -> Any:
        self.made.append((service, region_name))
        return boto3.client(
            service,
            region_name=region_name,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


def test_another_region_gets_budgets_of_its_own_on_the_same_clock(client: Any) -> None:
    session = FakeSession()
    clock = ManualClock(100.0)
    path = AwsCallPath(
        SessionClients(session),
        budgets={CONTROL_PLANE: RequestBudget(7.0, clock=clock)},
        deadline=Deadline(clock, 30.0),
    )
    api = LambdaApi(path)
    assert api.in_region(None) is api
    assert api.in_region("us-east-1") is api  # the session's own Region
    other = api.in_region("eu-west-1")
    assert other is api.in_region("eu-west-1") and other.client is other.client
    assert session.made == [("lambda", "eu-west-1")]  # built once, when first used
    assert other.region == "eu-west-1"
    assert other.budget is not api.budget and other.budget.max_rps == 7.0
    assert other.get_function_budget is not api.get_function_budget
    assert other.clock is api.clock and other.deadline is api.deadline  # the one Deadline
    # A client the caller built reaches its own Region only: everything stays on it.
    assert LambdaApi(client).in_region("eu-west-1").region == "us-east-1"


def test_past_the_deadline_only_the_exempt_thread_sends(
    client: Any, clock: ManualClock, budget: RequestBudget
) -> None:
    api = LambdaApi(client, budget=budget, deadline=Deadline(clock, 1.0))
    clock.advance(5.0)  # the run's --timeout has passed
    with Stubber(client) as stubber:
        with pytest.raises(DeadlineReachedError):
            api.get_function_configuration("orders")  # refused before anything is sent
        stubber.add_response(
            "get_function_configuration", configuration(), {"FunctionName": "orders"}
        )
        others: list[BaseException] = []

        def other_deploy() -> None:  # shares the API while the rollback is exempt
            try:
                api.get_function_configuration("orders")
            except DeadlineReachedError as err:
                others.append(err)

        with api.past_deadline():  # the rollback's thread
            thread = threading.Thread(target=other_deploy)
            thread.start()
            thread.join(5.0)
            assert api.get_function_configuration("orders")["State"] == "Active"
        assert len(others) == 1  # the other thread stayed bounded
        with pytest.raises(DeadlineReachedError):
            api.get_function_configuration("orders")  # the exemption ended with the block
        stubber.assert_no_pending_responses()


def test_bounded_by_gives_a_view_and_leaves_the_api_alone(client: Any, clock: ManualClock) -> None:
    api = LambdaApi(client, budget=RequestBudget(7.0, clock=clock))
    run = Deadline(clock, 30.0)
    view = api.bounded_by(run)
    assert view.deadline is run and api.deadline.at is None
    assert view.budget is api.budget and view.client is api.client and view.clock is api.clock


def test_past_the_deadline_a_hard_stop_still_clamps_the_read_timeout(
    client: Any, clock: ManualClock, budget: RequestBudget
) -> None:
    """A rollback after a signal is exempt from --timeout but not from its stop time:
    a request that hangs is cut off there (docs/deploy.md, "Releasing safely", 7)."""
    api = LambdaApi(client, budget=budget, deadline=Deadline(clock, 1.0))
    clock.advance(5.0)  # the run's --timeout has passed
    from lambda_wait import aws_path

    seen: list[Any] = []  # the read time-out the call path's botocore hook will set
    client.meta.events.register(
        "before-call.*.*", lambda **_: seen.append(aws_path._CALL.read_timeout)
    )
    with Stubber(client) as stubber:
        for _ in range(2):
            stubber.add_response(
                "get_function_configuration", configuration(), {"FunctionName": "orders"}
            )
        with api.past_deadline(stop_at=clock.now() + 2.0):
            api.get_function_configuration("orders")
        with api.past_deadline():  # no stop time: the client's own read time-out
            api.get_function_configuration("orders")
        stop = clock.now() + 1.0
        with api.past_deadline(stop_at=stop), pytest.raises(DeadlineReachedError):
            clock.advance(2.0)  # the stop time has passed: nothing more is sent
            api.get_function_configuration("orders")
        stubber.assert_no_pending_responses()
    assert seen[0] == pytest.approx(2.0) and seen[1] is None, seen
