"""rollback, versions/prune and init over moto in process (fast: no sandbox server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from lambda_wait.aws import LambdaApi
from lambda_wait.clock import ManualClock
from lambda_wait.errors import LambdaWaitError, UsageError
from lambda_wait.release import actions
from tests.cli.conftest import zip_bytes


class RecordingApi(LambdaApi):
    """The real adapter over moto, recording mutations; moto has no provisioned
    concurrency, so the configs are given."""

    def __init__(self, client: Any, provisioned: list[dict[str, Any]] | None = None) -> None:
        super().__init__(client)
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.provisioned = provisioned

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        if operation.startswith(("update_", "delete_", "create_", "publish_")):
            self.sent.append((operation, params))
        return super().call(operation, **params)

    def list_provisioned_concurrency_configs(self, name: str) -> list[dict[str, Any]]:
        if self.provisioned is None:
            raise LambdaWaitError("Lambda error 404: Not yet implemented")
        return self.provisioned


@pytest.fixture
def lam(aws_env: None) -> Iterator[Any]:
    with mock_aws():
        role = boto3.client("iam", region_name="us-east-1").create_role(
            RoleName="r", AssumeRolePolicyDocument="{}"
        )["Role"]["Arn"]
        client = boto3.client("lambda", region_name="us-east-1")
        client.create_function(
            FunctionName="orders",
            Runtime="python3.12",
            Role=role,
            Handler="app.handler",
            Code={"ZipFile": zip_bytes()},
            Environment={"Variables": {"DB_PASSWORD": "hunter2"}},
        )
        for n in range(1, 6):
            client.update_function_configuration(FunctionName="orders", Description=f"v{n}")
            client.publish_version(FunctionName="orders")
        yield client


def test_rollback_goes_to_the_previous_version_and_clears_weights(lam: Any) -> None:
    lam.create_alias(FunctionName="orders", Name="live", FunctionVersion="5")
    api = RecordingApi(lam)
    planned = actions.rollback(api, "orders", "live", ManualClock(), dry_run=True)
    assert (planned.to_version, planned.applied, api.sent) == ("4", False, [])
    assert "would point live at version 4" in planned.lines()[0]
    done = actions.rollback(api, "orders", "live", ManualClock())
    assert done.applied and done.live == "live -> 4 (100%)"
    ((operation, params),) = api.sent
    assert operation == "update_alias" and params["FunctionVersion"] == "4"
    assert params["RoutingConfig"] == {"AdditionalVersionWeights": {}}
    alias = lam.get_alias(FunctionName="orders", Name="live")
    assert alias["FunctionVersion"] == "4"
    assert not (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights")


def test_rollback_of_an_alias_left_mid_shift_drops_the_new_share(lam: Any) -> None:
    lam.create_alias(
        FunctionName="orders",
        Name="live",
        FunctionVersion="4",
        RoutingConfig={"AdditionalVersionWeights": {"5": 0.3}},
    )
    done = actions.rollback(RecordingApi(lam), "orders", "live", ManualClock())
    assert (done.from_version, done.from_weights, done.to_version) == ("4", {"5": 0.3}, "4")
    assert "was 4, 5 30%" in done.lines()[0]


def test_rollback_with_nothing_earlier_changes_nothing(lam: Any) -> None:
    lam.create_alias(FunctionName="orders", Name="live", FunctionVersion="1")
    api = RecordingApi(lam)
    with pytest.raises(UsageError, match="no earlier published version"):
        actions.rollback(api, "orders", "live", ManualClock())
    with pytest.raises(UsageError, match="no such published version"):
        actions.rollback(api, "orders", "live", ManualClock(), to="9")
    assert api.sent == []


def test_versions_and_prune_keep_what_is_in_use(lam: Any) -> None:
    lam.create_alias(FunctionName="orders", Name="live", FunctionVersion="5")
    lam.create_alias(FunctionName="orders", Name="old", FunctionVersion="1")
    arn = "arn:aws:lambda:us-east-1:123456789012:function:orders:2"
    api = RecordingApi(lam, [{"FunctionArn": arn, "RequestedProvisionedConcurrentExecutions": 5}])
    listed = actions.versions(api, "orders")
    assert [(r.version, r.aliases, r.provisioned) for r in listed.rows] == [
        ("5", ("live",), 0), ("4", (), 0), ("3", (), 0), ("2", (), 5), ("1", ("old",), 0),
    ]  # fmt: skip
    dry = actions.versions(api, "orders", prune=True, keep=1, dry_run=True)
    assert dry.prune is not None and dry.prune.delete == ("3", "4") and api.sent == []
    assert "prune --keep 1: would delete 3, 4 (--dry-run: nothing changed)" in dry.lines()
    done = actions.versions(api, "orders", prune=True, keep=1)
    assert done.deleted == ["3", "4"]
    assert [p["Qualifier"] for _, p in api.sent] == ["3", "4"]
    left = [v["Version"] for v in lam.list_versions_by_function(FunctionName="orders")["Versions"]]
    assert left == ["$LATEST", "1", "2", "5"]


def test_prune_refuses_when_provisioned_concurrency_cannot_be_read(lam: Any) -> None:
    api = RecordingApi(lam, provisioned=None)
    listed = actions.versions(api, "orders")
    assert not listed.provisioned_known and "?" in listed.lines()[1]
    with pytest.raises(LambdaWaitError, match="cannot read the provisioned concurrency"):
        actions.versions(api, "orders", prune=True, keep=0)
    assert api.sent == []


def test_init_writes_a_spec_with_placeholders(lam: Any, tmp_path: Path) -> None:
    spec_file = tmp_path / "function.json"
    result = actions.init(RecordingApi(lam), "orders", spec_file=str(spec_file))
    text = spec_file.read_text()
    assert "hunter2" not in text and '"DB_PASSWORD": "${DB_PASSWORD}"' in text
    assert result.placeholders == ["DB_PASSWORD"]
    assert result.spec["Handler"] == "app.handler" and "Code" not in result.spec
    # moto's presigned URL names a host that does not resolve here: a clean error
    with pytest.raises(LambdaWaitError, match="could not download the code") as caught:
        actions.init(RecordingApi(lam), "orders", download=str(tmp_path / "code"))
    assert "amazonaws.com" not in caught.value.one_line()  # never the presigned URL
