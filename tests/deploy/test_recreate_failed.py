"""deploy --recreate-failed: a function in State Failed is deleted and created again
(wait, act, wait); a function in any other state is never deleted; without the flag
the refusal says the flag exists."""

from __future__ import annotations

from pathlib import Path

from lambda_wait.errors import ExitCode
from lambda_wait.sandbox import SandboxHandle
from tests.deploy.conftest import Deploy, base_args

FAIL = "lambda-wait-sandbox:create=fail:InvalidSubnet"


def operations(sandbox: SandboxHandle) -> list[str]:
    return [call.operation for call in sandbox.calls]


def test_a_failed_function_is_deleted_and_created_again(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    assert deploy(*base_args("phoenix", src, "--tag", FAIL)).code == ExitCode.FAILED
    assert sandbox.state("phoenix")["State"] == "Failed"

    refused = deploy(*base_args("phoenix", src))
    assert refused.code == ExitCode.FAILED
    assert "--recreate-failed" in refused.stderr
    assert "DeleteFunction" not in operations(sandbox)

    run = deploy(*base_args("phoenix", src, "--recreate-failed"), "-o", "json")
    assert run.code == ExitCode.READY, run.stderr
    doc = run.json()["deploy"]
    assert doc["applied"] == ["delete-failed", "create"]
    assert sandbox.state("phoenix")["State"] == "Active"
    ops = operations(sandbox)
    assert ops.count("DeleteFunction") == 1
    assert ops.index("DeleteFunction") < len(ops) - 1 - ops[::-1].index("CreateFunction")


def test_a_function_that_is_not_failed_is_never_deleted(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    assert deploy(*base_args("healthy", src)).code == ExitCode.READY
    run = deploy(*base_args("healthy", src, "--memory-size", "256", "--recreate-failed"))
    assert run.code == ExitCode.READY, run.stderr
    assert "DeleteFunction" not in operations(sandbox)
    config = sandbox.client().get_function_configuration(FunctionName="healthy")
    assert config["MemorySize"] == 256 and config["State"] == "Active"
