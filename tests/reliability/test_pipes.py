"""Issue 13, class 5: closing stdout early (`| head -1`, `| true`) is not a failure: no
traceback, no "internal error", exit 0 (the reader has what it wanted)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from lambda_wait.sandbox import SandboxHandle

# (arguments, lines read before the reader closes the pipe): --help is written by
# Click while parsing, the demo by rich's consoles inside the command.
CASES = {
    "--help, nothing read (| true)": (["--help"], 0),
    "--help, one line read (| head -1)": (["--help"], 1),
    "demo, one line read (| head -1)": (["demo"], 1),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_reader_that_goes_away_is_not_a_failure(case: str, tmp_path: object) -> None:
    args, lines = CASES[case]
    env = {**os.environ, "NO_COLOR": "1", "LAMBDA_WAIT_CACHE_DIR": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "lambda_wait", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    for _ in range(lines):
        proc.stdout.readline()
    proc.stdout.close()  # the reader goes away
    stderr = proc.stderr.read().decode()
    code = proc.wait(timeout=120)
    assert code == 0, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert "BrokenPipe" not in stderr and "Exception ignored" not in stderr, stderr


# The commands that talk to Lambda, against the sandbox: their result is printed by the
# output layer (several lines), the reader keeps one. Real pipes: a subprocess each.
SANDBOX_CASES = {
    "status": ["status", "piped"],
    "wait": ["wait", "piped", "--timeout", "30s"],
    "deploy --dry-run": ["deploy", "--function-name", "piped", "--memory-size", "256",
                         "--dry-run"],
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(SANDBOX_CASES))
def test_commands_against_lambda_survive_a_reader_that_goes_away(
    case: str, sandbox: SandboxHandle, aws_env: dict[str, str]
) -> None:
    sandbox.create_function("piped", Timeout=3)
    env = {**os.environ, **aws_env, "NO_COLOR": "1", "AWS_ENDPOINT_URL": sandbox.endpoint_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "lambda_wait", *SANDBOX_CASES[case]],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    code = proc.wait(timeout=120)
    assert first, stderr  # the result had begun
    assert code == 0, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert "BrokenPipe" not in stderr and "Exception ignored" not in stderr, stderr
