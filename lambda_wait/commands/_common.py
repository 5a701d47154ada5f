"""What every command shares: building the API client, running a command body
with its output, resolving the functions named and selected. Click and the tool's
own modules only; boto3 is imported lazily through :mod:`lambda_wait.aws` when a
command actually runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lambda_wait.commands._boundary import current_invocation
from lambda_wait.options import BudgetOptions, CommonOptions, SelectionOptions

if TYPE_CHECKING:
    # rich and tenacity load only when a command runs
    from lambda_wait.aws import LambdaApi
    from lambda_wait.clock import Clock
    from lambda_wait.inputs import FunctionRef
    from lambda_wait.result import CommandResult, FunctionReport
    from lambda_wait.ui.output import Output
    from lambda_wait.waiter import WaitResult

CommandBody = Callable[["Output"], "CommandResult"]


def build_api(
    opts: CommonOptions,
    budget: BudgetOptions | None = None,
    *,
    clock: Clock | None = None,
    timeout: float | None = None,
) -> LambdaApi:
    """The Lambda API for these options (fails before any request without region/credentials).

    Call it once per command: its request budgets are the process's one budget,
    shared by every function the command handles. ``clock`` is the command's one
    Clock (default: a new system clock), shared by the API and its budgets. The
    run's Deadline comes after the client set-up (``LambdaApi.bounded_by``); the set-up's
    own credential_process is bounded by ``timeout`` (seconds) from now.
    """
    from lambda_wait.aws import AwsSettings, make_api
    from lambda_wait.budget import DEFAULT_MAX_RPS, RequestBudget, get_function_rps
    from lambda_wait.clock import Deadline, SystemClock

    clock = clock or SystemClock()
    max_rps = budget.max_rps if budget is not None else DEFAULT_MAX_RPS
    return make_api(
        AwsSettings(opts.region, opts.profile, opts.endpoint_url),
        budget=RequestBudget(max_rps, clock=clock),
        get_function_budget=RequestBudget(get_function_rps(max_rps), clock=clock),
        credentials_by=None if timeout is None else Deadline(clock, timeout),
    )


def report_from_wait(result: WaitResult) -> FunctionReport:
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


def run_command(opts: CommonOptions, command: str, body: CommandBody) -> int:
    """Run ``body`` with the command's :class:`Output`, show its result, and return the
    exit code. Whatever stops it early is the error boundary's
    (:mod:`lambda_wait.commands._boundary`), which prints through the same output."""
    from lambda_wait.clock import SystemClock
    from lambda_wait.ui.output import Output

    output = Output(
        json_mode=opts.json,
        quiet=opts.quiet,
        no_color=opts.no_color,
        ci_format=opts.ci_format,
        command=command,
        clock=SystemClock(),
    )
    invocation = current_invocation()
    invocation.command, invocation.debug, invocation.output = command, opts.debug, output
    result = body(output)
    output.result(command, result)
    return int(result.exit_code)


def resolve_functions(
    make_api: Callable[[], LambdaApi],
    functions: tuple[str, ...],
    qualifier: str | None,
    selection: SelectionOptions,
    poll_api: str,
    *,
    region: str | None = None,
) -> tuple[LambdaApi, list[FunctionRef], dict[str, dict[str, Any]]]:
    """The API, the functions named plus those --prefix/--tag select (named first, no
    repeats), and the GetFunction answers the selection already read (reusable as a
    status read).

    Names are validated before the API is built (bad input is exit 2 even without
    credentials); a selection matching nothing, with no function named, is "not
    found" (exit 4).
    """
    from lambda_wait.errors import FunctionNotFoundError, UsageError
    from lambda_wait.inputs import check_region, parse_function

    if not functions and not selection.active:
        raise UsageError(
            "no function given.", hint="Name one or more, or select with --prefix/--tag."
        )
    refs: list[FunctionRef] = []
    for name in functions:  # a function named twice is read (and shown) once
        ref = parse_function(name, qualifier)
        if all(ref.label != other.label for other in refs):
            refs.append(ref)
    for ref in refs:  # an ARN's Region is used, unless --region (``region``) says otherwise
        check_region(ref, region)
    api = make_api()
    if not selection.active:
        return api, refs, {}
    from lambda_wait.api import select_functions

    chosen = select_functions(
        client=api, prefix=selection.prefix, tags=dict(selection.tags), poll_api=poll_api
    )
    if not chosen.names and not refs:
        raise FunctionNotFoundError(
            f"no function matches {selection.describe()} ({chosen.listed} listed in the region).",
            hint="Check the prefix, the tags, --region and the account.",
        )
    given = {ref.label for ref in refs}
    refs += [parse_function(name, qualifier) for name in chosen.names if name not in given]
    return api, refs, (chosen.documents if qualifier is None else {})


def suggest_names(api: LambdaApi, refs: list[FunctionRef], reports: list[FunctionReport]) -> None:
    """For each function Lambda did not find, the closest existing names ("did you
    mean"), added to its error's hint. One paginated ListFunctions through the request
    budget, only on this path; a listing that fails (permissions, the deadline) adds
    nothing and hides nothing."""
    from lambda_wait.errors import FunctionNotFoundError, LambdaWaitError

    missing = [
        (ref, report.error)
        for ref, report in zip(refs, reports, strict=True)
        if isinstance(report.error, FunctionNotFoundError)
    ]
    if not missing:
        return
    try:
        listed = [
            str(doc["FunctionName"]) for doc in api.list_functions() if doc.get("FunctionName")
        ]
    except LambdaWaitError:
        return
    import difflib  # only when a function was not found

    for ref, error in missing:
        close = difflib.get_close_matches(ref.name, listed, n=3, cutoff=0.6)
        if close:
            names = ", ".join(close)
            error.hint = f"Did you mean {names}? " + (error.hint or "")
