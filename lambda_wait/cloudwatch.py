"""CloudWatch for the release gates: DescribeAlarms and GetMetricData, typed.

A sibling of :mod:`lambda_wait.aws` (the only other module that touches
boto3): it builds the client the same way (one attempt per request, the same
time-outs, the same session) and raises only lambda-wait errors.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import botocore.exceptions
import botocore.parsers

from lambda_wait.answers import PageGuard, clean_tree
from lambda_wait.aws_setup import (
    CONNECTION_ERRORS,
    AwsSettings,
    client_config,
    make_session,
    no_credentials_error,
)
from lambda_wait.errors import (
    AuthError,
    AwsUnavailableError,
    InvalidRequestError,
    LambdaWaitError,
    ThrottledError,
    UnexpectedAnswerError,
    UsageError,
)
from lambda_wait.release.gates import AlarmReading, ErrorCounts

_AUTH = {"AccessDenied", "AccessDeniedException", "UnrecognizedClientException",
         "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException",
         "SignatureDoesNotMatch"}  # fmt: skip
_THROTTLED = {"Throttling", "ThrottlingException", "TooManyRequestsException"}
_INVALID = {"InvalidParameterValue", "InvalidParameterCombination", "ValidationError",
            "MissingParameter", "InvalidNextToken"}  # fmt: skip
_PERIOD = 60  # Lambda's metrics are per minute


class CloudWatchApi:
    """The two CloudWatch reads the gates need; raises only lambda-wait errors."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        try:
            response: dict[str, Any] = getattr(self.client, operation)(**params)
        except botocore.exceptions.ClientError as err:
            raise _translate(err, operation) from None
        except botocore.exceptions.NoCredentialsError:
            raise no_credentials_error() from None
        except CONNECTION_ERRORS as err:
            raise AwsUnavailableError(f"could not reach CloudWatch: {err}") from None
        except (botocore.parsers.ResponseParserError, AttributeError, TypeError) as err:
            raise _unexpected(operation, f"could not be read: {str(err)[:80]}") from None
        if not isinstance(response, dict):
            raise _unexpected(operation, "is not an object")
        response.pop("ResponseMetadata", None)
        return dict(clean_tree(response))  # alarm names and reasons reach the output

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
    action = "cloudwatch:" + "".join(part.capitalize() for part in operation.split("_"))
    return UnexpectedAnswerError(
        f"CloudWatch's answer to {action} {what}",
        hint="Not an answer CloudWatch gives: check AWS_ENDPOINT_URL_CLOUDWATCH and any proxy.",
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


def _translate(err: botocore.exceptions.ClientError, operation: str) -> LambdaWaitError:
    info = err.response.get("Error") or {}
    code = str(info.get("Code") or "")
    message = str(info.get("Message") or code)
    action = "cloudwatch:" + "".join(part.capitalize() for part in operation.split("_"))
    if code in _AUTH:
        return AuthError(
            f"permission denied for {action}: {message}",
            hint=f"Grant {action} to the caller, or drop the gate that needs it.",
        )
    if code in _THROTTLED:
        return ThrottledError(f"throttled by CloudWatch ({code})")
    if code in _INVALID:
        return InvalidRequestError(f"CloudWatch rejected {action}: {message}")
    return AwsUnavailableError(f"CloudWatch error {code}: {message}")


def make_cloudwatch(settings: AwsSettings) -> CloudWatchApi:
    """A :class:`CloudWatchApi` for the same region and profile as Lambda's. Endpoint:
    boto3's own (AWS_ENDPOINT_URL_CLOUDWATCH, AWS_ENDPOINT_URL) when set, else the
    Lambda endpoint given (the sandbox answers CloudWatch on the same port)."""
    session = make_session(settings)
    if not session.region_name:
        raise UsageError(
            "no AWS region configured.",
            hint="Pass --region, or set AWS_REGION / AWS_DEFAULT_REGION (or region in a profile).",
        )
    own = os.environ.get("AWS_ENDPOINT_URL_CLOUDWATCH") or os.environ.get("AWS_ENDPOINT_URL")
    endpoint = None if own else (settings.endpoint_url or None)
    try:
        client = session.client("cloudwatch", endpoint_url=endpoint, config=client_config())
    except ValueError as err:
        raise UsageError(f"invalid endpoint URL {endpoint!r}: {err}") from None
    return CloudWatchApi(client)


if TYPE_CHECKING:  # mypy proves the real adapters satisfy the release's ports
    from lambda_wait.aws import LambdaApi
    from lambda_wait.release.ports import InvokeApi, MetricsApi, ReleaseApi

    def _lambda_api_is_a_release_api(api: LambdaApi) -> ReleaseApi:
        return api

    def _lambda_api_invokes(api: LambdaApi) -> InvokeApi:
        return api

    def _cloudwatch_is_a_metrics_api(api: CloudWatchApi) -> MetricsApi:
        return api
