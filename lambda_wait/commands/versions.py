"""`lambda-wait versions`: published versions, what uses them, and pruning."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import click

from lambda_wait.options import FUNCTION_REF, CommonOptions, common_options

if TYPE_CHECKING:
    from lambda_wait.inputs import FunctionRef
    from lambda_wait.result import CommandResult
    from lambda_wait.ui.output import Output

from ._common import build_api, run_command

EXAMPLES = """
Examples:

\b
  lambda-wait versions my-function
  lambda-wait versions my-function --prune --keep 5 --dry-run
  lambda-wait versions my-function --prune --keep 5
"""


@click.command(epilog=EXAMPLES)
@click.argument("function", type=FUNCTION_REF)
@click.option(
    "--prune",
    is_flag=True,
    help="Delete older versions that no alias points at and that have no provisioned concurrency.",
)
@click.option(
    "--keep",
    type=click.IntRange(0, None),
    default=3,
    show_default=True,
    help="With --prune: always keep this many newest versions.",
)
@click.option("--dry-run", is_flag=True, help="With --prune: say what would go; delete nothing.")
@common_options
def command(
    function: FunctionRef, prune: bool, keep: int, dry_run: bool, opts: CommonOptions
) -> int:
    """List FUNCTION's published versions with the aliases pointing at them (weights
    included), provisioned concurrency, code size and last modified time.

    --prune --keep N deletes the versions older than the N newest that no alias
    points at and that carry no provisioned concurrency; $LATEST is never deleted.
    Run it with --dry-run first.
    """

    def body(output: Output) -> CommandResult:
        from lambda_wait.errors import UsageError
        from lambda_wait.release.actions import versions
        from lambda_wait.result import CommandResult, FunctionReport, ReleasePayload
        from lambda_wait.ui.fit import versions_lines

        if dry_run and not prune:
            raise UsageError("--dry-run goes with --prune: listing changes nothing anyway.")
        ref = function  # parsed once, by the argument type
        result = versions(build_api(opts), ref.api_name, prune=prune, keep=keep, dry_run=dry_run)
        lines = result.lines()
        report = FunctionReport(
            ref.label, result.exit_code, message=f"{len(result.rows)} published version(s)"
        )
        payload = ReleasePayload(
            "versions", lines, result.to_dict(), at_width=partial(versions_lines, result)
        )
        return CommandResult(result.exit_code, [report], payload)

    return run_command(opts, "versions", body)
