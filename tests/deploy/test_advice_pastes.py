"""Advice that works: every `lambda-wait ...` command a failure or a status suggests is
pasted, as printed, into the sandbox, and does what the advice says."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from click.testing import CliRunner

from lambda_wait.cli import cli
from lambda_wait.errors import ExitCode
from lambda_wait.sandbox import SandboxHandle

from .conftest import Deploy, base_args

FAIL = "lambda-wait-sandbox:create=fail:InvalidSubnet"


def suggested(text: str) -> list[list[str]]:
    """The lambda-wait commands in backticks, as a shell would split them (the block
    wraps long lines: joined again first)."""
    joined = " ".join(text.split())
    return [shlex.split(cmd)[1:] for cmd in re.findall(r"`(lambda-wait [^`]+)`", joined)]


def paste(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.stdout, result.stderr


def test_a_failed_create_offers_recreate_failed_first_and_it_works(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    failed = deploy(*base_args("broken-create", src, "--tag", FAIL, "--memory-size", "256"))
    assert failed.code == ExitCode.FAILED
    todo = " ".join(failed.stderr[failed.stderr.index("What to do") :].split())
    assert todo.index("--recreate-failed") < todo.index("aws lambda delete-function")
    assert "update-function-configuration" not in todo  # a failed create cannot be updated
    (command,) = suggested(failed.stderr)
    assert command[0] == "deploy" and command[-1] == "--recreate-failed"
    sandbox.sandbox.reset_calls()
    code, _, stderr = paste(command)
    assert code != ExitCode.USAGE, stderr  # accepted as printed
    done = [c.operation for c in sandbox.calls if c.mutating and c.applied]
    assert done[:2] == ["DeleteFunction", "CreateFunction"], done  # what it says it does


def test_an_inactive_functions_status_suggests_a_wake_that_works(
    deploy: Deploy, sandbox: SandboxHandle
) -> None:
    sandbox.create_function("sleepy", tags={"lambda-wait-sandbox:state": "Inactive"})
    sandbox.wait_until("sleepy", state="Inactive")
    code, stdout, stderr = paste(["status", "sleepy"])
    assert code == ExitCode.INACTIVE
    (command,) = suggested(stdout + stderr)
    assert command == ["wait", "sleepy", "--wake"]
    code, _, stderr = paste(command)
    assert code == ExitCode.READY, stderr
    assert sandbox.state("sleepy")["State"] == "Active"


def test_the_printed_command_masks_environment_values(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    secret = "pasted-secret-7f3a"
    failed = deploy(*base_args("broken-env", src, "--tag", FAIL, "--env", f"TOKEN={secret}"))
    assert failed.code == ExitCode.FAILED
    assert "--recreate-failed" in failed.stderr and secret not in failed.stderr + failed.stdout
