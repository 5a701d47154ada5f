"""``deploy`` as a use case without Click: a DeployRequest in, a typed CommandResult
out, against the sandbox; progress reaches the sink given, nothing is printed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from lambda_wait.aws import LambdaApi
from lambda_wait.clock import Clock
from lambda_wait.deploy.model import StepEvent
from lambda_wait.deploy.spec import FlagValues
from lambda_wait.errors import ExitCode, UsageError
from lambda_wait.release.executor import ShiftOptions
from lambda_wait.result import DeployPayload
from lambda_wait.sandbox import SandboxHandle
from lambda_wait.usecases.deploy import DeployRequest, run_deploy
from lambda_wait.waiter import WaitEvent
from tests.deploy.conftest import ROLE


class Setup:
    """A DeploySetup over the sandbox's client; no release flags."""

    def __init__(self, sandbox: SandboxHandle) -> None:
        self.sandbox = sandbox
        self.checked: list[tuple[str | None, int]] = []

    def check_release(self, alias: str | None, specs: int) -> None:
        self.checked.append((alias, specs))

    def api(self, clock: Clock, timeout: float) -> LambdaApi:
        return LambdaApi(self.sandbox.client(), clock=clock)

    def shift(self, api: LambdaApi, function: str, alias: str) -> ShiftOptions | None:
        return None


class Sink:
    """A fake progress sink: what the use case reports, kept."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, str, bool]] = []
        self.waits: list[WaitEvent] = []
        self.notes: list[str] = []

    def step(self, event: StepEvent, function: str, *, several: bool = False) -> None:
        self.steps.append((event.step.name, function, several))
        if event.message:
            self.notes.append(event.message)

    def progress(self, event: WaitEvent) -> None:
        self.waits.append(event)


def flags(name: str, src: Path) -> FlagValues:
    return FlagValues(
        function_name=name,
        code_dir=str(src),
        role=ROLE,
        runtime="python3.12",
        handler="app.handler",
    )


def test_the_use_case_deploys_and_returns_a_typed_run(
    sandbox: SandboxHandle, aws_env: None, src: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    setup, sink = Setup(sandbox), Sink()
    request = DeployRequest(flags=flags("uc", src), alias="live", timeout=60.0, history=False)
    run = run_deploy(request, setup, sink, env={})
    assert run.exit_code is ExitCode.READY and run.error is None
    assert isinstance(run.payload, DeployPayload) and not run.payload.many
    (result,) = run.payload.results
    assert result.applied == ["create", "publish", "alias"] and result.version == "1"
    assert [r.function for r in run.reports] == ["uc"]
    assert ("create", "uc", False) in sink.steps and setup.checked == [("live", 0)]
    assert capsys.readouterr() == ("", "")  # a use case never prints

    dry = run_deploy(
        DeployRequest(
            flags=flags("uc", src),
            alias="live",
            dry_run=True,
            detailed_exitcode=True,
            timeout=60.0,
            history=False,
        ),
        setup,
        sink,
        env={},
    )
    assert dry.exit_code is ExitCode.READY  # up to date: nothing pending


def test_bad_flags_are_refused_before_anything_is_read(sandbox: SandboxHandle, src: Path) -> None:
    request = DeployRequest(flags=flags("uc", src), detailed_exitcode=True)
    with pytest.raises(UsageError, match="--detailed-exitcode goes with --dry-run"):
        run_deploy(request, Setup(sandbox), Sink(), env={})
    assert sandbox.calls == []


def test_a_deprecated_runtime_is_said_before_the_deploy(
    sandbox: SandboxHandle, aws_env: None, src: Path
) -> None:
    sink = Sink()
    old = replace(flags("old", src), runtime="python3.8")
    request = DeployRequest(flags=old, dry_run=True, timeout=60.0, history=False)
    run_deploy(request, Setup(sandbox), sink, env={})
    assert sink.notes[0].startswith(
        "warning: runtime python3.8 has been deprecated since 2024-10-14"
    )
    assert sink.steps[0] == ("deploy", "old", False)  # said before the deploy's first step
