"""deploy without code updates only the configuration of an existing function;
creating one without code is one line naming what is missing."""

from __future__ import annotations

from pathlib import Path

from lambda_wait.errors import ExitCode
from lambda_wait.sandbox import SandboxHandle
from tests.deploy.conftest import Deploy, base_args, ops


def test_configuration_only_deploy_changes_only_the_configuration(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    assert deploy(*base_args("cfg", src)).code == ExitCode.READY
    before = sandbox.client().get_function_configuration(FunctionName="cfg")
    run = deploy("--function-name", "cfg", "--memory-size", "256", "-o", "json")
    assert run.code == ExitCode.READY, run.stderr
    doc = run.json()["deploy"]
    assert doc["changed"] == ["configuration"]
    assert ops(sandbox).count("UpdateFunctionCode") == 0
    assert ops(sandbox).count("UpdateFunctionConfiguration") == 1
    after = sandbox.client().get_function_configuration(FunctionName="cfg")
    assert after["MemorySize"] == 256 and after["CodeSha256"] == before["CodeSha256"]


def test_creating_without_code_names_what_is_missing(
    deploy: Deploy, sandbox: SandboxHandle
) -> None:
    run = deploy(
        "--function-name", "ghost", "--memory-size", "256", "--role", "arn:aws:iam::1:role/r"
    )
    assert run.code == ExitCode.USAGE
    assert "creating it needs code (--zip-file, --code-dir" in run.stderr.splitlines()[0]
    assert "CreateFunction" not in ops(sandbox)
