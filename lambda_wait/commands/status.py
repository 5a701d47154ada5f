"""`lambda-wait status`: one read of each function, explained."""

from __future__ import annotations

from functools import partial

import click
import cloup

from lambda_wait.inputs import FunctionRef
from lambda_wait.options import (
    DURATION,
    FUNCTION_REF,
    BudgetOptions,
    CommonOptions,
    SelectionOptions,
    budget_options,
    common_options,
    function_name_option,
    selection_options,
)
from lambda_wait.usecases.functions import FunctionsRequest
from lambda_wait.usecases.status import StatusRequest, run_status

from ._common import ApiFactory, run_clock, run_command

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
@click.argument("functions", nargs=-1, type=FUNCTION_REF, metavar="[FUNCTION...]")
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
    functions: tuple[FunctionRef, ...],
    function_names: tuple[FunctionRef, ...],
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

    request = StatusRequest(
        FunctionsRequest(
            functions + function_names, qualifier, selection, budget.poll_api, opts.region
        ),
        wide=wide,
        watch=interval if watch else None,
        mode=opts.output,
    )
    return run_command(
        opts, "status", partial(run_status, request, ApiFactory(opts, budget), clock=run_clock())
    )
