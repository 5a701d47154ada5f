"""status and wait on provisioned concurrency and event source mappings, against the
sandbox over HTTP (its timelines: docs/sandbox.md), with call-log assertions."""

from __future__ import annotations

import json
from typing import Any

from lambda_wait.errors import ExitCode
from lambda_wait.sandbox.server import SandboxHandle

from .conftest import Run

# The provisioned allocation takes 60 s of sandbox time (0.6 s at the test scale).
SLOW = {"lambda-wait-sandbox:delay:provisioned": "300"}
INIT_FAILURE = {"lambda-wait-sandbox:provisioned": "fail:FUNCTION_ERROR_INIT_FAILURE"}


def _alias_with_config(
    sandbox: SandboxHandle, name: str, *, count: int = 2, tags: dict[str, str] | None = None
) -> Any:
    sandbox.create_function(name, tags=tags)
    sandbox.wait_until(name, state="Active")
    lam = sandbox.client()
    version = lam.publish_version(FunctionName=name)["Version"]
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion=version)
    lam.put_provisioned_concurrency_config(
        FunctionName=name, Qualifier="live", ProvisionedConcurrentExecutions=count
    )
    return lam


def _mutations_after(sandbox: SandboxHandle, start: int) -> list[str]:
    return [c.operation for c in sandbox.calls[start:] if c.mutating]


def test_wait_ready_on_an_alias_includes_its_provisioned_concurrency(
    sandbox: SandboxHandle, lw: Run
) -> None:
    _alias_with_config(sandbox, "pc-ready", tags=SLOW)
    start = len(sandbox.calls)
    code, out, err = lw("wait", "pc-ready", "--qualifier", "live", "--output", "json")
    assert code == ExitCode.READY, err
    fn = json.loads(out)["functions"][0]
    assert fn["provisioned_concurrency"]["status"] == "READY"
    assert fn["provisioned_concurrency"]["allocated"] == 2
    assert fn["event_source_mappings"] is None
    reads = [c.operation for c in sandbox.calls[start:]]
    assert "GetProvisionedConcurrencyConfig" in reads
    assert _mutations_after(sandbox, start) == []


def test_wait_for_provisioned_fails_at_once_on_an_init_failure(
    sandbox: SandboxHandle, lw: Run
) -> None:
    _alias_with_config(sandbox, "pc-init", tags=INIT_FAILURE)
    start = len(sandbox.calls)
    code, out, err = lw("wait", "pc-init", "--qualifier", "live", "--for", "provisioned")
    assert code == ExitCode.FAILED, err
    assert "initialisation failed" in out
    assert "/aws/lambda/pc-init" in out
    assert "FUNCTION_ERROR_INIT_FAILURE" in out
    assert _mutations_after(sandbox, start) == []


def test_wait_for_provisioned_without_a_config_is_bad_input(
    sandbox: SandboxHandle, lw: Run
) -> None:
    sandbox.create_function("pc-none", publish=True)
    start = len(sandbox.calls)
    code, out, err = lw("wait", "pc-none", "--qualifier", "1", "--for", "provisioned")
    assert code == ExitCode.USAGE
    assert len(err.strip().splitlines()) == 1
    assert "has no provisioned concurrency config" in err
    assert out == ""
    assert _mutations_after(sandbox, start) == []


def test_wait_for_provisioned_on_a_missing_qualifier_is_not_found(
    sandbox: SandboxHandle, lw: Run
) -> None:
    sandbox.create_function("pc-missing")
    code, _, err = lw("wait", "pc-missing", "--qualifier", "nope", "--for", "provisioned")
    assert code == ExitCode.NOT_FOUND, err


def test_wait_for_provisioned_needs_a_qualifier_before_any_call(
    sandbox: SandboxHandle, lw: Run
) -> None:
    start = len(sandbox.calls)
    code, _, err = lw("wait", "pc-any", "--for", "provisioned")
    assert code == ExitCode.USAGE
    assert "--qualifier" in err
    assert sandbox.calls[start:] == []


def test_status_shows_the_config_and_exits_1_when_it_failed(
    sandbox: SandboxHandle, lw: Run
) -> None:
    _alias_with_config(sandbox, "pc-status", tags=INIT_FAILURE)
    assert lw("wait", "pc-status", "--qualifier", "live")[0] == ExitCode.FAILED
    code, out, _ = lw("status", "pc-status", "--qualifier", "live")
    assert "Provisioned" in out
    assert "FAILED" in out
    assert code == ExitCode.FAILED


def _queue_mapping(sandbox: SandboxHandle, name: str, tags: dict[str, str] | None = None) -> str:
    sandbox.create_function(name, tags=tags)
    sandbox.wait_until(name, state="Active")
    sqs = sandbox.client("sqs")
    url = sqs.create_queue(QueueName=f"{name}-q")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    mapping = sandbox.client().create_event_source_mapping(
        EventSourceArn=arn, FunctionName=name, BatchSize=5
    )
    return str(mapping["UUID"])


def test_wait_event_source_mappings_until_enabled(sandbox: SandboxHandle, lw: Run) -> None:
    _queue_mapping(sandbox, "esm-ok")
    start = len(sandbox.calls)
    code, out, err = lw("wait", "esm-ok", "--event-source-mappings", "--output", "json")
    assert code == ExitCode.READY, err
    (mapping,) = json.loads(out)["functions"][0]["event_source_mappings"]
    assert mapping["state"] == "Enabled"
    assert mapping["source"] == "sqs:esm-ok-q"
    assert mapping["batch_size"] == 5
    assert _mutations_after(sandbox, start) == []


def test_a_mapping_lambda_disabled_fails_with_the_reason_decoded(
    sandbox: SandboxHandle, lw: Run
) -> None:
    _queue_mapping(
        sandbox, "esm-authz", {"lambda-wait-sandbox:mapping": "disable:EVENT_SOURCE_AUTHZ_ERROR"}
    )
    code, out, err = lw("wait", "esm-authz", "--event-source-mappings")
    assert code == ExitCode.FAILED, err
    assert "Disabled by Lambda" in out
    assert "EVENT_SOURCE_AUTHZ_ERROR" in out
    assert "execution role" in out  # the remedy


def test_status_lists_mappings_compactly(sandbox: SandboxHandle, lw: Run) -> None:
    _queue_mapping(
        sandbox, "esm-status", {"lambda-wait-sandbox:mapping": "problem:Connection error"}
    )
    code, out, err = lw("wait", "esm-status", "--event-source-mappings")
    assert code == ExitCode.FAILED, err
    code, out, _ = lw("status", "esm-status")
    assert code == ExitCode.FAILED
    block = " ".join(out[out.index("Mappings") :].split())  # rich may wrap the line
    line = block[: block.index("PROBLEM") + 40]
    assert line.startswith("Mappings sqs:esm-status-q Enabled")
    assert "batch 5" in line
    assert "PROBLEM: Connection error" in line
