"""`lambda-wait wait`: poll until functions are ready, fail fast with the reason."""

from __future__ import annotations

from functools import partial
from typing import Any

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
    history_option,
    selection_options,
)
from lambda_wait.targets.mappings import MAPPINGS
from lambda_wait.targets.registry import GOALS, Goal, goals_help, named_goal
from lambda_wait.usecases.functions import FunctionsRequest
from lambda_wait.usecases.wait import WaitRequest, run_wait

from ._common import ApiFactory, run_clock, run_command
from ._evidence_option import evidence_option

EXAMPLES = """
Examples:

\b
  aws lambda update-function-code --function-name my-fn --zip-file fileb://fn.zip
  lambda-wait wait my-fn                      # Active and last update Successful
  lambda-wait wait my-fn --for active --timeout 90s
  lambda-wait wait my-fn --qualifier live     # and its provisioned concurrency READY
  lambda-wait wait my-fn --qualifier live --for provisioned --timeout 15m
  lambda-wait wait my-fn --event-source-mappings   # and every mapping settled
  lambda-wait wait fn-a fn-b --timeout 10m --output json
  lambda-wait wait $(cat functions.txt) --max-rps 5   # many at once, gentler on the quota
  lambda-wait wait my-vpc-fn --wake --timeout 15m   # restore an Inactive function
  lambda-wait wait --prefix orders- --tag env=prod   # every function a listing selects
"""


class GoalChoice(click.Choice[str]):
    """``--for``: one of the registered goals (lambda_wait.targets.registry), given to
    the command as that :class:`Goal`, never as a string."""

    def __init__(self) -> None:
        super().__init__([g.name for g in GOALS])

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, Goal):
            return value
        return named_goal(super().convert(value, param, ctx))


@cloup.command(epilog=EXAMPLES)
@click.argument("functions", nargs=-1, type=FUNCTION_REF, metavar="[FUNCTION...]")
@function_name_option
@cloup.option_group(
    "Waiting",
    click.option(
        "--for",
        "goal",
        type=GoalChoice(),
        default="ready",
        show_default=True,
        help=goals_help(),
    ),
    click.option(
        "--timeout",
        type=DURATION,
        default="10m",
        show_default=True,
        help="Give up after this long (90, 90s, 10m, 1h): exit 3.",
    ),
    click.option("--qualifier", help="Version number or alias to wait for instead of $LATEST."),
    click.option(
        "--event-source-mappings",
        "mappings",
        is_flag=True,
        help="Also wait until none of the function's event source mappings is Creating, "
        "Enabling, Updating, Disabling or Deleting; a mapping Lambda disabled, or whose "
        "StateTransitionReason or LastProcessingResult reports a problem, fails at once.",
    ),
    click.option(
        "--wake",
        is_flag=True,
        help="If a function is Inactive, invoke it once to start the restore (see "
        "docs/inactive-and-cooldown.md), then wait; waits out a cooldown when the timeout allows.",
    ),
)
@history_option
@evidence_option
@selection_options
@budget_options
@common_options
def command(
    functions: tuple[FunctionRef, ...],
    function_names: tuple[FunctionRef, ...],
    goal: Goal,
    timeout: float,
    qualifier: str | None,
    mappings: bool,
    wake: bool,
    no_history: bool,
    evidence: bool,
    selection: SelectionOptions,
    budget: BudgetOptions,
    opts: CommonOptions,
) -> int:
    """Wait until each FUNCTION is ready, then exit 0.

    FUNCTION is a name, an ARN or a partial ARN; --prefix and --tag add the
    functions a listing selects (with both, a function must match both).

    Polls GetFunctionConfiguration (or GetFunction, --poll-api) on a schedule
    derived from what the function is doing (create, update, VPC attach, ...),
    counted from when the change started (its LastModified): a completion is
    seen within max(1 s, 5% of the time elapsed), later only early in a change
    that AWS says takes longer (a function in a VPC: up to 4 s; a restore: up
    to 10 s; a SnapStart publish: up to 18.5 s), and densely around the end
    that this function's earlier runs predict (turn that off with
    --no-history). Many functions are waited on at once under one request
    budget (see --max-rps); when it is short, reads go first to the functions
    most likely to have finished, and the ends of the others' changes of the
    same kind speed up the reads of the rest.
    Stops at once when the function or its last update Failed, and explains
    the reason code. An Inactive function ends the wait at once (exit 7)
    unless --wake is given; a restore that failed with a cooldown code is not
    retried for 5 minutes (exit 6 with the earliest retry time when the timeout
    is shorter). Throttling and transient errors are retried inside the
    timeout, honouring Lambda's Retry-After.
    """

    request = WaitRequest(
        FunctionsRequest(
            functions + function_names, qualifier, selection, budget.poll_api, opts.region
        ),
        goal,
        timeout,
        also=(MAPPINGS,) if mappings else (),
        wake=wake,
        history=not no_history,
        evidence=evidence,
    )
    return run_command(
        opts, "wait", partial(run_wait, request, ApiFactory(opts, budget), clock=run_clock())
    )
