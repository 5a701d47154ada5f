"""`lambda-wait deploy`: create or update a function safely (wait, act, wait)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click
import cloup

from lambda_wait.options import DURATION, CommonOptions, common_options, history_option

if TYPE_CHECKING:
    from collections.abc import Callable

    from lambda_wait.deploy.model import DeployResult, StepEvent
    from lambda_wait.deploy.spec import DesiredFunction
    from lambda_wait.history import HistoryStore
    from lambda_wait.result import CommandResult, FunctionReport
    from lambda_wait.ui.output import Output

from ._common import build_api, run_command
from ._release import ReleaseFlags, check_release, release_options, shift_options

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
    click.option("--zip-file", type=_ZIP, help="Code: a zip file (at most 50 MB)."),
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
    click.option("--s3-bucket", help="Code: S3 bucket of the zip (with --s3-key)."),
    click.option("--s3-key", help="Code: S3 key of the zip."),
    click.option("--s3-object-version", help="Code: S3 object version of the zip."),
    click.option("--image-uri", help="Code: a container image URI in ECR."),
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
        "--alias", help="Create or move this alias to the new version (implies --publish)."
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
    timeout: float = params.pop("timeout")
    dry_run: bool = params.pop("dry_run")
    force: bool = params.pop("force")
    alias: str | None = params.pop("alias")
    provisioned: int | None = params.pop("provisioned_concurrency")
    version_description: str | None = params.pop("version_description")
    specs: tuple[str, ...] = params.pop("specs")
    detailed: bool = params.pop("detailed_exitcode")
    recreate_failed: bool = params.pop("recreate_failed")
    no_history: bool = params.pop("no_history")

    def body(output: Output) -> CommandResult:
        import os

        from lambda_wait.api import history_store
        from lambda_wait.aws import BotocoreRequestModel
        from lambda_wait.clock import Deadline, SystemClock
        from lambda_wait.deploy.many import build_all, spec_files
        from lambda_wait.deploy.runner import Deployer
        from lambda_wait.deploy.spec import FlagValues, build_desired
        from lambda_wait.inputs import check_region, parse_function
        from lambda_wait.result import CommandResult, DeployPayload

        for key in ("subnet_ids", "security_group_ids"):
            params[key] = tuple(
                part.strip() for item in params[key] for part in item.split(",") if part.strip()
            )
        _check_flags(alias, provisioned, detailed=detailed, dry_run=dry_run)
        files = spec_files(specs)
        checked = check_release(release, alias, len(files))
        if len(files) > 1:
            many = build_all(files, FlagValues(**params), BotocoreRequestModel(), os.environ)
            return _deploy_many(
                output,
                opts,
                many,
                alias=alias,
                force=force,
                dry_run=dry_run,
                timeout=timeout,
                version_description=version_description,
                detailed=detailed,
                provisioned=provisioned,
                recreate_failed=recreate_failed,
                history=history_store(not no_history),
            )
        params["spec"] = files[0] if files else None
        desired = build_desired(FlagValues(**params), BotocoreRequestModel(), os.environ)
        ref = parse_function(desired.name)
        check_region(ref, opts.region)  # else the ARN's Region is used
        clock = SystemClock()  # the deploy's one clock
        api = build_api(opts, clock=clock, timeout=timeout).in_region(ref.region)
        # The run's one deadline: --timeout counts from here, after the client set-up.
        api = api.bounded_by(Deadline(clock, timeout))
        shift = None
        if checked is not None and alias is not None:
            shift = shift_options(checked, opts, api, desired.name, alias)
        deployer = Deployer(
            api,
            desired,
            shift=shift,
            alias=alias,
            force=force,
            dry_run=dry_run,
            timeout=timeout,
            version_description=version_description,
            provisioned_concurrency=provisioned,
            recreate_failed=recreate_failed,
            clock=clock,
            deadline=api.deadline,
            listener=output.step,
            wait_listener=output.progress,
            history=history_store(not no_history),
        )
        result = deployer.run()  # a signal too comes back as a result: the steps applied
        report = _report(result, detailed)
        return CommandResult(
            report.exit_code, [report], DeployPayload([result], timeout), result.error
        )

    return run_command(opts, "deploy", body)


def _check_flags(
    alias: str | None, provisioned: int | None, *, detailed: bool, dry_run: bool
) -> None:
    """The flags that need no file and no AWS: bad ones are exit 2 before anything else."""
    from lambda_wait.deploy.reading import check_alias
    from lambda_wait.errors import UsageError

    if alias is not None:
        check_alias(alias)
    if provisioned is not None:
        from lambda_wait.serving.provisioned import check_request

        problem = check_request(provisioned, alias=alias)
        if problem:
            raise UsageError(problem)
    if detailed and not dry_run:
        raise UsageError("--detailed-exitcode goes with --dry-run: add --dry-run.")


def _report(result: DeployResult, detailed: bool = False) -> FunctionReport:
    """The envelope's entry in ``functions`` for one deploy."""
    from lambda_wait.deploy.report import result_code
    from lambda_wait.errors import ExitCode
    from lambda_wait.result import FunctionReport
    from lambda_wait.states import assess

    code = result_code(result)
    if detailed and code is ExitCode.READY and result.plan and result.plan.changes_anything:
        code = ExitCode.CHANGES_PENDING  # terraform's -detailed-exitcode, on a free code
    return FunctionReport(
        function=result.function,
        exit_code=code,
        snapshot=result.snapshot,
        assessment=None if result.snapshot is None else assess(result.snapshot),
        error=result.error,
        target="ready",
        elapsed=result.elapsed,
        message=None if result.error is None else result.error.message,
    )


def _deploy_many(
    output: Output,
    opts: CommonOptions,
    desired: list[DesiredFunction],
    *,
    alias: str | None,
    force: bool,
    dry_run: bool,
    timeout: float,
    version_description: str | None,
    detailed: bool = False,
    provisioned: int | None = None,
    recreate_failed: bool = False,
    history: HistoryStore | None = None,
) -> CommandResult:
    """Several functions at once: one thread each, one API (one request budget), one
    deadline; a summary table, and the worst outcome as the exit code."""
    from lambda_wait.clock import Deadline, SystemClock
    from lambda_wait.deploy.many import run_all
    from lambda_wait.deploy.runner import Deployer
    from lambda_wait.errors import worst
    from lambda_wait.inputs import check_region, parse_function
    from lambda_wait.peers import Peers
    from lambda_wait.result import CommandResult, DeployPayload

    clock = SystemClock()  # one for every deploy and the API: cancelling it wakes them all
    api = build_api(opts, clock=clock, timeout=timeout)
    for one in desired:
        check_region(parse_function(one.name), opts.region)  # else the ARN's Region is used
    # The run's one deadline, from after the client set-up: every deploy and every
    # request (all Regions) ends by it.
    deadline = Deadline(clock, timeout)
    api = api.bounded_by(deadline)

    def step_listener(function: str) -> Callable[[StepEvent], None]:
        return lambda event: output.step(event, function)

    peers = Peers()  # the deploys' operations are evidence about each other's ends
    deployers = [
        Deployer(
            api.in_region(parse_function(one.name).region),
            one,
            alias=alias,
            force=force,
            dry_run=dry_run,
            timeout=timeout,
            version_description=version_description,
            provisioned_concurrency=provisioned,
            recreate_failed=recreate_failed,
            clock=clock,
            deadline=deadline,
            listener=step_listener(one.name),
            wait_listener=output.progress,
            history=history,
            peers=peers,
        )
        for one in desired
    ]
    results = run_all(api, deployers, clock=clock)
    reports = [_report(result, detailed) for result in results]
    return CommandResult(
        worst([r.exit_code for r in reports]), reports, DeployPayload(results, timeout, many=True)
    )
