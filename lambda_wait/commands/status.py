"""`lambda-wait status`: one read of each function, explained."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click
import cloup

from lambda_wait.errors import ExitCode, LambdaWaitError, UsageError, worst
from lambda_wait.options import (
    DURATION,
    FUNCTION,
    BudgetOptions,
    CommonOptions,
    SelectionOptions,
    budget_options,
    common_options,
    function_name_option,
    selection_options,
)

if TYPE_CHECKING:
    from lambda_wait.aws import LambdaApi
    from lambda_wait.inputs import FunctionRef
    from lambda_wait.result import CommandResult, FunctionReport
    from lambda_wait.ui.output import Output

from ._common import build_api, resolve_functions, run_command, suggest_names

EXAMPLES = """
Examples:

\b
  lambda-wait status my-function
  lambda-wait status my-function --qualifier prod
  lambda-wait status fn-a fn-b --output json | jq '.functions[].snapshot.state'
  lambda-wait status --prefix orders-                # every function named orders-*
  lambda-wait status --tag team=payments --tag env=prod --poll-api get-function
  lambda-wait status --prefix orders- --wide --watch   # a table, redrawn every 5 s
"""


@cloup.command(epilog=EXAMPLES)
@click.argument("functions", nargs=-1, type=FUNCTION, metavar="[FUNCTION...]")
@function_name_option
@click.option("--qualifier", help="Version number or alias to read instead of $LATEST.")
@cloup.option_group(
    "Display",
    click.option(
        "--wide", is_flag=True, help="With several functions: add package, last change and VPC."
    ),
    click.option(
        "--watch",
        is_flag=True,
        help="Read again every --interval and redraw in place, until Ctrl-C (exit 130).",
    ),
    click.option(
        "--interval",
        type=DURATION,
        default="5s",
        show_default=True,
        help="How often --watch reads (each read of each function goes through the budget).",
    ),
)
@selection_options
@budget_options
@common_options
def command(
    functions: tuple[str, ...],
    function_names: tuple[str, ...],
    qualifier: str | None,
    wide: bool,
    watch: bool,
    interval: float,
    selection: SelectionOptions,
    budget: BudgetOptions,
    opts: CommonOptions,
) -> int:
    """Show what each FUNCTION is doing and why.

    FUNCTION is a name, an ARN or a partial ARN; --prefix and --tag add the
    functions a listing selects (with both, a function must match both). Shows State and
    LastUpdateStatus, both reasons decoded into cause and remedy, package type,
    runtime, last modified time, CodeSha256, version and whether the function
    is in a VPC. Environment variable values are never shown. With --qualifier, also
    the provisioned concurrency config of that alias or version (requested, allocated,
    available, status, StatusReason decoded); and the function's event source mappings,
    one line each (source, state, StateTransitionReason, LastProcessingResult, batch).

    One function: its details. Several: one line each (state, update, reason
    code and the first words of what to do) and a line of totals.

    Exits 0 only when every function is ready (Active, last update Successful, its
    provisioned concurrency READY, no mapping failed or changing state); otherwise
    with the worst outcome (see `lambda-wait --help`).
    """

    def body(output: Output) -> CommandResult:
        from lambda_wait.result import CommandResult, StatusPayload

        if watch and opts.json:
            raise UsageError(
                "--watch redraws a table; it cannot be combined with --output json.",
                hint="Drop --watch, or poll `lambda-wait status -o json` yourself.",
            )
        api, refs, prefetched = resolve_functions(
            lambda: build_api(opts, budget),
            functions + function_names,
            qualifier,
            selection,
            budget.poll_api,
            region=opts.region,
        )

        def read(documents: dict[str, dict[str, Any]]) -> CommandResult:
            reports = _read_all(api, refs, qualifier, budget.poll_api, documents)
            suggest_names(api, refs, reports)
            code = worst([r.exit_code for r in reports])
            return CommandResult(code, reports, StatusPayload(wide=wide))

        if watch:
            output.watch(lambda: read({}), interval, first=read(prefetched))
        return read(prefetched)

    return run_command(opts, "status", body)


def _read_all(
    api: LambdaApi,
    refs: list[FunctionRef],
    qualifier: str | None,
    poll_api: str,
    documents: dict[str, dict[str, Any]],
) -> list[FunctionReport]:
    """One read of each function (or the answer a selection already read)."""
    from lambda_wait.api import get_status
    from lambda_wait.commands._serving import status_with_serving
    from lambda_wait.result import FunctionReport

    reports: list[FunctionReport] = []
    for ref in refs:
        try:
            result = get_status(
                ref.given,
                client=api,
                qualifier=qualifier,
                poll_api=poll_api,
                configuration=documents.get(ref.given),
            )
            report = FunctionReport(
                ref.label,
                result.exit_code,
                result.snapshot,
                result.assessment,
                notes=list(result.notes),
                cooldown=result.cooldown,
            )
            reports.append(status_with_serving(api, ref, report))
        except LambdaWaitError as err:
            if err.exit_code in (ExitCode.AUTH, ExitCode.USAGE):
                raise  # the same for every function: say it once
            reports.append(FunctionReport(ref.label, err.exit_code, error=err))
    return reports
