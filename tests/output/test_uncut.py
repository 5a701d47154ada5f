"""Output cut for machines (issue 24, class 6): without a terminal nothing is cut, so a
pipe gets whole names and ARNs and two functions never print as one identical row."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from lambda_wait.cli import cli
from lambda_wait.sandbox import SandboxHandle


@pytest.fixture(autouse=True)
def isolated_aws(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """No real credentials or endpoints; the sandbox's Region."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


LONG = "orders-" + "x" * 49 + "-handler"  # 64 characters, Lambda's longest name


@pytest.mark.parametrize("command", ["wait", "status"])
def test_a_pipe_gets_every_name_and_qualifier_whole(sandbox: SandboxHandle, command: str) -> None:
    assert len(LONG) == 64
    sandbox.create_function(LONG, Handler="app.handler", Publish=True, Tags={})
    sandbox.client().create_alias(FunctionName=LONG, Name="live", FunctionVersion="1")
    args = [command, LONG, f"{LONG}:live", "--endpoint-url", sandbox.endpoint_url]
    if command == "wait":
        args += ["--timeout", "30s"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line.startswith(LONG)]
    assert len(rows) == 2 and rows[0] != rows[1], result.stdout
    assert any(row.startswith(f"{LONG}:live") for row in rows), result.stdout
    assert "…" not in result.stdout  # lambda-wait adds no ellipsis without a terminal


def test_a_pipe_gets_the_whole_arn(sandbox: SandboxHandle) -> None:
    sandbox.create_function(LONG, Handler="app.handler")
    result = CliRunner().invoke(cli, ["status", LONG, "--endpoint-url", sandbox.endpoint_url])
    assert result.exit_code == 0, result.output
    arn = sandbox.client().get_function(FunctionName=LONG)["Configuration"]["FunctionArn"]
    assert arn in result.stdout
    assert "…" not in result.stdout
