"""CloudWatch's typed adapter for the release gates: DescribeAlarms and GetMetricData.

Thin, as every service's adapter is: :class:`CloudWatchApi` hands each request to the
one call path (:mod:`lambda_wait.aws_path`), which budgets it (CloudWatch's own quotas,
per account and Region), bounds it by the run's Deadline, reads the server clock from
its answer, translates its errors (:data:`CLOUDWATCH_ERRORS`) and cleans its text.
Built beside the Lambda API of the function (:meth:`CloudWatchApi.beside`): the same
session and the Region of the function's ARN.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from lambda_wait.answers import PageGuard
from lambda_wait.aws_errors import ServiceErrors
from lambda_wait.aws_path import AwsCallPath, Quota, Service
from lambda_wait.errors import UnexpectedAnswerError
from lambda_wait.release.gates import AlarmReading, ErrorCounts

if TYPE_CHECKING:
    from lambda_wait.aws import LambdaApi

CLOUDWATCH_ERRORS = ServiceErrors(
    "CloudWatch",
    "cloudwatch",
    throttled=frozenset({"Throttling", "ThrottlingException", "TooManyRequestsException"}),
    invalid=frozenset(
        {
            "InvalidParameterValue",
            "InvalidParameterCombination",
            "ValidationError",
            "MissingParameter",
            "InvalidNextToken",
        }
    ),
    auth_remedy="or drop the gate that needs it",
    endpoint_hint="check AWS_ENDPOINT_URL_CLOUDWATCH / --endpoint-url and any proxy",
)
# CloudWatch's quotas per account and Region: DescribeAlarms 9 req/s, GetMetricData 50.
CLOUDWATCH = Service(
    "cloudwatch",
    CLOUDWATCH_ERRORS,
    Quota("cloudwatch:DescribeAlarms", 3.0),
    {"get_metric_data": Quota("cloudwatch:GetMetricData", 10.0)},
)
_PERIOD = 60  # Lambda's metrics are per minute


class CloudWatchApi:
    """The two CloudWatch reads the gates need, in one Region; raises only lambda-wait
    errors (the call path's)."""

    def __init__(self, path: AwsCallPath, region: str | None = None) -> None:
        self.path = path
        self.region = path.region_of(region)

    @classmethod
    def beside(cls, api: LambdaApi) -> CloudWatchApi:
        """CloudWatch on ``api``'s path, in its Region (the function's)."""
        return cls(api.path, api.region)

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        return self.path.call(CLOUDWATCH, self.region, operation, params)

    def describe_alarms(self, names: Sequence[str]) -> list[AlarmReading]:
        """The named metric and composite alarms that exist (missing names are left out)."""
        found: list[AlarmReading] = []
        for start in range(0, len(names), 100):  # DescribeAlarms takes 100 names a call
            params: dict[str, Any] = {
                "AlarmNames": list(names[start : start + 100]),
                "AlarmTypes": ["MetricAlarm", "CompositeAlarm"],
            }
            guard = PageGuard("describe_alarms")
            while True:
                page = self._call("describe_alarms", **params)
                for alarm in _listed(page, "describe_alarms", "MetricAlarms", "CompositeAlarms"):
                    if not isinstance(alarm.get("AlarmName"), str) or not isinstance(
                        alarm.get("StateValue", ""), str
                    ):
                        raise _unexpected("describe_alarms", "holds an alarm without a name")
                    found.append(
                        AlarmReading(
                            str(alarm.get("AlarmName")),
                            str(alarm.get("StateValue") or "INSUFFICIENT_DATA"),
                            alarm.get("StateReason"),
                        )
                    )
                token = guard.next(page.get("NextToken"))
                if token is None:
                    break
                params["NextToken"] = token
        return found

    def version_error_counts(
        self, function: str, alias: str, version: str, since_wall: float, until_wall: float
    ) -> ErrorCounts:
        """Errors and Invocations summed for ``version`` behind ``alias`` (the
        ExecutedVersion dimension) between two wall times."""
        dimensions = [
            {"Name": "FunctionName", "Value": function},
            {"Name": "Resource", "Value": f"{function}:{alias}"},
            {"Name": "ExecutedVersion", "Value": version},
        ]
        start = datetime.fromtimestamp(since_wall - _PERIOD, UTC)
        end = datetime.fromtimestamp(until_wall + _PERIOD, UTC)
        queries = [
            {
                "Id": metric.lower(),
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/Lambda",
                        "MetricName": metric,
                        "Dimensions": dimensions,
                    },
                    "Period": _PERIOD,
                    "Stat": "Sum",
                },
                "ReturnData": True,
            }
            for metric in ("Errors", "Invocations")
        ]
        sums = {"errors": 0.0, "invocations": 0.0}
        params: dict[str, Any] = {"MetricDataQueries": queries, "StartTime": start, "EndTime": end}
        guard, seen = PageGuard("get_metric_data"), set()
        while True:
            page = self._call("get_metric_data", **params)
            for result in _listed(page, "get_metric_data", "MetricDataResults"):
                key = str(result.get("Id"))
                values = result.get("Values") or []
                if not isinstance(values, list) or not all(
                    isinstance(v, int | float) and not isinstance(v, bool) for v in values
                ):
                    raise _unexpected("get_metric_data", f'has "Values" of {key} not numbers')
                if key in sums:
                    seen.add(key)
                    sums[key] += float(sum(values))
            token = guard.next(page.get("NextToken"))
            if token is None:
                break
            params["NextToken"] = token
        if seen != set(sums):  # CloudWatch answers every query, with no values if none
            raise _unexpected("get_metric_data", "lacks the queried metrics (an empty body?)")
        return ErrorCounts(sums["errors"], sums["invocations"])


def _unexpected(operation: str, what: str) -> UnexpectedAnswerError:
    return UnexpectedAnswerError(
        f"CloudWatch's answer to {CLOUDWATCH_ERRORS.action(operation)} {what}",
        hint=f"Not an answer CloudWatch gives: {CLOUDWATCH_ERRORS.endpoint_hint}.",
    )


def _listed(page: dict[str, Any], operation: str, *keys: str) -> list[dict[str, Any]]:
    """The items under ``keys`` of a page, each an object; else exit 8."""
    items: list[dict[str, Any]] = []
    for key in keys:
        value = page.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise _unexpected(operation, f'has "{key}" that is not a list of objects')
        items.extend(value)
    return items


if TYPE_CHECKING:  # mypy proves the real adapters satisfy the release's ports
    from lambda_wait.release.ports import InvokeApi, MetricsApi, ReleaseApi

    def _lambda_api_is_a_release_api(api: LambdaApi) -> ReleaseApi:
        return api

    def _lambda_api_invokes(api: LambdaApi) -> InvokeApi:
        return api

    def _cloudwatch_is_a_metrics_api(api: CloudWatchApi) -> MetricsApi:
        return api
