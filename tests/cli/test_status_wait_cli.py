"""The CLI through Click's CliRunner: stdout, stderr and exit code asserted separately."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lambda_wait.cli import cli
from lambda_wait.errors import ExitCode
from tests.imports import loaded_after

from .conftest import SECRET


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_status_of_a_ready_function(moto_function: str) -> None:
    code, out, err = run("status", moto_function)
    assert code == 0
    assert "READY" in out
    assert "Active" in out and "Successful" in out
    assert "DB_PASSWORD" in out  # the name is useful...
    assert SECRET not in out + err  # ...the value never appears
    assert err == ""


def test_wait_returns_at_once_when_ready(moto_function: str) -> None:
    code, out, err = run("wait", moto_function, "--timeout", "30s")
    assert "internal error" not in err, err
    assert code == 0
    assert "ready" in out
    assert "Active" in err  # progress goes to stderr
    assert SECRET not in out + err


def test_status_json_is_one_document_with_every_state_field(moto_function: str) -> None:
    code, out, _err = run("status", moto_function, "--output", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["schema_version"] == 1
    assert doc["command"] == "status"
    assert doc["exit_code"] == 0 and doc["exit_status"] == "ready"
    (fn,) = doc["functions"]
    snap = fn["snapshot"]
    assert snap["state"] == "Active"
    assert snap["last_update_status"] == "Successful"
    assert snap["environment_variable_names"] == ["DB_PASSWORD"]
    assert SECRET not in out


def test_not_found_exits_4_and_json_still_printed(moto_function: str) -> None:
    code, out, _err = run("status", "no-such-fn", "--output", "json")
    assert code == ExitCode.NOT_FOUND
    doc = json.loads(out)
    assert doc["exit_code"] == 4
    assert doc["functions"][0]["error"]["type"] == "FunctionNotFoundError"


def test_worst_exit_code_wins_with_several_functions(moto_function: str) -> None:
    code, out, _ = run("status", moto_function, "missing-fn")
    assert code == ExitCode.NOT_FOUND
    lines = out.splitlines()  # several functions: one line each, then the totals
    assert lines[1].split()[:3] == ["happy-fn", "ready", "Active"]
    assert lines[2].split()[:2] == ["missing-fn", "not-found"]
    assert lines[3] == "2 functions: 1 ready, 1 not-found; exit 4 (not-found)"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("wait", "bad/name"), "invalid function 'bad/name'"),
        (("wait", "fn", "--timeout", "0"), "greater than zero"),
        (("wait", "fn", "--timeout", "soon"), "invalid duration 'soon'"),
        (("wait", "fn", "--timeout", "-5"), "--timeout"),
        (("wait", "fn", "--for", "happy"), "--for"),
        (("status", "fn:1", "--qualifier", "2"), "give only one"),
        (("wait", "fn", "--bogus"), "No such option '--bogus'"),
        (("nope",), "No such command 'nope'"),
    ],
)
def test_bad_input_is_one_line_exit_2_no_traceback(
    aws_env: None, args: tuple[str, ...], needle: str
) -> None:
    code, out, err = run(*args)
    assert code == ExitCode.USAGE
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert needle in lines[0]
    assert "Traceback" not in err


def test_no_region_is_usage_error_before_any_call(
    aws_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    code, _out, err = run("wait", "fn")
    assert code == ExitCode.USAGE
    assert "no AWS region configured" in err and "--region" in err


def test_no_credentials_is_exit_5(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    code, out, err = run("status", "fn", "--output", "json")
    assert code == ExitCode.AUTH
    assert json.loads(out)["error"]["type"] == "AuthError"
    assert "no AWS credentials" in err


def test_help_lists_exit_codes() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for exit_code in ExitCode:
        assert f"{int(exit_code):>3}  " in out


@pytest.mark.parametrize("command", ["status", "wait", "sandbox"])
def test_every_command_has_help(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0
    assert "Usage: lambda-wait " + command in out
    assert len(out.splitlines()) > 5


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["wait", "--help"]])
def test_help_and_version_do_not_import_boto3(args: list[str]) -> None:
    code = (
        "from lambda_wait.cli import cli\n"
        f"try:\n    cli.main({args!r}, standalone_mode=False)\n"
        "except SystemExit:\n    pass"
    )
    assert loaded_after(code, ("boto3", "botocore", "moto", "rich")) == []
