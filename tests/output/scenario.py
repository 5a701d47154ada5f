"""One scripted scenario, rendered by every output mode: two functions waited on at
once; ``orders-api`` goes Pending -> Active, ``payments`` fails to create
(SubnetOutOfIPAddresses). A fake clock drives elapsed times and timestamps."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field

from lambda_wait.clock import ManualClock
from lambda_wait.errors import ExitCode, worst
from lambda_wait.output_mode import OutputMode
from lambda_wait.result import CommandResult, FunctionReport, WaitPayload
from lambda_wait.states import FunctionSnapshot, Target, assess
from lambda_wait.ui.output import Output
from lambda_wait.waiter import WaitEvent

EPOCH = 1_767_225_600.0  # 2026-01-01T00:00:00Z
ARN = "arn:aws:lambda:us-east-1:123456789012:function:"
SUBNET_MESSAGE = (
    "Lambda was unable to create an ENI in the VPC of the Lambda function because the "
    "subnet(s) configured for it have no available IP addresses."
)


def scenario_clock() -> ManualClock:
    """The scenario's clock: monotonic 100.0 is 2026-01-01T00:00:00Z."""
    return ManualClock(100.0, epoch=EPOCH - 100.0)


def move_to(clock: ManualClock, at: float) -> None:
    """Let time pass until ``clock.now() == at`` (events arrive in order)."""
    clock.advance(at - clock.now())


def snapshot(
    name: str, state: str, update: str | None, code: str | None = None
) -> FunctionSnapshot:
    failed = state == "Failed"
    return FunctionSnapshot(
        function_name=name,
        function_arn=ARN + name,
        version="$LATEST",
        state=state,
        state_reason=SUBNET_MESSAGE
        if failed
        else ("The function is being created." if code else None),
        state_reason_code=code,
        last_update_status=update,
        last_update_status_reason=None,
        last_update_status_reason_code=None,
        package_type="Zip",
        runtime="python3.12",
        code_sha256="c2hhMjU2LW9mLXRoZS1jb2Rl",
        vpc_id="vpc-0abc",
        environment_keys=("TOKEN",),
    )


@dataclass
class Run:
    """What one scripted wait produced."""

    output: Output
    stdout: io.StringIO
    stderr: io.StringIO
    reports: list[FunctionReport] = field(default_factory=list)
    code: ExitCode = ExitCode.READY


def make_output(
    clock: ManualClock,
    *,
    env: Mapping[str, str] | None = None,
    terminal: bool = False,
    mode: OutputMode = OutputMode.TEXT,
    ci_format: str = "auto",
    no_color: bool = False,
) -> tuple[Output, io.StringIO, io.StringIO]:
    stdout, stderr = io.StringIO(), io.StringIO()
    output = Output(
        mode=mode,
        no_color=no_color,
        ci_format=ci_format,
        command="wait",
        stdout=stdout,
        stderr=stderr,
        env={} if env is None else env,
        terminal=terminal,
        width=100,
        clock=clock,
        animate=False,
    )
    return output, stdout, stderr


def play(output: Output, clock: ManualClock) -> tuple[ExitCode, list[FunctionReport]]:
    """Feed the scenario's events (as the waiter would), then render like ``wait`` does."""
    timeline: list[tuple[float, WaitEvent]] = []

    def poll(
        at: float, name: str, state: str, update: str | None, code: str | None, changed: bool
    ) -> None:
        snap = snapshot(name, state, update, code)
        timeline.append(
            (at, WaitEvent("poll", name, at, snap, assess(snap, Target.READY), changed))
        )

    for name in ("orders-api", "payments"):
        poll(0.2, name, "Pending", None, "Creating", True)
        timeline.append((0.2, WaitEvent("sleep", name, 0.2, sleep_seconds=2.5)))
    for at in (2.7, 5.2, 7.7):  # unchanged polls print nothing
        poll(at, "orders-api", "Pending", None, "Creating", False)
        timeline.append((at, WaitEvent("sleep", "orders-api", at, sleep_seconds=2.5)))
    poll(3.0, "payments", "Failed", "Failed", "SubnetOutOfIPAddresses", True)
    poll(10.2, "orders-api", "Active", "Successful", None, True)
    timeline.sort(key=lambda item: item[0])
    start = clock.now()
    for at, event in timeline:
        move_to(clock, start + at)
        output.progress(event)

    reports = []
    for name, elapsed, polls in (("orders-api", 10.2, 5), ("payments", 3.0, 2)):
        final = [e for _, e in timeline if e.function == name and e.kind == "poll"][-1]
        assert final.snapshot is not None and final.assessment is not None
        reports.append(
            FunctionReport(
                name,
                final.assessment.exit_code,
                final.snapshot,
                final.assessment,
                target="ready",
                elapsed=elapsed,
                polls=polls,
            )
        )
    code = worst([r.exit_code for r in reports])
    output.result("wait", CommandResult(code, reports, WaitPayload(600.0)))
    return code, reports
