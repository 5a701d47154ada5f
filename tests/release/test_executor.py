"""The traffic shift on fakes and a ManualClock: the weights sent, and every rollback."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from lambda_wait.clock import Deadline, ManualClock
from lambda_wait.errors import AwsUnavailableError, ExitCode
from lambda_wait.release.executor import AliasState, ShiftProgress, TrafficShift
from lambda_wait.release.gates import AlarmReading, ErrorCounts, GatePolicy
from lambda_wait.release.outcome import ShiftReport
from lambda_wait.release.shift import parse_shift
from lambda_wait.signals import Terminated


@dataclass
class FakeAlias:
    state: AliasState = field(default_factory=lambda: AliasState("3"))
    calls: list[tuple[str, dict[str, float], bool]] = field(default_factory=list)
    fail_on: int | None = None  # the call number that raises
    raise_on_route: BaseException | None = None
    last: AliasState | None = None

    def read(self, *, rollback: bool = False, stop_at: float | None = None) -> AliasState:
        self.last = self.state
        return self.state

    def route(
        self,
        version: str,
        weights: dict[str, float],
        *,
        rollback: bool = False,
        description: str | None = None,
        stop_at: float | None = None,
    ) -> None:
        self.calls.append((version, dict(weights), rollback))
        if self.fail_on is not None and len(self.calls) == self.fail_on:
            raise AwsUnavailableError("Lambda kept answering 503")
        self.state = self.last = AliasState(version, dict(weights))
        if self.raise_on_route is not None and not rollback:
            err, self.raise_on_route = self.raise_on_route, None
            raise err


@dataclass
class FakeGates:
    clock: ManualClock
    alarm_at: float | None = None  # clock time from which the alarm is in ALARM
    counts: ErrorCounts = field(default_factory=lambda: ErrorCounts(0, 0))
    reads: int = 0

    def alarms(self, names: tuple[str, ...]) -> list[AlarmReading]:
        self.reads += 1
        firing = self.alarm_at is not None and self.clock.now() >= self.alarm_at
        return [AlarmReading(n, "ALARM" if firing else "OK") for n in names]

    def error_counts(self, version: str, since_wall: float) -> ErrorCounts:
        return self.counts


def _shift(
    clock: ManualClock,
    spec: str,
    *,
    alias: FakeAlias | None = None,
    gates: FakeGates | None = None,
    policy: GatePolicy | None = None,
    timeout: float | None = None,
    smoke: str | None = None,
    events: list[ShiftProgress] | None = None,
) -> tuple[ShiftReport, FakeAlias]:
    alias = alias or FakeAlias()
    report = ShiftReport("orders", "live", "3", "4", spec)
    shift = TrafficShift(
        alias,
        gates or FakeGates(clock),
        parse_shift(spec),
        policy or GatePolicy(alarms=("errors",), check_every=1.0),
        clock,
        Deadline(clock, timeout),
        report,
        smoke_test=(lambda: smoke) if smoke is not None else None,
        listener=events.append if events is not None else None,
    )
    return shift.run(), alias


def test_canary_sends_the_share_holds_then_moves_with_no_weights(clock: ManualClock) -> None:
    events: list[ShiftProgress] = []
    report, alias = _shift(clock, "canary:10:5s", events=events)
    assert alias.calls == [("3", {"4": 0.1}, False), ("4", {}, False)]
    assert report.outcome == "completed" and report.exit_code is ExitCode.READY
    assert report.applied == [10, 100] and report.live_version == "4"
    assert sum(clock.sleeps) == pytest.approx(5.0)
    holding = [e for e in events if e.phase == "holding"]
    assert [round(e.next_in or 0) for e in holding] == [5, 4, 3, 2, 1]
    assert holding[0].percent == 10 and "1 alarm(s) OK" in (holding[0].gates or "")
    assert "next step in 5s" in holding[0].line()


def test_linear_sends_every_share_in_order(clock: ManualClock) -> None:
    report, alias = _shift(clock, "linear:25:2s")
    assert [c[1] for c in alias.calls] == [{"4": 0.25}, {"4": 0.5}, {"4": 0.75}, {}]
    assert [c[0] for c in alias.calls] == ["3", "3", "3", "4"]
    assert report.applied == [25, 50, 75, 100]


def test_all_at_once_is_one_move(clock: ManualClock) -> None:
    report, alias = _shift(clock, "all-at-once")
    assert alias.calls == [("4", {}, False)] and report.outcome == "completed"


def test_an_alarm_rolls_back_to_the_old_version_with_no_weights(clock: ManualClock) -> None:
    gates = FakeGates(clock, alarm_at=clock.now() + 6.5)
    report, alias = _shift(clock, "linear:20:5s", gates=gates)
    assert alias.calls[-1] == ("3", {}, True)
    assert [c[1] for c in alias.calls[:-1]] == [{"4": 0.2}, {"4": 0.4}]
    assert report.outcome == "rolled-back" and report.cause == "alarm"
    assert report.exit_code is ExitCode.ROLLED_BACK
    assert report.live_version == "3" and report.live_weights == {}
    assert "rolled back (alarm): alarm errors is in ALARM" in report.lines()


def test_error_rate_rolls_back(clock: ManualClock) -> None:
    gates = FakeGates(clock, counts=ErrorCounts(errors=5, invocations=20))
    policy = GatePolicy(max_error_rate=10.0, min_invocations=10, check_every=1.0)
    report, alias = _shift(clock, "canary:10:5s", gates=gates, policy=policy)
    assert report.cause == "error-rate" and report.exit_code is ExitCode.ROLLED_BACK
    assert alias.calls == [("3", {"4": 0.1}, False), ("3", {}, True)]


def test_a_failed_smoke_test_moves_no_traffic(clock: ManualClock) -> None:
    report, alias = _shift(clock, "canary:10:5s", smoke="Unhandled: KeyError 'id'")
    assert alias.calls == []  # the alias never left the old version
    assert report.outcome == "rolled-back" and report.cause == "smoke-test"
    assert report.detail == "Unhandled: KeyError 'id'" and report.applied == []


def test_the_timeout_rolls_back_and_keeps_its_own_code(clock: ManualClock) -> None:
    report, alias = _shift(clock, "linear:10:10s", timeout=25.0)
    assert report.cause == "timeout" and report.exit_code is ExitCode.TIMEOUT
    assert alias.calls[-1] == ("3", {}, True) and report.applied == [10, 20, 30]
    assert "--timeout (25s)" in (report.detail or "")


@pytest.mark.parametrize(
    ("signal", "cause", "code"),
    [
        (KeyboardInterrupt(), "interrupted", ExitCode.INTERRUPTED),
        (Terminated(), "terminated", ExitCode.TERMINATED),
    ],
)
def test_a_signal_mid_shift_rolls_back(
    clock: ManualClock, signal: BaseException, cause: str, code: ExitCode
) -> None:
    alias = FakeAlias(raise_on_route=signal)
    report, alias = _shift(clock, "canary:10:5s", alias=alias)
    assert alias.calls == [("3", {"4": 0.1}, False), ("3", {}, True)]
    assert report.cause == cause and report.exit_code is code


def test_a_cancelled_clock_rolls_back(clock: ManualClock) -> None:
    gates = FakeGates(clock)
    original = gates.alarms

    def cancel_on_second_read(names: tuple[str, ...]) -> list[AlarmReading]:
        if gates.reads == 1:
            clock.cancel()
        return original(names)

    gates.alarms = cancel_on_second_read  # type: ignore[method-assign]
    report, alias = _shift(clock, "canary:10:5s", gates=gates)
    assert report.cause == "interrupted" and alias.calls[-1] == ("3", {}, True)


def test_a_failed_rollback_says_so_and_exits_1(clock: ManualClock) -> None:
    gates = FakeGates(clock, alarm_at=clock.now())
    alias = FakeAlias(fail_on=2)
    report, _ = _shift(clock, "canary:10:5s", gates=gates, alias=alias)
    assert report.outcome == "rollback-failed" and report.exit_code is ExitCode.FAILED
    assert "the rollback failed" in (report.detail or "")
    assert report.live_weights == {"4": 0.1}
    assert report.go_back() == "lambda-wait rollback orders --alias live --to 3"
