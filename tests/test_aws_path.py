"""The one AWS call path (lambda_wait.aws_path): only it builds AWS clients, and every
service's requests, CloudWatch's as Lambda's, are budgeted per Region and quota,
bounded by the run's Deadline, read for the server clock, translated and cleaned."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from lambda_wait.aws import CONTROL_PLANE, AwsSettings, LambdaApi, api_for, make_api
from lambda_wait.aws_errors import readable, translate_error
from lambda_wait.aws_path import AwsCallPath
from lambda_wait.aws_setup import check_endpoint
from lambda_wait.clock import Deadline, ManualClock
from lambda_wait.cloudwatch import CLOUDWATCH, CLOUDWATCH_ERRORS, CloudWatchApi
from lambda_wait.errors import (
    AuthError,
    AwsUnavailableError,
    DeadlineReachedError,
    InvalidRequestError,
    LambdaWaitError,
    ThrottledError,
    UnexpectedAnswerError,
    UsageError,
)

PACKAGE = Path(__file__).resolve().parent.parent / "lambda_wait"
DATE = "Thu, 01 Jan 2026 00:01:43 GMT"  # 3 s after a ManualClock(100.0)'s wall time

# --- only the call path constructs AWS clients --------------------------------------------

# Where a client, a session or the service model may be built, and why. Anything else
# that builds one bypasses the budgets, the Deadline, the server clock and translation.
BUILDERS = {
    "lambda_wait.aws_path": "the call path: SessionClients.build and open_path",
    "lambda_wait.aws_setup": "AwsSession (botocore's session) and its create_client",
    "lambda_wait.aws_model": "botocore's service model, read offline (no client)",
    "lambda_wait.commands.demo": "the demo's alarm, set in the sandbox's world by its handle",
}
_BUILDING = {"create_client", "get_session", "Session", "AwsSession", "make_session"}


def client_constructions(source: str) -> list[str]:
    """Every call in ``source`` that builds an AWS client or session: ``boto3.client``,
    ``x.client("service")``, ``create_client``, ``Session()``, ``make_session``..."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        literal = bool(node.args) and isinstance(node.args[0], ast.Constant)
        on_boto3 = isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "boto3"
        if name in _BUILDING or (name in ("client", "resource") and (literal or on_boto3)):
            found.append(f"{name} (line {node.lineno})")
    return found


def test_the_scan_finds_every_way_to_build_a_client() -> None:
    source = """
import boto3, botocore.session
a = boto3.client(service)
b = session.client("logs")
c = botocore.session.get_session().create_client("iam")
d = boto3.Session().resource("s3")
e = make_session(settings)
f = api.path.client(LAMBDA)  # the path's own method: no client built here
"""
    assert sorted(c.split()[0] for c in client_constructions(source)) == [
        "Session",
        "client",
        "client",
        "create_client",
        "get_session",
        "make_session",
        "resource",
    ]


def test_only_the_call_path_constructs_aws_clients() -> None:
    builders = {}
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if module.startswith("lambda_wait.sandbox"):  # moto's side of the wire
            continue
        found = client_constructions(path.read_text(encoding="utf-8"))
        if found:
            builders[module] = found
    assert set(builders) <= set(BUILDERS), {m: builders[m] for m in set(builders) - set(BUILDERS)}


# --- CloudWatch's requests go through the path ----------------------------------------------


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(100.0)


@pytest.fixture
def cw() -> Any:
    return boto3.client(
        "cloudwatch",
        region_name="eu-west-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture
def stubbed(cw: Any, clock: ManualClock) -> Iterator[tuple[CloudWatchApi, Stubber]]:
    path = AwsCallPath.over({"cloudwatch": cw}, clock=clock, deadline=Deadline(clock, 30.0))
    with Stubber(cw) as stubber:
        yield CloudWatchApi(path), stubber
        stubber.assert_no_pending_responses()


def alarm(name: str, state: str = "OK") -> dict[str, Any]:
    return {"AlarmName": name, "StateValue": state}


def test_cloudwatch_requests_spend_their_own_budget_and_feed_the_server_clock(
    stubbed: tuple[CloudWatchApi, Stubber], clock: ManualClock
) -> None:
    api, stubber = stubbed
    for _ in range(6):
        stubber.add_response(
            "describe_alarms",
            {
                "MetricAlarms": [alarm("errors")],
                "ResponseMetadata": {"HTTPHeaders": {"date": DATE}},
            },
        )
    for _ in range(6):
        assert api.describe_alarms(["errors"])[0].name == "errors"
    budget = api.path.budget(CLOUDWATCH.quota, api.region)
    assert budget.granted == 6 and budget.max_rps == CLOUDWATCH.quota.rps
    assert sum(clock.sleeps) > 0  # paced at CloudWatch's rate, on the run's clock
    assert budget is not api.path.budget(CONTROL_PLANE, api.region)  # not Lambda's quota
    offset = api.path.server_clock.offset()
    assert offset is not None and abs(offset - 3.0) <= 1.0 + sum(clock.sleeps)


def test_a_throttled_cloudwatch_request_halves_its_budget(
    stubbed: tuple[CloudWatchApi, Stubber],
) -> None:
    api, stubber = stubbed
    stubber.add_client_error("describe_alarms", "Throttling", "Rate exceeded", 400)
    with pytest.raises(ThrottledError, match="throttled by CloudWatch"):
        api.describe_alarms(["errors"])
    budget = api.path.budget(CLOUDWATCH.quota, api.region)
    assert budget.throttles == 1 and budget.rate == CLOUDWATCH.quota.rps / 2


def test_no_cloudwatch_request_is_sent_past_the_runs_deadline(
    stubbed: tuple[CloudWatchApi, Stubber], clock: ManualClock
) -> None:
    api, stubber = stubbed
    clock.advance(31.0)
    with pytest.raises(DeadlineReachedError):  # refused before anything is sent
        api.version_error_counts("orders", "live", "2", 0.0, 60.0)
    stubber.add_response("describe_alarms", {"MetricAlarms": [alarm("errors")]})
    with api.path.past_deadline():  # the one exemption (a rollback) holds here too
        assert api.describe_alarms(["errors"])[0].name == "errors"


CLOUDWATCH_ERRORS_CASES: dict[str, tuple[str, str, int, type[LambdaWaitError], str]] = {
    "access denied": ("AccessDenied", "no", 403, AuthError, "cloudwatch:DescribeAlarms"),
    "expired token": ("ExpiredToken", "expired", 403, AuthError, "Refresh your credentials"),
    "a bad parameter": ("InvalidParameterValue", "bad", 400, InvalidRequestError, "rejected"),
    "an internal failure": ("InternalServiceFault", "oops", 500, AwsUnavailableError, "oops"),
    "an HTML 404": ("404", "<html><h1>404 Not Found</h1></html>", 404, UnexpectedAnswerError,
                    "HTTP 404: 404 Not Found"),
}  # fmt: skip


@pytest.mark.parametrize("case", CLOUDWATCH_ERRORS_CASES)
def test_cloudwatch_errors_are_translated_by_the_path(
    case: str, stubbed: tuple[CloudWatchApi, Stubber]
) -> None:
    api, stubber = stubbed
    code, message, status, error, said = CLOUDWATCH_ERRORS_CASES[case]
    stubber.add_client_error("describe_alarms", code, message, status)
    with pytest.raises(error) as info:
        api.describe_alarms(["errors"])
    assert said in info.value.one_line() and "<" not in info.value.one_line()
    if error is AuthError and code == "AccessDenied":
        assert "drop the gate" in (info.value.hint or "")


def test_cloudwatch_runs_on_the_functions_session_and_region(aws_env: None, sandbox: Any) -> None:
    """The gates' CloudWatch is the function's: its ARN's Region, not --region's, over
    the same session (one path), through the sandbox over HTTP."""
    settings = AwsSettings(region="us-east-1", endpoint_url=sandbox.endpoint_url)
    lam = make_api(settings).in_region("eu-west-1")  # a function named by an eu-west-1 ARN
    cloudwatch = CloudWatchApi.beside(lam)
    assert cloudwatch.path is lam.path and cloudwatch.region == "eu-west-1"
    assert cloudwatch.describe_alarms(["missing"]) == []
    client = lam.path.client(CLOUDWATCH, "eu-west-1")
    assert client.meta.region_name == "eu-west-1"
    assert client.meta.endpoint_url == sandbox.endpoint_url  # --endpoint-url serves both
    assert lam.path.budget(CLOUDWATCH.quota, "eu-west-1").granted == 1
    assert lam.path.server_clock.offset() is not None  # its Date was read


def test_a_path_over_given_clients_names_the_one_missing(clock: ManualClock) -> None:
    lam = boto3.client(
        "lambda", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )
    api = LambdaApi(lam, clock=clock)
    with pytest.raises(UsageError, match="no CloudWatch client was given"):
        CloudWatchApi.beside(api).describe_alarms(["errors"])


def test_a_python_callers_session_without_a_region_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    api = api_for(boto3.Session(aws_access_key_id="a", aws_secret_access_key="b"))
    with pytest.raises(UsageError, match="no AWS region configured"):
        api.get_function_configuration("orders")


# --- the pieces: readable error text, endpoint URLs --------------------------------------

READABLE = {
    "nginx": (
        "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not "
        "Found</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n",
        "404 Not Found nginx/1.25.3",
    ),
    "no title": ("<html>\n<h1>Not Found</h1>\n</html>", "Not Found"),
    "script and style": (
        "<!DOCTYPE html><html><head><style>p{}</style><script>x()</script></head>"
        "<body><p>Access &amp; denied</p></body></html>",
        "Access & denied",
    ),
    "empty page": ("<html><body></body></html>", "(an empty page)"),
    "a long page keeps its title": (
        "<html><head><title>Blocked</title></head><body>" + "word " * 100 + "</body></html>",
        "Blocked",
    ),
    "plain text is left alone": ("a < b and c > d", "a < b and c > d"),
    "escapes are cleaned": ("\x1b[2Jcleared\n::error::x", "cleared ::error::x"),
}


@pytest.mark.parametrize("case", READABLE)
def test_readable_turns_markup_into_its_words(case: str) -> None:
    text, expected = READABLE[case]
    assert readable(text) == expected


def test_a_proxys_html_502_is_unavailable_with_its_title() -> None:
    page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>"
    response = {
        "Error": {"Code": "502", "Message": page},
        "ResponseMetadata": {"HTTPStatusCode": 502},
    }
    error = translate_error(response, "get_function", {"FunctionName": "f"})
    assert isinstance(error, AwsUnavailableError)
    assert error.message == "Lambda error HTTP 502: 502 Bad Gateway"
    error = translate_error(response, "get_metric_data", {}, CLOUDWATCH_ERRORS)
    assert error.message == "CloudWatch error HTTP 502: 502 Bad Gateway"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://127.0.0.1:99999", "port out of range"),
        ("http://127.0.0.1:0", "port 0 cannot be reached"),
        ("127.0.0.1:4566", "not an http:// or https:// URL"),
        ("ftp://example.com", "not an http:// or https:// URL"),
        ("https://", "names no host"),
        ("http://[::1", "invalid ipv6 url"),
    ],
)
def test_an_unusable_endpoint_url_is_a_usage_error(url: str, problem: str) -> None:
    with pytest.raises(UsageError) as info:
        check_endpoint(url, "--endpoint-url")
    assert info.value.exit_code == 2 and problem in info.value.message
    assert "(--endpoint-url)" in info.value.message


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:4566", "https://lambda.us-east-1.amazonaws.com", "http://[::1]:80"]
)
def test_a_usable_endpoint_url_passes(url: str) -> None:
    check_endpoint(url, "--endpoint-url")
