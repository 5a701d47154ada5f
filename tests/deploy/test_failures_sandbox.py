"""Failures against the sandbox over HTTP: a failed create through the CLI, races and
concurrent deployers (409, 412), a deploy timeout, a lost answer. The step logic behind
them (transient and permanent update failures, waiting out an update in progress, IAM
role propagation) is unit-tested against the fake Lambda in test_steps.py."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from lambda_wait.aws import BotocoreRequestModel, LambdaApi
from lambda_wait.deploy.model import StepEvent
from lambda_wait.deploy.runner import Deployer
from lambda_wait.deploy.sender import RetryPolicy
from lambda_wait.deploy.spec import FlagValues, build_desired
from lambda_wait.errors import ExitCode
from lambda_wait.sandbox import SandboxHandle
from lambda_wait.waiter import PollPolicy
from tests.deploy.conftest import ROLE, Deploy, base_args

FAST_POLL = PollPolicy(initial=0.02, multiplier=1.5, max_interval=0.1)
FAST_RETRY = RetryPolicy(role_initial=0.01, role_max=0.02, initial=0.01, max_interval=0.02)
TAG = "lambda-wait-sandbox:"


def deployer(handle: SandboxHandle, name: str, src: Path, **kwargs: Any) -> Deployer:
    desired = build_desired(
        FlagValues(
            function_name=name,
            code_dir=str(src),
            role=kwargs.pop("role", ROLE),
            runtime="python3.12",
            handler="app.handler",
            memory_size=kwargs.pop("memory_size", None),
        ),
        BotocoreRequestModel(),
        {},
    )
    kwargs.setdefault("retry", FAST_RETRY)
    kwargs.setdefault("poll", FAST_POLL)
    kwargs.setdefault("timeout", 30.0)
    return Deployer(
        LambdaApi(handle.client(max_attempts=1)), desired, rng=random.Random(1), **kwargs
    )


@pytest.mark.parametrize(("code", "transient"), [("InternalError", True), ("InvalidSubnet", False)])
def test_failed_create_says_delete_and_gives_the_command(
    deploy: Deploy, sandbox: SandboxHandle, src: Path, code: str, transient: bool
) -> None:
    run = deploy(*base_args("bad-create", src, "--tag", f"{TAG}create=fail:{code}"), "-o", "json")
    assert run.code == ExitCode.FAILED, run.stderr
    doc = run.json()
    assert doc["exit_status"] == "failed"
    deploy_doc = doc["deploy"]
    assert deploy_doc["applied"] == [] and deploy_doc["not_applied"] == ["create"]
    assert "aws lambda delete-function --function-name bad-create" in deploy_doc["live"]
    assert f"create failed: {code}" in doc["error"]["message"]
    assert ("re-running may succeed" in (doc["error"]["hint"] or "")) is transient
    assert sandbox.state("bad-create")["State"] == "Failed"
    # One line on stderr for the error, the summary on stdout in text mode.
    text = deploy(*base_args("bad-create", src))
    assert text.code == ExitCode.FAILED
    assert "State Failed" in text.stderr and "delete-function" in text.stderr


def test_racing_update_gets_409_then_412_and_stops(sandbox: SandboxHandle, src: Path) -> None:
    sandbox.create_function("race", Tags={f"{TAG}delay:update": "20"}, Handler="app.handler")
    sandbox.wait_until("race", state="Active")
    other = sandbox.client()

    def racer(event: StepEvent) -> None:  # someone else's update lands between read and act
        if event.kind == "start" and event.step.name == "update-code":
            other.update_function_configuration(FunctionName="race", Description="racer")

    result = deployer(sandbox, "race", src, role=sandbox.ensure_role(), listener=racer).run()
    # The 409 is waited out; the retry carries the RevisionId read before the racer's
    # change, so Lambda answers 412 and the deploy stops instead of overwriting it.
    assert result.exit_code is ExitCode.CONFLICT, result.error
    codes = [(c.operation, c.status) for c in sandbox.calls if c.operation == "UpdateFunctionCode"]
    assert codes == [("UpdateFunctionCode", 409), ("UpdateFunctionCode", 412)]
    assert result.applied == [] and result.not_applied[0] == "update-code"
    assert sandbox.client().get_function_configuration(FunctionName="race")["Description"] == (
        "racer"
    )


def test_concurrent_deployer_412_stops_with_conflict(sandbox: SandboxHandle, src: Path) -> None:
    sandbox.create_function("rev", Handler="app.handler")
    sandbox.wait_until("rev", state="Active")
    other = sandbox.client()

    def sneak(event: StepEvent) -> None:  # a change between our read and our update
        if event.kind == "start" and event.step.name == "update-code":
            other.update_function_configuration(FunctionName="rev", MemorySize=256)

    d = deployer(sandbox, "rev", src, role=sandbox.ensure_role(), listener=sneak)
    result = d.run()
    assert result.exit_code is ExitCode.CONFLICT
    assert result.not_applied == ["update-code"]
    assert result.error is not None and "RevisionId mismatch" in result.error.message
    assert "previous code and configuration live" in (result.live or "")
    applied = [c.operation for c in sandbox.sandbox.mutating_calls("rev")]
    assert applied == ["CreateFunction", "UpdateFunctionConfiguration"]


def test_inactive_function_is_reported_without_mutation(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    assert deploy(*base_args("sleepy", src)).code == 0
    sandbox.sandbox.make_inactive("sleepy")
    (src / "app.py").write_text("new = 1\n")
    sandbox.sandbox.reset_calls()
    run = deploy(*base_args("sleepy", src))
    assert run.code == ExitCode.INACTIVE
    assert "Inactive" in run.stderr and "re-run deploy" in run.stderr
    assert sandbox.sandbox.mutating_calls(applied_only=False) == []


def test_deploy_timeout_reports_unfinished_step(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    # 100 s of create against 4 s of --timeout: the create is sent even when the run's
    # start-up (imports, clients, the zip) eats seconds of it on a loaded machine.
    run = deploy(
        *base_args("slow", src, "--tag", f"{TAG}delay:create=10000"),
        "--timeout",
        "4s",
        "-o",
        "json",
    )
    assert run.code == ExitCode.TIMEOUT
    doc = run.json()["deploy"]
    assert doc["steps"][0]["status"] == "unknown"
    assert "may still be finishing" in doc["live"]


def test_lost_answer_is_not_applied_twice(sandbox: SandboxHandle, src: Path) -> None:
    """Over HTTP: a 500 after the change was applied is re-read, not re-sent (the step
    logic for every mutation is in test_steps.py)."""
    from lambda_wait.sandbox import FaultConfig

    operation = "UpdateFunctionConfiguration"
    sandbox.create_function("lost", Handler="app.handler")
    sandbox.wait_until("lost", state="Active")
    # Lambda applies the change but the answer is a 500: a blind retry would apply it twice.
    sandbox.sandbox.set_faults(
        FaultConfig(rate=1.0, kinds=("500",), when="after", operations=frozenset({operation}))
    )
    d = deployer(sandbox, "lost", src, role=sandbox.ensure_role(), memory_size=512)
    result = d.run()
    assert result.exit_code is ExitCode.READY, result.error
    sent = [c for c in sandbox.calls if c.operation == operation]
    assert len(sent) == 1 and sent[0].applied and sent[0].status == 500
    config = sandbox.client().get_function_configuration(FunctionName="lost")
    assert config["MemorySize"] == 512
