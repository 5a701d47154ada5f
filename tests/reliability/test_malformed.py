"""Issue 13, class 3 (beyond GetFunction): every answer whose fields lambda-wait reads is
checked, so an empty, garbled or cut-short 200 is exit 8 naming the operation, never a
decision taken on nothing; and (class 2) a listing whose service keeps answering the
same page marker stops with exit 8 instead of looping for ever.

The sandbox's chaos layer answers the chosen operation before it reaches the state
machine, so nothing needs to exist and every case is one request or two.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_wait.answers import check_answer
from lambda_wait.aws import LambdaApi
from lambda_wait.aws_path import AwsCallPath
from lambda_wait.cloudwatch import CloudWatchApi
from lambda_wait.errors import ExitCode, UnexpectedAnswerError
from lambda_wait.sandbox import SandboxHandle
from lambda_wait.sandbox.faults import ChaosRule
from tests.reliability.conftest import ROLE, CliRun

ZIP = b"PK\x05\x06" + b"\x00" * 18  # an empty zip: the chaos answers before it is read

# Each operation lambda-wait reads the answer of, and one call of it.
CALLS: dict[str, Callable[[LambdaApi], Any]] = {
    "CreateFunction": lambda api: api.create_function(
        FunctionName="f", Role=ROLE, Runtime="python3.12", Handler="a.h", Code={"ZipFile": ZIP}
    ),
    "UpdateFunctionCode": lambda api: api.update_function_code(FunctionName="f", ZipFile=ZIP),
    "UpdateFunctionConfiguration": lambda api: api.update_function_configuration(
        FunctionName="f", Timeout=9
    ),
    "PublishVersion": lambda api: api.publish_version(FunctionName="f"),
    "GetAlias": lambda api: api.get_alias("f", "live"),
    "CreateAlias": lambda api: api.create_alias(FunctionName="f", Name="live", FunctionVersion="1"),
    "UpdateAlias": lambda api: api.update_alias(FunctionName="f", Name="live", FunctionVersion="1"),
    "GetProvisionedConcurrencyConfig": lambda api: api.get_provisioned_concurrency_config(
        "f", "live"
    ),
    "PutProvisionedConcurrencyConfig": lambda api: api.put_provisioned_concurrency_config(
        "f", "live", 2
    ),
    "ListFunctions": lambda api: api.list_functions(),
    "ListVersionsByFunction": lambda api: api.list_versions("f"),
    "ListAliases": lambda api: api.list_aliases("f"),
    "ListEventSourceMappings": lambda api: api.list_event_source_mappings("f"),
    "ListProvisionedConcurrencyConfigs": lambda api: api.list_provisioned_concurrency_configs("f"),
}
# 200 answers that are not Lambda's: botocore parses the first three to an EMPTY answer.
BODIES: dict[str, dict[str, Any]] = {
    "not JSON": {"status": 200, "body": "{not json"},
    "empty": {"status": 200, "body": ""},
    "cut short": {"status": 200, "body": '{"FunctionName": "f", "Aliases": []}', "truncate": 9},
    "HTML": {"status": 200, "body": "<html><h1>Welcome to nginx</h1></html>"},
    "an empty object": {"status": 200, "body": "{}"},
    "wrongly typed": {
        "status": 200,
        "body": json.dumps(
            {
                "FunctionName": "f",
                "State": 42,
                "Name": ["live"],
                "FunctionVersion": 1,
                "Status": {},
                "Functions": "f",
                "Versions": ["x"],
                "Aliases": [1],
                "EventSourceMappings": [{"UUID": 3}],
                "ProvisionedConcurrencyConfigs": None,
            }
        ),
    },
}
LISTINGS = {
    "ListFunctions": "Functions",
    "ListVersionsByFunction": "Versions",
    "ListAliases": "Aliases",
    "ListEventSourceMappings": "EventSourceMappings",
    "ListProvisionedConcurrencyConfigs": "ProvisionedConcurrencyConfigs",
}
ACTIONS = {op: "lambda:" + op for op in CALLS}


@pytest.fixture
def api(sandbox: SandboxHandle) -> LambdaApi:
    return LambdaApi(sandbox.client(max_attempts=1, read_timeout=5))


@pytest.mark.parametrize("body", BODIES, ids=list(BODIES))
@pytest.mark.parametrize("operation", CALLS, ids=list(CALLS))
def test_a_malformed_answer_is_exit_8_naming_the_operation(
    sandbox: SandboxHandle, api: LambdaApi, operation: str, body: str
) -> None:
    sandbox.sandbox.set_chaos(ChaosRule(operation, **BODIES[body]))
    with pytest.raises(UnexpectedAnswerError) as excinfo:
        CALLS[operation](api)
    assert excinfo.value.exit_code is ExitCode.UNAVAILABLE
    assert ACTIONS[operation] in excinfo.value.message
    assert "\n" not in excinfo.value.message


@pytest.mark.parametrize("operation", LISTINGS, ids=list(LISTINGS))
def test_a_listing_that_repeats_its_marker_stops(
    sandbox: SandboxHandle, api: LambdaApi, operation: str
) -> None:
    page = json.dumps({LISTINGS[operation]: [], "NextMarker": "again"})
    sandbox.sandbox.set_chaos(ChaosRule(operation, status=200, body=page))
    with pytest.raises(UnexpectedAnswerError) as excinfo:
        CALLS[operation](api)
    assert "repeats the page marker" in excinfo.value.message
    asked = [c for c in sandbox.calls if c.operation == operation]
    assert len(asked) == 2  # the first page, and the one that repeated its marker


def test_good_answers_still_pass(sandbox: SandboxHandle, api: LambdaApi) -> None:
    sandbox.create_function("good", Timeout=3)
    assert [f["FunctionName"] for f in api.list_functions()] == ["good"]
    assert api.list_aliases("good") == []
    assert api.list_event_source_mappings("good") == []
    assert api.list_provisioned_concurrency_configs("good") == []


def test_status_by_prefix_with_a_garbled_listing_is_one_line_and_exit_8(
    sandbox: SandboxHandle, lw: CliRun
) -> None:
    sandbox.sandbox.set_chaos(ChaosRule("ListFunctions", status=200, body="{not json"))
    for mode in ("text", "json"):
        run = lw("status", "--prefix", "svc-", "-o", mode)
        assert run.code == ExitCode.UNAVAILABLE, run.stderr
        assert "Traceback" not in run.stdout + run.stderr
        said = [line for line in run.stderr.splitlines() if "lambda:ListFunctions" in line]
        assert len(said) == 1, run.stderr
        if mode == "json":
            assert json.loads(run.stdout)["exit_code"] == ExitCode.UNAVAILABLE
        assert run.seconds < 15


# --- hypothesis: any JSON object as the answer of any of these operations ---------------
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
KEYS = st.sampled_from(
    ["FunctionName", "State", "Name", "FunctionVersion", "Status", "UUID", "Tags", "NextMarker",
     *LISTINGS.values()]
)  # fmt: skip
OPERATIONS = [
    "create_function",
    "publish_version",
    "get_alias",
    "get_provisioned_concurrency_config",
    "list_functions",
    "list_versions_by_function",
    "list_aliases",
    "list_event_source_mappings",
    "list_provisioned_concurrency_configs",
    "list_tags",
]


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.sampled_from(OPERATIONS), st.dictionaries(KEYS, JSON, max_size=4))
def test_any_answer_is_checked_or_exit_8_never_a_crash(operation: str, answer: Any) -> None:
    try:
        checked = check_answer(operation, answer)
    except UnexpectedAnswerError as err:
        assert err.exit_code is ExitCode.UNAVAILABLE and "\n" not in err.message
        return
    assert isinstance(checked, dict)


# --- CloudWatch (the release gates): DescribeAlarms and GetMetricData ------------------
class FakeCloudWatch:
    """Answers each CloudWatch operation with the next of its chosen pages."""

    def __init__(self, **pages: list[Any]) -> None:
        self.pages = pages
        self.asked: list[str] = []

    def __getattr__(self, operation: str) -> Callable[..., Any]:
        def call(**_: Any) -> Any:
            self.asked.append(operation)
            pages = self.pages[operation]
            return pages.pop(0) if len(pages) > 1 else pages[0]

        return call


def _alarms(cw: CloudWatchApi) -> Any:
    return cw.describe_alarms(["errors"])


def _metrics(cw: CloudWatchApi) -> Any:
    return cw.version_error_counts("f", "live", "2", 0.0, 60.0)


RESULT = {"Id": "errors", "Values": [1.0]}
CLOUDWATCH: dict[str, tuple[str, list[Any], Callable[[CloudWatchApi], Any], str]] = {
    "alarms not a list": ("describe_alarms", [{"MetricAlarms": "x"}], _alarms, "MetricAlarms"),
    "an alarm without a name": ("describe_alarms", [{"MetricAlarms": [{}]}], _alarms, "name"),
    "alarm pages repeating their token": (
        "describe_alarms",
        [{"MetricAlarms": [], "NextToken": "t"}],
        _alarms,
        "repeats the page marker",
    ),
    "no metric results (an empty body)": ("get_metric_data", [{}], _metrics, "lacks"),
    "values that are not numbers": (
        "get_metric_data",
        [{"MetricDataResults": [{"Id": "errors", "Values": ["1"]}]}],
        _metrics,
        "not numbers",
    ),
    "a body that is not an object": ("get_metric_data", [["x"]], _metrics, "not a JSON object"),
    "metric pages repeating their token": (
        "get_metric_data",
        [{"MetricDataResults": [RESULT], "NextToken": "t"}],
        _metrics,
        "repeats the page marker",
    ),
}


@pytest.mark.parametrize("case", CLOUDWATCH, ids=list(CLOUDWATCH))
def test_a_malformed_cloudwatch_answer_is_exit_8(case: str) -> None:
    operation, pages, call, said = CLOUDWATCH[case]
    cw = CloudWatchApi(AwsCallPath.over({"cloudwatch": FakeCloudWatch(**{operation: pages})}))
    with pytest.raises(UnexpectedAnswerError) as excinfo:
        call(cw)
    assert excinfo.value.exit_code is ExitCode.UNAVAILABLE and said in excinfo.value.message


def test_cloudwatch_text_is_cleaned_and_good_answers_pass() -> None:
    alarm = {"AlarmName": "errors", "StateValue": "ALARM", "StateReason": "\x1b[2J\n::error::x"}
    results = [RESULT, {"Id": "invocations", "Values": [10, 5.0]}]
    fake = FakeCloudWatch(
        describe_alarms=[{"MetricAlarms": [alarm]}],
        get_metric_data=[{"MetricDataResults": results}],
    )
    cw = CloudWatchApi(AwsCallPath.over({"cloudwatch": fake}))
    [reading] = _alarms(cw)
    assert reading.reason is not None and "\x1b" not in reading.reason
    assert "\n" not in reading.reason and not reading.reason.startswith("::")
    counts = _metrics(cw)
    assert (counts.errors, counts.invocations) == (1.0, 15.0)
