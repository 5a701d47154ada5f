"""Integration tests: the lambda-wait CLI against the sandbox over real HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from lambda_wait.cli import cli
from lambda_wait.sandbox.pytest_plugin import TEST_TIME_SCALE
from lambda_wait.sandbox.server import SandboxHandle

# lambda-wait's own cooldown, scaled like the sandbox's (300 s * 0.01 = 3 s).
COOLDOWN = 300 * TEST_TIME_SCALE


@pytest.fixture(autouse=True)
def isolated_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in (
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_LAMBDA",
        "NO_COLOR",
        "AWS_SESSION_TOKEN",
        "CI",
        "GITHUB_ACTIONS",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("LAMBDA_WAIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("LAMBDA_WAIT_COOLDOWN_SECONDS", str(COOLDOWN))


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def lw(sandbox: SandboxHandle) -> Run:
    """Run the CLI against the sandbox: ``lw("wait", "fn")`` -> (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(cli, [*args, "--endpoint-url", sandbox.endpoint_url])
        return result.exit_code, result.stdout, result.stderr

    return run
