"""Polling a function until it reaches a target, with tenacity and one injected Clock.

When to read is :mod:`lambda_wait.schedule`'s business (a tenacity wait strategy
derived from a model of the operation, anchored on the operation's start). This
module runs the reads: a failure stops the wait at once; transient API trouble
(throttling, 5xx, connection errors, eventual consistency right after a create)
is retried with backoff for as long as the deadline allows, and never ends a
wait earlier. The last read happens at the deadline itself.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import tenacity

from lambda_wait.anchor import ServerClock, elapsed_since
from lambda_wait.budget import READ_URGENCY
from lambda_wait.clock import Clock, Deadline, SystemClock
from lambda_wait.errors import (
    AwsUnavailableError,
    DeadlineReachedError,
    ExitCode,
    FunctionNotFoundError,
    LambdaWaitError,
    ThrottledError,
)
from lambda_wait.peers import Peers
from lambda_wait.schedule import (
    Operation,
    OperationKind,
    PollSchedule,
    Prediction,
    ScheduleWait,
    kind_of,
    prior_for,
)
from lambda_wait.states import PENDING, Assessment, FunctionSnapshot, Phase, Target, assess

# The wait's data types live in wait_model.py; re-exported: callers import them from here.
from lambda_wait.wait_model import (
    STUCK_PENDING_SECONDS,
    EventKind,
    PollPolicy,
    WaitEvent,
    WaitResult,
)

__all__ = [
    "STUCK_PENDING_SECONDS",
    "EventKind",
    "Listener",
    "PollPolicy",
    "Predictor",
    "Reader",
    "WaitEvent",
    "WaitResult",
    "Waiter",
]


class _Retry(Exception):
    """Internal: a transient error to poll through."""

    def __init__(self, error: LambdaWaitError) -> None:
        super().__init__(error.message)
        self.error = error


Reader = Callable[[], FunctionSnapshot]
Listener = Callable[[WaitEvent], None]
# What history predicts for this kind of operation on the function just read.
Predictor = Callable[[OperationKind, FunctionSnapshot], Prediction | None]


def _restore_fields(snap: FunctionSnapshot) -> tuple[str | None, ...]:
    """What an Inactive function's read says about its restore."""
    return (
        snap.state,
        snap.state_reason_code,
        snap.last_update_status,
        snap.last_update_status_reason_code,
    )


class Waiter:
    """Polls ``read`` until ``target`` holds, a failure shows, or the deadline passes.

    ``operation`` says what is awaited when the caller knows (a deploy: the kind, and
    ``started_at`` when the mutating call was sent); otherwise the first answer says
    (its state, and LastModified converted with ``server_clock``). ``deadline`` (the
    run's) and ``timeout`` (this wait's) both bound it. ``woken_from`` is the read that
    showed the function Inactive just before a wake invocation: for ``inactive_grace``
    seconds a read that still says the same is judged in progress (not yet updated);
    any other read, e.g. a restore failure, is judged as it is.
    """

    def __init__(
        self,
        function: str,
        read: Reader,
        *,
        target: Target = Target.READY,
        timeout: float | None = None,
        policy: PollPolicy | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        listener: Listener | None = None,
        expect_recent_create: bool = True,
        inactive_grace: float = 0.0,
        woken_from: FunctionSnapshot | None = None,
        schedule: PollSchedule | None = None,
        operation: Operation | None = None,
        deadline: Deadline | None = None,
        server_clock: ServerClock | None = None,
        predict: Predictor | None = None,
        peers: Peers | None = None,
    ) -> None:
        self.function = function
        self._read = read
        self.target = target
        self.timeout = timeout
        self.policy = policy
        self.schedule = schedule or PollSchedule()
        self.clock: Clock = clock if clock is not None else SystemClock()
        self._rng = rng or random.Random()
        self._listener = listener
        self._expect_recent_create = expect_recent_create
        self._run_deadline = deadline
        self._server_clock = server_clock
        self._predict = predict
        self._peers = peers
        self.operation = operation or Operation()
        self._wait_strategy = ScheduleWait(
            self.schedule, self.operation, self.clock.now, self._time_scale
        )
        self._start = 0.0
        self._bound = Deadline(self.clock, 0.0)  # set by run()
        self._polls = 0
        self._errors_in_row = 0
        self._last_snapshot: FunctionSnapshot | None = None
        self._last_assessment: Assessment | None = None
        self._last_error: LambdaWaitError | None = None
        self._last_busy_read: float | None = None  # the last read that saw it in progress
        self._done_read: float | None = None
        self._retry_after = 0.0
        # Right after a wake invocation the function may still read as it did before it
        # (Inactive) for a moment: for inactive_grace seconds such a read is not an answer.
        self._inactive_grace = inactive_grace
        self._woken_from = woken_from
        self._seen_not_inactive = False
        self._pending_since: float | None = None
        self._stuck_noted = False
        self.notes: list[str] = []

    def _urgency(self) -> float:
        """What this read is worth to a shared budget (the expected lateness it removes)."""
        return self._wait_strategy.urgency(self._last_busy_read)

    def _time_scale(self) -> float:
        return self._server_clock.time_scale if self._server_clock is not None else 1.0

    @property
    def not_found_grace(self) -> float:
        return self.policy.not_found_grace if self.policy else self.schedule.not_found_grace

    # tenacity hooks ---------------------------------------------------------
    def _attempt(self) -> Assessment:
        self._polls += 1
        self._retry_after = 0.0
        sent = self.clock.now()
        token = READ_URGENCY.set(self._urgency)
        try:
            snap = self._read()
        except DeadlineReachedError as err:
            # The run's --timeout, not Lambda: end with what the earlier reads showed
            # (e.g. still not found), which says more than "out of time".
            raise _Retry(self._last_error or err) from None
        except FunctionNotFoundError as err:
            if self._expect_recent_create and self._elapsed() < self.not_found_grace:
                self._note_error(err)
                raise _Retry(err) from None
            if self._expect_recent_create:  # the grace was waited out: say how long it took
                raise FunctionNotFoundError(
                    f"{err.message} (still not found after {self._elapsed():.1f}s; a new "
                    f"function may take up to {self.not_found_grace:.0f}s to appear)",
                    hint=err.hint,
                ) from None
            raise
        except ThrottledError as err:
            self._retry_after = err.retry_after or 0.0
            self._note_error(err)
            raise _Retry(err) from None
        except AwsUnavailableError as err:
            # Retried by time, not by count: only the deadline ends a run of errors.
            self._note_error(err)
            raise _Retry(err) from None
        finally:
            READ_URGENCY.reset(token)
        self._errors_in_row = 0
        self._last_error = None
        assessment = self._judge(snap)
        self._learn(snap, assessment, sent)
        previous = self._last_snapshot
        changed = previous is None or previous.key != snap.key
        self._last_snapshot, self._last_assessment = snap, assessment
        self._emit(WaitEvent("poll", self.function, self._elapsed(), snap, assessment, changed))
        return assessment

    def _learn(self, snap: FunctionSnapshot, assessment: Assessment, sent: float) -> None:
        """Anchor the operation on the first answer; note when it was last seen busy."""
        op = self.operation
        if assessment.done:
            if self._last_busy_read is not None and self._done_read is None:
                self._done_read = sent
                peer = self._wait_strategy.peer
                if peer is not None and op.started_at is not None:
                    # Its end, midway between the last busy read and this one, for its peers.
                    middle = (self._last_busy_read + sent) / 2.0 - op.started_at
                    peer.ended(middle / self._time_scale())
            return
        self._last_busy_read = sent
        if op.kind is OperationKind.UNKNOWN:
            op.kind = kind_of(snap)
        if op.prior is None:
            op.prior = prior_for(op.kind, image=snap.package_type == "Image", in_vpc=snap.in_vpc)
        if op.started_at is None:
            elapsed = None
            if op.kind is not OperationKind.RESTORE:  # a restore leaves LastModified alone
                elapsed = elapsed_since(snap.last_modified, self._server_clock, self.clock.wall())
            op.anchored = elapsed is not None
            op.started_at = sent - (elapsed or 0.0)
        if op.prediction is None and self._predict is not None and op.anchored:
            op.prediction = self._predict(op.kind, snap)
        strategy = self._wait_strategy
        if strategy.peer is None and self._peers is not None:
            # Only operations of the same kind and prior, anchored alike, are comparable.
            strategy.peer = self._peers.join((op.kind, op.prior, op.anchored))
        if strategy.peer is not None:
            strategy.peer.running((sent - op.started_at) / self._time_scale())

    def _judge(self, snap: FunctionSnapshot) -> Assessment:
        assessment = assess(snap, self.target)
        if assessment.phase is Phase.INACTIVE:
            if (
                not self._seen_not_inactive
                and self._elapsed() < self._inactive_grace
                and self._as_before_the_wake(snap)
            ):
                return Assessment(
                    Phase.IN_PROGRESS, "Inactive: restore requested", assessment.reason
                )
        else:
            self._seen_not_inactive = True
        if snap.state == PENDING:
            now = self.clock.now()
            if self._pending_since is None:
                self._pending_since = now
            elif now - self._pending_since > STUCK_PENDING_SECONDS and not self._stuck_noted:
                self._stuck_noted = True
                note = (
                    f"Pending for more than {STUCK_PENDING_SECONDS / 60:.0f} minutes: probably "
                    "stuck. AWS advises calling UpdateFunctionCode, UpdateFunctionConfiguration "
                    "or PublishVersion, which cancels the pending operation and moves the "
                    "function to Failed; lambda-wait never does that by itself."
                )
                self.notes.append(note)
                self._emit(WaitEvent("note", self.function, self._elapsed(), message=note))
        else:
            self._pending_since = None
        return assessment

    def _as_before_the_wake(self, snap: FunctionSnapshot) -> bool:
        """True if ``snap`` says what the read before the wake said: Lambda has not shown
        the restore yet. A new reason (Idle before, a restore failure now) is an answer."""
        before = self._woken_from
        return before is not None and _restore_fields(snap) == _restore_fields(before)

    def _note_error(self, err: LambdaWaitError) -> None:
        self._errors_in_row += 1
        self._last_error = err
        self._emit(WaitEvent("retry", self.function, self._elapsed(), error=err))

    def _wait(self, state: tenacity.RetryCallState) -> float:
        if self.policy is not None:
            interval = self.policy.interval(self._polls, self._rng)
        elif self._errors_in_row:
            interval = self.schedule.backoff(self._errors_in_row, self._rng) * self._time_scale()
        else:
            interval = self._wait_strategy(state)
        interval = max(interval, self._retry_after)
        return self._bound.clamp(interval)

    def _stop(self, state: tenacity.RetryCallState) -> bool:
        return self._bound.expired()

    def _before_sleep(self, state: tenacity.RetryCallState) -> None:
        seconds = state.upcoming_sleep
        self._emit(WaitEvent("sleep", self.function, self._elapsed(), sleep_seconds=seconds))

    def _emit(self, event: WaitEvent) -> None:
        if self._listener is not None:
            self._listener(event)

    def _elapsed(self) -> float:
        return self.clock.now() - self._start

    def _duration(self) -> float | None:
        """How long the operation took from its start, if seen busy then done."""
        op = self.operation
        if self._done_read is None or self._last_busy_read is None or op.started_at is None:
            return None
        if not op.anchored:
            return None
        # It ended between the last busy read and the first done one: take the middle.
        return (self._last_busy_read + self._done_read) / 2.0 - op.started_at

    # public ------------------------------------------------------------------
    def run(self) -> WaitResult:
        """Poll until done; returns a result, raising only non-retryable API errors."""
        self._start = self.clock.now()
        # One bound: the run's Deadline (``timeout`` inside it when given too), or
        # ``timeout`` (default 600 s) from now.
        if self._run_deadline is not None:
            self._bound = self._run_deadline.within(self.timeout)
        else:
            self._bound = Deadline(self.clock, 600.0 if self.timeout is None else self.timeout)
        retrying = tenacity.Retrying(
            sleep=self.clock.sleep,
            stop=self._stop,
            wait=self._wait,
            retry=(
                tenacity.retry_if_exception_type(_Retry)
                | tenacity.retry_if_result(lambda a: not a.done)
            ),
            before_sleep=self._before_sleep,
            # At the deadline hand back the last outcome (or re-raise its _Retry).
            retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
            reraise=True,
        )
        try:
            assessment: Assessment | None = retrying(self._attempt)
        except _Retry as exc:  # the deadline passed while the API kept failing
            return self._timeout_result(exc.error)
        if assessment is None or not assessment.done:
            return self._timeout_result(None)
        return WaitResult(
            function=self.function,
            target=self.target,
            exit_code=assessment.exit_code,
            snapshot=self._last_snapshot,
            assessment=assessment,
            elapsed=self._elapsed(),
            polls=self._polls,
            notes=list(self.notes),
            operation=self.operation,
            duration=self._duration(),
        )

    def _timeout_result(self, error: LambdaWaitError | None) -> WaitResult:
        base = WaitResult(
            self.function,
            self.target,
            ExitCode.TIMEOUT,
            self._last_snapshot,
            self._last_assessment,
            self._elapsed(),
            self._polls,
            notes=list(self.notes),
            operation=self.operation,
        )
        if isinstance(error, FunctionNotFoundError) and self._last_snapshot is None:
            base.exit_code, base.error = ExitCode.NOT_FOUND, error
            return base
        if error is not None and not isinstance(error, DeadlineReachedError):
            # Still failing at the deadline: say so (exit 8) with the last error; the last
            # state seen, if any, stays in the result.
            base.exit_code, base.error = error.exit_code, error
            return base
        if self._last_assessment is not None and self._last_assessment.phase is Phase.READY:
            base.exit_code = ExitCode.READY
            return base
        base.timed_out = True
        return base
