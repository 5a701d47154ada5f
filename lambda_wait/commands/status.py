"""`lambda-wait status`: one read of each function, explained."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from lambda_wait.errors import (
    ExitCode,
    FunctionNotFoundError,
    LambdaWaitError,
    UsageError,
    worst,
)
from lambda_wait.options import (
    FUNCTION,
    TAG_FILTER,
    BudgetOptions,
    CommonOptions,
    budget_options,
    common_options,
)

if TYPE_CHECKING:
    from lambda_wait.output import FunctionReport, Output

from ._common import build_api, run_command

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
@click.option("--qualifier", help="Version number or alias to read instead of $LATEST.")
@click.option(
    "--prefix",
    help="Add the functions whose name starts with this (one paginated ListFunctions; "
    "IAM lambda:ListFunctions).",
)
@click.option(
    "--tag",
    "tags",
    multiple=True,
    type=TAG_FILTER,
    help="Add the functions carrying this tag (KEY=VALUE, or KEY for any value); "
    "repeat to require several; with --prefix, among those only. Reads the tags of "
    "each listed function (every one in the region without --prefix) through the "
    "budget: ListTags (IAM lambda:ListTags), or GetFunction with --poll-api get-function.",
)
@budget_options
@common_options
def command(
    functions: tuple[str, ...],
    qualifier: str | None,
    prefix: str | None,
    tags: tuple[tuple[str, str | None], ...],
    budget: BudgetOptions,
    opts: CommonOptions,
) -> None:
    """Show what each FUNCTION is doing and why.

    FUNCTION is a name, an ARN or a partial ARN; --prefix and --tag add the
    functions a listing selects (with both, a function must match both). Shows State and
    LastUpdateStatus, both reasons decoded into cause and remedy, package type,
    runtime, last modified time, CodeSha256, version and whether the function
    is in a VPC. Environment variable values are never shown.

    Exits 0 only when every function is ready (Active, last update Successful);
    otherwise with the worst outcome (see `lambda-wait --help`).
    """

    def body(output: Output) -> tuple[ExitCode, list[FunctionReport], dict[str, object]]:
        from lambda_wait.api import get_status
        from lambda_wait.inputs import parse_function
        from lambda_wait.output import FunctionReport

        if not functions and prefix is None and not tags:
            raise UsageError(
                "no function given.", hint="Name one or more, or select with --prefix/--tag."
            )
        refs = [parse_function(name, qualifier) for name in functions]  # before any request
        api = build_api(opts, budget)
        prefetched: dict[str, dict[str, Any]] = {}
        if prefix is not None or tags:
            from lambda_wait.api import select_functions

            selection = select_functions(
                client=api, prefix=prefix, tags=dict(tags), poll_api=budget.poll_api
            )
            if not selection.names and not refs:
                raise FunctionNotFoundError(
                    f"no function matches {_describe(prefix, tags)} "
                    f"({selection.listed} listed in the region).",
                    hint="Check the prefix, the tags, --region and the account.",
                )
            given = {ref.label for ref in refs}
            refs += [
                parse_function(name, qualifier) for name in selection.names if name not in given
            ]
            if qualifier is None:
                prefetched = selection.documents
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
                reports.append(
                    FunctionReport(
                        ref.label,
                        result.exit_code,
                        result.snapshot,
                        result.assessment,
                        notes=list(result.notes),
                        cooldown=result.cooldown,
                    )
                )
            except LambdaWaitError as err:
                if err.exit_code in (ExitCode.AUTH, ExitCode.USAGE):
                    raise  # the same for every function: say it once
                reports.append(FunctionReport(ref.label, err.exit_code, error=err))
        if not opts.json:
            output.status_reports(reports)
        return worst([r.exit_code for r in reports]), reports, {}

    run_command(opts, "status", body)


def _describe(prefix: str | None, tags: tuple[tuple[str, str | None], ...]) -> str:
    parts = [f"--prefix {prefix!r}"] if prefix is not None else []
    parts += [
        f"--tag {key}={value}" if value is not None else f"--tag {key}" for key, value in tags
    ]
    return " and ".join(parts)
