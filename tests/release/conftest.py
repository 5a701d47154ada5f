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


def record_alias_moves(
    sandbox: SandboxHandle, name: str, alias: str
) -> list[tuple[str, dict[str, float]]]:
    """After every UpdateAlias the sandbox applies, the alias as it then stands:
    ``[(version, weights), ...]`` (from the sandbox's own record, in process)."""
    moves: list[tuple[str, dict[str, float]]] = []

    def on_call(call: Any) -> None:
        if call.operation == "UpdateAlias" and call.applied and call.function == name:
            record = sandbox.sandbox._ctx.records[("us-east-1", name)]
            moves.append(
                (record.alias_versions[alias], dict(record.alias_weights.get(alias) or {}))
            )

    sandbox.sandbox.on_call = on_call
    return moves


@pytest.fixture
def deploy(lw: LW) -> LW:
    """``deploy(...)``: ``lambda-wait deploy ...`` against the sandbox (CloudWatch too)."""
    return lambda *args: lw("deploy", *args)
