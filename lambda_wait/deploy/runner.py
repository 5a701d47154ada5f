"""The deploy itself: read the function, plan, then execute the plan's steps.

1. Read the function. Not found: plan a create. Found: refuse to act on a Failed,
   Inactive, cooling-down or deleting function (:mod:`.guard`; nothing is sent), and
   wait out an update already in progress (someone else's: :mod:`.steps.previous`).
   With ``recreate_failed``, a function in State Failed is deleted first
   (:mod:`.steps.recreate`).
2. Plan (:mod:`.planner`): the steps, each one object with its name, action, "Changed"
   label, "what is live" note and run: create (:mod:`.steps.create`), or update the
   code, the configuration and the tags (:mod:`.steps.update`, :mod:`.steps.tags`)
   where they differ; publish a version (:mod:`.steps.publish`), point or shift the
   alias (:mod:`.steps.alias`, :mod:`.steps.shift`), and put its provisioned
   concurrency (:mod:`.steps.provisioned`).
3. Execute them in order (:mod:`.executor`), or, with ``dry_run``, only show them.

How each change is sent without applying it twice, and waited for, is
:mod:`.sender`'s business; what the result says, and the exit code, :mod:`.report`'s.
"""

from __future__ import annotations

import random
from dataclasses import replace

from lambda_wait.clock import Clock, Deadline, SystemClock
from lambda_wait.cooldown import CooldownStore
from lambda_wait.deploy.executor import DisplayOnlyExecutor, Executor, PlanExecutor
from lambda_wait.deploy.guard import check_before_acting
from lambda_wait.deploy.model import (
    Aftermath,
    Config,
    DeployAction,
    DeployBlockedError,
    DeployResult,
    DeployTimeoutError,
    Ledger,
    Step,
    StepListener,
    StepStatus,
)
from lambda_wait.deploy.plan import Plan
from lambda_wait.deploy.planner import Intent, plan_deploy
from lambda_wait.deploy.port import LambdaPort
from lambda_wait.deploy.report import decide_exit_code, live_note
from lambda_wait.deploy.sender import RetryPolicy, Sender, busy
from lambda_wait.deploy.spec import DesiredFunction
from lambda_wait.deploy.steps.previous import previous_step
from lambda_wait.deploy.steps.recreate import recreate_step
from lambda_wait.deploy.steps.shift import ShiftRecord
from lambda_wait.deploy.steps.url import FunctionUrlRequest, UrlRecord
from lambda_wait.deploy.stores import CodeStores
from lambda_wait.errors import DeadlineReachedError, ExitCode, LambdaWaitError
from lambda_wait.history import HistoryStore
from lambda_wait.peers import Peers
from lambda_wait.release.executor import ShiftOptions
from lambda_wait.signals import Stopped, interruptible
from lambda_wait.states import FunctionSnapshot
from lambda_wait.untrusted import remember_secrets, scrub
from lambda_wait.waiter import Listener, PollPolicy

# A step that was running when the deploy stopped for one of these has an unknown outcome.
_STOPPED = (ExitCode.INTERRUPTED, ExitCode.TERMINATED, ExitCode.TIMEOUT)


class Deployer:
    """Runs one deploy of ``desired`` through ``api``, on one :class:`Clock`."""

    def __init__(
        self,
        api: LambdaPort,
        desired: DesiredFunction,
        *,
        alias: str | None = None,
        force: bool = False,
        dry_run: bool = False,
        timeout: float = 900.0,
        version_description: str | None = None,
        retry: RetryPolicy | None = None,
        poll: PollPolicy | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        listener: StepListener | None = None,
        wait_listener: Listener | None = None,
        cooldowns: CooldownStore | None = None,
        deadline: Deadline | None = None,
        shift: ShiftOptions | None = None,
        provisioned_concurrency: int | None = None,
        function_url: FunctionUrlRequest | None = None,
        recreate_failed: bool = False,
        history: HistoryStore | None = None,
        peers: Peers | None = None,
        detailed_exitcode: bool = False,
        stores: CodeStores | None = None,
        preflight: bool = True,
    ) -> None:
        self.api = api
        self.stores = stores  # S3 for a package to upload, ECR to resolve an image tag
        self.history = history  # how long this function's changes took before
        self.peers = peers  # the other deploys of the same run (lambda_wait.peers)
        self.recreate_failed = recreate_failed
        self.intent = Intent(
            alias=alias,
            force=force,
            shift=shift if shift is not None and shift.active else None,
            provisioned_concurrency=provisioned_concurrency,
            function_url=function_url,
            version_description=version_description,
            preflight=preflight,
        )
        self._shift = ShiftRecord()  # the shift step's report, for the result
        self._url = UrlRecord()  # the function URL step's, for the result
        self.desired = desired
        remember_secrets(_env_values(desired))  # masked in every output
        self.alias, self.dry_run = alias, dry_run
        self.detailed_exitcode = detailed_exitcode  # a dry run's changes: exit 11
        self.timeout = timeout
        self.retry, self.poll = retry or RetryPolicy(), poll
        self.clock = clock or SystemClock()
        self.rng = rng or random.Random()
        self.wait_listener, self.cooldowns = wait_listener, cooldowns
        # The run's one Deadline (the API's by default); this deploy ends by it (.within).
        self.run_deadline = deadline if deadline is not None else api.deadline
        self.ledger = Ledger(self.clock, listener)
        self.plan: Plan | None = None
        self._started = False
        self._action: DeployAction = "update"
        self._sender: Sender | None = None

    @property
    def name(self) -> str:
        return self.desired.name

    @property
    def steps(self) -> list[Step]:
        return self.ledger.steps

    # --- public ----------------------------------------------------------------------
    def run(self) -> DeployResult:
        """Deploy; every outcome (also failures, Ctrl-C and SIGTERM in this thread) comes
        back as a result, never raised: after a signal, the steps it applied."""
        try:
            with interruptible():
                return self._run()
        except Stopped as stop:
            return self.interrupted(stop.exit_code)

    def _run(self) -> DeployResult:
        self.ledger.restart()
        self._started = True
        sender = self._sender = Sender(
            self.api,
            self.name,
            clock=self.clock,
            deadline=self.run_deadline.within(self.timeout),
            timeout=self.timeout,
            ledger=self.ledger,
            retry=self.retry,
            poll=self.poll,
            rng=self.rng,
            wait_listener=self.wait_listener,
            history=self.history,
            peers=self.peers,
        )
        try:
            self._deploy(sender)
        except DeadlineReachedError as err:
            return self._finish(self._deadline_error(err))
        except LambdaWaitError as err:
            return self._finish(err)
        return self._finish(None)

    def interrupted(self, exit_code: ExitCode) -> DeployResult:
        """The result to report when a signal stopped the deploy midway."""
        signal = "SIGTERM" if exit_code is ExitCode.TERMINATED else "SIGINT"
        err = LambdaWaitError(
            f"{exit_code.label} ({signal}): the deploy stopped before it finished",
            hint="Re-run deploy: it converges from wherever this one stopped.",
        )
        err.exit_code = exit_code
        if not self._started:  # queued behind other deploys: it never sent anything
            self.ledger.restart()
            err.message = f"{exit_code.label} ({signal}) before the deploy started"
            result = self._finish(err)
            result.live = "Nothing was sent: the deploy had not started."
            return result
        return self._finish(err)

    def restamp(self, result: DeployResult, exit_code: ExitCode) -> DeployResult:
        """``result`` of a deploy that a signal stopped: which signal, the steps kept."""
        error = self.interrupted(exit_code).error
        return replace(result, error=error, exit_code=self._exit_code(error))

    # --- the story ---------------------------------------------------------------------
    def _deploy(self, sender: Sender) -> None:
        """Read, refuse what cannot take a deploy, plan, then execute (or only show) the
        plan's steps in order."""
        self._check_provisioned_request()
        current = sender.read_or_none()
        steps = self.ledger.steps
        if self._replacing(current):
            self.desired.check_creatable()  # never delete what could not be created again
            steps.append(recreate_step(sender))
            current = None
        if current is None:
            self.desired.check_creatable()  # before CreateFunction, dry run or not
        else:
            current = self._check(sender, current)
        plan, planned = plan_deploy(
            sender, self.desired, current, self.intent, self._shift, self.stores, self._url
        )
        self.plan = plan
        self._action = "update" if plan.changes_anything else "none"
        if plan.action == "create":
            self._action = "create"
        steps.extend(planned)
        executor: PlanExecutor = DisplayOnlyExecutor() if self.dry_run else Executor()
        executor.execute(steps)

    def _check_provisioned_request(self) -> None:
        if self.intent.provisioned_concurrency is None:
            return
        from lambda_wait.errors import UsageError
        from lambda_wait.serving.provisioned import check_request

        problem = check_request(self.intent.provisioned_concurrency, alias=self.alias)
        if problem:
            raise UsageError(problem)

    def _replacing(self, current: Config | None) -> bool:
        """--recreate-failed on a function in State Failed: it is deleted first."""
        return current is not None and self.recreate_failed and current.get("State") == "Failed"

    def _check(self, sender: Sender, current: Config) -> Config:
        """Refuse a function that cannot take a deploy; wait out someone else's update."""
        snap = FunctionSnapshot.from_configuration(current)
        check_before_acting(snap, self.name, self.api.region, self._cooldowns())
        if not busy(current):
            return current
        if self.dry_run:
            self.ledger.note(
                None, "an update is in progress; the plan is against what Lambda shows now"
            )
            return current
        step = previous_step(sender)
        self.ledger.steps.insert(0, step)
        Executor().execute([step])  # before the plan: it is made against what follows
        current = sender.current or sender.read()
        snap = FunctionSnapshot.from_configuration(current)
        check_before_acting(snap, self.name, self.api.region, self._cooldowns())
        return current

    def _cooldowns(self) -> CooldownStore:
        if self.cooldowns is None:
            self.cooldowns = CooldownStore.default()
        return self.cooldowns

    # --- the result ------------------------------------------------------------------------
    def _deadline_error(self, err: LambdaWaitError) -> DeployTimeoutError:
        return DeployTimeoutError(
            f"the deploy's --timeout ({self.timeout:.0f}s) ran out: {err.message}",
            hint=f"AWS may still finish a change: `lambda-wait wait {self.name}`, then re-run "
            "deploy.",
        )

    def _finish(self, error: LambdaWaitError | None) -> DeployResult:
        now = self.clock.now()
        failed = self._settle_steps(error, now)
        if error is not None:  # Lambda's messages can quote the environment it refused
            error.message = scrub(error.message, _env_values(self.desired))
        sender = self._sender
        current = None if sender is None else sender.current
        version = None if sender is None else sender.version
        live = None
        if error is not None:
            applied = tuple(s.name for s in self.steps if s.status is StepStatus.APPLIED)
            after = Aftermath(error, self.name, self.api.region, version, self.alias, applied)
            live = live_note(failed, after)
        return DeployResult(
            function=self.name,
            exit_code=self._exit_code(error),
            action="blocked" if isinstance(error, DeployBlockedError) else self._action,
            dry_run=self.dry_run,
            steps=list(self.steps),
            elapsed=now - self.ledger.started,
            plan=self.plan,
            snapshot=None if current is None else FunctionSnapshot.from_configuration(current),
            version=version,
            alias=self.alias if version else None,
            code_sha256=(current or {}).get("CodeSha256"),
            error=error,
            live=live,
            reason=getattr(error, "reason", None),
            shift=self._shift.report,
            function_url=self._url.url,
        )

    def _exit_code(self, error: LambdaWaitError | None) -> ExitCode:
        changes = self.plan is not None and self.plan.changes_anything
        return decide_exit_code(
            error, dry_run=self.dry_run, changes=changes, detailed=self.detailed_exitcode
        )

    def _settle_steps(self, error: LambdaWaitError | None, now: float) -> Step | None:
        """Close the ledger: the step that was running failed (or, stopped by time or a
        signal while changing something, its outcome is unknown); the ones after it were
        not applied. Returns the step the deploy stopped in (also one that ended itself
        failed, as a rolled-back shift does), or None."""
        failed: Step | None = None
        stopped = isinstance(error, DeployTimeoutError | DeadlineReachedError) or (
            error is not None and error.exit_code in _STOPPED
        )
        for step in self.steps:
            if step.status is StepStatus.RUNNING:
                if step.started_at is not None:
                    step.seconds = now - step.started_at
                unknown = stopped and step.mutating
                step.status = StepStatus.UNKNOWN if unknown else StepStatus.FAILED
                if error is not None:
                    step.detail = error.message
                failed = step
            elif step.status is StepStatus.PENDING:
                step.status = StepStatus.NOT_APPLIED
            elif step.status is StepStatus.FAILED and failed is None:
                failed = step
        return failed


def _env_values(desired: DesiredFunction) -> list[str]:
    """The environment's values (resolved references included): secrets to mask."""
    variables = (desired.config.get("Environment") or {}).get("Variables") or {}
    return [str(v) for v in variables.values()]
