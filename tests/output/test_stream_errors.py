"""Issue 24, class 5: a stream that fails (closed, ``>&-``; full, /dev/full; a reader
gone, EPIPE) never changes the outcome. The exit code says what happened to the
functions, a change is applied all the same, no traceback; a result stdout could not
take is one warning on stderr when stderr can take it (not for a reader that left on
purpose, ``| head -1``). Real processes: the descriptors are the point."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lambda_wait.sandbox import SandboxHandle

WARNING = "lambda-wait: warning: the result was not fully written"
HAVE_DEV_FULL = Path("/dev/full").exists()


def run(
    env: dict[str, str], args: list[str], *, stdout: str = "pipe", stderr: str = "pipe"
) -> tuple[int, str, str]:
    """``lambda-wait ARGS`` with stdout and stderr each a pipe, closed or /dev/full."""
    opened: list[Any] = []

    def target(kind: str) -> Any:
        if kind == "full":
            opened.append(open("/dev/full", "w"))  # noqa: SIM115 - closed below
            return opened[-1]
        return subprocess.PIPE

    closing = [fd for fd, kind in ((1, stdout), (2, stderr)) if kind == "closed"]
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "lambda_wait", *args],
            stdout=target(stdout),
            stderr=target(stderr),
            env=env,
            timeout=120,
            preexec_fn=lambda: [os.close(fd) for fd in closing] and None,
            check=False,
        )
    finally:
        for handle in opened:
            handle.close()
    out = proc.stdout.decode() if isinstance(proc.stdout, bytes) else ""
    err = proc.stderr.decode() if isinstance(proc.stderr, bytes) else ""
    return proc.returncode, out, err


@pytest.fixture
def env(sandbox: SandboxHandle, aws_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    sandbox.create_function("streamed", Timeout=3)
    return {
        **os.environ,
        **(aws_env or {}),
        "NO_COLOR": "1",
        "AWS_ENDPOINT_URL": sandbox.endpoint_url,
        "LAMBDA_WAIT_CACHE_DIR": str(tmp_path / "cache"),
    }


CASES = {
    # name: (arguments, stdout, stderr, exit code, warning expected on stderr)
    "status, stdout closed": (["status", "streamed"], "closed", "pipe", 0, True),
    "wait -o json, stdout closed": (["wait", "streamed", "-o", "json"], "closed", "pipe", 0, True),
    "wait for a missing function, both closed": (
        ["wait", "nope", "--timeout", "2s"], "closed", "closed", 4, False),
    "deploy, stdout closed": (
        ["deploy", "--function-name", "streamed", "--memory-size", "512"],
        "closed", "pipe", 0, True),
    "status of a missing function, stdout full": (["status", "nope"], "full", "pipe", 4, True),
    "wait -o ndjson, stdout full": (["wait", "streamed", "-o", "ndjson"], "full", "pipe", 0, True),
    "status, stderr full": (["status", "streamed"], "pipe", "full", 0, False),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_failing_stream_never_changes_the_outcome(
    case: str, env: dict[str, str], sandbox: SandboxHandle
) -> None:
    args, stdout, stderr, code, warned = CASES[case]
    if "full" in (stdout, stderr) and not HAVE_DEV_FULL:
        pytest.skip("no /dev/full here")
    got, out, err = run(env, args, stdout=stdout, stderr=stderr)
    assert got == code, err
    assert "Traceback" not in err and "internal error" not in err and "Exception" not in err, err
    assert (WARNING in err) is warned, err
    if stdout == "pipe":
        assert "streamed" in out or "nope" in out  # the result is all there
    if args[0] == "deploy":
        answer = sandbox.client("lambda").get_function_configuration(FunctionName="streamed")
        assert answer["MemorySize"] == 512  # applied, whatever became of the report


def test_a_reader_that_leaves_keeps_the_functions_outcome(env: dict[str, str]) -> None:
    """``| head -1`` on a failure: exit 4 (was 0: the pipe's end hid the outcome), no warning."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "lambda_wait", "status", "nope", "streamed"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader goes away before the result
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 4, err
    assert WARNING not in err and "Traceback" not in err, err


@pytest.mark.skipif(not HAVE_DEV_FULL, reason="no /dev/full here")
@pytest.mark.parametrize("args", [["--help"], ["completion", "bash"]], ids=" ".join)
def test_what_click_writes_is_guarded_too(args: list[str], tmp_path: Path) -> None:
    """Click's own writes (help, completion) were an internal error (exit 70) on a full disk."""
    env = {**os.environ, "NO_COLOR": "1", "LAMBDA_WAIT_CACHE_DIR": str(tmp_path)}
    got, _, err = run(env, args, stdout="full")
    assert got == 0, err
    assert WARNING in err and "internal error" not in err and "Traceback" not in err, err
