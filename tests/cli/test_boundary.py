"""The one error boundary: a bug, a signal or the tool's own error, wherever it
happens in a command, ends as one stderr line, the JSON envelope with --output json,
and the documented exit code; a traceback only with --debug."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from lambda_wait.cli import cli
from lambda_wait.errors import AuthError, ExitCode, FunctionNotFoundError
from lambda_wait.signals import Terminated


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def status_raises(monkeypatch: pytest.MonkeyPatch, aws_env: None) -> Any:
    """Make `status`'s one read raise what the test asks for."""

    def arm(stop: BaseException) -> None:
        def get_status(*args: Any, **kwargs: Any) -> None:
            raise stop

        monkeypatch.setattr("lambda_wait.api.get_status", get_status)

    return arm


def test_a_bug_is_one_line_and_exit_70(status_raises: Any) -> None:
    status_raises(RuntimeError("boom"))
    code, out, err = run("status", "fn")
    assert code == ExitCode.INTERNAL
    assert out == ""
    assert err == (
        "lambda-wait: internal error: RuntimeError: boom (run with --debug for the "
        "traceback, and please report it)\n"
    )


def test_a_bug_with_debug_shows_the_traceback(status_raises: Any) -> None:
    status_raises(RuntimeError("boom"))
    code, _, err = run("status", "fn", "--debug")
    assert code == ExitCode.INTERNAL
    assert "Traceback (most recent call last)" in err and "RuntimeError: boom" in err
    assert err.endswith("please report it)\n")


def test_a_bug_in_json_mode_still_prints_the_envelope(status_raises: Any) -> None:
    status_raises(RuntimeError("boom"))
    code, out, _ = run("status", "fn", "-o", "json")
    doc = json.loads(out)
    assert code == doc["exit_code"] == ExitCode.INTERNAL
    assert doc["error"]["message"] == "internal error: RuntimeError"
    assert doc["functions"] == []


@pytest.mark.parametrize(
    ("stop", "code", "label"),
    [
        (KeyboardInterrupt(), ExitCode.INTERRUPTED, "interrupted"),
        (Terminated(), ExitCode.TERMINATED, "terminated"),
    ],
)
def test_a_signal_is_one_line_and_its_exit_code(
    status_raises: Any, stop: BaseException, code: ExitCode, label: str
) -> None:
    status_raises(stop)
    got, out, err = run("status", "fn", "-o", "json")
    assert got == code
    assert err == f"lambda-wait: {label}; nothing more was sent to AWS.\n"
    assert json.loads(out)["exit_status"] == label


def test_the_tools_own_error_is_one_line_with_its_exit_code(status_raises: Any) -> None:
    status_raises(AuthError("not allowed to read fn", hint="grant lambda:GetFunction"))
    code, out, err = run("status", "fn")
    assert code == ExitCode.AUTH
    assert out == ""
    assert err.startswith("lambda-wait: error: not allowed to read fn")
    assert err.count("\n") == 1


def test_a_per_function_error_is_that_functions_report(status_raises: Any) -> None:
    status_raises(FunctionNotFoundError("fn: not there", hint="check the name"))
    code, out, err = run("status", "fn")
    assert code == ExitCode.NOT_FOUND
    # The error is the function's: one line on stderr; stdout keeps its outcome.
    assert err == "lambda-wait: error: fn: fn: not there check the name\n"
    assert out == "fn  NOT-FOUND\n"
