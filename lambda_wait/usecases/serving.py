"""What ``status`` and ``wait`` add for what serves a function's traffic: every
registered serving target the check asks for (provisioned concurrency with a
qualifier, event source mappings, ...), folded into each function's report."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from lambda_wait.errors import AuthError, ExitCode, LambdaWaitError, worst
from lambda_wait.serving import combine
from lambda_wait.serving.watch import ServingCheck, ServingSnapshot, read_serving, wait_serving
from lambda_wait.signals import interruptible
from lambda_wait.states import Assessment
from lambda_wait.targets.base import Need, ServingReader
from lambda_wait.targets.registry import SERVING

if TYPE_CHECKING:
    from lambda_wait.aws import LambdaApi
    from lambda_wait.clock import Clock, Deadline
    from lambda_wait.inputs import FunctionRef
    from lambda_wait.result import FunctionReport

MAX_THREADS = 32  # each sleeps most of the time; the request budget paces the reads
# status: every registered target; for several functions (without --wide), those whose
# reads a fleet can afford (in_fleet_status), which are also what a denied read leaves.
STATUS_CHECK = ServingCheck(needs={target: Need.AUTO for target in SERVING})
FLEET_STATUS_CHECK = ServingCheck(
    needs={target: Need.AUTO for target in SERVING if target.in_fleet_status}
)


def status_with_serving(
    api: ServingReader, ref: FunctionRef, report: FunctionReport, *, fleet: bool = False
) -> FunctionReport:
    """``status``: add what serves the function (read through ``api``, or a reader
    answering from an account-wide listing), and fold its verdict into the function's.
    A missing permission for these reads becomes a note: the function's own status
    stays useful."""
    if report.snapshot is None:
        return report
    notes = list(report.notes)
    check = FLEET_STATUS_CHECK if fleet else STATUS_CHECK
    try:
        serving = read_serving(api, ref.api_name, check.for_qualifier(ref.qualifier))
    except AuthError as err:
        if check is FLEET_STATUS_CHECK:
            return replace(report, notes=[*notes, f"not read: {err.message}"])
        # Without an extra target's permission the rest is still worth showing.
        notes.append(f"not read: {err.message}")
        try:
            serving = read_serving(
                api, ref.api_name, FLEET_STATUS_CHECK.for_qualifier(ref.qualifier)
            )
        except AuthError:
            return replace(report, notes=notes)
    verdict = serving.assess()
    assessment = combine(report.assessment, verdict) if verdict else report.assessment
    exit_code = report.exit_code
    if verdict is not None:
        exit_code = worst([report.exit_code, verdict.exit_code])
    return replace(report, serving=serving, assessment=assessment, exit_code=exit_code, notes=notes)


@dataclass(frozen=True)
class ServingWaits:
    """``wait``: after each function is ready (or without waiting for it, for a goal
    that does not wait on its state), wait on what serves it inside the run's deadline;
    each change goes to ``changed`` (the function's label, the joined verdict)."""

    api: LambdaApi
    check: ServingCheck
    clock: Clock
    deadline: Deadline
    changed: Callable[[str, Assessment], None]

    def all(self, refs: list[FunctionRef], reports: list[FunctionReport]) -> list[FunctionReport]:
        pairs = list(zip(refs, reports, strict=True))
        if len(pairs) == 1:
            return [self.one(pairs[0])]
        pool = ThreadPoolExecutor(max_workers=min(MAX_THREADS, len(pairs)))
        try:
            # Ctrl-C or SIGTERM (or a bug) in the main thread: cancel the run's clock and API
            # so every sleeping worker stops now, not at the deadline (as api.wait_for_functions).
            with interruptible(self.clock, self.api):
                return list(pool.map(self.one, pairs))
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def one(self, pair: tuple[FunctionRef, FunctionReport]) -> FunctionReport:
        ref, report = pair
        if report.exit_code is not ExitCode.READY:
            return report  # the function itself failed or timed out: that is the answer
        check = self.check.for_qualifier(ref.qualifier)
        if not check.active:
            return report
        try:
            result = wait_serving(
                self.api,
                ref.api_name,
                check,
                clock=self.clock,
                deadline=self.deadline,
                on_change=_Announce(ref.label, self.changed),
            )
        except AuthError as err:
            if check.only_auto:
                # Not asked for explicitly: the function itself is ready; say what was not read.
                return replace(report, notes=[*report.notes, f"not read: {err.message}"])
            raise
        except LambdaWaitError as err:
            if err.exit_code in (ExitCode.AUTH, ExitCode.USAGE):
                raise
            return replace(report, exit_code=err.exit_code, error=err)
        verdict = result.assessment
        timed_out = result.timed_out and not verdict.done
        message = (
            f"timed out after the function was ready: {verdict.summary}" if timed_out else None
        )
        return replace(
            report,
            serving=result.snapshot,
            assessment=combine(report.assessment, verdict),
            exit_code=result.exit_code,
            timed_out=timed_out,
            message=message or report.message,
            polls=(report.polls or 0) + result.reads,
        )


@dataclass(frozen=True)
class _Announce:
    """What serves a function changed: its label and joined verdict, as data (each
    output mode shows it its way)."""

    label: str
    changed: Callable[[str, Assessment], None]

    def __call__(self, _snapshot: ServingSnapshot, verdict: Assessment) -> None:
        self.changed(self.label, verdict)
