"""``wait``: wait until each function reaches the goal ``--for`` names, then on what
serves it, all inside the run's one Deadline; a typed result, without Click."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from lambda_wait.clock import Clock, Deadline, SystemClock
from lambda_wait.errors import ExitCode, worst
from lambda_wait.serving.watch import ServingCheck
from lambda_wait.targets.base import Need, ServingTarget
from lambda_wait.targets.registry import Goal
from lambda_wait.usecases.functions import FunctionsRequest, select, suggest_names

if TYPE_CHECKING:
    from lambda_wait.aws import LambdaApi
    from lambda_wait.inputs import FunctionRef
    from lambda_wait.result import CommandResult, FunctionReport
    from lambda_wait.states import Assessment
    from lambda_wait.waiter import WaitEvent, WaitResult

# Builds the run's client on its one clock; the Deadline bounds the set-up's own
# credential_process (``lambda_wait.commands._common.ApiFactory`` is one).
Connect = Callable[[Clock, "Deadline | None"], "LambdaApi"]


class Progress(Protocol):
    """Where a wait's progress goes (``lambda_wait.ui.output.Output`` is one)."""

    def progress(self, event: WaitEvent) -> None: ...

    def serving(self, label: str, verdict: Assessment) -> None: ...


@dataclass(frozen=True)
class WaitRequest:
    """Everything ``wait`` was asked: the functions, the goal (a registered ``--for``
    choice), the serving targets asked for besides it (``--event-source-mappings``),
    ``--timeout``, ``--wake`` and whether to use the history."""

    functions: FunctionsRequest
    goal: Goal
    timeout: float
    also: tuple[ServingTarget[Any], ...] = ()
    wake: bool = False
    history: bool = True
    evidence: bool = True  # --evidence: read what explains a failure

    def check(self) -> ServingCheck:
        """How much each serving target is needed: the goal's, and those asked for."""
        needs = dict(self.goal.needs)
        for target in self.also:
            needs.setdefault(target, Need.AUTO)
        return ServingCheck(self.functions.qualifier, needs=needs)

    def usage_problem(self, refs: list[FunctionRef]) -> None:
        """Raise bad input (exit 2) the goal cannot take, before any client exists."""
        for ref in refs:
            problem = self.goal.qualifier_problem(ref.qualifier)
            if problem is not None:
                raise problem
        if self.functions.selection.active:
            problem = self.goal.qualifier_problem(self.functions.qualifier)
            if problem is not None:
                raise problem


def run_wait(
    request: WaitRequest, connect: Connect, progress: Progress, clock: Clock | None = None
) -> CommandResult:
    """Wait for every function; the worst outcome is the exit code."""
    from lambda_wait.result import CommandResult, WaitPayload
    from lambda_wait.usecases.serving import ServingWaits

    refs = request.functions.named_refs()
    request.usage_problem(refs)
    clock = clock or SystemClock()
    # The run's one deadline: it bounds the set-up's credential_process, the listing,
    # every request and every wait, the serving wait included.
    deadline = Deadline(clock, request.timeout)
    api = connect(clock, deadline).bounded_by(deadline)
    refs, _ = select(api, request.functions, refs)
    reports = _wait_functions(api, refs, request, progress, deadline)
    serving = ServingWaits(api, request.check(), clock, deadline, progress.serving)
    reports = serving.all(refs, reports)
    if request.evidence and any(r.exit_code is not ExitCode.READY for r in reports):
        # Loaded only for a failure: a ready wait's exit pays nothing for it.
        from lambda_wait.usecases.evidence import attach_evidence, told

        attach_evidence(api, reports, deadline, told(progress))
    code = worst([r.exit_code for r in reports])
    return CommandResult(code, reports, WaitPayload(request.timeout))


def _wait_functions(
    api: LambdaApi,
    refs: list[FunctionRef],
    request: WaitRequest,
    progress: Progress,
    deadline: Deadline,
) -> list[FunctionReport]:
    """Each function's own wait, by the goal's rule (none: counted ready, and what
    serves it decides)."""
    from lambda_wait.api import wait_for_functions
    from lambda_wait.result import FunctionReport

    goal = request.goal
    if goal.rule is None:
        return [FunctionReport(ref.label, ExitCode.READY, target=goal.name) for ref in refs]
    results = wait_for_functions(
        refs,
        client=api,
        target=goal.rule,
        deadline=deadline,
        listener=progress.progress,
        wake=request.wake,
        poll_api=request.functions.poll_api,
        history=request.history,
    )
    reports = [report_from_wait(result) for result in results]
    for result in results:
        if result.error is not None and result.error.exit_code in (ExitCode.AUTH, ExitCode.USAGE):
            raise result.error  # the same for every function: say it once
    suggest_names(api, refs, reports)
    return reports


def report_from_wait(result: WaitResult) -> FunctionReport:
    """A function's report from how its wait ended."""
    from lambda_wait.result import FunctionReport

    return FunctionReport(
        function=result.function,
        exit_code=result.exit_code,
        snapshot=result.snapshot,
        assessment=result.assessment,
        error=result.error,
        target=result.target.value,
        elapsed=result.elapsed,
        polls=result.polls,
        timed_out=result.timed_out,
        message=result.message if (result.timed_out or result.error) else None,
        notes=list(result.notes),
        cooldown=result.cooldown,
    )
