"""The deploy itself: wait, act, wait around every call that changes the function.

Order of work (each mutation is followed by a wait and a fresh read, because
RevisionId changes again when Lambda finishes an asynchronous update):

1. Read the function. Not found: plan a create. Found: refuse to act on a
   Failed, Inactive, cooling-down or deleting function (nothing is sent), and
   wait out an update already in progress (someone else's).
2. Create: CreateFunction (IAM-propagation errors retried with backoff for a
   bounded time), then wait until Active.
   Update: UpdateFunctionCode only when the code differs, wait until
   Successful; UpdateFunctionConfiguration with only the differing fields,
   wait until Successful. Each mutation carries the RevisionId of the last
   read, so a concurrent deployer's change is detected (412), not overwritten.
3. Publish (CodeSha256 guard) and wait for that version; create or move the alias.

Retries never apply a mutation twice: 429s and requests rejected with a 409 were
not applied; after a 5xx or a lost answer the function is re-read first, and the
step counts as done when the change is already in place.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lambda_wait.aws import LambdaApi
from lambda_wait.cooldown import CooldownStore, cooldown_key, iso
from lambda_wait.deploy.plan import Plan, config_changes, make_plan
from lambda_wait.deploy.spec import DesiredFunction
from lambda_wait.errors import (
    AwsUnavailableError,
    ConflictError,
    DeadlineReachedError,
    ExitCode,
    FunctionNotFoundError,
    InvalidRequestError,
    LambdaWaitError,
    RevisionMismatchError,
    ThrottledError,
)
from lambda_wait.reasons import DecodedReason
from lambda_wait.states import FunctionSnapshot, Phase, Target, assess
from lambda_wait.waiter import Listener, PollPolicy, Waiter, WaitResult

# InvalidParameterValueException texts Lambda gives while a new role propagates in IAM.
ROLE_PROPAGATION_MESSAGES = (
    "cannot be assumed by lambda",
    "execution role does not have permissions",
)

APPLIED = "applied"
SKIPPED = "skipped"
FAILED = "failed"
NOT_APPLIED = "not-applied"
UNKNOWN = "unknown"  # sent and accepted, outcome not known (timeout, interrupt)
PENDING = "pending"
RUNNING = "running"


class DeployFailedError(LambdaWaitError):
    """Lambda accepted a change but the function, its update or a version ended Failed."""

    exit_code = ExitCode.FAILED

    def __init__(
        self, message: str, *, hint: str | None = None, reason: DecodedReason | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.reason = reason


class DeployTimeoutError(LambdaWaitError):
    """The deploy's --timeout ran out (a change may still be finishing in AWS)."""

    exit_code = ExitCode.TIMEOUT


class DeployBlockedError(LambdaWaitError):
    """The function is in a state where deploying would fail or make things worse."""

    def __init__(
        self,
        message: str,
        *,
        exit_code: ExitCode,
        hint: str | None = None,
        reason: DecodedReason | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.exit_code = exit_code
        self.reason = reason


class ConcurrentDeployError(ConflictError):
    """Someone else changed the function while this deploy ran."""


@dataclass(frozen=True)
class RetryPolicy:
    """How long and how often the deploy retries (all bounded by --timeout too)."""

    role_propagation_seconds: float = 300.0  # as terraform does for the same errors
    role_initial: float = 2.0
    role_max: float = 20.0
    initial: float = 1.0
    max_interval: float = 10.0
    max_attempts: int = 6  # per mutation (throttling, 409s, 5xx, lost answers)
    transient_update_retries: int = 1  # an update that Failed with a transient reason

    def backoff(self, attempt: int, rng: random.Random, *, role: bool = False) -> float:
        first, cap = (
            (self.role_initial, self.role_max) if role else (self.initial, self.max_interval)
        )
        base = min(cap, first * 2.0 ** max(0, attempt - 1))
        return float(base * rng.uniform(0.8, 1.2))


@dataclass
class Step:
    """One step of the deploy and how it went."""

    name: str
    action: str
    mutating: bool
    status: str = PENDING
    seconds: float = 0.0
    detail: str | None = None
    started_at: float | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "action": self.action,
            "mutating": self.mutating,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "detail": self.detail,
        }


@dataclass(frozen=True)
class StepEvent:
    """Progress: a step started, ended, or has something to say."""

    kind: str  # "start", "end", "note"
    step: Step
    elapsed: float
    message: str | None = None


StepListener = Callable[[StepEvent], None]


@dataclass
class DeployResult:
    """How a deploy ended: for the summary, the JSON document and the exit code."""

    function: str
    exit_code: ExitCode
    action: str  # "create", "update", "none" (nothing to change), "blocked"
    dry_run: bool
    steps: list[Step]
    elapsed: float
    plan: Plan | None = None
    snapshot: FunctionSnapshot | None = None
    version: str | None = None
    alias: str | None = None
    code_sha256: str | None = None
    error: LambdaWaitError | None = None
    live: str | None = None
    reason: DecodedReason | None = None

    def names(self, *statuses: str) -> list[str]:
        return [step.name for step in self.steps if step.status in statuses]

    @property
    def applied(self) -> list[str]:
        return self.names(APPLIED)

    @property
    def not_applied(self) -> list[str]:
        return self.names(NOT_APPLIED, FAILED, PENDING)

    @property
    def changed(self) -> list[str]:
        """What this run changed in AWS: created, code, configuration, version, alias."""
        labels = {
            "create": "created",
            "update-code": "code",
            "update-configuration": "configuration",
            "publish": "version",
            "alias": "alias",
        }
        return [labels[name] for name in self.applied if name in labels]


class Deployer:
    """Runs one deploy of ``desired`` through ``api``; clock and sleep are injectable."""

    def __init__(
        self,
        api: LambdaApi,
        desired: DesiredFunction,
        *,
        alias: str | None = None,
        force: bool = False,
        dry_run: bool = False,
        timeout: float = 900.0,
        version_description: str | None = None,
        retry: RetryPolicy | None = None,
        poll: PollPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        listener: StepListener | None = None,
        wait_listener: Listener | None = None,
        cooldowns: CooldownStore | None = None,
        deadline: float | None = None,
    ) -> None:
        self.api = api
        # An absolute time.monotonic() end shared with other deploys (deploy with several
        # specs): the deploy ends at the earlier of it and its own start + timeout.
        self.shared_deadline = deadline
        self._started = False
        self.cooldowns = cooldowns
        self.desired = desired
        self.alias = alias
        self.force = force
        self.dry_run = dry_run
        self.timeout = timeout
        self.version_description = version_description
        self.retry = retry or RetryPolicy()
        self.poll = poll
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._listener = listener
        self._wait_listener = wait_listener
        self._start = 0.0
        self._deadline = 0.0
        self.steps: list[Step] = []
        self.plan: Plan | None = None
        self._current: dict[str, Any] | None = None
        self._version: str | None = None
        self._action = "update"
        self._reason: DecodedReason | None = None

    @property
    def name(self) -> str:
        return self.desired.name

    # --- public ----------------------------------------------------------------------
    def run(self) -> DeployResult:
        """Deploy; every outcome (also failures) comes back as a result, never raised."""
        self._start = self._clock()
        self._started = True
        self._deadline = self._start + self.timeout
        if self.shared_deadline is not None:
            self._deadline = min(self._deadline, self.shared_deadline)
        # Every request too: none is sent past the deadline, none answered after it. An
        # API whose caller already bounds it (several deploys sharing it) is left alone.
        owns_deadline = self._clock is time.monotonic and self.api.deadline is None
        if owns_deadline:
            self.api.deadline = self._deadline
        try:
            self._run()
        except DeadlineReachedError as err:
            return self._finish(ExitCode.TIMEOUT, self._deadline_error(err))
        except LambdaWaitError as err:
            return self._finish(err.exit_code, err)
        finally:
            if owns_deadline:
                self.api.deadline = None
        return self._finish(ExitCode.READY, None)

    def _deadline_error(self, err: LambdaWaitError) -> DeployTimeoutError:
        return DeployTimeoutError(
            f"the deploy's --timeout ({self.timeout:.0f}s) ran out: {err.message}",
            hint=f"AWS may still finish a change: `lambda-wait wait {self.name}`, then re-run "
            "deploy.",
        )

    def interrupted(self, exit_code: ExitCode) -> DeployResult:
        """The result to report when a signal stopped the deploy midway."""
        signal = "SIGTERM" if exit_code is ExitCode.TERMINATED else "SIGINT"
        err = LambdaWaitError(
            f"{exit_code.label} ({signal}): the deploy stopped before it finished",
            hint="Re-run deploy: it converges from wherever this one stopped.",
        )
        err.exit_code = exit_code
        if not self._started:  # queued behind other deploys: it never sent anything
            self._start = self._clock()
            err.message = f"{exit_code.label} ({signal}) before the deploy started"
            result = self._finish(exit_code, err)
            result.live = "Nothing was sent: the deploy had not started."
            return result
        return self._finish(exit_code, err)

    # --- the flow ----------------------------------------------------------------------
    def _run(self) -> None:
        current = self._read_or_none()
        if current is None:
            self._action = "create"
            self.plan = make_plan(self.desired, None, alias=self.alias)
            self._plan_steps(self.plan)
            if self.dry_run:
                return
            self._create()
        else:
            snap = FunctionSnapshot.from_configuration(current)
            check_before_acting(snap, self.name, self.api.region, self._cooldowns())
            if snap.last_update_status == "InProgress" or snap.state == "Pending":
                if self.dry_run:
                    self._note(
                        None, "an update is in progress; the plan is against what Lambda shows now"
                    )
                else:
                    current = self._wait_previous()
            image_uri = None
            if self.desired.code.kind == "image":
                image_uri = self._with_read_retries(
                    lambda: self.api.get_function_image_uri(self.name)
                )
            self.plan = make_plan(
                self.desired,
                current,
                current_image_uri=image_uri,
                force=self.force,
                alias=self.alias,
            )
            self._current = current
            self._plan_steps(self.plan)
            if self.dry_run:
                return
            if not self.plan.changes_anything:
                self._action = "none"
            if self.plan.code.update:
                self._update_code()
            if self.plan.config_update:
                self._update_configuration()
        if self.plan.publish:
            self._publish()
        if self.alias:
            self._point_alias()

    def _cooldowns(self) -> CooldownStore:
        if self.cooldowns is None:
            self.cooldowns = CooldownStore.default()
        return self.cooldowns

    def _plan_steps(self, plan: Plan) -> None:
        steps: list[Step] = []
        if plan.action == "create":
            steps.append(Step("create", "CreateFunction, then wait until Active", True))
        else:
            code = Step("update-code", "UpdateFunctionCode, then wait until Successful", True)
            if not plan.code.update:
                code.status, code.detail = SKIPPED, f"unchanged: {plan.code.reason}"
            steps.append(code)
            config = Step(
                "update-configuration",
                "UpdateFunctionConfiguration (differing fields only), then wait until Successful",
                True,
            )
            if not plan.config_update:
                config.status, config.detail = SKIPPED, "unchanged"
            else:
                config.detail = "fields: " + ", ".join(sorted(plan.config_update))
            steps.append(config)
        if plan.publish:
            steps.append(
                Step("publish", "PublishVersion, then wait until the version is Active", True)
            )
        if plan.alias:
            steps.append(Step("alias", f"point alias {plan.alias} at the new version", True))
        self.steps.extend(steps)

    def _step(self, name: str) -> Step:
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(name)  # pragma: no cover - a bug

    def _begin(self, step: Step) -> None:
        step.status = RUNNING
        step.started_at = self._clock()
        self._emit(StepEvent("start", step, self._elapsed()))

    def _end(self, step: Step, status: str, detail: str | None = None) -> None:
        step.status = status
        if detail is not None:
            step.detail = detail
        if step.started_at is not None:
            step.seconds = self._clock() - step.started_at
        self._emit(StepEvent("end", step, self._elapsed()))

    def _note(self, step: Step | None, message: str) -> None:
        self._emit(StepEvent("note", step or Step("deploy", "", False), self._elapsed(), message))

    def _emit(self, event: StepEvent) -> None:
        if self._listener is not None:
            self._listener(event)

    def _elapsed(self) -> float:
        return self._clock() - self._start

    # --- reads -------------------------------------------------------------------------
    def _with_read_retries(self, read: Callable[[], Any]) -> Any:
        attempt = 0
        while True:
            attempt += 1
            try:
                return read()
            except ThrottledError as err:
                if attempt >= self.retry.max_attempts * 2:
                    raise
                self._pause(err.retry_after or self.retry.backoff(attempt, self._rng))
            except AwsUnavailableError:
                if attempt >= self.retry.max_attempts:
                    raise
                self._pause(self.retry.backoff(attempt, self._rng))

    def _fetch(self, qualifier: str | None = None) -> dict[str, Any]:
        """One read of the configuration. GetFunction, not GetFunctionConfiguration: it
        has its own 100 req/s quota, so polling leaves the shared 15 req/s to the changes."""
        config: dict[str, Any] = dict(
            self.api.get_function(self.name, qualifier).get("Configuration") or {}
        )
        return config

    def _read(self, qualifier: str | None = None) -> dict[str, Any]:
        result: dict[str, Any] = self._with_read_retries(lambda: self._fetch(qualifier))
        return result

    def _settled_read(self, step: Step) -> dict[str, Any] | None:
        """Re-read; when an update is running, wait for it first (it may be ours)."""
        current = self._read_or_none()
        if current is not None and _busy(current):
            self._wait(step)
            current = self._read_or_none()
        return current

    def _read_or_none(self) -> dict[str, Any] | None:
        try:
            return self._read()
        except FunctionNotFoundError:
            return None

    def _pause(self, seconds: float) -> None:
        remaining = self._deadline - self._clock()
        if remaining <= 0 or seconds > remaining:
            raise DeployTimeoutError(
                f"the deploy's --timeout ({self.timeout:.0f}s) ran out while retrying",
                hint=f"Check the function with `lambda-wait status {self.name}` and re-run.",
            )
        self._sleep(seconds)

    # --- waits -------------------------------------------------------------------------
    def _wait(
        self, step: Step | None, *, qualifier: str | None = None, recent_create: bool = False
    ) -> WaitResult:
        remaining = self._deadline - self._clock()
        what = step.name if step is not None else "the previous update"
        if remaining <= 0:
            raise self._timeout(what, None)

        def read() -> FunctionSnapshot:
            return FunctionSnapshot.from_configuration(self._fetch(qualifier))

        label = f"{self.name}:{qualifier}" if qualifier else self.name
        result = Waiter(
            label,
            read,
            target=Target.READY,
            timeout=remaining,
            policy=self.poll,
            clock=self._clock,
            sleep=self._sleep,
            rng=self._rng,
            listener=self._wait_listener,
            expect_recent_create=recent_create,
        ).run()
        if result.error is not None:
            raise result.error
        if result.timed_out:
            raise self._timeout(what, result)
        return result

    def _timeout(self, what: str, result: WaitResult | None) -> DeployTimeoutError:
        still = f", still {result.assessment.summary}" if result and result.assessment else ""
        return DeployTimeoutError(
            f"the deploy's --timeout ({self.timeout:.0f}s) ran out waiting for {what}{still}",
            hint=f"AWS may still finish it: `lambda-wait wait {self.name}`, then re-run deploy.",
        )

    def _wait_previous(self) -> dict[str, Any]:
        step = Step("wait-previous", "wait for an update already in progress", False)
        self.steps.insert(0, step)
        self._begin(step)
        result = self._wait(step)
        current = self._read()
        snap = FunctionSnapshot.from_configuration(current)
        if result.assessment is not None and result.assessment.phase is Phase.UPDATE_FAILED:
            self._end(step, APPLIED, "the other update Failed; its previous version is still live")
        else:
            self._end(step, APPLIED, result.assessment.summary if result.assessment else None)
        check_before_acting(snap, self.name, self.api.region, self._cooldowns())
        return current

    # --- mutations -----------------------------------------------------------------------
    def _mutate(
        self,
        step: Step,
        send: Callable[[], dict[str, Any]],
        *,
        already_done: Callable[[dict[str, Any] | None], bool],
        conflict_is_final: bool = False,
        refresh: Callable[[dict[str, Any]], bool] | None = None,
    ) -> dict[str, Any] | None:
        """Send one mutation, retrying only where that cannot apply it twice.

        Returns the answer, or None when a re-read showed the change already in place.
        A 5xx, a dropped connection or a read time-out leaves it unknown whether Lambda
        applied the request (it may even apply it later): the function is re-read before
        anything is sent again, and a 412 or 409 after such an attempt is checked
        against the function (it may be our own earlier attempt) before it stops the
        deploy. ``refresh`` may adopt the fresh RevisionId and return True to send again.
        """
        attempt = 0
        ambiguous = False  # an earlier attempt may have been applied
        while True:
            attempt += 1
            try:
                return send()
            except ThrottledError as err:  # a 429 is never applied
                if attempt >= self.retry.max_attempts * 2:
                    raise
                self._note(step, f"throttled; retrying in {err.retry_after or 0:.1f}s")
                self._pause(err.retry_after or self.retry.backoff(attempt, self._rng))
            except RevisionMismatchError:
                if not ambiguous or attempt >= self.retry.max_attempts * 2:
                    raise
                current = self._settled_read(step)
                if already_done(current):
                    self._note(step, "an earlier attempt was applied after all (RevisionId moved)")
                    return None
                if current is None or refresh is None or not refresh(current):
                    raise
            except ConflictError as err:  # 409: not applied; something else is running
                if ambiguous and conflict_is_final and already_done(self._settled_read(step)):
                    self._note(step, "an earlier attempt was applied after all")
                    return None
                if conflict_is_final or attempt >= self.retry.max_attempts:
                    raise
                self._note(step, f"409 from Lambda ({err.message}); waiting, then retrying")
                self._wait(step)
                if already_done(self._read_or_none()):
                    return None
                # The same RevisionId again: if the other change touched the function,
                # Lambda answers 412 and the deploy stops instead of overwriting it.
            except DeadlineReachedError:
                raise
            except AwsUnavailableError as err:
                ambiguous = True
                if attempt >= self.retry.max_attempts:
                    raise
                self._note(step, f"{err.message}; checking whether it was applied")
                self._pause(self.retry.backoff(attempt, self._rng))
                if already_done(self._settled_read(step)):
                    return None

    def _create(self) -> None:
        step = self._step("create")
        self._begin(step)
        request = self.desired.create_request()
        sha = self.desired.code.sha256
        role_deadline = min(self._deadline, self._clock() + self.retry.role_propagation_seconds)

        def exists(current: dict[str, Any] | None) -> bool:
            return current is not None and (sha is None or current.get("CodeSha256") == sha)

        attempt = 0
        while True:
            attempt += 1
            try:
                self._mutate(
                    step,
                    lambda: self.api.create_function(**request),
                    already_done=exists,
                    conflict_is_final=True,
                )
                break
            except InvalidRequestError as err:
                if not _role_propagating(err.message):
                    raise
                pause = self.retry.backoff(attempt, self._rng, role=True)
                if self._clock() + pause > role_deadline:
                    raise InvalidRequestError(
                        f"{err.message} (still refused after "
                        f"{self._clock() - step.started_at if step.started_at else 0:.0f}s of "
                        "retries for IAM propagation)",
                        hint="Check the role's trust policy allows lambda.amazonaws.com "
                        "to sts:AssumeRole, and its permissions.",
                    ) from None
                self._note(step, f"role not usable yet (IAM propagation); retrying in {pause:.1f}s")
                self._sleep(pause)
            except ConflictError as err:
                raise ConcurrentDeployError(
                    f"function {self.name} was created by someone else while this deploy "
                    f"started ({err.message})",
                    hint="Re-run deploy to update it.",
                ) from None
        result = self._wait(step, recent_create=True)
        self._current = self._read()
        if result.assessment is not None and result.assessment.phase is not Phase.READY:
            self._reason = result.assessment.reason
            raise DeployFailedError(
                "create failed: "
                f"{_reason_text(result.assessment.reason, result.assessment.summary)}",
                hint=_remedy(result.assessment.reason),
                reason=result.assessment.reason,
            )
        self._end(step, APPLIED, f"created, CodeSha256 {self._current.get('CodeSha256')}")

    def _update_code(self) -> None:
        step = self._step("update-code")
        self._begin(step)
        sha = self.desired.code.sha256

        def done(current: dict[str, Any] | None) -> bool:
            return current is not None and sha is not None and current.get("CodeSha256") == sha

        def send() -> dict[str, Any]:
            params: dict[str, Any] = {"FunctionName": self.name}
            params.update(self.desired.code.update_params())
            if self.desired.architectures:
                params["Architectures"] = list(self.desired.architectures)
            if revision:
                params["RevisionId"] = revision
            return self.api.update_function_code(**params)

        for attempt in range(1 + self.retry.transient_update_retries):
            revision = (self._current or {}).get("RevisionId")
            self._mutate(step, send, already_done=done)
            if self._settle_update(step, "code", attempt):
                break
        new_sha = (self._current or {}).get("CodeSha256")
        if sha is not None and new_sha != sha:
            raise ConcurrentDeployError(
                f"after the code update {self.name} has CodeSha256 {new_sha}, not {sha}: "
                "another deployment changed the code",
                hint="Re-run deploy once the other deployment has finished.",
            )
        self._end(step, APPLIED, f"CodeSha256 {new_sha}")

    def _update_configuration(self) -> None:
        step = self._step("update-configuration")
        self._begin(step)
        update, _ = config_changes(self.desired.config, self._current or {})
        if not update:
            self._end(step, SKIPPED, "already in place")
            return

        def done(current: dict[str, Any] | None) -> bool:
            return current is not None and not config_changes(self.desired.config, current)[0]

        def send() -> dict[str, Any]:
            params: dict[str, Any] = {"FunctionName": self.name, **update}
            if revision:
                params["RevisionId"] = revision
            return self.api.update_function_configuration(**params)

        for attempt in range(1 + self.retry.transient_update_retries):
            revision = (self._current or {}).get("RevisionId")
            self._mutate(step, send, already_done=done)
            if self._settle_update(step, "configuration", attempt):
                break
        self._end(step, APPLIED, "fields: " + ", ".join(sorted(update)))

    def _settle_update(self, step: Step, what: str, attempt: int) -> bool:
        """Wait for our update; True when it succeeded, False to retry a transient failure."""
        result = self._wait(step)
        self._current = self._read()
        assessment = result.assessment
        if assessment is None or assessment.phase is Phase.READY:
            return True
        reason = assessment.reason
        if (
            assessment.phase is Phase.UPDATE_FAILED
            and reason is not None
            and reason.transient
            and attempt < self.retry.transient_update_retries
        ):
            self._note(
                step, f"the {what} update failed with {reason.code} (transient); retrying it"
            )
            return False
        self._reason = reason
        raise DeployFailedError(
            f"the {what} update failed: {_reason_text(reason, assessment.summary)}",
            hint=_remedy(reason),
            reason=reason,
        )

    def _publish(self) -> None:
        step = self._step("publish")
        self._begin(step)
        if self._action == "none" and self.alias:
            reused = self._version_behind_alias()
            if reused is not None:
                self._version = reused
                self._end(
                    step, SKIPPED, f"version {reused} already has this code and configuration"
                )
                return
        current = self._current or self._read()
        sha = current.get("CodeSha256")
        want = self.desired.code.sha256
        if want is not None and sha != want:
            raise ConcurrentDeployError(
                f"$LATEST of {self.name} has CodeSha256 {sha}, not the {want} deployed: "
                "another deployment changed it, so no version was published",
                hint="Re-run deploy once the other deployment has finished.",
            )
        params: dict[str, Any] = {"FunctionName": self.name, "CodeSha256": sha}
        if current.get("RevisionId"):
            params["RevisionId"] = current["RevisionId"]
        if self.version_description:
            params["Description"] = self.version_description

        def refresh(latest: dict[str, Any]) -> bool:
            # Our lost PublishVersion may have been applied (moving RevisionId). While
            # $LATEST still holds exactly this deploy, publishing again is safe: Lambda
            # answers with the version already made instead of making another.
            if latest.get("CodeSha256") != sha or config_changes(self.desired.config, latest)[0]:
                return False
            params["RevisionId"] = latest.get("RevisionId")
            return True

        answer = self._mutate(
            step,
            lambda: self.api.publish_version(**params),
            already_done=lambda _c: False,
            refresh=refresh,
        )
        version = str((answer or {}).get("Version") or "")
        if not version or version == "$LATEST":
            raise LambdaWaitError("PublishVersion answered without a version number")
        self._version = version
        result = self._wait(step, qualifier=version, recent_create=True)
        if result.assessment is not None and result.assessment.phase is not Phase.READY:
            self._reason = result.assessment.reason
            raise DeployFailedError(
                f"version {version} failed: "
                f"{_reason_text(result.assessment.reason, result.assessment.summary)}",
                hint=_remedy(result.assessment.reason),
                reason=result.assessment.reason,
            )
        self._end(step, APPLIED, f"version {version}")

    def _version_behind_alias(self) -> str | None:
        """The alias's version if it already runs exactly what is deployed (no publish needed)."""
        try:
            alias = self._with_read_retries(lambda: self.api.get_alias(self.name, self.alias or ""))
        except FunctionNotFoundError:
            return None
        version = str(alias.get("FunctionVersion") or "")
        if not version or version == "$LATEST" or alias.get("RoutingConfig"):
            return None
        try:
            config = self._read(version)
        except FunctionNotFoundError:
            return None
        latest = self._current or {}
        same_code = config.get("CodeSha256") == latest.get("CodeSha256")
        same_config = not config_changes(self.desired.config, config)[0]
        ready = assess(FunctionSnapshot.from_configuration(config)).phase is Phase.READY
        return version if same_code and same_config and ready else None

    def _point_alias(self) -> None:
        step = self._step("alias")
        self._begin(step)
        alias = self.alias or ""
        version = self._version
        if version is None:  # pragma: no cover - --alias implies --publish
            raise LambdaWaitError("no version to point the alias at")
        try:
            existing: dict[str, Any] | None = self._with_read_retries(
                lambda: self.api.get_alias(self.name, alias)
            )
        except FunctionNotFoundError:
            existing = None
        if existing is not None and str(existing.get("FunctionVersion")) == version:
            self._end(step, SKIPPED, f"{alias} already -> {version}")
            return

        def points_at_version(_current: dict[str, Any] | None) -> bool:
            try:
                found = self._with_read_retries(lambda: self.api.get_alias(self.name, alias))
            except FunctionNotFoundError:
                return False
            return str(found.get("FunctionVersion")) == version

        if existing is None:
            try:
                self._mutate(
                    step,
                    lambda: self.api.create_alias(
                        FunctionName=self.name, Name=alias, FunctionVersion=version
                    ),
                    already_done=points_at_version,
                    conflict_is_final=True,
                )
            except ConflictError as err:
                raise ConcurrentDeployError(
                    f"alias {alias} was created by someone else meanwhile ({err.message})",
                    hint="Re-run deploy to move it.",
                ) from None
            self._end(step, APPLIED, f"created {alias} -> {version}")
            return
        params: dict[str, Any] = {
            "FunctionName": self.name,
            "Name": alias,
            "FunctionVersion": version,
        }
        if existing.get("RevisionId"):
            params["RevisionId"] = existing["RevisionId"]
        previous = existing.get("FunctionVersion")
        self._mutate(step, lambda: self.api.update_alias(**params), already_done=points_at_version)
        self._end(step, APPLIED, f"{alias}: {previous} -> {version}")

    # --- the result ------------------------------------------------------------------------
    def _finish(self, exit_code: ExitCode, error: LambdaWaitError | None) -> DeployResult:
        failed: Step | None = None
        for step in self.steps:
            if step.status == RUNNING:
                if step.started_at is not None:
                    step.seconds = self._clock() - step.started_at
                timed_out = isinstance(
                    error, DeployTimeoutError | DeadlineReachedError
                ) or exit_code in (ExitCode.INTERRUPTED, ExitCode.TERMINATED, ExitCode.TIMEOUT)
                step.status = UNKNOWN if timed_out and step.mutating else FAILED
                if error is not None:
                    step.detail = error.message
                failed = step
            elif step.status == PENDING:
                step.status = NOT_APPLIED
        reason = self._reason or getattr(error, "reason", None)
        snapshot = None
        if self._current is not None:
            snapshot = FunctionSnapshot.from_configuration(self._current)
        action = "blocked" if isinstance(error, DeployBlockedError) else self._action
        return DeployResult(
            function=self.name,
            exit_code=exit_code,
            action=action,
            dry_run=self.dry_run,
            steps=list(self.steps),
            elapsed=self._clock() - self._start,
            plan=self.plan,
            snapshot=snapshot,
            version=self._version,
            alias=self.alias if self._version else None,
            code_sha256=(self._current or {}).get("CodeSha256"),
            error=error,
            live=None if error is None else self._live_note(failed, error),
            reason=reason,
        )

    def _live_note(self, failed: Step | None, error: LambdaWaitError) -> str:
        """What is live in AWS after a failure, in one or two sentences."""
        applied = [s.name for s in self.steps if s.status == APPLIED]
        name = failed.name if failed is not None else None
        region = f" --region {self.api.region}" if self.api.region else ""
        delete = f"aws lambda delete-function --function-name {self.name}{region}"
        if isinstance(error, DeployBlockedError):
            return "Nothing was changed: the deploy stopped before its first change."
        if failed is not None and failed.status == UNKNOWN:
            return (
                f"{name} was under way: AWS may still be finishing it; steps applied "
                f"before it: {', '.join(applied) or 'none'}. Re-running deploy converges."
            )
        if error.exit_code in (ExitCode.INTERRUPTED, ExitCode.TERMINATED):
            return (
                f"Stopped between steps; steps applied: {', '.join(applied) or 'none'}. AWS may "
                "still be finishing the last one. Re-running deploy converges."
            )
        if name == "create":
            if isinstance(error, DeployFailedError):
                return (
                    "The function was created but is in State Failed and cannot run: delete "
                    f"it before re-running: {delete}"
                )
            return "Nothing was created."
        if name in ("update-code", "update-configuration"):
            if name == "update-code" or "update-code" not in applied:
                return (
                    f"Lambda kept the previous code and configuration live: the {name} step "
                    "was not applied."
                )
            return (
                "The new code is live with the previous configuration: the configuration "
                "update was not applied."
            )
        if name == "publish":
            version = f" version {self._version} is not usable;" if self._version else ""
            return f"$LATEST has this deploy's code and configuration;{version} no alias was moved."
        if name == "alias":
            return (
                f"Version {self._version} is published and Active, but alias {self.alias} "
                "was not moved."
            )
        if applied:
            return f"Applied before the failure: {', '.join(applied)}."
        return "Nothing was changed."


def _busy(current: Mapping[str, Any]) -> bool:
    return current.get("State") == "Pending" or current.get("LastUpdateStatus") == "InProgress"


def _role_propagating(message: str) -> bool:
    lowered = message.lower()
    return any(text in lowered for text in ROLE_PROPAGATION_MESSAGES)


def _reason_text(reason: DecodedReason | None, fallback: str) -> str:
    if reason is None or not reason.code:
        return fallback
    text = f"{reason.code}"
    if reason.aws_message:
        text += f": {reason.aws_message}"
    return text


def _remedy(reason: DecodedReason | None) -> str | None:
    if reason is None:
        return None
    remedy = reason.remedy
    if reason.transient:
        remedy = (remedy + " " if remedy else "") + "(Transient: re-running may succeed.)"
    return remedy


def check_before_acting(
    snap: FunctionSnapshot,
    name: str,
    region: str | None,
    cooldowns: CooldownStore | None = None,
) -> None:
    """Refuse, before any change, to deploy onto a function that cannot take it.

    Failed (delete and recreate), Inactive or cooling down (restore it first; a
    cooldown seen now or remembered in ``cooldowns`` from an earlier run is exit 6
    with the earliest retry time), being deleted, or in a State this version does
    not know.
    """
    assessment = assess(snap, Target.READY)
    phase = assessment.phase
    where = f" --region {region}" if region else ""
    if phase is Phase.FAILED:
        raise DeployBlockedError(
            f"{name} is in State Failed ({_reason_text(assessment.reason, 'no reason given')}): "
            "an update cannot repair it",
            exit_code=ExitCode.FAILED,
            hint=f"Delete it (aws lambda delete-function --function-name {name}{where}) and "
            "re-run deploy to create it again.",
            reason=assessment.reason,
        )
    if phase is Phase.INACTIVE:
        reason = assessment.reason
        remembered = None
        if cooldowns is not None:
            remembered = cooldowns.get(cooldown_key(snap.function_arn, name, region))
        if remembered is not None:
            raise DeployBlockedError(
                f"{name} is Inactive and a cooldown is in effect ({remembered.code}): Lambda "
                f"will not retry its network setup before {iso(remembered.retry_not_before)} "
                "(UTC)",
                exit_code=ExitCode.COOLDOWN,
                hint=f"Re-run deploy after {iso(remembered.retry_not_before)} (UTC).",
                reason=reason,
            )
        if reason is not None and reason.cooldown:
            raise DeployBlockedError(
                f"{name} is Inactive and its last restore failed with {reason.code}: Lambda "
                "waits at least 5 minutes before it tries again",
                exit_code=ExitCode.COOLDOWN,
                hint=(reason.remedy or "") + " Re-run deploy after the cooldown.",
                reason=reason,
            )
        raise DeployBlockedError(
            f"{name} is {snap.state} (idle: Lambda reclaimed its network interfaces); "
            "changing it now would fail",
            exit_code=ExitCode.INACTIVE,
            hint=f"Restore it first (invoke it, or `lambda-wait wait {name} --wake` where "
            "available), then re-run deploy.",
            reason=reason,
        )
    if phase is Phase.DELETING:
        raise DeployBlockedError(
            f"{name} is being deleted",
            exit_code=ExitCode.NOT_FOUND,
            hint="Re-run deploy once the deletion has finished to create it again.",
        )
    if phase is Phase.OTHER and snap.state is not None:
        raise DeployBlockedError(
            f"{name} is in State {snap.state!r}, unknown to this version of lambda-wait: "
            "not deploying onto it",
            exit_code=ExitCode.FAILED,
            hint="Check it with `lambda-wait status`; upgrade lambda-wait.",
        )
