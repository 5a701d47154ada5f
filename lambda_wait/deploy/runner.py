"""The deploy itself: read the function, plan, then wait, act, wait for each change.

1. Read the function. Not found: plan a create. Found: refuse to act on a Failed,
   Inactive, cooling-down or deleting function (:mod:`.guard`; nothing is sent), and
   wait out an update already in progress (someone else's).
2. Create (:mod:`.steps.create`), or update the code and then the configuration
   (:mod:`.steps.update`), only where they differ.
3. Publish a version (:mod:`.steps.publish`) and point the alias at it
   (:mod:`.steps.alias`).
4. With ``provisioned_concurrency``, put (or remove) the alias's provisioned
   concurrency and wait until READY (:mod:`.steps.provisioned`); what Lambda would
   refuse is found by reads before step 2 sends anything.

How each change is sent without applying it twice, and waited for, is
:mod:`.sender`'s business; what the result says is :mod:`.report`'s.
"""

from __future__ import annotations

import random

from lambda_wait.clock import Clock, Deadline, SystemClock
from lambda_wait.cooldown import CooldownStore
from lambda_wait.deploy.guard import check_before_acting
from lambda_wait.deploy.model import (
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
from lambda_wait.deploy.plan import Plan, make_plan
from lambda_wait.deploy.port import LambdaPort
from lambda_wait.deploy.report import live_note
from lambda_wait.deploy.sender import RetryPolicy, Sender, busy
from lambda_wait.deploy.spec import DesiredFunction
from lambda_wait.deploy.steps.alias import point_alias
from lambda_wait.deploy.steps.create import create
from lambda_wait.deploy.steps.provisioned import (
    STEP as PROVISIONED_STEP,
)
from lambda_wait.deploy.steps.provisioned import (
    ProvisionedPlan,
    preflight,
    set_provisioned,
)
from lambda_wait.deploy.steps.publish import publish
from lambda_wait.deploy.steps.recreate import STEP_ACTION as RECREATE_ACTION
from lambda_wait.deploy.steps.recreate import STEP_NAME as RECREATE_STEP
from lambda_wait.deploy.steps.recreate import delete_failed
from lambda_wait.deploy.steps.shift import ShiftRolledBackError, shift_alias
from lambda_wait.deploy.steps.tags import STEP_ACTION as TAGS_ACTION
from lambda_wait.deploy.steps.tags import STEP_NAME as TAGS_STEP
from lambda_wait.deploy.steps.tags import reconcile_tags
from lambda_wait.deploy.steps.update import code_update, configuration_update, update
from lambda_wait.errors import DeadlineReachedError, ExitCode, LambdaWaitError
from lambda_wait.history import HistoryStore
from lambda_wait.peers import Peers
from lambda_wait.release.executor import ShiftOptions
from lambda_wait.release.outcome import ShiftReport
from lambda_wait.signals import Stopped, interruptible
from lambda_wait.states import FunctionSnapshot, Phase
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
        recreate_failed: bool = False,
        history: HistoryStore | None = None,
        peers: Peers | None = None,
    ) -> None:
        self.api = api
        self.history = history  # how long this function's changes took before
        self.peers = peers  # the other deploys of the same run (lambda_wait.peers)
        self.recreate_failed = recreate_failed
        self.shift = shift if shift is not None and shift.active else None
        self.shift_report: ShiftReport | None = None
        self.provisioned_concurrency = provisioned_concurrency
        self._provisioned: ProvisionedPlan | None = None
        self.desired = desired
        variables = (desired.config.get("Environment") or {}).get("Variables") or {}
        remember_secrets(str(v) for v in variables.values())  # masked in every output
        self.alias = alias
        self.force = force
        self.dry_run = dry_run
        self.timeout = timeout
        self.version_description = version_description
        self.retry = retry or RetryPolicy()
        self.poll = poll
        self.clock = clock or SystemClock()
        self.rng = rng or random.Random()
        self.wait_listener = wait_listener
        self.cooldowns = cooldowns
        # The run's one Deadline (by default the API's: the same object); this deploy ends
        # at the earlier of it and its own start + timeout (Deadline.within).
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
            return self._finish(ExitCode.TIMEOUT, self._deadline_error(err))
        except LambdaWaitError as err:
            return self._finish(err.exit_code, err)
        return self._finish(ExitCode.READY, None)

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
            result = self._finish(exit_code, err)
            result.live = "Nothing was sent: the deploy had not started."
            return result
        return self._finish(exit_code, err)

    # --- the story ---------------------------------------------------------------------
    def _deploy(self, sender: Sender) -> None:  # noqa: PLR0912 -- the deploy's story, one branch per step in order
        self._check_provisioned_request()
        current = self._replace_failed(sender, sender.read_or_none())
        if current is None:
            self._action = "create"
            self.desired.check_creatable()  # before CreateFunction, dry run or not
            plan = self._plan(None)
            if self.dry_run:
                return
            create(sender, self.ledger.step("create"), self.desired)
        else:
            current = self._check(sender, current)
            plan = self._plan(current)
            if self.dry_run:
                return
            if not plan.changes_anything:
                self._action = "none"
            if plan.code.update:
                step = self.ledger.step("update-code")
                update(sender, step, lambda _current: code_update(self.desired, self.name))
            if plan.config_update:
                step = self.ledger.step("update-configuration")
                update(sender, step, lambda now: configuration_update(self.desired, now))
            self._reconcile_tags(sender)
        if plan.publish:
            reuse = self.alias if self._action == "none" else None
            publish(
                sender,
                self.ledger.step("publish"),
                self.desired,
                description=self.version_description,
                reuse_alias=reuse,
            )
        if self.alias and sender.version is not None:
            step = self.ledger.step("alias")
            if self.shift is None:
                point_alias(sender, step, self.alias, sender.version)
            else:
                try:
                    self.shift_report = shift_alias(
                        sender, step, self.alias, sender.version, self.shift
                    )
                except ShiftRolledBackError as err:
                    self.shift_report = err.report
                    raise
            if self._provisioned is not None:
                step = self.ledger.step(PROVISIONED_STEP)
                set_provisioned(sender, step, self._provisioned, sender.version)

    def _check_provisioned_request(self) -> None:
        if self.provisioned_concurrency is None:
            return
        from lambda_wait.errors import UsageError
        from lambda_wait.serving.provisioned import check_request

        problem = check_request(self.provisioned_concurrency, alias=self.alias)
        if problem:
            raise UsageError(problem)

    def _reconcile_tags(self, sender: Sender) -> None:
        """--tag on an existing function: a step after the configuration update."""
        wanted = dict(self.desired.create_only.get("Tags") or {})
        if not wanted:
            return
        step = Step(TAGS_STEP, TAGS_ACTION, True)
        after = self.ledger.step("update-configuration")
        self.ledger.steps.insert(self.ledger.steps.index(after) + 1, step)
        reconcile_tags(sender, step, wanted)

    def _replace_failed(self, sender: Sender, current: Config | None) -> Config | None:
        """--recreate-failed on a function in State Failed: delete it (a dry run only
        plans it), so the create step follows; anything else is returned as read."""
        if current is None or not self.recreate_failed or current.get("State") != "Failed":
            return current
        self.desired.check_creatable()  # never delete what could not be created again
        step = Step(RECREATE_STEP, RECREATE_ACTION, True)
        self.ledger.steps.insert(0, step)
        if not self.dry_run:
            delete_failed(sender, step)
        return None

    def _check(self, sender: Sender, current: Config) -> Config:
        """Refuse a function that cannot take a deploy; wait out someone else's update."""
        snap = FunctionSnapshot.from_configuration(current)
        check_before_acting(snap, self.name, self.api.region, self._cooldowns())
        if busy(current):
            if self.dry_run:
                self.ledger.note(
                    None, "an update is in progress; the plan is against what Lambda shows now"
                )
            else:
                current = self._wait_previous(sender)
        return current

    def _wait_previous(self, sender: Sender) -> Config:
        step = Step("wait-previous", "wait for an update already in progress", False)
        self.ledger.steps.insert(0, step)
        self.ledger.begin(step)
        result = sender.wait(step)
        current = sender.read()
        assessment = result.assessment
        detail: str | None
        if assessment is not None and assessment.phase is Phase.UPDATE_FAILED:
            detail = "the other update Failed; its previous version is still live"
        else:
            detail = assessment.summary if assessment else None
        self.ledger.end(step, StepStatus.APPLIED, detail)
        snap = FunctionSnapshot.from_configuration(current)
        check_before_acting(snap, self.name, self.api.region, self._cooldowns())
        return current

    def _plan(self, current: Config | None) -> Plan:
        """What will change, as steps in the ledger (a create, or the update steps)."""
        image_uri = None
        sender = self._sender
        if current is not None and self.desired.code.kind == "image" and sender is not None:
            image_uri = sender.with_read_retries(lambda: self.api.get_function_image_uri(self.name))
        plan = self.plan = make_plan(
            self.desired, current, current_image_uri=image_uri, force=self.force, alias=self.alias
        )
        if sender is not None:
            sender.current = current
        steps: list[Step] = []
        if plan.action == "create":
            steps.append(Step("create", "CreateFunction, then wait until Active", True))
        else:
            code = Step("update-code", "UpdateFunctionCode, then wait until Successful", True)
            if not plan.code.update:
                code.status, code.detail = StepStatus.SKIPPED, f"unchanged: {plan.code.reason}"
            steps.append(code)
            config = Step(
                "update-configuration",
                "UpdateFunctionConfiguration (differing fields only), then wait until Successful",
                True,
            )
            if not plan.config_update:
                config.status, config.detail = StepStatus.SKIPPED, "unchanged"
            else:
                config.detail = "fields: " + ", ".join(sorted(plan.config_update))
            steps.append(config)
        if plan.publish:
            steps.append(
                Step("publish", "PublishVersion, then wait until the version is Active", True)
            )
        if plan.alias and self.shift is not None:
            what = f"shift alias {plan.alias} to the new version ({self.shift.spec.label})"
            steps.append(Step("alias", what, True))
        elif plan.alias:
            steps.append(Step("alias", f"point alias {plan.alias} at the new version", True))
        if self.provisioned_concurrency is not None and self.alias and sender is not None:
            # Reads only, before any change: what Lambda would refuse is exit 2 now.
            provisioned = self._provisioned = sender.with_read_retries(
                lambda: preflight(
                    self.api, self.name, self.alias or "", self.provisioned_concurrency or 0
                )
            )
            steps.append(Step(PROVISIONED_STEP, provisioned.description, True))
        self.ledger.steps.extend(steps)
        return plan

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

    def _finish(self, exit_code: ExitCode, error: LambdaWaitError | None) -> DeployResult:
        failed: Step | None = None
        now = self.clock.now()
        for step in self.steps:
            if step.status is StepStatus.RUNNING:
                if step.started_at is not None:
                    step.seconds = now - step.started_at
                timed_out = (
                    isinstance(error, DeployTimeoutError | DeadlineReachedError)
                    or exit_code in _STOPPED
                )
                step.status = (
                    StepStatus.UNKNOWN if timed_out and step.mutating else StepStatus.FAILED
                )
                if error is not None:
                    step.detail = error.message
                failed = step
            elif step.status is StepStatus.PENDING:
                step.status = StepStatus.NOT_APPLIED
        if error is not None:  # Lambda's messages can quote the environment it refused
            variables = (self.desired.config.get("Environment") or {}).get("Variables") or {}
            error.message = scrub(error.message, [str(v) for v in variables.values()])
        sender = self._sender
        current = None if sender is None else sender.current
        version = None if sender is None else sender.version
        live = None
        if error is not None:
            live = live_note(
                self.steps,
                failed,
                error,
                function=self.name,
                region=self.api.region,
                version=version,
                alias=self.alias,
            )
        report = self.shift_report
        if isinstance(error, ShiftRolledBackError) and report is not None:
            live = f"{report.live}; version {version} stays published, serving nothing."
        return DeployResult(
            function=self.name,
            exit_code=exit_code,
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
            shift=report,
        )
