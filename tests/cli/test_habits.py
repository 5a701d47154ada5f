"""aws-cli habits: common options before or after the command, --function-name,
-o, a suggestion for a mistyped command, "did you mean" for a function Lambda did
not find, and `lambda-wait completion SHELL`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lambda_wait.cli import cli
from lambda_wait.errors import ExitCode


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--region", "us-east-1", "-o", "json", "status", "happy-fn"],
        ["status", "happy-fn", "--region", "us-east-1", "-o", "json"],
        ["-o", "text", "status", "--function-name", "happy-fn", "--output", "json"],  # after wins
        ["--output", "json", "status", "--function-name", "happy-fn"],
    ],
)
def test_common_options_before_or_after_the_command(moto_function: str, args: list[str]) -> None:
    code, out, err = run(*args)
    assert code == ExitCode.READY, err
    doc = json.loads(out)
    assert [f["function"] for f in doc["functions"]] == ["happy-fn"]


def test_a_global_option_reaches_the_command(
    moto_function: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    code, _, err = run("status", "happy-fn")
    assert code != ExitCode.READY and "region" in err.lower()
    assert run("--region", "us-east-1", "status", "happy-fn")[0] == ExitCode.READY


def test_wait_takes_function_name_like_aws_cli(moto_function: str) -> None:
    code, out, err = run("wait", "--function-name", "happy-fn", "--timeout", "30s", "-o", "json")
    assert code == ExitCode.READY, err
    assert json.loads(out)["functions"][0]["function"] == "happy-fn"


def test_a_mistyped_command_gets_a_suggestion() -> None:
    code, out, err = run("staus", "fn")
    assert code == ExitCode.USAGE and out == ""
    assert err == (
        "lambda-wait: error: No such command 'staus'. Did you mean 'status'? "
        "(see 'lambda-wait --help')\n"
    )
    assert "Did you mean" not in run("frobnicate")[2]  # nothing close: no guess


def test_a_function_not_found_gets_the_closest_names(moto_function: str) -> None:
    code, _, err = run("status", "hapy-fn")
    assert code == ExitCode.NOT_FOUND
    assert "Did you mean happy-fn?" in err  # with the error, on stderr
    code, out, _ = run("status", "zzzzzz", "-o", "json")
    assert "Did you mean" not in (json.loads(out)["functions"][0]["error"]["hint"] or "")


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_the_script(shell: str) -> None:
    code, out, err = run("completion", shell)
    assert code == 0 and err == ""
    assert "_LAMBDA_WAIT_COMPLETE" in out and "lambda-wait" in out
    by_env = CliRunner().invoke(cli, [], env={"_LAMBDA_WAIT_COMPLETE": f"{shell}_source"})
    assert out.strip() == by_env.output.strip()  # the same script Click's variable prints
    assert run("completion", "powershell")[0] == ExitCode.USAGE
