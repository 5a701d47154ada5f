"""`lambda-wait status`: one read of each function, explained."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from lambda_wait.errors import ExitCode, LambdaWaitError, worst
from lambda_wait.options import (
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
"""


@click.command(epilog=EXAMPLES)
@click.argument("functions", nargs=-1, type=FUNCTION, metavar="[FUNCTION...]")
@function_name_option
@click.option("--qualifier", help="Version number or alias to read instead of $LATEST.")
@selection_options
@budget_options
@common_options
def command(
    functions: tuple[str, ...],
    function_names: tuple[str, ...],
    qualifier: str | None,
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

    Exits 0 only when every function is ready (Active, last update Successful, its
    provisioned concurrency READY, no mapping failed or changing state); otherwise
    with the worst outcome (see `lambda-wait --help`).
    """

    def body(output: Output) -> CommandResult:
        from lambda_wait.api import get_status
        from lambda_wait.commands._serving import status_with_serving
        from lambda_wait.result import CommandResult, FunctionReport, StatusPayload

        api, refs, prefetched = resolve_functions(
            lambda: build_api(opts, budget),
            functions + function_names,
            qualifier,
            selection,
            budget.poll_api,
        )
        reports: list[FunctionReport] = []
        for ref in refs:
            try:
                result = get_status(
                    ref.given,
                    client=api,
                    qualifier=qualifier,
                    poll_api=budget.poll_api,
                    configuration=prefetched.get(ref.given),
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
        suggest_names(api, refs, reports)
        return CommandResult(worst([r.exit_code for r in reports]), reports, StatusPayload())

    return run_command(opts, "status", body)
