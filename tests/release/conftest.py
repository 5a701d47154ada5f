"""Fixtures for the release commands: run any lambda-wait command in-process against
the sandbox, and read an alias's routing after every UpdateAlias it receives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner

from lambda_wait.cli import cli
from lambda_wait.sandbox import SandboxHandle
from tests.deploy.conftest import (
    Run,
    src,  # noqa: F401 - the shared source directory fixture
)

LW = Callable[..., Run]


@pytest.fixture
def lw(sandbox: SandboxHandle, aws_env: None, monkeypatch: pytest.MonkeyPatch) -> LW:
    """``lw("rollback", "fn", "--alias", "live")`` runs the CLI against the sandbox
    (Lambda and CloudWatch both answered there)."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", sandbox.endpoint_url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDWATCH", sandbox.endpoint_url)

    def run(*args: str) -> Run:
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


def publish_versions(sandbox: SandboxHandle, name: str, count: int) -> list[str]:
    """``count`` published versions of ``name`` (each with its own description)."""
    lam = sandbox.client("lambda")
    made = []
    for n in range(count):
        sandbox.wait_until(name, state="Active")
        lam.update_function_configuration(FunctionName=name, Description=f"build {n}")
        sandbox.wait_until(name, state="Active", last_update_status="Successful")
        made.append(str(lam.publish_version(FunctionName=name)["Version"]))
    return made


def alias_now(sandbox: SandboxHandle, name: str, alias: str) -> tuple[str, dict[str, Any]]:
    """(version, weights) of an alias as Lambda answers now."""
    answer = sandbox.client("lambda").get_alias(FunctionName=name, Name=alias)
    weights = (answer.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
    return str(answer["FunctionVersion"]), dict(weights)
