"""`lambda-wait init`: a deploy spec from a live function."""

from __future__ import annotations

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
  lambda-wait init my-function > function.json
  lambda-wait init my-function --spec-file function.json --download build/
  DB_PASSWORD=... lambda-wait deploy --spec function.json --dry-run   # no change
"""


@click.command(epilog=EXAMPLES)
@click.argument("function", type=FUNCTION_REF)
@click.option(
    "--spec-file",
    type=click.Path(dir_okay=False, path_type=str),
    help="Write the spec to this file instead of stdout.",
)
@click.option(
    "--with-env-values",
    is_flag=True,
    help="Write the environment variables' values (default: ${NAME} placeholders that "
    "deploy fills from its environment).",
)
@click.option(
    "--download",
    type=click.Path(file_okay=False, path_type=str),
    metavar="DIR",
    help="Download the function's zip to DIR/FUNCTION.zip; the spec's Code points at it.",
)
@common_options
def command(
    function: FunctionRef,
    spec_file: str | None,
    with_env_values: bool,
    download: str | None,
    opts: CommonOptions,
) -> int:
    """Print a spec for `deploy --spec` from the live FUNCTION (CreateFunction's shape).

    Environment values become ${NAME} placeholders unless --with-env-values;
    deploy expands them from its own environment, so `init` then `deploy --spec
    --dry-run` with those variables set reports no change. Response-only fields
    (state, ARNs, VpcId, code size) are left out; Lambda's defaults too.
    """

    def body(output: Output) -> CommandResult:
        from lambda_wait.release.actions import init
        from lambda_wait.result import CommandResult, FunctionReport, ReleasePayload

        ref = function  # parsed once, by the argument type
        if ref.qualifier:
            from lambda_wait.errors import UsageError

            raise UsageError(f"init reads $LATEST: give {ref.name} without a qualifier.")
        from lambda_wait.ecr import EcrApi

        api = build_api(opts)
        result = init(
            api,
            ref.api_name,
            urls=api,
            images=EcrApi.beside(api),  # an image's tag beside its digest
            spec_file=spec_file,
            with_env_values=with_env_values,
            download=download,
        )
        report = FunctionReport(ref.label, result.exit_code, message="spec written")
        document = None if spec_file else result.text()
        payload = ReleasePayload("init", result.lines(), result.to_dict(), document=document)
        return CommandResult(result.exit_code, [report], payload)

    return run_command(opts, "init", body)
