"""The traffic shift itself: move the alias's weights step by step, watch the
gates while each step holds, and roll back when anything goes wrong.

Talks to AWS only through two small Protocols (:class:`AliasPort`,
:class:`GatePort`), so the whole flow, rollbacks included, runs in unit tests
on a :class:`~lambda_wait.clock.ManualClock`. No boto3, click or rich here.

Rollback happens on a failed gate, an interrupt (Ctrl-C, SIGTERM, or the clock
cancelled) and the run's deadline; it points the alias at the old version with
no weights, and reads it back, before the report is returned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from lambda_wait.clock import Clock, Deadline
from lambda_wait.errors import DeadlineReachedError, ExitCode, Interrupted, LambdaWaitError
from lambda_wait.release.gates import AlarmReading, ErrorCounts, GatePolicy, GateVerdict, evaluate
from lambda_wait.release.outcome import RollbackCause, ShiftReport
from lambda_wait.release.shift import ShiftSpec
from lambda_wait.signals import Stopped, interruptible


@dataclass(frozen=True)
class AliasState:
    """Where an alias points: its version and the additional versions' weights."""

    version: str
    weights: dict[str, float] = field(default_factory=dict)


class AliasPort(Protocol):
    """Reads and moves one alias; every move is confirmed by a read before it returns."""

    def read(self) -> AliasState: ...

    def route(self, version: str, weights: dict[str, float], *, rollback: bool = False) -> None:
        """Point the alias at ``version`` with ``weights``. ``rollback=True``: the move
        that undoes a shift, sent even after the deadline or an interrupt."""
        ...


class GatePort(Protocol):
    """Reads the health signals of a new version."""

    def alarms(self, names: tuple[str, ...]) -> list[AlarmReading]: ...

    def error_counts(self, version: str, since_wall: float) -> ErrorCounts: ...


@dataclass(frozen=True)
class ShiftProgress:
    """What the live view shows: the new version's share, the next step, the gates."""

    phase: str  # "shifting", "holding", "rolling-back", "completed", "rolled-back"
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

    def run(self) -> ShiftReport:
        """Shift; every outcome comes back as the report (never raised)."""
        report = self.report
        self._started_wall = self.clock.wall()
        try:
            with interruptible():  # Ctrl-C / SIGTERM here leave as Stopped: roll back
                self._shift()
        except _GateFailed as failed:
            verdict = failed.verdict
            report.gates = verdict.summary
            self._rollback(verdict.failure or "alarm", verdict.detail or verdict.summary)
        except Stopped as stop:
            if stop.exit_code is ExitCode.TERMINATED:
                self._rollback("terminated", "SIGTERM arrived during the shift")
            else:
                self._rollback("interrupted", "SIGINT (Ctrl-C) arrived during the shift")
        except Interrupted as err:  # the clock was cancelled (another thread's signal)
            cause: RollbackCause = (
                "terminated" if err.exit_code is ExitCode.TERMINATED else "interrupted"
            )
            self._rollback(cause, f"{cause} during the shift")
        except (_OutOfTime, DeadlineReachedError):
            seconds = self.deadline.seconds or 0.0
            self._rollback("timeout", f"the --timeout ({seconds:.0f}s) ran out during the shift")
        return report

    def _shift(self) -> None:
        """The smoke test, then every step and its hold, then all of the traffic."""
        report = self.report
        if self.smoke_test is not None:
            failure = self.smoke_test()
            if failure is not None:
                raise _GateFailed(GateVerdict(False, "smoke test failed", "smoke-test", failure))
        steps = self.spec.steps()
        for index, step in enumerate(steps, 1):
            self._step = index
            self._emit("shifting", None, target=step.percent)
            self.alias.route(report.old_version, {report.new_version: step.weight})
            self._percent = step.percent
            report.applied.append(step.percent)
            self._hold(step.hold)
        self._step = len(steps)
        self.alias.route(report.new_version, {})
        self._percent = 100
        report.applied.append(100)
        report.outcome = "completed"
        self._read_live()
        self._emit("completed", None)

    def _hold(self, seconds: float) -> None:
        """Hold the current share for ``seconds``, checking the gates as it goes."""
        end = self.clock.now() + seconds
        while True:
            verdict = self._check()
            left = end - self.clock.now()
            if left <= 0:
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
        alarms = self.gates.alarms(self.policy.alarms) if self.policy.alarms else []
        counts = None
        if self.policy.max_error_rate is not None:
            counts = self.gates.error_counts(self.report.new_version, self._started_wall)
        verdict = evaluate(self.policy, alarms, counts)
        self.report.gates = verdict.summary
        if not verdict.healthy:
            raise _GateFailed(verdict)
        return verdict

    def _rollback(self, cause: RollbackCause, detail: str) -> None:
        report = self.report
        report.cause = cause
        report.detail = detail
        self._emit("rolling-back", None)
        if not report.applied:  # nothing moved yet (a smoke test, an early signal)
            self._read_live()
            if report.live_version == report.old_version and not report.live_weights:
                report.outcome = "rolled-back"
                self._emit("rolled-back", None)
                return
        try:
            try:
                with interruptible():
                    self.alias.route(report.old_version, {}, rollback=True)
            except Stopped:  # a second Ctrl-C: the alias must not stay weighted
                self.alias.route(report.old_version, {}, rollback=True)
        except LambdaWaitError as err:
            report.outcome = "rollback-failed"
            report.detail = f"{detail}; the rollback failed: {err.one_line()}"
            self._read_live()
            return
        self._percent = 0
        report.outcome = "rolled-back"
        self._read_live()
        if report.live_version != report.old_version or report.live_weights:
            report.outcome = "rollback-failed"
            report.detail = f"{detail}; after the rollback the alias reads {report.live}"
        self._emit("rolled-back", None)

    def _read_live(self) -> None:
        try:
            state = self.alias.read()
        except LambdaWaitError:
            self.report.live_version = None
            return
        self.report.live_version = state.version
        self.report.live_weights = dict(state.weights)

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
