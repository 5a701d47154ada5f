"""`lambda-wait deploy`: create or update a function safely (wait, act, wait).

The Click side only: options -> :class:`~lambda_wait.usecases.deploy.DeployRequest`
-> :func:`~lambda_wait.usecases.deploy.run_deploy` (no Click there) -> a typed
``CommandResult``."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import click
import cloup

from lambda_wait.options import (
    DURATION,
    CommonOptions,
    common_options,
    history_option,
)

if TYPE_CHECKING:
    from lambda_wait.aws import LambdaApi
    from lambda_wait.clock import Clock
    from lambda_wait.release.executor import ShiftOptions
    from lambda_wait.usecases.deploy import DeployRequest

from ._boundary import current_invocation
from ._common import build_api, run_clock, run_command
from ._complete import alias_items
from ._evidence_option import evidence_option, preflight_option
from ._release import (
    CheckedRelease,
    ReleaseFlags,
    check_release,
    release_options,
    shift_options,
)

EXAMPLES = """
Examples:

\b
  lambda-wait deploy --function-name my-fn --code-dir src/ \\
      --role arn:aws:iam::123456789012:role/my-fn --runtime python3.12 \\
      --handler app.handler --env STAGE=prod --publish --alias live
  lambda-wait deploy --spec function.json --zip-file build/fn.zip
  lambda-wait deploy --spec function.json --dry-run
  lambda-wait deploy --spec functions/ --alias live   # every functions/*.json, concurrently
  aws lambda create-function --generate-cli-skeleton > function.json  # a spec to start from
"""

_ZIP = click.Path(dir_okay=False, path_type=str)
_DIR = click.Path(file_okay=False, path_type=str)
_SPEC = click.Path(path_type=str)


@cloup.command(epilog=EXAMPLES)
@cloup.option_group(
    "Function",
    click.option("--function-name", help="The function to create or update (name or ARN)."),
    click.option(
        "--spec",
        "specs",
        multiple=True,
        type=_SPEC,
        metavar="FILE|DIR",
        help="JSON in CreateFunction's request shape (as `aws lambda create-function "
        "--generate-cli-skeleton` prints); ${VAR} expands from the environment. Flags override it. "
        "Repeatable; a directory means every *.json in it. Several specs deploy concurrently; "
        "then --function-name and the code flags are refused (each spec has its own), and every "
        "other flag applies to each function.",
    ),
    click.option(
        "--recreate-failed",
        is_flag=True,
        help="If the function is in State Failed (an update cannot repair it), delete it "
        "and create it again; only then, never otherwise.",
    ),
)
@cloup.option_group(
    "Code (one source)",
    click.option("--zip-file", type=_ZIP, help="Code: a zip file (over 50 MB: add --s3-bucket)."),
    click.option(
        "--code-dir",
        type=_DIR,
        help="Code: a directory, zipped deterministically (same sources, same CodeSha256).",
    ),
    click.option(
        "--allow-symlinks-outside",
        is_flag=True,
        help="With --code-dir: pack symbolic links that lead outside the directory (refused "
        "by default, so a link to ~/.aws/credentials is never uploaded by accident).",
    ),
    click.option(
        "--s3-bucket",
        help="With --zip-file or --code-dir: upload the package to this bucket (in the "
        "function's Region) under a key from its SHA-256, unless it is there, and deploy from "
        "it (needed over 50 MB). With --s3-key: code already in S3.",
    ),
    click.option(
        "--s3-prefix",
        metavar="PREFIX",
        help="With --s3-bucket and a package to upload: the keys' prefix (PREFIX/<sha256>.zip).",
    ),
    click.option("--s3-key", help="Code already in S3: the zip's key (with --s3-bucket)."),
    click.option("--s3-object-version", help="Code: S3 object version of the zip."),
    click.option(
        "--image-uri",
        help="Code: a container image in ECR (REPO_URI:TAG or @sha256:DIGEST); a tag is "
        "resolved to its digest before anything is sent, and an unchanged digest is not updated.",
    ),
)
@cloup.option_group(
    "Configuration",
    click.option("--role", help="Execution role ARN."),
    click.option("--runtime", help="Runtime, e.g. python3.12 (zip packages)."),
    click.option("--handler", help="Handler, e.g. app.handler (zip packages)."),
    click.option("--memory-size", type=click.IntRange(128, 10240), help="Memory in MB."),
    click.option(
        "--function-timeout",
        type=click.IntRange(1, 900),
        help="The function's own timeout in seconds (not the deploy's --timeout).",
    ),
    click.option("--description", help="The function's description."),
    click.option("--architecture", type=click.Choice(["x86_64", "arm64"]), help="Instruction set."),
    click.option(
        "--env",
        "env",
        multiple=True,
        metavar="KEY=VALUE",
        help="Environment variable (repeatable; wins over --env-file and the spec). "
        "Values are never printed.",
    ),
    click.option(
        "--env-file", type=_ZIP, help="Environment variables from a KEY=VALUE file (dotenv style)."
    ),
    click.option(
        "--layer",
        "layers",
        multiple=True,
        metavar="ARN",
        help="Layer version ARN (repeatable, in order).",
    ),
    click.option(
        "--subnet-id",
        "subnet_ids",
        multiple=True,
        help="VPC subnet id (repeatable, or comma-separated).",
    ),
    click.option(
        "--security-group-id",
        "security_group_ids",
        multiple=True,
        help="VPC security group id (repeatable, or comma-separated).",
    ),
    click.option("--ephemeral-storage", type=click.IntRange(512, 10240), help="/tmp size in MB."),
    click.option(
        "--tracing", type=click.Choice(["Active", "PassThrough"]), help="X-Ray tracing mode."
    ),
    click.option(
        "--snapstart", type=click.Choice(["PublishedVersions", "None"]), help="SnapStart ApplyOn."
    ),
    click.option("--kms-key-arn", help="KMS key for environment variables at rest."),
    click.option("--dead-letter-arn", help="SQS queue or SNS topic ARN for failed async events."),
    click.option("--log-format", type=click.Choice(["JSON", "Text"]), help="Log format."),
    click.option("--log-group", help="CloudWatch log group."),
    click.option(
        "--tag",
        "tags",
        multiple=True,
        metavar="KEY=VALUE",
        help="A tag to SET on the function (repeatable): on create, and on an existing "
        "function when its value differs; none is ever removed. (status/wait --tag SELECTS "
        "functions.)",
    ),
)
@cloup.option_group(
    "Release",
    click.option("--publish", is_flag=True, help="Publish a version and wait until it is Active."),
    click.option(
        "--alias",
        help="Create or move this alias to the new version (implies --publish).",
        shell_complete=alias_items,
    ),
    click.option(
        "--provisioned-concurrency",
        "provisioned_concurrency",
        type=int,
        metavar="N",
        help="With --alias: after the alias points at the new version, put N provisioned "
        "concurrency on it and wait until READY; 0 removes it; an unchanged N sends nothing.",
    ),
    click.option("--version-description", help="Description of the published version."),
    click.option(
        "--force", is_flag=True, help="Update the code even when CodeSha256 is unchanged."
    ),
)
@cloup.option_group(
    "Function URL",
    click.option(
        "--function-url/--no-function-url",
        "function_url",
        default=None,
        help="Create or update the function URL (on --alias when given: it follows the alias, "
        "so a rollback moves it); --no-function-url deletes it and the public permissions "
        "deploy added. Changed only where it differs.",
    ),
    click.option(
        "--function-url-auth",
        type=click.Choice(["AWS_IAM", "NONE"]),
        help="AWS_IAM (default) or NONE: public, with the two permissions AWS requires "
        "(lambda:InvokeFunctionUrl and lambda:InvokeFunction) added.",
    ),
    click.option(
        "--function-url-cors",
        metavar="FILE",
        help="The URL's CORS as a JSON object (AllowOrigins, AllowMethods, ...).",
    ),
)
@cloup.option_group(
    "Plan and waiting",
    click.option(
        "--dry-run",
        is_flag=True,
        help="Print the plan (secrets masked) and change nothing; exit 0.",
    ),
    click.option(
        "--detailed-exitcode",
        is_flag=True,
        help="With --dry-run: exit 11 (changes-pending) when the deploy would change something, "
        "0 when up to date (for drift checks in CI).",
    ),
    click.option(
        "--timeout",
        type=DURATION,
        default="15m",
        show_default=True,
        help="Bound the whole deploy, every wait and retry included (exit 3).",
    ),
)
@release_options
@history_option
@evidence_option
@preflight_option
@common_options
def command(opts: CommonOptions, release: ReleaseFlags, **params: Any) -> int:
    """Create or update a function, waiting before and after every change.

    Reads the function; if absent creates it (retrying while a new role
    propagates in IAM) and waits until Active. If present: waits out an update
    in progress, updates the code only when its CodeSha256 differs, waits,
    updates only the configuration fields that differ, waits. Each change
    carries the RevisionId last read, so a concurrent deploy is detected (exit
    9) instead of overwritten. With --publish/--alias it publishes a version,
    waits until it is Active and points the alias at it; with
    --provisioned-concurrency N it then puts N on the alias and waits until READY.

    Several --spec files (or a directory of them) deploy concurrently under one
    request budget and one --timeout, with a summary table; the exit code is the
    worst outcome.

    All input is validated before the first call to AWS (exit 2). Exits 0 when
    everything is deployed and ready; see docs/deploy.md for every failure.
    """
    request = _request(opts, params)
    from lambda_wait.usecases.deploy import run_deploy

    setup = _Setup(opts, release)
    return run_command(opts, "deploy", partial(run_deploy, request, setup, clock=run_clock()))


def _request(opts: CommonOptions, params: dict[str, Any]) -> DeployRequest:
    """The options as the use case's request (no AWS, no file read yet)."""
    from lambda_wait.deploy.spec import FlagValues
    from lambda_wait.deploy.steps.url import url_request
    from lambda_wait.usecases.deploy import DeployRequest

    for key in ("subnet_ids", "security_group_ids"):  # repeatable, or comma-separated
        params[key] = tuple(
            part.strip() for item in params[key] for part in item.split(",") if part.strip()
        )
    return DeployRequest(
        specs=params.pop("specs"),
        alias=params.pop("alias"),
        force=params.pop("force"),
        dry_run=params.pop("dry_run"),
        detailed_exitcode=params.pop("detailed_exitcode"),
        timeout=params.pop("timeout"),
        version_description=params.pop("version_description"),
        provisioned_concurrency=params.pop("provisioned_concurrency"),
        recreate_failed=params.pop("recreate_failed"),
        function_url=url_request(
            params.pop("function_url"),
            params.pop("function_url_auth"),
            params.pop("function_url_cors"),
        ),
        history=not params.pop("no_history"),
        evidence=params.pop("evidence"),
        preflight=not params.pop("no_preflight"),
        region=opts.region,
        flags=FlagValues(**params),
        argv=current_invocation().argv,
    )


class _Setup:
    """:class:`~lambda_wait.usecases.deploy.DeploySetup` from the command's options."""

    def __init__(self, opts: CommonOptions, release: ReleaseFlags) -> None:
        self.opts = opts
        self.release = release
        self.checked: CheckedRelease | None = None

    def check_release(self, alias: str | None, specs: int) -> None:
        self.checked = check_release(self.release, alias, specs)

    def api(self, clock: Clock, timeout: float) -> LambdaApi:
        return build_api(self.opts, clock=clock, timeout=timeout)

    def shift(self, api: LambdaApi, function: str, alias: str) -> ShiftOptions | None:
        if self.checked is None:
            return None
        return shift_options(self.checked, self.opts, api, function, alias)
