"""What ``status`` and ``wait`` add for what serves a function's traffic: its
provisioned concurrency config (with --qualifier) and its event source mappings."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING

from lambda_wait.errors import AuthError, ExitCode, LambdaWaitError, worst
from lambda_wait.serving import combine
from lambda_wait.serving.watch import ServingCheck, read_serving, wait_serving
from lambda_wait.states import Assessment

if TYPE_CHECKING:
    from lambda_wait.aws import LambdaApi
    from lambda_wait.clock import Clock, Deadline
    from lambda_wait.inputs import FunctionRef
    from lambda_wait.result import FunctionReport
    from lambda_wait.ui.output import Output

MAX_THREADS = 32  # each sleeps most of the time; the request budget paces the reads


def status_with_serving(api: LambdaApi, ref: FunctionRef, report: FunctionReport) -> FunctionReport:
    """``status``: add the qualifier's provisioned concurrency and the mappings, and fold
    their verdict into the function's. A missing permission for these reads becomes a
    note: the function's own status stays useful."""
    if report.snapshot is None:
        return report
    check = ServingCheck(qualifier=ref.qualifier, mappings=True)
    try:
        serving = read_serving(api, ref.api_name, check)
    except AuthError as err:
        return replace(report, notes=[*report.notes, f"not read: {err.message}"])
    verdict = serving.assess()
    assessment = combine(report.assessment, verdict) if verdict else report.assessment
    exit_code = report.exit_code
    if verdict is not None:
        exit_code = worst([report.exit_code, verdict.exit_code])
    return replace(report, serving=serving, assessment=assessment, exit_code=exit_code)


def wait_with_serving(
    api: LambdaApi,
    refs: list[FunctionRef],
    reports: list[FunctionReport],
    check: ServingCheck,
    *,
    clock: Clock,
    deadline: Deadline,
    output: Output,
) -> list[FunctionReport]:
    """``wait``: after each function is ready (or without waiting for it, for
    ``--for provisioned``), wait on what serves it inside the same deadline."""

    def one(pair: tuple[FunctionRef, FunctionReport]) -> FunctionReport:
        ref, report = pair
        if report.exit_code is not ExitCode.READY:
            return report  # the function itself failed or timed out: that is the answer
        per_ref = ServingCheck(
            qualifier=ref.qualifier, provisioned=check.provisioned, mappings=check.mappings
        )
        if not per_ref.active:
            return report

        def changed(_snapshot: object, verdict: Assessment) -> None:
            output.info(f"{ref.label}: {verdict.summary}")

        try:
            result = wait_serving(
                api, ref.api_name, per_ref, clock=clock, deadline=deadline, on_change=changed
            )
        except AuthError as err:
            if per_ref.provisioned == "auto" and not per_ref.mappings:
                # Not asked for explicitly: the function itself is ready; say what was not read.
                return replace(report, notes=[*report.notes, f"not read: {err.message}"])
            raise
        except LambdaWaitError as err:
            if err.exit_code in (ExitCode.AUTH, ExitCode.USAGE):
                raise
            return replace(report, exit_code=err.exit_code, error=err)
        verdict = result.assessment
        joined = combine(report.assessment, verdict)
        message = None
        if result.timed_out and not verdict.done:
            message = f"timed out after the function was ready: {verdict.summary}"
        return replace(
            report,
            serving=result.snapshot,
            assessment=joined,
            exit_code=result.exit_code,
            timed_out=result.timed_out and not verdict.done,
            message=message or report.message,
            polls=(report.polls or 0) + result.reads,
        )

    pairs = list(zip(refs, reports, strict=True))
    if len(pairs) == 1:
        return [one(pairs[0])]
    with ThreadPoolExecutor(max_workers=min(MAX_THREADS, len(pairs))) as pool:
        return list(pool.map(one, pairs))
