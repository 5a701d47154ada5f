"""What safe releases need from the sandbox: alias routing weights, invocations split by
weight with errors on demand, Lambda's metrics per version, alarms flipped on cue, and
version deletion that respects aliases."""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from lambda_wait.errors import UsageError
from lambda_wait.sandbox import parse_scenario
from tests.sandbox.helpers import Manual, client_error

ManualFactory = Callable[..., Manual]
ERRORS = "lambda-wait-sandbox:errors"


def _two_versions(m: Manual, name: str, **kwargs: Any) -> tuple[str, str]:
    """Function ``name`` with versions 1 and 2 and alias ``live`` on version 1."""
    m.handle.create_function(name, client=m.lam, **kwargs)
    m.advance(3)
    v1 = str(m.lam.publish_version(FunctionName=name)["Version"])
    m.lam.update_function_code(FunctionName=name, ZipFile=b"PK-v2")
    m.advance(2)
    v2 = str(m.lam.publish_version(FunctionName=name)["Version"])
    m.advance(1)
    m.lam.create_alias(FunctionName=name, Name="live", FunctionVersion=v1)
    return v1, v2


def _weigh(m: Manual, name: str, primary: str, weights: dict[str, float]) -> dict[str, Any]:
    return dict(
        m.lam.update_alias(
            FunctionName=name,
            Name="live",
            FunctionVersion=primary,
            RoutingConfig={"AdditionalVersionWeights": weights},
        )
    )


def _alarm(m: Manual, name: str) -> str:
    cw = m.handle.client("cloudwatch")
    cw.put_metric_alarm(
        AlarmName=name,
        Namespace="AWS/Lambda",
        MetricName="Errors",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )
    return str(cw.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["StateValue"])


def _alarm_state(m: Manual, name: str) -> str:
    alarms = m.handle.client("cloudwatch").describe_alarms(AlarmNames=[name])["MetricAlarms"]
    return str(alarms[0]["StateValue"])


def _sum(m: Manual, metric: str, dimensions: dict[str, str]) -> float:
    now = dt.datetime.now(dt.UTC)
    points = m.handle.client("cloudwatch").get_metric_statistics(
        Namespace="AWS/Lambda",
        MetricName=metric,
        Dimensions=[{"Name": k, "Value": v} for k, v in dimensions.items()],
        StartTime=now - dt.timedelta(minutes=10),
        EndTime=now + dt.timedelta(minutes=1),
        Period=3600,
        Statistics=["Sum"],
    )["Datapoints"]
    return float(sum(p["Sum"] for p in points))


def test_weights_are_kept_and_shown_and_bad_ones_refused(manual: ManualFactory) -> None:
    m = manual()
    v1, v2 = _two_versions(m, "w")
    answer = _weigh(m, "w", v1, {v2: 0.1})
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert answer["RoutingConfig"] == {"AdditionalVersionWeights": {v2: 0.1}}
    got = m.lam.get_alias(FunctionName="w", Name="live")
    assert got["RoutingConfig"] == {"AdditionalVersionWeights": {v2: 0.1}}
    for weights, expected in (
        ({v1: 0.5}, ("InvalidParameterValueException", 400)),  # its own version
        ({v2: 1.5}, ("ValidationException", 400)),  # AWS: a request-shape error
        ({"9": 0.5}, ("ResourceNotFoundException", 404)),
    ):
        with pytest.raises(ClientError) as excinfo:
            _weigh(m, "w", v1, weights)
        assert client_error(excinfo)[::2] == expected
    cleared = _weigh(m, "w", v2, {})
    assert "RoutingConfig" not in cleared  # AWS leaves an empty routing config out


def test_weighted_invocations_split_and_metrics_per_executed_version(
    manual: ManualFactory,
) -> None:
    m = manual()
    v1, v2 = _two_versions(m, "split")
    _weigh(m, "split", v1, {v2: 0.25})
    executed = [
        m.lam.invoke(FunctionName="split", Qualifier="live", Payload=b"{}")["ExecutedVersion"]
        for _ in range(8)
    ]
    assert executed.count(v2) == 2 and executed.count(v1) == 6
    alias = {"FunctionName": "split", "Resource": "split:live"}
    assert _sum(m, "Invocations", alias) == 8
    assert _sum(m, "Invocations", {**alias, "ExecutedVersion": v2}) == 2
    assert _sum(m, "Errors", {**alias, "ExecutedVersion": v2}) == 0
    assert _sum(m, "Invocations", {"FunctionName": "split"}) == 8


def test_a_version_errs_on_demand_for_a_smoke_test_and_in_the_metrics(
    manual: ManualFactory,
) -> None:
    m = manual()
    v1, v2 = _two_versions(m, "smoke", tags={ERRORS: "2"})
    bad = m.lam.invoke(FunctionName="smoke", Qualifier=v2, Payload=b"{}")
    assert bad["StatusCode"] == 200 and bad["FunctionError"] == "Unhandled"
    assert json.loads(bad["Payload"].read())["errorType"] == "SandboxInjectedError"
    good = m.lam.invoke(FunctionName="smoke", Qualifier=v1, Payload=b"{}")
    assert "FunctionError" not in good
    _weigh(m, "smoke", v1, {v2: 0.5})
    for _ in range(4):
        m.lam.invoke(FunctionName="smoke", Qualifier="live", Payload=b"{}")
    dims = {"FunctionName": "smoke", "Resource": "smoke:live", "ExecutedVersion": v2}
    assert (_sum(m, "Invocations", dims), _sum(m, "Errors", dims)) == (2, 2)
    now = dt.datetime.now(dt.UTC)
    data = m.handle.client("cloudwatch").get_metric_data(
        MetricDataQueries=[
            {
                "Id": "errors",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/Lambda",
                        "MetricName": "Errors",
                        "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
                    },
                    "Period": 3600,
                    "Stat": "Sum",
                },
            }
        ],
        StartTime=now - dt.timedelta(minutes=10),
        EndTime=now + dt.timedelta(minutes=1),
    )
    assert sum(data["MetricDataResults"][0]["Values"]) == 2
    arn = m.config("smoke")["FunctionArn"]
    m.lam.tag_resource(Resource=arn, Tags={ERRORS: "ok"})
    assert "FunctionError" not in m.lam.invoke(FunctionName="smoke", Qualifier=v2)


def test_scenario_error_rate_is_a_share_of_the_invocations(manual: ManualFactory) -> None:
    m = manual({"rules": [{"match": "half", "errors": {"2": 0.5}}]})
    _, v2 = _two_versions(m, "half")
    errors = ["FunctionError" in m.lam.invoke(FunctionName="half", Qualifier=v2) for _ in range(4)]
    assert errors == [False, True, False, True]


def test_an_alarm_flips_at_the_chosen_moment(manual: ManualFactory) -> None:
    m = manual()
    assert _alarm(m, "errors-high") == "OK"
    m.handle.sandbox.set_alarm("errors-high", "ALARM", after=30)
    m.advance(29)
    assert _alarm_state(m, "errors-high") == "OK"
    m.advance(1)
    assert _alarm_state(m, "errors-high") == "ALARM"
    assert m.handle.sandbox.alarm_flips == [("errors-high", "ALARM")]


def test_an_alarm_flips_after_the_canary_starts(manual: ManualFactory) -> None:
    m = manual({"alarms": [{"name": "canary", "after": 5, "when": "weighted"}]})
    v1, v2 = _two_versions(m, "canary-fn")
    _alarm(m, "canary")
    m.advance(60)
    assert _alarm_state(m, "canary") == "OK"  # no weights yet
    _weigh(m, "canary-fn", v1, {v2: 0.1})
    m.advance(5)
    assert _alarm_state(m, "canary") == "ALARM"


def test_control_api_flips_an_alarm_even_one_created_later(manual: ManualFactory) -> None:
    m = manual()
    request = urllib.request.Request(
        f"{m.handle.endpoint_url}/_sandbox/alarms/late",
        data=json.dumps({"state": "ALARM", "after": 1}).encode(),
        method="PUT",
    )
    with urllib.request.urlopen(request, timeout=5) as resp:
        assert json.loads(resp.read())["when"] == "now"
    m.advance(2)
    _alarm(m, "late")  # created after its moment: flipped on the next request
    assert _alarm_state(m, "late") == "ALARM"


def test_deleting_a_version_respects_aliases(manual: ManualFactory) -> None:
    m = manual()
    v1, v2 = _two_versions(m, "prune")
    _weigh(m, "prune", v1, {v2: 0.1})
    for version in (v1, v2):
        with pytest.raises(ClientError) as excinfo:
            m.lam.delete_function(FunctionName="prune", Qualifier=version)
        code, message, status = client_error(excinfo)
        assert (code, status) == ("ResourceConflictException", 409) and "[live]" in message
    _weigh(m, "prune", v2, {})
    m.lam.delete_function(FunctionName="prune", Qualifier=v1)
    versions = m.lam.list_versions_by_function(FunctionName="prune")["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST", v2]
    aliases = m.lam.list_aliases(FunctionName="prune")["Aliases"]
    assert [(a["Name"], a["FunctionVersion"]) for a in aliases] == [("live", v2)]
    deletes = [
        c for c in m.handle.sandbox.mutating_calls("prune") if c.operation == "DeleteFunction"
    ]
    assert [c.qualifier for c in deletes] == [v1]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"rules": [{"match": "a", "errors": {"x": 1}}]}, "not a version"),
        ({"rules": [{"match": "a", "errors": {"2": 3}}]}, "between 0 and 1"),
        ({"alarms": [{"name": "a", "state": "RED"}]}, "state must be one of"),
        ({"alarms": [{"name": "a", "when": "later"}]}, "'when' must be one of"),
        ({"alarms": [{"state": "ALARM"}]}, "needs at least"),
    ],
)
def test_malformed_release_knobs(data: dict[str, Any], fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment):
        parse_scenario(data)
