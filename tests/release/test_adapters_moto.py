"""The release's AWS calls against moto in process: versions, aliases, deletion,
alarms and the per-version metrics (fast: no sandbox server)."""

from __future__ import annotations

import base64
import hashlib
import http.server
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from moto import mock_aws

from lambda_wait.aws import LambdaApi
from lambda_wait.aws_path import AwsCallPath
from lambda_wait.cloudwatch import CloudWatchApi
from lambda_wait.errors import AwsUnavailableError, UsageError
from lambda_wait.release.gates import AlarmReading
from tests.cli.conftest import zip_bytes

REGION = "us-east-1"


@pytest.fixture
def clients(aws_env: None) -> Iterator[tuple[Any, Any]]:
    with mock_aws():
        role = boto3.client("iam", region_name=REGION).create_role(
            RoleName="r", AssumeRolePolicyDocument="{}"
        )["Role"]["Arn"]
        lam = boto3.client("lambda", region_name=REGION)
        lam.create_function(
            FunctionName="orders",
            Runtime="python3.12",
            Role=role,
            Handler="a.h",
            Code={"ZipFile": zip_bytes()},
        )
        yield lam, boto3.client("cloudwatch", region_name=REGION)


def test_versions_aliases_and_deleting_a_version(clients: tuple[Any, Any]) -> None:
    lam, _ = clients
    for description in ("one", "two", "three"):
        lam.update_function_configuration(FunctionName="orders", Description=description)
        lam.publish_version(FunctionName="orders")
    lam.create_alias(
        FunctionName="orders",
        Name="live",
        FunctionVersion="2",
        RoutingConfig={"AdditionalVersionWeights": {"3": 0.1}},
    )
    api = LambdaApi(lam)
    assert [v["Version"] for v in api.list_versions("orders")] == ["$LATEST", "1", "2", "3"]
    (alias,) = api.list_aliases("orders")
    assert alias["Name"] == "live" and alias["RoutingConfig"]["AdditionalVersionWeights"] == {
        "3": 0.1
    }
    api.delete_version("orders", "1")
    assert [v["Version"] for v in api.list_versions("orders")] == ["$LATEST", "2", "3"]
    with pytest.raises(UsageError, match="only a version number"):
        api.delete_version("orders", "$LATEST")
    with pytest.raises(UsageError, match="only a version number"):
        api.delete_version("orders", "live")


def test_alarms_as_readings_and_missing_ones_left_out(clients: tuple[Any, Any]) -> None:
    _, cw = clients
    for name in ("errors", "latency"):
        cw.put_metric_alarm(
            AlarmName=name,
            MetricName="Errors",
            Namespace="AWS/Lambda",
            Statistic="Sum",
            Period=60,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
        )
    cw.set_alarm_state(AlarmName="latency", StateValue="ALARM", StateReason="p99 over 1s")
    readings = CloudWatchApi(AwsCallPath.over({"cloudwatch": cw})).describe_alarms(
        ["errors", "latency", "nope"]
    )
    by_name = {r.name: r for r in readings}
    assert set(by_name) == {"errors", "latency"}  # "nope" does not exist
    assert by_name["errors"].state == "OK"  # moto's initial state
    assert by_name["latency"] == AlarmReading("latency", "ALARM", "p99 over 1s")


def test_error_counts_are_the_new_versions_own(clients: tuple[Any, Any]) -> None:
    _, cw = clients
    now = datetime.now(UTC)

    def put(version: str, errors: float, invocations: float) -> None:
        dims = [
            {"Name": "FunctionName", "Value": "orders"},
            {"Name": "Resource", "Value": "orders:live"},
            {"Name": "ExecutedVersion", "Value": version},
        ]
        cw.put_metric_data(
            Namespace="AWS/Lambda",
            MetricData=[
                {"MetricName": "Errors", "Dimensions": dims, "Value": errors, "Timestamp": now},
                {"MetricName": "Invocations", "Dimensions": dims, "Value": invocations,
                 "Timestamp": now},
            ],
        )  # fmt: skip

    put("4", 3, 20)
    put("3", 50, 100)  # the old version's errors do not count
    counts = CloudWatchApi(AwsCallPath.over({"cloudwatch": cw})).version_error_counts(
        "orders", "live", "4", now.timestamp() - 30, now.timestamp() + 30
    )
    assert (counts.errors, counts.invocations) == (3, 20)


_PACKAGE = zip_bytes()


class _Zip(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = _PACKAGE if self.path == "/code.zip" else b""
        self.send_response(200 if body else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_download_code_reads_the_presigned_url_and_never_shows_it() -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Zip)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"

    class Client:
        location = f"{base}/code.zip"

        def get_function(self, **_: Any) -> dict[str, Any]:
            digest = base64.b64encode(hashlib.sha256(_PACKAGE).digest()).decode()
            return {"Configuration": {"CodeSha256": digest}, "Code": {"Location": self.location}}

    try:
        api = LambdaApi(Client())
        assert api.download_code("orders") == _PACKAGE
        Client.location = f"{base}/missing?X-Amz-Signature=SECRET"
        with pytest.raises(AwsUnavailableError) as caught:
            api.download_code("orders")
        assert "SECRET" not in caught.value.one_line()
        Client.location = ""
        with pytest.raises(UsageError, match="no downloadable code package"):
            api.download_code("orders")
    finally:
        server.shutdown()


def test_download_code_is_bounded_by_the_run_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    from lambda_wait import code_download
    from lambda_wait.clock import Deadline, ManualClock

    asked: list[float] = []

    def fetch(location: str, sha: str, name: str, *, timeout: float) -> bytes:
        asked.append(timeout)
        return b""

    class Client:
        def get_function(self, **_: Any) -> dict[str, Any]:
            return {"Code": {"Location": "https://example.invalid/code.zip"}}

    monkeypatch.setattr(code_download, "fetch_package", fetch)
    api = LambdaApi(Client())
    api.download_code("orders")
    clock = ManualClock()
    api.bounded_by(Deadline(clock, 7.0)).download_code("orders")
    assert asked == [60.0, 7.0]  # the package's own time-out, then the run's 7 s left
