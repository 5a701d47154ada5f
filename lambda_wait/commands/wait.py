"""`lambda-wait wait`: poll until functions are ready, fail fast with the reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
import cloup

from lambda_wait.errors import ExitCode, worst
from lambda_wait.options import (
    DURATION,
    FUNCTION,
    BudgetOptions,
    CommonOptions,
    SelectionOptions,
    budget_options,
    common_options,
    function_name_option,
    history_option,
    selection_options,
)

if TYPE_CHECKING:
    from lambda_wait.result import CommandResult
    from lambda_wait.ui.output import Output

from ._common import (
    build_api,
    report_from_wait,
    resolve_functions,
    run_command,
    suggest_names,
)

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


@cloup.command(epilog=EXAMPLES)
@click.argument("functions", nargs=-1, type=FUNCTION, metavar="[FUNCTION...]")
@function_name_option
@cloup.option_group(
    "Waiting",
    click.option(
        "--for",
        "target",
        type=click.Choice(["ready", "active", "updated", "provisioned"]),
        default="ready",
        show_default=True,
        help="ready: State Active and LastUpdateStatus Successful, and with --qualifier "
        "the alias's or version's provisioned concurrency READY when it has some; active: "
        "State Active only; updated: LastUpdateStatus Successful only; provisioned: the "
        "provisioned concurrency config of --qualifier READY (exit 2 when it has none).",
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
@selection_options
@budget_options
@common_options
def command(
    functions: tuple[str, ...],
    function_names: tuple[str, ...],
    target: str,
    timeout: float,
    qualifier: str | None,
    mappings: bool,
    wake: bool,
    no_history: bool,
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

    def body(output: Output) -> CommandResult:
        from lambda_wait.api import wait_for_functions
        from lambda_wait.clock import Deadline, SystemClock
        from lambda_wait.commands._serving import wait_with_serving
        from lambda_wait.errors import UsageError
        from lambda_wait.result import CommandResult, FunctionReport, WaitPayload
        from lambda_wait.serving.watch import ServingCheck

        if target == "provisioned":
            from lambda_wait.inputs import parse_function

            unqualified = [
                f
                for f in functions + function_names
                if parse_function(f, qualifier).qualifier is None
            ]
            if unqualified or (selection.active and not qualifier):
                raise UsageError(
                    "--for provisioned needs --qualifier: provisioned concurrency lives on "
                    "an alias or a published version, never on $LATEST",
                    hint="Add e.g. --qualifier live.",
                )
        clock = SystemClock()
        api, refs, _ = resolve_functions(
            # --timeout bounds a credential_process of the set-up too (aws_setup).
            lambda: build_api(opts, budget, clock=clock, timeout=timeout),
            functions + function_names,
            qualifier,
            selection,
            budget.poll_api,
            region=opts.region,
        )
        # The run's one deadline, counted (as each function's wait is) from after the
        # listing: no request is sent or answered past it, the serving wait ends by it.
        deadline = Deadline(clock, timeout)
        api = api.bounded_by(deadline)
        if target == "provisioned":
            reports = [FunctionReport(ref.label, ExitCode.READY, target=target) for ref in refs]
        else:
            results = wait_for_functions(
                [ref.given for ref in refs],
                client=api,
                target=target,
                timeout=timeout,
                qualifier=qualifier,
                listener=output.progress,
                wake=wake,
                poll_api=budget.poll_api,
                history=not no_history,
            )
            reports = [report_from_wait(result) for result in results]
            for result in results:
                if result.error is not None and result.error.exit_code in (
                    ExitCode.AUTH,
                    ExitCode.USAGE,
                ):
                    raise result.error
            suggest_names(api, refs, reports)
        # Provisioned concurrency: for ready (when the qualifier has a config) and provisioned.
        provisioned = {"ready": "auto", "provisioned": "require"}.get(target, "off")
        check = ServingCheck(provisioned=provisioned, mappings=mappings)
        reports = wait_with_serving(
            api, refs, reports, check, clock=clock, deadline=deadline, output=output
        )
        return CommandResult(worst([r.exit_code for r in reports]), reports, WaitPayload(timeout))

    return run_command(opts, "wait", body)
