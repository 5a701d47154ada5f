"""What every command shares: building the API client, the error boundary and
exit-code handling. Click and the tool's own modules only; boto3 is imported
lazily through :mod:`lambda_wait.aws` when a command actually runs."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

from lambda_wait.errors import ExitCode, LambdaWaitError
from lambda_wait.options import BudgetOptions, CommonOptions, SelectionOptions

if TYPE_CHECKING:
    # rich and tenacity load only when a command runs
    from lambda_wait.aws import LambdaApi
    from lambda_wait.inputs import FunctionRef
    from lambda_wait.output import FunctionReport, Output
    from lambda_wait.waiter import WaitResult

CommandBody = Callable[["Output"], tuple[ExitCode, list["FunctionReport"], dict[str, Any]]]


def build_api(opts: CommonOptions, budget: BudgetOptions | None = None) -> LambdaApi:
    """The Lambda API for these options (fails before any request without region/credentials).

    Call it once per command: its request budgets are the process's one budget,
    shared by every function the command handles.
    """
    from lambda_wait.aws import AwsSettings, make_api
    from lambda_wait.budget import DEFAULT_MAX_RPS, RequestBudget, get_function_rps

    max_rps = budget.max_rps if budget is not None else DEFAULT_MAX_RPS
    return make_api(
        AwsSettings(opts.region, opts.profile, opts.endpoint_url),
        budget=RequestBudget(max_rps),
        get_function_budget=RequestBudget(get_function_rps(max_rps)),
    )


def report_from_wait(result: WaitResult) -> FunctionReport:
    from lambda_wait.output import FunctionReport

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


def run_command(opts: CommonOptions, command: str, body: CommandBody) -> NoReturn:
    """Run ``body`` and exit with its code; every known error becomes one stderr line
    (and the JSON envelope in JSON mode); unknown errors too, unless --debug."""
    from lambda_wait.output import Output, envelope

    output = Output(
        json_mode=opts.json,
        quiet=opts.quiet,
        no_color=opts.no_color,
        ci_format=opts.ci_format,
        command=command,
    )
    from lambda_wait.signals import exit_code, sigterm_raises

    try:
        with sigterm_raises():  # SIGTERM unwinds like Ctrl-C, to exit 143
            code, reports, extra = body(output)
        error = extra.get("error")
        output.finish(
            command, code, reports, error if isinstance(error, LambdaWaitError) else None, extra
        )
        if opts.json:
            output.emit_json(envelope(command, code, reports, **extra))
    except LambdaWaitError as err:
        code = err.exit_code
        output.end_progress()
        output.error(err)
        output.finish(command, code, [], err)
        if opts.json:
            output.emit_json(envelope(command, code, [], error=err))
    except KeyboardInterrupt as stop:  # SIGINT (130), or SIGTERM (143)
        code = exit_code(stop)
        output.end_progress()
        output.err.print(f"lambda-wait: {code.label}; nothing more was sent to AWS.")
        interrupted = LambdaWaitError(code.label)
        interrupted.exit_code = code
        output.finish(command, code, [], interrupted)
        if opts.json:
            output.emit_json(envelope(command, code, [], error=interrupted))
    except Exception as err:  # the boundary: a traceback is a bug, shown only with --debug
        output.end_progress()
        if opts.debug:
            traceback.print_exc()
        code = ExitCode.INTERNAL
        output.err.print(
            f"lambda-wait: internal error: {type(err).__name__}: {err} "
            "(run with --debug for the traceback, and please report it)"
        )
        internal = LambdaWaitError(f"internal error: {type(err).__name__}")
        internal.exit_code = code
        output.finish(command, code, [], internal)
        if opts.json:
            output.emit_json(envelope(command, code, [], error=internal))
    sys.stdout.flush()
    sys.exit(int(code))


def resolve_functions(
    make_api: Callable[[], LambdaApi],
    functions: tuple[str, ...],
    qualifier: str | None,
    selection: SelectionOptions,
    poll_api: str,
) -> tuple[LambdaApi, list[FunctionRef], dict[str, dict[str, Any]]]:
    """The API, the functions named plus those --prefix/--tag select (named first, no
    repeats), and the GetFunction answers the selection already read (reusable as a
    status read).

    Names are validated before the API is built (bad input is exit 2 even without
    credentials); a selection matching nothing, with no function named, is "not
    found" (exit 4).
    """
    from lambda_wait.errors import FunctionNotFoundError, UsageError
    from lambda_wait.inputs import parse_function

    if not functions and not selection.active:
        raise UsageError(
            "no function given.", hint="Name one or more, or select with --prefix/--tag."
        )
    refs = [parse_function(name, qualifier) for name in functions]
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
