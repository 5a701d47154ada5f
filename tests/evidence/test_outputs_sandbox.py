"""Evidence under a failure in every output mode, end to end through the CLI against
the sandbox: text, JSON, the GitHub step summary; --evidence off reads nothing more;
the exit code is the failure's either way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lambda_wait.cli import cli
from lambda_wait.sandbox.server import SandboxHandle
from tests.evidence.test_sources_sandbox import vpc_function

FAIL_TAGS = {"lambda-wait-sandbox:create": "fail:SubnetOutOfIPAddresses"}


@pytest.fixture(autouse=True)
def isolated_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_LAMBDA", "GITHUB_ACTIONS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("LAMBDA_WAIT_CACHE_DIR", str(tmp_path / "cache"))


def wait(sandbox: SandboxHandle, *args: str) -> tuple[int, str, str]:
    argv = ["wait", "broken", "--timeout", "30", "--endpoint-url", sandbox.endpoint_url, *args]
    result = CliRunner().invoke(cli, argv)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def broken(sandbox: SandboxHandle) -> list[str]:
    return vpc_function(sandbox, "broken", enis=10, tags=FAIL_TAGS)


def test_text_shows_the_evidence_under_the_failure(
    sandbox: SandboxHandle, broken: list[str]
) -> None:
    code, out, _ = wait(sandbox)
    assert code == 1
    assert "Evidence    1 of 2 subnets could take the function" in out
    assert f"{broken[0]} (us-east-1a, 10.0.1.0/28): 1 free, too few" in out
    assert out.index("What to do") < out.index("Evidence")


def test_evidence_off_reads_nothing_and_keeps_the_exit_code(
    sandbox: SandboxHandle, broken: list[str]
) -> None:
    code, out, _ = wait(sandbox, "--evidence", "off")
    assert code == 1 and "Evidence" not in out


def test_json_carries_typed_evidence(sandbox: SandboxHandle, broken: list[str]) -> None:
    code, out, _ = wait(sandbox, "-o", "json")
    assert code == 1
    (fn,) = json.loads(out)["functions"]
    (item,) = fn["evidence"]
    assert item["kind"] == "subnets" and item["source"] == "ec2:DescribeSubnets"
    free = {s["subnet_id"]: s["free_addresses"] for s in item["facts"]["subnets"]}
    assert free == {broken[0]: 1, broken[1]: 251}


def test_a_denied_read_is_said_and_changes_nothing(
    sandbox: SandboxHandle, broken: list[str]
) -> None:
    sandbox.sandbox.deny_reads("ec2:DescribeSubnets")
    code, out, _ = wait(sandbox, "-o", "json")
    assert code == 1
    (item,) = json.loads(out)["functions"][0]["evidence"]
    assert item["denied_permission"] == "ec2:DescribeSubnets"


def test_github_step_summary_has_an_evidence_section(
    sandbox: SandboxHandle, broken: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, _, _ = wait(sandbox)
    assert code == 1
    text = summary.read_text()
    assert "### Evidence" in text
    assert f"- `{broken[0]} (us-east-1a, 10.0.1.0/28): 1 free, too few`" in text


def test_ndjson_streams_the_evidence_event_for_a_failed_wait(
    sandbox: SandboxHandle, broken: list[str]
) -> None:
    code, out, _ = wait(sandbox, "-o", "ndjson")
    assert code == 1
    lines = [json.loads(line) for line in out.splitlines()]
    (event,) = [line for line in lines if line.get("type") == "evidence"]
    assert event["function"] == "broken"
    assert [item["kind"] for item in event["items"]] == ["subnets"]
    assert event["items"] == lines[-1]["functions"][0]["evidence"]
    _, quiet, _ = wait(sandbox, "-o", "ndjson", "--evidence", "off")
    assert all(json.loads(line).get("type") != "evidence" for line in quiet.splitlines())
