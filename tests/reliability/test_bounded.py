"""Issue 13, class 2: nothing hangs or grows without bound, and --timeout bounds
everything. Special files passed where a file is expected are refused before any call;
pipes the shell made are read within a bound; a credential_process that never exits is
ended with the run's --timeout (exit 5), its child process too.

Every CLI case runs in a thread that must finish within its own guard (20 s): a
regression fails the test instead of hanging CI.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lambda_wait.aws_setup import BoundedProcess
from lambda_wait.deploy import reading
from lambda_wait.deploy.reading import read_file
from lambda_wait.errors import ExitCode, UsageError
from lambda_wait.sandbox import SandboxHandle
from tests.reliability.conftest import ROLE, CliRun, Run, applied, deploy_args

GUARD = 20.0  # seconds a case may take before it counts as a hang


def bounded(call: Callable[[], Run]) -> Run:
    """``call()`` in a thread; fails (never hangs) if it is still running after GUARD."""
    box: list[Run] = []
    worker = threading.Thread(target=lambda: box.append(call()), daemon=True)
    worker.start()
    worker.join(GUARD)
    assert not worker.is_alive(), f"still running after {GUARD:g}s: it hangs"
    return box[0]


@pytest.fixture
def specials(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A named FIFO (no writer), a socket, a device and a directory."""
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    short = Path(tempfile.mkdtemp(prefix="lw"))  # a socket path must be short
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(short / "s"))
    try:
        yield {
            "FIFO": str(fifo),
            "socket": str(short / "s"),
            "device": "/dev/zero",
            "directory": str(tmp_path),
        }
    finally:
        sock.close()
        # A reader stuck on the FIFO (a regression) gets a writer and an end.
        fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
        os.close(fd)
        (short / "s").unlink(missing_ok=True)
        short.rmdir()


def _zip_args(path: str) -> list[str]:
    return ["deploy", "--function-name", "f", "--zip-file", path, "--role", ROLE,
            "--runtime", "python3.12", "--handler", "app.handler", "--dry-run"]  # fmt: skip


# (option, how the command is built from the special file's path)
OPTIONS: dict[str, Callable[[str, Path], list[str]]] = {
    "--spec": lambda p, src: ["deploy", "--spec", p, "--dry-run"],
    "--env-file": lambda p, src: deploy_args("f", src, "--env-file", p, "--dry-run"),
    "--zip-file": lambda p, src: _zip_args(p),
    "--smoke-test": lambda p, src: deploy_args(
        "f", src, "--alias", "live", "--shift", "canary:10:4s", "--smoke-test", p
    ),
}
CASES = [
    (option, kind)
    for option in OPTIONS
    for kind in ("FIFO", "socket", "device", "directory")
    if not (option == "--zip-file" and kind == "directory")  # Click refuses it itself
]


@pytest.mark.parametrize(("option", "kind"), CASES, ids=[f"{o} {k}" for o, k in CASES])
def test_a_special_file_is_refused_before_any_call(
    lw: CliRun,
    sandbox: SandboxHandle,
    specials: dict[str, str],
    src: Path,
    option: str,
    kind: str,
) -> None:
    path = specials[kind]
    run = bounded(lambda: lw(*OPTIONS[option](path, src), "--timeout", "5s"))
    assert run.code == ExitCode.USAGE, (run.stdout, run.stderr)
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("lambda-wait: error:"), run.stderr
    assert "Traceback" not in run.stderr
    assert not applied(sandbox)  # nothing sent that changes anything


# --- read_file: pipes the shell made are read, within bounds ---------------------------
def _pipe(data: bytes, *, close: bool = True) -> tuple[Path, int]:
    read_end, write_end = os.pipe()
    threading.Thread(target=os.write, args=(write_end, data), daemon=True).start()
    if close:
        threading.Timer(0.05, os.close, args=(write_end,)).start()
    return Path(f"/dev/fd/{read_end}"), write_end


def test_a_shell_pipe_is_read() -> None:
    path, _ = _pipe(b'{"FunctionName": "f"}')
    assert read_file(path, "spec", 1024) == b'{"FunctionName": "f"}'


def test_a_silent_pipe_is_refused_after_the_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "PIPE_WAIT_SECONDS", 0.3)
    path, write_end = _pipe(b"", close=False)
    try:
        with pytest.raises(UsageError, match="delivered nothing"):
            read_file(path, "spec", 1024)
    finally:
        os.close(write_end)


def test_a_pipe_past_the_size_cap_is_refused() -> None:
    path, _ = _pipe(b"x" * 5000)
    with pytest.raises(UsageError, match="over 1 KB"):
        read_file(path, "spec", 1024)


def test_a_regular_file_past_the_size_cap_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "payload.json"
    big.write_bytes(b"[" + b"0," * 4000 + b"0]")
    with pytest.raises(UsageError, match="over 1 KB: not a JSON payload"):
        read_file(big, "--smoke-test", 1024, what="a JSON payload")


# --- a credential_process that never exits ----------------------------------------------
HANG = "import os, sys, time; open(sys.argv[1], 'w').write(str(os.getpid())); time.sleep(600)"


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("command", ["wait", "deploy", "status"])
def test_a_credential_process_that_hangs_ends_with_the_timeout(
    lw: CliRun,
    src: Path,
    tmp_path: Path,
    aws_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    """The child is a real process (what is under test): it must be ended, not orphaned."""
    pidfile = tmp_path / "pid"
    script = tmp_path / "hang.py"
    script.write_text(HANG)
    Path(aws_env["AWS_CONFIG_FILE"]).write_text(
        f"[profile hang]\nregion = us-east-1\n"
        f"credential_process = {sys.executable} {script} {pidfile}\n"
    )
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(var)
    monkeypatch.setenv("AWS_PROFILE", "hang")
    if command == "status":  # no --timeout: the cap bounds it (60 s, shortened here)
        monkeypatch.setattr("lambda_wait.aws_setup.CREDENTIAL_PROCESS_LIMIT", 2.0)
    args = {
        "wait": ["wait", "fn", "--timeout", "1s"],
        "deploy": deploy_args("fn", src, "--timeout", "1s"),
        "status": ["status", "fn"],
    }[command]
    started = time.monotonic()
    run = bounded(lambda: lw(*args))
    assert run.code == ExitCode.AUTH, (run.stdout, run.stderr)
    assert time.monotonic() - started < 12
    said = [line for line in run.stderr.splitlines() if "credential_process" in line]
    assert len(said) == 1 and "did not finish" in said[0], run.stderr
    assert _gone(int(pidfile.read_text()))  # ended, not left running


def test_an_interrupt_while_waiting_for_a_credential_process_ends_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    child = BoundedProcess(lambda: None, [sys.executable, "-c", "import time; time.sleep(600)"])

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt  # Ctrl-C (or SIGTERM's Terminated) while waiting

    monkeypatch.setattr(subprocess.Popen, "communicate", interrupted)
    with pytest.raises(KeyboardInterrupt):
        child.communicate()
    assert child.poll() is not None  # ended before the interrupt went on
