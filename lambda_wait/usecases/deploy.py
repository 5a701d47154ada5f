"""``deploy`` as a use case that works without Click: a :class:`DeployRequest` (the
options, parsed) in, a :class:`~lambda_wait.result.CommandResult` out (one
:class:`~lambda_wait.deploy.model.DeployResult` per function in its payload).

What only the caller can provide (the AWS client for its options, the gates of a
shift) comes in as :class:`DeploySetup`, where progress goes as :class:`Progress`;
the command (:mod:`lambda_wait.commands.deploy`) is the Click side of it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

from lambda_wait.clock import Clock, Deadline, SystemClock
from lambda_wait.deploy.model import DeployResult, StepEvent
from lambda_wait.deploy.spec import DesiredFunction, FlagValues
from lambda_wait.deploy.steps.url import FunctionUrlRequest
from lambda_wait.errors import UsageError, worst

if TYPE_CHECKING:
    from lambda_wait.aws import LambdaApi
    from lambda_wait.deploy.runner import Deployer
    from lambda_wait.history import HistoryStore
    from lambda_wait.peers import Peers
    from lambda_wait.release.executor import ShiftOptions
    from lambda_wait.result import CommandResult, FunctionReport
    from lambda_wait.waiter import WaitEvent


class Progress(Protocol):
    """Where a deploy's progress goes (``lambda_wait.ui.output.Output`` is one)."""

    def step(self, event: StepEvent, function: str, *, several: bool = False) -> None:
        """A step of ``function``'s deploy started, ended or said something;
        ``several`` when more than one deploy runs at once."""

    def progress(self, event: WaitEvent) -> None:
        """A wait's event, while a step waits."""


@dataclass(frozen=True)
class DeployRequest:
    """``deploy``'s options, parsed (``flags.spec`` is set per spec file here)."""

    flags: FlagValues = field(default_factory=FlagValues)
    specs: tuple[str, ...] = ()
    alias: str | None = None
    force: bool = False
    dry_run: bool = False
    detailed_exitcode: bool = False
    timeout: float = 900.0
    version_description: str | None = None
    provisioned_concurrency: int | None = None
    recreate_failed: bool = False
    history: bool = True
    evidence: bool = True  # --evidence: read what explains a failure
    preflight: bool = True  # --no-preflight: send without checking the account first
    region: str | None = None  # --region: must agree with a function ARN's Region
    function_url: FunctionUrlRequest | None = None  # --function-url / --no-function-url
    argv: tuple[str, ...] = ()  # the command's arguments (a failed create's advice repeats it)


class DeploySetup(Protocol):
    """What the caller provides: release flags checked offline, the client, the gates."""

    def check_release(self, alias: str | None, specs: int) -> None:
        """Refuse bad release flags (exit 2) before anything is read."""

    def api(self, clock: Clock, timeout: float) -> LambdaApi:
        """The Lambda API for the run's options, on ``clock``."""
        ...

    def shift(self, api: LambdaApi, function: str, alias: str) -> ShiftOptions | None:
        """The shift's options (its gates checked), or None for a plain alias move."""
        ...


def check_request(request: DeployRequest) -> None:
    """The flags that need no file and no AWS: bad ones are exit 2 before anything else."""
    from lambda_wait.deploy.reading import check_alias

    if request.alias is not None:
        check_alias(request.alias)
    if request.provisioned_concurrency is not None:
        from lambda_wait.serving.provisioned import check_request as check_provisioned

        problem = check_provisioned(request.provisioned_concurrency, alias=request.alias)
        if problem:
            raise UsageError(problem)
    if request.detailed_exitcode and not request.dry_run:
        raise UsageError("--detailed-exitcode goes with --dry-run: add --dry-run.")


def run_deploy(
    request: DeployRequest,
    setup: DeploySetup,
    progress: Progress,
    env: Mapping[str, str] | None = None,
    clock: Clock | None = None,
) -> CommandResult:
    """Validate everything offline (exit 2, nothing sent), then deploy each function:
    one spec (or none) in this thread, several concurrently under one request budget
    and one deadline; the worst outcome is the exit code. Every outcome, signals
    included, comes back as the result."""
    from lambda_wait.result import CommandResult, DeployPayload

    results, many = _deploy(request, setup, progress, env, clock or SystemClock())
    # A create that left State Failed: the same deploy with --recreate-failed, printed in
    # full unless its arguments hold an environment value (never printed).
    secret = any(arg == "--env" or arg.startswith("--env=") for arg in request.argv)
    if request.argv and not request.recreate_failed and not secret:
        for result in results:
            result.rerun = ("lambda-wait", *request.argv, "--recreate-failed")
    reports = [_report(result) for result in results]
    payload = DeployPayload(results, request.timeout, many=many)
    error = None if many else results[0].error
    return CommandResult(worst([r.exit_code for r in reports]), reports, payload, error)


def _deploy(
    request: DeployRequest,
    setup: DeploySetup,
    progress: Progress,
    env: Mapping[str, str] | None,
    clock: Clock,
) -> tuple[list[DeployResult], bool]:
    """The results, and whether several specs ran at once."""
    from lambda_wait.aws import BotocoreRequestModel
    from lambda_wait.deploy.many import build_all, spec_files
    from lambda_wait.deploy.spec import build_desired

    check_request(request)
    files = spec_files(request.specs)
    setup.check_release(request.alias, len(files))
    environ = os.environ if env is None else env
    if len(files) > 1:
        desired = build_all(files, request.flags, BotocoreRequestModel(), environ)
        _warn(desired, progress, many=True)
        return _deploy_many(request, setup, desired, progress, clock), True
    flags = replace(request.flags, spec=files[0] if files else None)
    one = build_desired(flags, BotocoreRequestModel(), environ)
    _warn([one], progress, many=False)
    return [_deploy_one(request, setup, one, progress, clock)], False


def _warn(desired: Sequence[DesiredFunction], progress: Progress, *, many: bool) -> None:
    """Say each function's warnings (a deprecated runtime) before its deploy starts, as
    the deploy's own notes."""
    from lambda_wait.deploy.model import EventKind, Step

    for one in desired:
        for warning in one.warnings:
            note = StepEvent(EventKind.NOTE, Step("deploy", "", False), 0.0, f"warning: {warning}")
            progress.step(note, one.name, several=many)


def _deploy_one(
    request: DeployRequest,
    setup: DeploySetup,
    desired: DesiredFunction,
    progress: Progress,
    clock: Clock,  # the run's one clock: the deploy's, the API's
) -> DeployResult:
    from lambda_wait.api import history_store
    from lambda_wait.inputs import check_region, parse_function

    ref = parse_function(desired.name)
    check_region(ref, request.region)  # else the ARN's Region is used
    api = setup.api(clock, request.timeout).in_region(ref.region)
    # The run's one deadline: --timeout counts from here, after the client set-up.
    api = api.bounded_by(Deadline(clock, request.timeout))
    desired = with_values(desired, api)  # before anything is sent to Lambda
    alias = request.alias
    shift = None if alias is None else setup.shift(api, desired.name, alias)
    run = Run(clock, api.deadline, history=history_store(request.history))
    sinks = _Sinks(progress, desired.name, clock, clock.now())
    deployer = _deployer(request, api, desired, sinks, run, shift=shift)
    result = deployer.run()  # a signal too comes back as a result
    if request.evidence and result.error is not None:  # loaded only for a failure
        from lambda_wait.usecases.evidence import attach_deploy_evidence, told

        attach_deploy_evidence(api, result, api.deadline, told(progress))
    return result


def _deploy_many(
    request: DeployRequest,
    setup: DeploySetup,
    desired: Sequence[DesiredFunction],
    progress: Progress,
    clock: Clock,  # one for every deploy and the API: cancelling it wakes them all
) -> list[DeployResult]:
    """Several functions at once: one thread each, one API (one request budget), one
    deadline."""
    from lambda_wait.api import history_store
    from lambda_wait.deploy.many import run_all
    from lambda_wait.inputs import check_region, parse_function
    from lambda_wait.peers import Peers

    api = setup.api(clock, request.timeout)
    for one in desired:
        check_region(parse_function(one.name), request.region)  # else the ARN's Region
    # The run's one deadline, from after the client set-up: every deploy and every
    # request (all Regions) ends by it.
    deadline = Deadline(clock, request.timeout)
    api = api.bounded_by(deadline)
    # The deploys' operations are evidence about each other's ends (Peers); one history.
    run = Run(clock, deadline, Peers(), history_store(request.history))
    apis = [api.in_region(parse_function(one.name).region) for one in desired]
    # Every reference resolved before any deploy starts: a missing one changes nothing.
    resolved = [with_values(one, one_api) for one, one_api in zip(desired, apis, strict=True)]
    started = clock.now()  # every progress line of the run counts from here
    deployers = [
        _deployer(request, one_api, one, _Sinks(progress, one.name, clock, started, True), run)
        for one, one_api in zip(resolved, apis, strict=True)
    ]
    results = run_all(api, deployers, clock=clock)
    if request.evidence and any(result.error is not None for result in results):
        from lambda_wait.usecases.evidence import attach_deploy_evidence, told

        for result in results:
            attach_deploy_evidence(api, result, deadline, told(progress))
    return results


class AwsValues:
    """The references' source: SSM and Secrets Manager beside ``api`` (its path, its
    Region: the function's), built on first use."""

    def __init__(self, api: LambdaApi) -> None:
        self.api = api

    def parameter_value(self, name: str) -> str:
        from lambda_wait.ssm import SsmApi

        return SsmApi.beside(self.api).parameter_value(name)

    def secret_string(self, name: str) -> str:
        from lambda_wait.secretsmanager import SecretsApi

        return SecretsApi.beside(self.api).secret_string(name)


def with_values(desired: DesiredFunction, api: LambdaApi) -> DesiredFunction:
    """``desired`` with its ``${ssm:...}`` and ``${secretsmanager:...}`` resolved."""
    from lambda_wait.deploy.references import resolve_desired

    return resolve_desired(desired, AwsValues(api))


@dataclass(frozen=True)
class Run:
    """What the deploys of one run share: the clock, the deadline, the history store
    and, with several deploys, the peers."""

    clock: Clock
    deadline: Deadline
    peers: Peers | None = None
    history: HistoryStore | None = None


@dataclass(frozen=True)
class _Sinks:
    """One deploy's listeners: its step events (of ``function``; ``several`` when more
    than one deploy runs at once) and its waits. Every line's time counts from the run's
    start (``started``): a step's, a wait's and another deploy's never go back in time."""

    progress: Progress
    function: str
    clock: Clock
    started: float
    several: bool = False

    def step(self, event: StepEvent) -> None:
        event = replace(event, elapsed=self._elapsed())
        self.progress.step(event, self.function, several=self.several)

    def wait(self, event: WaitEvent) -> None:
        self.progress.progress(replace(event, elapsed=self._elapsed()))

    def _elapsed(self) -> float:
        return self.clock.now() - self.started


def _deployer(
    request: DeployRequest,
    api: LambdaApi,
    desired: DesiredFunction,
    sinks: _Sinks,
    run: Run,
    *,
    shift: ShiftOptions | None = None,
) -> Deployer:
    from lambda_wait.deploy.runner import Deployer
    from lambda_wait.deploy.stores import CodeStores
    from lambda_wait.ecr import EcrApi
    from lambda_wait.s3 import S3Api

    return Deployer(
        api,
        desired,
        alias=request.alias,
        force=request.force,
        dry_run=request.dry_run,
        detailed_exitcode=request.detailed_exitcode,
        timeout=request.timeout,
        version_description=request.version_description,
        provisioned_concurrency=request.provisioned_concurrency,
        recreate_failed=request.recreate_failed,
        function_url=_function_url(request, desired),
        shift=shift,
        clock=run.clock,
        deadline=run.deadline,
        listener=sinks.step,
        wait_listener=sinks.wait,
        history=run.history,
        peers=run.peers,
        # S3 and ECR on the function's path and in its Region (a client only when used).
        stores=CodeStores(S3Api.beside(api), EcrApi.beside(api)),
        preflight=request.preflight,
    )


def _function_url(request: DeployRequest, desired: DesiredFunction) -> FunctionUrlRequest | None:
    """--function-url / --no-function-url, else the spec's "FunctionUrl", if any."""
    from lambda_wait.deploy.steps.url import url_from_spec

    if request.function_url is not None or desired.function_url is None:
        return request.function_url
    return url_from_spec(desired.function_url)


def _report(result: DeployResult) -> FunctionReport:
    """The envelope's entry in ``functions`` for one deploy."""
    from lambda_wait.result import FunctionReport
    from lambda_wait.states import assess

    return FunctionReport(
        function=result.function,
        exit_code=result.exit_code,
        snapshot=result.snapshot,
        assessment=None if result.snapshot is None else assess(result.snapshot),
        error=result.error,
        target="ready",
        elapsed=result.elapsed,
        message=None if result.error is None else result.error.message,
        evidence=list(result.evidence),
    )
