"""Fixtures for deploy tests: run `lambda-wait deploy` in-process against the sandbox."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lambda_wait.cli import cli
from lambda_wait.sandbox import SandboxHandle

ROLE = "arn:aws:iam::123456789012:role/deploy-test-role"
SECRET = "canary-secret-d3pl0y-91f2"


@dataclass
class Run:
    """One CLI run: exit code, stdout, stderr."""

    code: int
    stdout: str
    stderr: str

    def json(self) -> dict[str, Any]:
        doc: dict[str, Any] = json.loads(self.stdout)
        return doc


@pytest.fixture
def src(tmp_path: Path) -> Path:
    """A small source directory to deploy with --code-dir."""
    root = tmp_path / "src"
    root.mkdir()
    (root / "app.py").write_text("def handler(event, context):\n    return 1\n")
    (root / "lib").mkdir()
    (root / "lib" / "util.py").write_text("X = 1\n")
    return root


Deploy = Callable[..., Run]


@pytest.fixture
def deploy(sandbox: SandboxHandle, aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Deploy:
    """``deploy("--function-name", "fn", ...)`` runs the CLI against the sandbox."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", sandbox.endpoint_url)

    def run(*args: str) -> Run:
        result = CliRunner().invoke(cli, ["deploy", *args], catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


def base_args(name: str, code_dir: Path, *extra: str, role: str = ROLE) -> list[str]:
    """The usual flags for a zip function built from ``code_dir``."""
    return [
        "--function-name",
        name,
        "--code-dir",
        str(code_dir),
        "--role",
        role,
        "--runtime",
        "python3.12",
        "--handler",
        "app.handler",
        *extra,
    ]


def ops(handle: SandboxHandle, *, mutating_only: bool = True) -> list[str]:
    """The Lambda operations in the sandbox's call log (mutating ones by default)."""
    return [c.operation for c in handle.calls if c.mutating or not mutating_only]
