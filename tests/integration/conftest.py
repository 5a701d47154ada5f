"""Integration tests: the lambda-wait CLI against the sandbox over real HTTP."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner

from lambda_wait.cli import cli
from lambda_wait.sandbox.pytest_plugin import TEST_TIME_SCALE
from lambda_wait.sandbox.server import SandboxHandle

# lambda-wait's own cooldown, scaled like the sandbox's (300 s * 0.01 = 3 s).
COOLDOWN = 300 * TEST_TIME_SCALE


@pytest.fixture(autouse=True)
def isolated_aws(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAMBDA_WAIT_COOLDOWN_SECONDS", str(COOLDOWN))


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def lw(sandbox: SandboxHandle) -> Run:
    """Run the CLI against the sandbox: ``lw("wait", "fn")`` -> (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(cli, [*args, "--endpoint-url", sandbox.endpoint_url])
        return result.exit_code, result.stdout, result.stderr

    return run
