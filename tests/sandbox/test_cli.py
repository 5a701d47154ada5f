"""`lambda-wait sandbox` as a subprocess: serving, Ctrl-C, and bad input (exit 2)."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner

from lambda_wait.commands.sandbox import command
from tests.imports import loaded_after

pytestmark = pytest.mark.e2e


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "lambda_wait", "sandbox", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port something else is listening on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.mark.parametrize(
    ("stop", "code", "last"),
    [
        (signal.SIGINT, 130, "lambda-wait: interrupted"),
        (signal.SIGTERM, 143, "lambda-wait: terminated"),
    ],
)
def test_serves_prints_exports_and_stops_on_a_signal(
    tmp_path: Path, stop: signal.Signals, code: int, last: str
) -> None:
    scenario = tmp_path / "s.json"
    scenario.write_text(json.dumps({"rules": [{"match": "x-*", "create": "InvalidSubnet"}]}))
    proc = _start("--port", "0", "--time-scale", "0.01", "--scenario", str(scenario))
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("export AWS_DEFAULT_REGION="):
                break
        exports = dict(
            line.removeprefix("export ").split("=", 1)
            for line in lines
            if line.startswith("export ")
        )
        endpoint = exports["AWS_ENDPOINT_URL_LAMBDA"]
        assert endpoint.startswith("http://127.0.0.1:")
        assert exports["AWS_ENDPOINT_URL_IAM"] == endpoint
        assert {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"} <= set(exports)
        assert "listening on " + endpoint in lines[0]

        lam = boto3.client(
            "lambda",
            endpoint_url=endpoint,
            region_name=exports["AWS_DEFAULT_REGION"],
            aws_access_key_id=exports["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=exports["AWS_SECRET_ACCESS_KEY"],
        )
        created = lam.create_function(
            FunctionName="x-1",
            Runtime="python3.12",
            Role="arn:aws:iam::123456789012:role/auto-created",  # the sandbox creates it
            Handler="index.handler",
            Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},
        )
        assert created["State"] == "Pending"
    finally:
        proc.send_signal(stop)
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == code
    assert "Traceback" not in err
    assert "CreateFunction x-1 -> 201" in err  # one line per call
    # The error boundary's line, as for every command (the sandbox has no handler of its own).
    assert err.rstrip().splitlines()[-1] == last


def test_port_in_use_is_one_line_and_exit_2(busy_port: int) -> None:
    proc = _start("--port", str(busy_port))
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert err.strip().splitlines() == [
        f"lambda-wait: error: cannot listen on 127.0.0.1:{busy_port}: Address already in use"
    ]
    assert out == ""


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--host", "192.0.2.1", "--port", "0"], "cannot listen on 192.0.2.1:0"),
        (["--scenario", "/nonexistent/s.json"], "scenario file /nonexistent/s.json: cannot read"),
        (["--time-scale", "0"], "--time-scale"),
    ],
)
def test_bad_input_exits_2_without_traceback(args: list[str], fragment: str) -> None:
    from lambda_wait.cli import cli

    result = CliRunner().invoke(cli, ["sandbox", *args])  # through the error boundary
    assert result.exit_code == 2
    assert fragment in result.output
    assert "Traceback" not in result.output


def test_command_module_imports_only_click() -> None:
    heavy = ("moto", "werkzeug", "boto3", "botocore")
    assert loaded_after("import lambda_wait.commands.sandbox", heavy) == []


def test_core_package_never_imports_moto() -> None:
    root = Path(__file__).resolve().parents[2] / "lambda_wait"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "sandbox" not in path.relative_to(root).parts
        and path.name != "sandbox.py"
        and any(
            line.strip().startswith(("import moto", "from moto"))
            for line in path.read_text().splitlines()
        )
    ]
    assert offenders == []
    code = "import sys, lambda_wait.cli; print('moto' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_sandbox_keeps_its_short_help_option_after_a_standalone_use() -> None:
    # click keeps a command's help option from its first use: a first use on its own (as
    # above) must not take -h away from `lambda-wait sandbox` (docs/cli.md shows it).
    from lambda_wait.cli import cli

    assert CliRunner().invoke(command, ["--help"]).exit_code == 0
    result = CliRunner().invoke(cli, ["sandbox", "-h"])
    assert result.exit_code == 0 and "-h, --help" in result.output
