"""The traffic shift itself: move the alias's weights step by step, watch the
gates while each step holds, and roll back when anything goes wrong.

Talks to AWS only through two small Protocols (:class:`AliasPort`,
:class:`GatePort`), so the whole flow, rollbacks included, runs in unit tests
on a :class:`~lambda_wait.clock.ManualClock`. No boto3, click or rich here.

Rollback happens on a failed gate (a gate that cannot be read fails), an AWS
error that outlasted its retries, an interrupt (Ctrl-C, SIGTERM, or the clock
cancelled) and the run's deadline; it points the alias at the old version with
no weights, and reads it back, before the report is returned. After a signal the
rollback is sent at once and no attempt starts after :data:`STOP_SECONDS`; a
second signal ends it at once, the report saying what was last read. Someone
else's change to the alias stops the shift with their change kept (exit 9).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from lambda_wait.clock import Clock, Deadline
from lambda_wait.errors import DeadlineReachedError, ExitCode, Interrupted, LambdaWaitError
from lambda_wait.release.gates import (
    SMOKE_UNREACHABLE,
    AlarmReading,
    ErrorCounts,
    GateFailure,
    GatePolicy,
    GateVerdict,
    evaluate,
    too_little_traffic,
)
from lambda_wait.release.outcome import ConcurrentChangeError, RollbackCause, ShiftReport
from lambda_wait.release.record import AliasRecord
from lambda_wait.release.shift import ShiftSpec
from lambda_wait.signals import Stopped, interruptible

# After the first signal no rollback attempt starts later than this (the process must
# end within 7 s: GitHub Actions sends SIGTERM 7.5 s after SIGINT), nor a read 1 s later.
STOP_SECONDS = 5.0


@dataclass(frozen=True)
class AliasState:
    """Where an alias points: its version and the additional versions' weights (and
    its Description, which is not part of where it points)."""

    version: str
    weights: dict[str, float] = field(default_factory=dict)
    description: str = field(default="", compare=False)


class AliasPort(Protocol):
    """Reads and moves one alias; every move is conditional on the last read, and is
    confirmed by a read before it returns (someone else's change raises
    :class:`ConcurrentChangeError`)."""

    last: AliasState | None  # the alias as last read or confirmed

    def read(self, *, rollback: bool = False, stop_at: float | None = None) -> AliasState: ...

    def route(
        self,
        version: str,
        weights: dict[str, float],
        *,
        rollback: bool = False,
        description: str | None = None,
        stop_at: float | None = None,
    ) -> None:
        """Point the alias at ``version`` with ``weights``. ``rollback=True``: the move
        that undoes a shift, sent even after the deadline; ``stop_at``: no attempt
        starts after that clock time; ``description``: the alias's new Description."""
        ...


class GatePort(Protocol):
    """Reads the health signals of a new version."""

    def alarms(self, names: tuple[str, ...]) -> list[AlarmReading]: ...

    def error_counts(self, version: str, since_wall: float) -> ErrorCounts: ...


@dataclass(frozen=True)
class ShiftProgress:
    """What the live view shows: the new version's share, the next step, the gates."""

    phase: str  # shifting, holding, rolling-back, completed, rolled-back, rollback-failed, stopped
    percent: int
    step: int  # 1-based; 0 before the first
    steps: int
    next_in: float | None  # seconds until the next step, while holding
    gates: str | None

    def line(self) -> str:
        where = f"step {self.step}/{self.steps}" if self.steps else "all at once"
        share = f"-> {self.percent}%" if self.phase == "shifting" else f"{self.percent}%"
        parts = [f"{self.phase}: new version {share} ({where})"]
        if self.next_in is not None:
            parts.append(f"next step in {self.next_in:.0f}s")
        if self.gates:
            parts.append(f"gates: {self.gates}")
        return "; ".join(parts)


ProgressListener = Callable[[ShiftProgress], None]
SmokeTest = Callable[[], str | None]  # None when healthy, else why it failed


@dataclass(frozen=True)
class ShiftOptions:
    """What ``deploy --shift`` hands the alias step: how to move and what to watch."""

    spec: ShiftSpec
    policy: GatePolicy
    gates: GatePort | None = None
    smoke_test: Callable[[str], str | None] | None = None  # version -> why it failed

    @property
    def active(self) -> bool:
        """False for a plain all-at-once move with no smoke test (today's alias step)."""
        return self.spec.gradual or self.smoke_test is not None


class NoGates:
    """A :class:`GatePort` for a shift that watches nothing."""

    def alarms(self, names: tuple[str, ...]) -> list[AlarmReading]:
        return []

    def error_counts(self, version: str, since_wall: float) -> ErrorCounts:
        return ErrorCounts(0, 0)


class _GateFailed(Exception):
    def __init__(self, verdict: GateVerdict) -> None:
        super().__init__(verdict.detail)
        self.verdict = verdict


class _OutOfTime(Exception):
    pass


class TrafficShift:
    """One gradual move of ``alias`` from ``old`` to ``new`` (see the module doc)."""

    def __init__(
        self,
        alias: AliasPort,
        gates: GatePort,
        spec: ShiftSpec,
        policy: GatePolicy,
        clock: Clock,
        deadline: Deadline,
        report: ShiftReport,
        *,
        smoke_test: SmokeTest | None = None,
        listener: ProgressListener | None = None,
    ) -> None:
        self.alias = alias
        self.gates = gates
        self.spec = spec
        self.policy = policy
        self.clock = clock
        self.deadline = deadline
        self.report = report
        self.smoke_test = smoke_test
        self.listener = listener
        self._started_wall = clock.wall()
        self._percent = 0
        self._step = 0
        self._stop_at: float | None = None  # after a signal: no attempt starts later
        self._record = AliasRecord()
        self._counts: ErrorCounts | None = None  # the error-rate gate's last reading

    def run(self) -> ShiftReport:
        """Shift; every outcome comes back as the report (never raised)."""
        self._started_wall = self.report.started_wall = self.clock.wall()
        try:
            with interruptible():  # Ctrl-C / SIGTERM here leave as Stopped: roll back
                self._shift()
        except _GateFailed as failed:
            verdict = failed.verdict
            self.report.gates = verdict.summary
            cause = verdict.failure or "alarm"
            self._rollback(cause, verdict.detail or verdict.summary, verdict.judged)
        except Stopped as stop:
            self._stopped(stop.exit_code)
        except Interrupted as err:  # the clock was cancelled (another thread's signal)
            self._stopped(err.exit_code)
        except (_OutOfTime, DeadlineReachedError):
            seconds = self.deadline.seconds or 0.0
            self._rollback("timeout", f"the --timeout ({seconds:.0f}s) ran out during the shift")
        except ConcurrentChangeError as err:
            self._concurrent(err)
        except LambdaWaitError as err:  # an error that outlasted its retries: no release
            self._rollback("aws-error", f"the shift could not go on: {err.one_line()}")
        return self.report

    def _stopped(self, code: ExitCode) -> None:
        self._stop_at = self.clock.now() + STOP_SECONDS
        name = "SIGTERM" if code is ExitCode.TERMINATED else "SIGINT (Ctrl-C)"
        cause: RollbackCause = "terminated" if code is ExitCode.TERMINATED else "interrupted"
        self._rollback(cause, f"{name} arrived during the shift")

    def _shift(self) -> None:
        """The smoke test, then every step and its hold, then all of the traffic."""
        report = self.report
        if self.alias.last is None:
            self.alias.read()
        self._record = AliasRecord.parse(self.alias.last.description if self.alias.last else "")
        if self.smoke_test is not None:
            failure = self.smoke_test()
            if failure is not None:
                report.smoke_log = tuple(getattr(failure, "log_tail", ()))
                judged = not failure.startswith(SMOKE_UNREACHABLE)
                verdict = GateVerdict(False, "smoke test failed", "smoke-test", failure, judged)
                raise _GateFailed(verdict)
        steps = self.spec.steps()
        for index, step in enumerate(steps, 1):
            self._step = index
            self._emit("shifting", None, target=step.percent)
            self.alias.route(report.old_version, {report.new_version: step.weight})
            self._percent = step.percent
            report.applied.append(step.percent)
            self._hold(step.hold)
        self._step = len(steps)
        record = self._record.served(report.old_version).cleared(report.new_version)
        self.alias.route(report.new_version, {}, description=record.description())
        self._percent = 100
        report.applied.append(100)
        report.outcome = "completed"
        self._live()
        self._emit("completed", None)

    def _hold(self, seconds: float) -> None:
        """Hold the current share for ``seconds``, checking the gates as it goes."""
        end = self.clock.now() + seconds
        while True:
            verdict = self._check()
            left = end - self.clock.now()
            if left <= 0:
                starved = too_little_traffic(self.policy, self._counts)
                if starved is not None:
                    raise _GateFailed(starved)
                return
            if self.deadline.expired():
                raise _OutOfTime()
            self._emit("holding", left, verdict.summary)
            pause = min(self.policy.check_every, left)
            remaining = self.deadline.remaining()
            if remaining is not None and remaining < pause:
                self.clock.sleep(max(0.0, remaining))
                raise _OutOfTime()
            self.clock.sleep(pause)

    def _check(self) -> GateVerdict:
        """Read the gates and judge; a gate that cannot be read (after its retries) fails."""
        alarms: list[AlarmReading] = []
        counts = None
        try:
            if self.policy.alarms:
                alarms = self.gates.alarms(self.policy.alarms)
        except (DeadlineReachedError, Interrupted):
            raise
        except LambdaWaitError as err:
            raise _GateFailed(_unreadable("alarm", err)) from None
        try:
            if self.policy.max_error_rate is not None:
                counts = self.gates.error_counts(self.report.new_version, self._started_wall)
        except (DeadlineReachedError, Interrupted):
            raise
        except LambdaWaitError as err:
            raise _GateFailed(_unreadable("error-rate", err)) from None
        self._counts = counts
        verdict = evaluate(self.policy, alarms, counts)
        self.report.gates = verdict.summary
        if not verdict.healthy:
            raise _GateFailed(verdict)
        return verdict

    def _rollback(self, cause: RollbackCause, detail: str, rejected: bool = False) -> None:
        """Point the alias back at the old version, no weights (see the module doc)."""
        report = self.report
        report.cause, report.detail = cause, detail
        self._emit("rolling-back", None)
        back = AliasState(report.old_version)
        record = self._record.reject(report.new_version) if rejected else None
        while True:
            try:
                with interruptible():
                    # Read first: a write of ours left in flight is settled, someone else's
                    # change is found, and an alias already back is not written again.
                    if self.alias.read(rollback=True, stop_at=self._stop_at) != back:
                        self.alias.route(
                            report.old_version,
                            {},
                            rollback=True,
                            description=None if record is None else record.description(),
                            stop_at=self._stop_at,
                        )
                break
            except Stopped:
                if self._stop_at is not None:  # a second signal: stop now, say what we know
                    self._failed(f"{detail}; a second signal stopped the rollback", read=False)
                    return
                self._stop_at = self.clock.now() + STOP_SECONDS  # the first: send it at once
            except ConcurrentChangeError as err:
                self._concurrent(err)
                return
            except LambdaWaitError as err:
                self._failed(f"{detail}; the rollback failed: {err.one_line()}", read=True)
                return
        self._done_rolling_back()

    def _done_rolling_back(self) -> None:
        self._percent = 0
        self.report.outcome = "rolled-back"
        self._live()
        self._emit("rolled-back", None)

    def _failed(self, detail: str, *, read: bool) -> None:
        """The rollback could not be applied: say exactly what the alias reads."""
        report = self.report
        report.outcome = "rollback-failed"
        report.detail = detail
        confirmed = False
        if read and (self._stop_at is None or self.clock.now() < self._stop_at + 1.0):
            try:
                with interruptible():
                    self.alias.read(rollback=True, stop_at=self._stop_at_read())
                confirmed = True
            except (Stopped, LambdaWaitError):
                pass
        self._live(confirmed=confirmed)
        self._emit("rollback-failed", None)

    def _stop_at_read(self) -> float | None:
        return None if self._stop_at is None else self._stop_at + 1.0

    def _concurrent(self, err: ConcurrentChangeError) -> None:
        report = self.report
        report.outcome = "concurrent-change"
        report.cause = None
        report.detail = err.message
        report.live_version, report.live_weights = err.version, dict(err.weights)
        report.live_confirmed = True
        self._emit("stopped", None)

    def _live(self, *, confirmed: bool = True) -> None:
        """The report's live state: the alias as last read (every move is read back)."""
        last = self.alias.last
        self.report.live_confirmed = confirmed
        if last is None:
            self.report.live_version = None
            return
        self.report.live_version = last.version
        self.report.live_weights = dict(last.weights)

    def _emit(
        self,
        phase: str,
        next_in: float | None,
        gates: str | None = None,
        *,
        target: int | None = None,
    ) -> None:
        if self.listener is not None:
            self.listener(
                ShiftProgress(
                    phase,
                    self._percent if target is None else target,
                    self._step,
                    len(self.spec.steps()),
                    next_in,
                    gates or self.report.gates,
                )
            )


def _unreadable(failure: GateFailure, err: LambdaWaitError) -> GateVerdict:
    gate = "the alarm gate" if failure == "alarm" else "the error-rate gate"
    return GateVerdict(
        False,
        f"{gate} could not be read",
        failure,
        f"{gate} could not be read, so it fails: {err.one_line()}",
        judged=False,
    )
