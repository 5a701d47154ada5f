"""README's sandbox walkthrough, run as written: the block marked
``<!-- readme-test: sandbox -->`` starts the sandbox, the blocks marked
``<!-- readme-test: commands -->`` run in one bash with ``set -e``, in the clone, with
``lambda-wait`` on PATH as the install section puts it. Only the port (4599) and the
time scale change, so that tests run side by side and quickly."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent.parent
BLOCK = re.compile(r"<!-- readme-test: (\w+) -->\n```bash\n(.*?)```", re.S)


def readme_blocks(kind: str) -> list[str]:
    return [
        body for marker, body in BLOCK.findall((ROOT / "README.md").read_text()) if marker == kind
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def adapt(block: str, port: int) -> str:
    block = block.replace("4599", str(port))
    block = block.replace("lambda-wait sandbox", f"lambda-wait sandbox --port {port}")
    return re.sub(r"--time-scale [\d.]+", "--time-scale 0.02", block)


def test_readme_blocks_are_marked() -> None:
    (serve,) = readme_blocks("sandbox")
    assert serve.startswith("lambda-wait sandbox")
    commands = "".join(readme_blocks("commands"))
    assert "lambda-wait deploy --spec lambda_wait/examples/hello/function.json" in commands
    assert "export DEMO_ROLE_ARN=" in commands and "DEMO_API_TOKEN=" in commands


def test_readme_sandbox_walkthrough_runs_verbatim(tmp_path: Path) -> None:
    port = free_port()
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "lambda-wait").exists():
        pytest.skip("needs the lambda-wait command of this environment")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DEMO_", "GITHUB_"))}
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        HOME=str(tmp_path),  # no ~/.aws of the developer's
        AWS_CONFIG_FILE=str(tmp_path / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "credentials"),
        LAMBDA_WAIT_CACHE_DIR=str(tmp_path / "cache"),
        CI="true",  # plain progress lines
    )
    (serve,) = readme_blocks("sandbox")
    sandbox = subprocess.Popen(
        ["bash", "-c", "exec " + adapt(serve, port).strip()],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert sandbox.stdout is not None
        printed = []
        for line in sandbox.stdout:
            printed.append(line)
            if line.startswith("export DEMO_API_TOKEN="):
                break
        script = "set -euo pipefail\n" + "".join(adapt(b, port) for b in readme_blocks("commands"))
        done = subprocess.run(
            ["bash", "-c", script],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        sandbox.send_signal(signal.SIGTERM)
        sandbox.wait(timeout=20)
    assert done.returncode == 0, done.stdout + done.stderr
    # What README tells the reader to paste is what the sandbox printed (README may
    # leave out the endpoints the walkthrough does not use).
    exported = {
        line.removeprefix("export ").strip().replace(str(port), "4599")
        for line in printed
        if line.startswith("export ")
    }
    pasted = "".join(readme_blocks("commands")).replace("\\\n", " ")
    assignments = {
        word
        for line in pasted.splitlines()
        if line.startswith("export ")
        for word in line.split("#", 1)[0].split()[1:]
    }
    assert {
        "AWS_ENDPOINT_URL_LAMBDA=http://127.0.0.1:4599",
        "DEMO_API_TOKEN=sandbox-token-not-a-secret",
    } <= assignments
    assert assignments <= exported, assignments - exported
    assert "hello-vpc" in done.stdout
    assert done.stdout.count("Active") >= 2  # status and wait both report it ready
    assert "sandbox-token-not-a-secret" not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
