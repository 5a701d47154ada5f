"""Shared pieces of the hardening tests (issue 8): the CLI in-process and as a
subprocess against the sandbox, canary secrets, and the call-log bookkeeping."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lambda_wait.cli import cli
from lambda_wait.sandbox import SandboxHandle
from tests.deploy.conftest import base_args

ROLE = "arn:aws:iam::123456789012:role/reliability-role"
TAG = "lambda-wait-sandbox:"
# Every operation deploy and wait send; not the neighbour's ListFunctions (below), so
# injected faults hit lambda-wait and never slow the neighbour below the rate that
# makes Lambda throttle (or keep it in a slow answer when the test ends).
DEPLOY_OPERATIONS = frozenset(
    {
        "GetFunction",
        "GetFunctionConfiguration",
        "CreateFunction",
        "UpdateFunctionCode",
        "UpdateFunctionConfiguration",
        "PublishVersion",
        "GetAlias",
        "CreateAlias",
        "UpdateAlias",
        "ListVersionsByFunction",
        "ListAliases",
        "ListTags",
        "TagResource",
    }
)


@dataclass
class Run:
    """One CLI run: exit code, stdout, stderr (and how long it took)."""

    code: int
    stdout: str
    stderr: str
    seconds: float = 0.0

    def json(self) -> dict[str, Any]:
        doc: dict[str, Any] = json.loads(self.stdout)
        return doc


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """Dummy credentials and an empty cache; nothing from the developer's own setup."""
    for var in (
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_LAMBDA",
        "AWS_SESSION_TOKEN",
        "NO_COLOR",
        "CI",
        "GITHUB_ACTIONS",
        "GITHUB_STEP_SUMMARY",
        "GITHUB_OUTPUT",
    ):
        monkeypatch.delenv(var, raising=False)
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "LAMBDA_WAIT_CACHE_DIR": str(tmp_path / "cache"),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


CliRun = Callable[..., Run]


@pytest.fixture
def lw(sandbox: SandboxHandle, aws_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> CliRun:
    """``lw("deploy", ...)``: the CLI in-process against the sandbox."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", sandbox.endpoint_url)

    def run(*args: str, env: dict[str, str] | None = None) -> Run:
        start = time.monotonic()
        result = CliRunner().invoke(cli, list(args), env=env)
        return Run(result.exit_code, result.stdout, result.stderr, time.monotonic() - start)

    return run


@pytest.fixture
def src(tmp_path: Path) -> Path:
    """A small source directory to deploy with --code-dir."""
    root = tmp_path / "src"
    root.mkdir()
    (root / "app.py").write_text("def handler(event, context):\n    return 1\n")
    return root


def deploy_args(name: str, code_dir: Path, *extra: str) -> list[str]:
    """`deploy` with the usual flags for a zip function built from ``code_dir``."""
    return ["deploy", *base_args(name, code_dir, *extra, role=ROLE)]


def applied(handle: SandboxHandle, name: str | None = None) -> Counter[str]:
    """Applied mutations by operation, from the sandbox's call log."""
    return Counter(c.operation for c in handle.sandbox.mutating_calls(name))


class Process:
    """The installed CLI as a subprocess, reading stderr line by line as it comes."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "lambda_wait", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: list[str] = []

    def wait_for_line(self, needle: str, timeout: float = 20.0) -> str:
        """Block until a stderr line contains ``needle``; fail with what was seen."""
        assert self.proc.stderr is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            self.lines.append(line)
            if needle in line:
                return line
        self.proc.kill()
        raise AssertionError(f"no stderr line with {needle!r}; saw: {''.join(self.lines)}")

    def finish(self, timeout: float = 10.0) -> Run:
        stdout, stderr = self.proc.communicate(timeout=timeout)
        return Run(self.proc.returncode, stdout, "".join(self.lines) + stderr)


@pytest.fixture
def spawn(aws_env: dict[str, str], sandbox: SandboxHandle) -> Iterator[Callable[..., Process]]:
    """``spawn(args)``: run the CLI as a subprocess against the sandbox."""
    started: list[Process] = []

    def start(args: list[str], **extra_env: str) -> Process:
        env = {**os.environ, **aws_env, "AWS_ENDPOINT_URL_LAMBDA": sandbox.endpoint_url}
        env.update(extra_env)
        process = Process(args, env)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.proc.poll() is None:
            process.proc.kill()
            process.proc.wait()


@contextlib.contextmanager
def spending_neighbour(sandbox: SandboxHandle, rps: float) -> Iterator[None]:
    """Another tool in the account spending ``rps`` of the 15 control-plane req/s."""
    # A short read time-out: stopping never waits out a slow answer (the join below).
    client = sandbox.client("lambda", max_attempts=1, read_timeout=1.0)
    stop = threading.Event()

    def spend() -> None:
        # Paced on an absolute schedule: a slow answer or a busy machine makes the
        # neighbour catch up, not spend less than ``rps``.
        next_at = time.monotonic()
        while not stop.is_set():
            with contextlib.suppress(Exception):
                client.list_functions(MaxItems=1)
            next_at = max(next_at + 1 / rps, time.monotonic() - 1.0)
            stop.wait(max(0.0, next_at - time.monotonic()))

    thread = threading.Thread(target=spend, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
