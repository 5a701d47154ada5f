"""`lambda-wait rollback`: point an alias back at the previous version."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from lambda_wait.options import FUNCTION_REF, CommonOptions, common_options

if TYPE_CHECKING:
    from lambda_wait.inputs import FunctionRef
    from lambda_wait.result import CommandResult
    from lambda_wait.ui.output import Output

from ._common import build_api, run_clock, run_command
from ._complete import alias_items

EXAMPLES = """
Examples:

\b
  lambda-wait rollback my-function --alias live              # to the version before
  lambda-wait rollback my-function --alias live --to 7
  lambda-wait rollback my-function --alias live --dry-run -o json
"""


@click.command(epilog=EXAMPLES)
@click.argument("function", type=FUNCTION_REF)
@click.option("--alias", required=True, help="The alias to move back.", shell_complete=alias_items)
@click.option(
    "--to", "to", metavar="VERSION", help="The version to go to (default: the previous one)."
)
@click.option("--dry-run", is_flag=True, help="Say where the alias would go; change nothing.")
@common_options
def command(
    function: FunctionRef, alias: str, to: str | None, dry_run: bool, opts: CommonOptions
) -> int:
    """Point ALIAS back at the previous version, with no traffic weights.

    The previous version is the highest published version below the one the
    alias points at (or --to VERSION). An alias left mid-shift (with weights)
    goes back to its main version. The move carries the alias's RevisionId and
    is read back before the command ends. No earlier version, or a --to that
    does not exist: exit 2, nothing changed.
    """

    def body(output: Output) -> CommandResult:
        from lambda_wait.deploy.reading import check_alias
        from lambda_wait.release.actions import rollback
        from lambda_wait.result import CommandResult, FunctionReport, ReleasePayload

        check_alias(alias)
        ref = function  # parsed once, by the argument type
        result = rollback(build_api(opts), ref.api_name, alias, run_clock(), to=to, dry_run=dry_run)
        report = FunctionReport(ref.label, result.exit_code, message=result.lines()[0])
        payload = ReleasePayload("rollback", result.lines(), result.to_dict())
        return CommandResult(result.exit_code, [report], payload)

    return run_command(opts, "rollback", body)
