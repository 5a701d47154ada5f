"""Contracts scripts rely on: exit code values, the docs that list them, the JSON
envelope's keys, and the Python API example in docs/python-api.md."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from lambda_wait.errors import EXIT_CODE_MEANINGS, SEVERITY, ExitCode, UsageError, worst
from lambda_wait.evidence.model import Evidence
from lambda_wait.result import CommandResult, FunctionReport, StatusPayload, WaitPayload
from lambda_wait.states import FunctionSnapshot, assess
from lambda_wait.ui.envelope import envelope

DOCS = Path(__file__).resolve().parent.parent / "docs"

PINNED = {
    "READY": 0, "FAILED": 1, "USAGE": 2, "TIMEOUT": 3, "NOT_FOUND": 4, "AUTH": 5,
    "COOLDOWN": 6, "INACTIVE": 7, "UNAVAILABLE": 8, "CONFLICT": 9, "ROLLED_BACK": 10,
    "CHANGES_PENDING": 11, "INTERNAL": 70,
    "INTERRUPTED": 130, "TERMINATED": 143,
}  # fmt: skip


def test_exit_code_values_are_pinned() -> None:
    assert {code.name: int(code) for code in ExitCode} == PINNED


def test_every_exit_code_has_a_meaning_and_a_severity() -> None:
    assert set(EXIT_CODE_MEANINGS) == set(ExitCode)
    assert sorted(SEVERITY) == sorted(ExitCode)


def test_exit_codes_page_lists_every_code_with_its_label() -> None:
    page = (DOCS / "exit-codes.md").read_text()
    for code in ExitCode:
        assert re.search(rf"^\| {int(code)} \| `{code.label}` \|", page, re.M), code
    order = ", ".join(str(int(code)) for code in SEVERITY)
    assert order in page, "the worst-first order in docs/exit-codes.md is stale"


def test_worst_outcome_wins() -> None:
    assert worst([ExitCode.READY, ExitCode.TIMEOUT, ExitCode.FAILED]) is ExitCode.FAILED
    assert worst([ExitCode.INACTIVE, ExitCode.TIMEOUT]) is ExitCode.TIMEOUT
    assert worst([]) is ExitCode.READY


ENVELOPE_KEYS = {
    "schema_version",
    "tool",
    "command",
    "exit_code",
    "exit_status",
    "functions",
    "error",
}
FUNCTION_KEYS = {
    "function",
    "exit_code",
    "exit_status",
    "target",
    "phase",
    "summary",
    "timed_out",
    "elapsed_seconds",
    "polls",
    "snapshot",
    "reason",
    "error",
    "notes",
    "cooldown",
    "evidence",
    "provisioned_concurrency",
    "event_source_mappings",
    "function_url",
}
EVIDENCE_KEYS = {"kind", "source", "summary", "lines", "denied_permission", "unread", "facts"}
SNAPSHOT_KEYS = {
    "function_name", "function_arn", "version", "state", "state_reason", "state_reason_code",
    "last_update_status", "last_update_status_reason", "last_update_status_reason_code",
    "package_type", "runtime", "last_modified", "code_sha256", "config_sha256", "revision_id",
    "in_vpc", "vpc_id", "snap_start", "environment_variable_names", "state_reason_decoded",
    "last_update_status_reason_decoded",
}  # fmt: skip
REASON_KEYS = {"code", "message", "known", "title", "meaning", "remedy", "transient", "cooldown"}
PROVISIONED_KEYS = {
    "qualifier", "requested", "allocated", "available", "status", "status_reason",
    "status_reason_decoded", "last_modified",
}  # fmt: skip
MAPPING_KEYS = {
    "uuid", "source", "event_source_arn", "state", "state_transition_reason",
    "state_transition_reason_decoded", "last_processing_result",
    "last_processing_result_decoded", "batch_size", "last_modified",
}  # fmt: skip


def _failed_report() -> FunctionReport:
    snap = FunctionSnapshot.from_configuration({
        "FunctionName": "orders", "State": "Active", "LastUpdateStatus": "Failed",
        "LastUpdateStatusReasonCode": "SubnetOutOfIPAddresses",
        "LastUpdateStatusReason": "no free IPs", "Environment": {"Variables": {"K": "v"}},
    })  # fmt: skip
    assessment = assess(snap)
    report = FunctionReport(
        "orders", assessment.exit_code, snap, assessment, target="ready", elapsed=1.5, polls=3
    )
    report.evidence = [Evidence("subnets", "ec2:DescribeSubnets", "none has 4 free addresses")]
    return report


def test_json_envelope_keys_are_pinned() -> None:
    doc = envelope("wait", CommandResult(ExitCode.FAILED, [_failed_report()], WaitPayload(60.0)))
    assert set(doc) == ENVELOPE_KEYS | {"timeout_seconds"}
    assert doc["schema_version"] == 1
    (fn,) = doc["functions"]
    assert set(fn) == FUNCTION_KEYS
    assert set(fn["snapshot"]) == SNAPSHOT_KEYS
    assert set(fn["reason"]) == REASON_KEYS
    (item,) = fn["evidence"]
    assert set(item) == EVIDENCE_KEYS
    assert fn["reason"]["code"] == "SubnetOutOfIPAddresses" and fn["reason"]["cooldown"]
    assert fn["exit_status"] == "failed" and fn["phase"] == "update-failed"


def test_json_carries_provisioned_concurrency_and_mappings() -> None:
    from lambda_wait.serving.mappings import MappingSnapshot
    from lambda_wait.serving.provisioned import ProvisionedSnapshot
    from lambda_wait.serving.watch import ServingSnapshot
    from lambda_wait.targets.mappings import MAPPINGS
    from lambda_wait.targets.provisioned import PROVISIONED

    config = ProvisionedSnapshot.from_response(
        "orders", "live", {"Status": "FAILED", "StatusReason": "FUNCTION_ERROR_INIT_FAILURE"}
    )
    mapping = MappingSnapshot.from_configuration(
        {"UUID": "u", "State": "Disabled", "StateTransitionReason": "EVENT_SOURCE_AUTHZ_ERROR"}
    )
    report = _failed_report()
    report.serving = ServingSnapshot("orders", "live", {PROVISIONED: config, MAPPINGS: (mapping,)})
    doc = envelope("status", CommandResult(ExitCode.FAILED, [report], StatusPayload()))
    (fn,) = doc["functions"]
    assert set(fn["provisioned_concurrency"]) == PROVISIONED_KEYS
    assert fn["provisioned_concurrency"]["status_reason_decoded"]["code"] == (
        "FUNCTION_ERROR_INIT_FAILURE"
    )
    (esm,) = fn["event_source_mappings"]
    assert set(esm) == MAPPING_KEYS
    assert set(esm["state_transition_reason_decoded"]) == REASON_KEYS
    plain = envelope("status", CommandResult(ExitCode.FAILED, [_failed_report()], StatusPayload()))
    assert plain["functions"][0]["provisioned_concurrency"] is None
    assert plain["functions"][0]["event_source_mappings"] is None


def test_json_envelope_on_a_command_error() -> None:
    err = UsageError("bad", hint="do this")
    doc: dict[str, Any] = envelope("status", CommandResult.failed(err))
    assert doc["exit_code"] == 2 and doc["functions"] == []
    assert doc["error"] == {
        "type": "UsageError",
        "exit_code": 2,
        "message": "bad",
        "hint": "do this",
    }


# deploy adds these: `deploy` (one function only) and `deploys` (one object per function).
DEPLOY_ENVELOPE_KEYS = {"deploy", "deploys"}
DEPLOY_KEYS = {
    "function", "action", "dry_run", "function_arn", "version", "alias", "code_sha256",
    "changed", "steps", "applied", "not_applied", "skipped", "plan", "live", "shift",
    "function_url", "elapsed_seconds", "timeout_seconds",
}  # fmt: skip


def test_deploy_json_keys_are_pinned() -> None:
    from lambda_wait.deploy.model import DeployResult
    from lambda_wait.deploy.report import deploy_json

    result = DeployResult("orders", ExitCode.READY, "none", False, [], 0.5)
    assert set(deploy_json(result, timeout=60.0)) == DEPLOY_KEYS


def test_json_output_page_documents_every_key() -> None:
    page = (DOCS / "json-output.md").read_text()
    for key in ENVELOPE_KEYS | FUNCTION_KEYS | SNAPSHOT_KEYS | REASON_KEYS | DEPLOY_ENVELOPE_KEYS:
        assert f"`{key}`" in page, key
    deploy_page = (DOCS / "deploy.md").read_text()
    for key in DEPLOY_KEYS | DEPLOY_ENVELOPE_KEYS:
        assert f"`{key}`" in deploy_page, key


def test_python_api_example_runs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import boto3
    from moto import mock_aws

    from tests.cli.conftest import zip_bytes

    page = (DOCS / "python-api.md").read_text()
    blocks = re.findall(r"## Example.*?```python\n(.*?)```", page, re.S)
    assert blocks, "docs/python-api.md lost its example"
    for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_LAMBDA"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    with mock_aws():
        role = boto3.client("iam", region_name="us-east-1").create_role(
            RoleName="r", AssumeRolePolicyDocument="{}"
        )["Role"]["Arn"]
        boto3.client("lambda", region_name="us-east-1").create_function(
            FunctionName="my-function",
            Runtime="python3.12",
            Role=role,
            Handler="a.h",
            Code={"ZipFile": zip_bytes()},
        )
        exec(compile(blocks[0], "docs/python-api.md", "exec"), {})
    out = capsys.readouterr().out
    assert out.startswith("ready Active")
