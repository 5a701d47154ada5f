"""Polling a function until it reaches a target, with tenacity, clock and sleep injected.

The schedule starts sub-second (most non-VPC changes finish in a few seconds),
backs off exponentially with jitter, and is capped by elapsed-time bands (sparse
in the long middle, tighter again around a VPC attach's minute), never sleeping past the
deadline: the last read happens at the deadline itself. Failures stop the wait
at once; transient API trouble (throttling, 5xx, eventual consistency right
after a create) is retried inside the same deadline.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import tenacity

from lambda_wait.errors import (
    AwsUnavailableError,
    DeadlineReachedError,
    ExitCode,
    FunctionNotFoundError,
    LambdaWaitError,
    ThrottledError,
)
from lambda_wait.states import PENDING, Assessment, FunctionSnapshot, Phase, Target, assess

# Ceilings on the poll interval by elapsed seconds, from what the AWS guide says about
# how long operations take: non-VPC creates and updates finish in "a few seconds", so
# poll sub-second at first; a VPC create or attach takes "about a minute", so poll
# sparsely in the long middle and tightly again around the minute; beyond that
# (new Hyperplane ENIs, SnapStart snapshots: several minutes) max_interval applies.
DEFAULT_BANDS: tuple[tuple[float, float], ...] = (
    (3.0, 0.3),  # elapsed < 3 s: at most 0.3 s
    (10.0, 1.5),  # < 10 s: at most 1.5 s
    (50.0, 5.0),  # < 50 s: the long middle, a completion seen at most ~5 s late
    (90.0, 2.0),  # < 90 s: around "about a minute"
)


@dataclass(frozen=True)
class PollPolicy:
    """The polling schedule: ``initial * multiplier**n``, capped by ``max_interval`` and by
    the ceiling of the elapsed-time band the wait is in, +-jitter.

    With the defaults a wait reads at about 0, 0.25, 0.55, 0.85 s... every 0.3 s to 3 s,
    then every 1.5 s to 10 s, every 5 s to 50 s, every 2 s to 90 s, then every 6 s: a
    2 s update is seen within about 0.3 s, a one-minute VPC attach within about 1 s,
    with under half the reads of a 1-second poll (docs/performance.md has the
    measurements). Between 10 and 50 s a completion may be seen up to ~6 s late.
    """

    initial: float = 0.25
    multiplier: float = 1.5
    max_interval: float = 6.0
    jitter: float = 0.2  # fraction of the interval, both ways
    not_found_grace: float = 10.0  # ResourceNotFound this early is eventual consistency
    max_consecutive_errors: int = 8  # 5xx / connection errors in a row before giving up
    # (elapsed seconds below which it applies, interval ceiling); () turns the bands off.
    bands: tuple[tuple[float, float], ...] = DEFAULT_BANDS

    def ceiling(self, elapsed: float | None) -> float:
        """The largest interval allowed at ``elapsed`` seconds into the wait."""
        if elapsed is not None:
            for until, ceiling in self.bands:
                if elapsed < until:
                    return min(self.max_interval, ceiling)
        return self.max_interval

    def interval(self, poll_number: int, rng: random.Random, elapsed: float | None = None) -> float:
        """Seconds to sleep after the ``poll_number``-th read (1-based), ``elapsed``
        seconds into the wait (None: the bands do not apply)."""
        try:
            grown = self.initial * self.multiplier ** max(0, poll_number - 1)
        except OverflowError:  # a wait of hours: ~1,750 polls overflow 1.5**n, long past the cap
            grown = self.max_interval
        base = min(self.ceiling(elapsed), grown)
        return max(0.05, base * (1 + rng.uniform(-self.jitter, self.jitter)))


EventKind = Literal["poll", "retry", "sleep", "note", "cooldown"]

STUCK_PENDING_SECONDS = 360.0  # AWS: Pending for more than 6 minutes counts as stuck


@dataclass(frozen=True)
class WaitEvent:
    """Something the waiter did, for progress display."""

    kind: EventKind
    function: str
    elapsed: float
    snapshot: FunctionSnapshot | None = None
    assessment: Assessment | None = None
    changed: bool = False
    error: LambdaWaitError | None = None
    sleep_seconds: float = 0.0
    message: str | None = None


@dataclass
class WaitResult:
    """How a wait ended, for one function."""

    function: str
    target: Target
    exit_code: ExitCode
    snapshot: FunctionSnapshot | None
    assessment: Assessment | None
    elapsed: float
    polls: int
    error: LambdaWaitError | None = None
    timed_out: bool = False
    notes: list[str] = field(default_factory=list)
    cooldown: dict[str, object] | None = None

    @property
    def ready(self) -> bool:
        return self.exit_code is ExitCode.READY

    @property
    def message(self) -> str:
        """One line saying how it ended."""
        if self.error is not None:
            return self.error.one_line()
        if self.timed_out:
            where = self.assessment.summary if self.assessment else "no successful read"
            return f"timed out after {self.elapsed:.1f}s, still {where}"
        return self.assessment.summary if self.assessment else "no state read"


class _Retry(Exception):
    """Internal: a transient error to poll through."""

    def __init__(self, error: LambdaWaitError) -> None:
        super().__init__(error.message)
        self.error = error


Reader = Callable[[], FunctionSnapshot]
Listener = Callable[[WaitEvent], None]


class Waiter:
    """Polls ``read`` until ``target`` holds, a failure shows, or ``timeout`` passes."""

    def __init__(
        self,
        function: str,
        read: Reader,
        *,
        target: Target = Target.READY,
        timeout: float = 600.0,
        policy: PollPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        listener: Listener | None = None,
        expect_recent_create: bool = True,
        inactive_grace: float = 0.0,
    ) -> None:
        self.function = function
        self._read = read
        self.target = target
        self.timeout = timeout
        self.policy = policy or PollPolicy()
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._listener = listener
        self._expect_recent_create = expect_recent_create
        self._start = 0.0
        self._deadline = 0.0
        self._polls = 0
        self._errors_in_row = 0
        self._last_snapshot: FunctionSnapshot | None = None
        self._last_assessment: Assessment | None = None
        self._last_error: LambdaWaitError | None = None
        self._retry_after = 0.0
        # Right after a wake invocation the function may still read Inactive for a moment.
        self._inactive_grace = inactive_grace
        self._seen_not_inactive = False
        self._pending_since: float | None = None
        self._stuck_noted = False
        self.notes: list[str] = []

    # tenacity hooks ---------------------------------------------------------
    def _attempt(self) -> Assessment:
        self._polls += 1
        self._retry_after = 0.0
        try:
            snap = self._read()
        except DeadlineReachedError as err:
            # The run's --timeout, not Lambda: end with what the earlier reads showed
            # (e.g. still not found), which says more than "out of time".
            raise _Retry(self._last_error or err) from None
        except FunctionNotFoundError as err:
            if self._expect_recent_create and self._elapsed() < self.policy.not_found_grace:
                self._note_error(err)
                raise _Retry(err) from None
            raise
        except ThrottledError as err:
            self._retry_after = err.retry_after or 0.0
            self._note_error(err)
            raise _Retry(err) from None
        except AwsUnavailableError as err:
            self._errors_in_row += 1
            if self._errors_in_row >= self.policy.max_consecutive_errors:
                raise
            self._note_error(err)
            raise _Retry(err) from None
        self._errors_in_row = 0
        self._last_error = None
        assessment = self._judge(snap)
        previous = self._last_snapshot
        changed = previous is None or previous.key != snap.key
        self._last_snapshot, self._last_assessment = snap, assessment
        self._emit(WaitEvent("poll", self.function, self._elapsed(), snap, assessment, changed))
        return assessment

    def _judge(self, snap: FunctionSnapshot) -> Assessment:
        assessment = assess(snap, self.target)
        if assessment.phase is Phase.INACTIVE:
            if not self._seen_not_inactive and self._elapsed() < self._inactive_grace:
                return Assessment(
                    Phase.IN_PROGRESS, "Inactive: restore requested", assessment.reason
                )
        else:
            self._seen_not_inactive = True
        if snap.state == PENDING:
            now = self._clock()
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

    def _note_error(self, err: LambdaWaitError) -> None:
        self._last_error = err
        self._emit(WaitEvent("retry", self.function, self._elapsed(), error=err))

    def _wait(self, state: tenacity.RetryCallState) -> float:
        interval = self.policy.interval(self._polls, self._rng, self._elapsed())
        interval = max(interval, self._retry_after)
        return max(0.0, min(interval, self._deadline - self._clock()))

    def _stop(self, state: tenacity.RetryCallState) -> bool:
        return self._clock() >= self._deadline

    def _before_sleep(self, state: tenacity.RetryCallState) -> None:
        seconds = state.upcoming_sleep
        self._emit(WaitEvent("sleep", self.function, self._elapsed(), sleep_seconds=seconds))

    def _emit(self, event: WaitEvent) -> None:
        if self._listener is not None:
            self._listener(event)

    def _elapsed(self) -> float:
        return self._clock() - self._start

    # public ------------------------------------------------------------------
    def run(self) -> WaitResult:
        """Poll until done; returns a result, raising only non-retryable API errors."""
        self._start = self._clock()
        self._deadline = self._start + self.timeout
        retrying = tenacity.Retrying(
            sleep=self._sleep,
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
        )

    def _timeout_result(self, error: LambdaWaitError | None) -> WaitResult:
        if (
            error is not None
            and self._last_snapshot is None
            and not isinstance(error, FunctionNotFoundError)
        ):
            # Never got a single answer: that is an availability problem, not a slow function.
            return WaitResult(
                self.function,
                self.target,
                error.exit_code,
                None,
                None,
                self._elapsed(),
                self._polls,
                error=error,
            )
        if error is not None and self._last_snapshot is None:
            return WaitResult(
                self.function,
                self.target,
                ExitCode.NOT_FOUND,
                None,
                None,
                self._elapsed(),
                self._polls,
                error=error,
            )
        if self._last_assessment is not None and self._last_assessment.phase is Phase.READY:
            return WaitResult(
                self.function,
                self.target,
                ExitCode.READY,
                self._last_snapshot,
                self._last_assessment,
                self._elapsed(),
                self._polls,
            )
        return WaitResult(
            function=self.function,
            target=self.target,
            exit_code=ExitCode.TIMEOUT,
            snapshot=self._last_snapshot,
            assessment=self._last_assessment,
            elapsed=self._elapsed(),
            polls=self._polls,
            timed_out=True,
            notes=list(self.notes),
        )
