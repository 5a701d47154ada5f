"""Waiting that knows Inactive functions: wake on request, honour the cooldown.

Waking invokes the function synchronously (``InvocationType=RequestResponse``)
with the payload ``{"lambda-wait": "wake"}``, and only right after a read that
showed it Inactive. While Inactive the invocation fails (ResourceNotReadyException
for VPC functions, CodeArtifactUserPendingException otherwise) and starts the
restore: that failure is expected. If the function turned Active between that
read and the invocation, the handler runs once with that payload; the result
says so. Lambda has no invocation type that restores without running code
(DryRun only checks permissions).
"""

from __future__ import annotations

import json
import random
from dataclasses import replace

from lambda_wait.aws import LambdaApi
from lambda_wait.clock import Clock, Deadline, SystemClock
from lambda_wait.cooldown import Cooldown, CooldownStore, cooldown_key, is_cooldown_code, iso
from lambda_wait.errors import ConflictError, ExitCode, FunctionNotReadyError
from lambda_wait.history import HistoryStore, history_key
from lambda_wait.inputs import FunctionRef, PollApi
from lambda_wait.peers import Peers
from lambda_wait.reasons import lookup
from lambda_wait.schedule import Operation, OperationKind, PollSchedule, Prediction
from lambda_wait.states import FAILED, INACTIVE, FunctionSnapshot, Phase, Target
from lambda_wait.targets.function import FUNCTION_STATE
from lambda_wait.waiter import Listener, PollPolicy, Waiter, WaitEvent, WaitResult

WAKE_PAYLOAD = json.dumps({"lambda-wait": "wake"}).encode()
HEARTBEAT_SECONDS = 30.0
MAX_WAKE_ATTEMPTS = 3
INACTIVE_GRACE_SECONDS = 10.0


def restore_failure_code(snap: FunctionSnapshot | None) -> str | None:
    """The reason code of a failed restore, as Lambda leaves it on an Inactive function."""
    if snap is None or snap.state != INACTIVE:
        return None
    if snap.last_update_status == FAILED and snap.last_update_status_reason_code:
        return snap.last_update_status_reason_code
    code = snap.state_reason_code
    return code if code and code != "Idle" else None


class InactiveAwareWait:
    """One function's wait, with optional waking and the cooldown rules."""

    def __init__(
        self,
        api: LambdaApi,
        ref: FunctionRef,
        *,
        target: Target = Target.READY,
        timeout: float | None = None,
        wake: bool = False,
        store: CooldownStore | None = None,
        policy: PollPolicy | None = None,
        listener: Listener | None = None,
        poll_api: PollApi = PollApi.GET_FUNCTION_CONFIGURATION,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        schedule: PollSchedule | None = None,
        history: HistoryStore | None = None,
        deadline: Deadline | None = None,
        operation: Operation | None = None,
        peers: Peers | None = None,
    ) -> None:
        self.api = api
        self.ref = ref
        self.target = target
        self.wake = wake
        self.store = store if store is not None else CooldownStore.default()
        self.policy = policy
        self.listener = listener
        self.poll_api = poll_api
        self._clock = clock if clock is not None else SystemClock()
        # The one bound of this wait: the run's Deadline, or ``timeout`` (default 600 s)
        # inside it; handed down to every poll, never turned back into a float.
        if deadline is None:
            deadline = Deadline(self._clock, 600.0 if timeout is None else timeout)
        elif timeout is not None:
            deadline = deadline.within(timeout)
        self.rng = rng
        self.schedule = schedule
        self.history = history
        self.deadline = deadline
        self.operation = operation
        self.peers = peers
        self.notes: list[str] = []
        self.wake_attempts = 0
        self.handler_ran = False
        # The read that showed it Inactive right before the last wake invocation.
        self._woken_from: FunctionSnapshot | None = None

    def _read(self) -> FunctionSnapshot:
        return FUNCTION_STATE.read(self.api, self.ref, self.poll_api)

    def _emit(self, event: WaitEvent) -> None:
        if self.listener is not None:
            self.listener(event)

    def clock(self) -> float:
        return self._clock.now()

    def wall(self) -> float:
        return self._clock.wall()

    def sleep(self, seconds: float) -> None:
        self._clock.sleep(seconds)

    def _predict(self, kind: OperationKind, snap: FunctionSnapshot) -> Prediction | None:
        if self.history is None:
            return None
        return self.history.predict(self._history_key(snap), kind)

    def _history_key(self, snap: FunctionSnapshot) -> str:
        return history_key(snap.function_arn, snap.function_name or self.ref.name, self.api.region)

    def _poll(self, *, operation: Operation | None) -> WaitResult:
        return Waiter(
            self.ref.label,
            self._read,
            target=self.target,
            policy=self.policy,
            clock=self._clock,
            listener=self.listener,
            inactive_grace=INACTIVE_GRACE_SECONDS,
            woken_from=self._woken_from,
            rng=self.rng,
            schedule=self.schedule,
            operation=operation,
            deadline=self.deadline,
            server_clock=self.api.server_clock,
            predict=self._predict,
            peers=self.peers,
        ).run()

    def _remember(self, result: WaitResult) -> None:
        """Record how long the operation took (when it was seen busy, then done)."""
        op, snap = result.operation, result.snapshot
        if self.history is None or op is None or snap is None or result.duration is None:
            return
        if result.exit_code in (ExitCode.READY, ExitCode.FAILED):
            outcome = "ready" if result.ready else "failed"
            # In AWS's seconds: against a time-scaled sandbox, its unscaled ones.
            seconds = result.duration / self.api.server_clock.time_scale
            self.history.record(self._history_key(snap), op.kind, seconds, outcome)

    def run(self) -> WaitResult:
        """Wait; wake if asked; never trigger a restore inside a cooldown."""
        start = self.clock()
        after_wake = False
        operation = self.operation
        while True:
            result = self._poll(operation=operation)
            self._remember(result)
            result.elapsed = self.clock() - start
            result.notes = self.notes + result.notes
            snap = result.snapshot
            if (
                result.assessment is None
                or result.assessment.phase is not Phase.INACTIVE
                or snap is None
            ):
                if result.ready and snap is not None:
                    self.store.clear(self._key(snap))
                return result
            key = self._key(snap)
            code = restore_failure_code(snap)
            cooldown = self.store.get(key)
            if code is not None and is_cooldown_code(code) and cooldown is None:
                # We cannot see when Lambda observed it: count from our own observation.
                cooldown = self.store.record(key, code)
            if cooldown is not None:
                wait_for = cooldown.remaining(self.wall())
                left = self.deadline.remaining()
                if not self.wake or (left is not None and wait_for > left):
                    return self._cooldown_result(result, cooldown)
                self._count_down(cooldown)
            elif not self.wake:
                return self._inactive_result(result)
            elif after_wake and code is not None:
                info = lookup(code)
                if info is not None and not info.transient:
                    return self._inactive_result(result, restore_failed=code)
            if self.wake_attempts >= MAX_WAKE_ATTEMPTS:
                self.notes.append(f"gave up after {self.wake_attempts} wake attempts")
                return self._inactive_result(result, restore_failed=code)
            if self.deadline.expired():
                return replace(result, exit_code=ExitCode.TIMEOUT, timed_out=True)
            woke_at = self.clock()
            self._wake_once()
            after_wake = True
            # The restore starts with the wake invocation (LastModified does not move).
            operation = Operation(OperationKind.RESTORE, started_at=woke_at, anchored=True)

    def _key(self, snap: FunctionSnapshot) -> str:
        return cooldown_key(snap.function_arn, snap.function_name or self.ref.name, self.api.region)

    def _wake_once(self) -> None:
        # Guard: invoke only right after a read that shows Inactive, so user code is not
        # run against an Active function (the remaining window is one round trip).
        snap = self._read()
        self._woken_from = None
        if snap.state != INACTIVE:
            self.notes.append(f"function became {snap.state} before the wake; not invoked")
            return
        self._woken_from = snap
        self.wake_attempts += 1
        self._emit(
            WaitEvent(
                "note", self.ref.label, 0.0, message="Inactive: invoking once to start the restore"
            )
        )
        try:
            self.api.invoke(
                FunctionName=self.ref.api_name,
                Qualifier=self.ref.qualifier or "$LATEST",
                InvocationType="RequestResponse",
                Payload=WAKE_PAYLOAD,
            )
        except (FunctionNotReadyError, ConflictError):
            return  # expected: this failure is what starts the restore
        self.handler_ran = True
        self.notes.append(
            "the function was already Active when the wake invocation arrived: its handler "
            'ran once with the payload {"lambda-wait": "wake"}'
        )

    def _count_down(self, cooldown: Cooldown) -> None:
        while True:
            remaining = cooldown.remaining(self.wall())
            if remaining <= 0:
                return
            self._emit(
                WaitEvent(
                    "cooldown",
                    self.ref.label,
                    0.0,
                    sleep_seconds=remaining,
                    message=f"cooldown ({cooldown.code}): Lambda will not retry before "
                    f"{iso(cooldown.retry_not_before)}; {remaining:.0f}s left",
                )
            )
            self.sleep(min(HEARTBEAT_SECONDS, remaining))

    def _cooldown_result(self, result: WaitResult, cooldown: Cooldown) -> WaitResult:
        info = lookup(cooldown.code)
        remedy = f" {info.remedy}" if info else ""
        note = (
            f"cooldown in effect ({cooldown.code}): Lambda will not retry the network setup "
            f"before {iso(cooldown.retry_not_before)} (UTC); run again after that.{remedy}"
        )
        return replace(
            result,
            exit_code=ExitCode.COOLDOWN,
            notes=[*result.notes, note],
            cooldown=cooldown.to_dict(self.wall()),
        )

    def _inactive_result(self, result: WaitResult, restore_failed: str | None = None) -> WaitResult:
        if restore_failed:
            note = f"the restore failed ({restore_failed}); the function is Inactive again"
        elif self.wake:
            note = "the function is Inactive"
        else:
            note = (
                f"the function is Inactive (idle): run `lambda-wait wait {self.ref.label} "
                "--wake` to restore it (one invocation), or invoke it yourself"
            )
        return replace(result, exit_code=ExitCode.INACTIVE, notes=[*result.notes, note])
