"""The pieces of a safe release, one by one on the ManualClock: retrying by time, the
alias's record in its Description, choosing the rollback target, gates failing closed,
conditional alias writes and what stops a shift."""

from __future__ import annotations

import random

import pytest

from lambda_wait.clock import Deadline, ManualClock
from lambda_wait.errors import (
    AuthError,
    AwsUnavailableError,
    DeadlineReachedError,
    ExitCode,
    ThrottledError,
    UnexpectedAnswerError,
    UsageError,
)
from lambda_wait.release.actions import rollback
from lambda_wait.release.adapters import CloudWatchGates, LambdaAlias
from lambda_wait.release.executor import TrafficShift
from lambda_wait.release.gates import AlarmReading, GatePolicy, evaluate
from lambda_wait.release.outcome import ConcurrentChangeError, ShiftReport, previous_version
from lambda_wait.release.patience import Limits, OutOfTimeError, Patience, patiently
from lambda_wait.release.record import AliasRecord
from lambda_wait.release.shift import parse_shift
from tests.release.fakes import Outage, ReleaseWorld, ScheduledFault, SignalClock


def _failing(errors: list[Exception]) -> object:
    def call() -> str:
        if errors:
            raise errors.pop(0)
        return "ok"

    return call


def _patient(clock: ManualClock, call: object, **limits: object) -> object:
    return patiently(
        call,  # type: ignore[arg-type]
        clock=clock,
        what="lambda:GetAlias",
        patience=Patience(seconds=20.0),
        limits=Limits(**limits),  # type: ignore[arg-type]
        rng=random.Random(0),
    )


def test_transient_errors_are_retried_by_time_then_raised(clock: ManualClock) -> None:
    kinds = [ThrottledError("429"), AwsUnavailableError("503"), UnexpectedAnswerError("<html>")]
    assert _patient(clock, _failing(kinds)) == "ok"
    forever = [AwsUnavailableError("503")] * 100
    start = clock.now()
    with pytest.raises(AwsUnavailableError, match="kept failing for"):
        _patient(clock, _failing(forever))
    assert 10.0 <= clock.now() - start <= 20.0


def test_a_lasting_error_never_retries_past_the_deadline_or_a_stop(clock: ManualClock) -> None:
    with pytest.raises(DeadlineReachedError):
        _patient(clock, _failing([AwsUnavailableError("503")] * 9), deadline=Deadline(clock, 2.0))
    with pytest.raises(OutOfTimeError):
        _patient(clock, _failing([AwsUnavailableError("503")] * 9), stop_at=clock.now() + 2.0)
    with pytest.raises(AuthError):  # not transient: at once
        _patient(clock, _failing([AuthError("denied")]))


def test_the_record_keeps_the_description_and_fits_256_characters() -> None:
    record = AliasRecord.parse("prod traffic").served("3").reject("4").reject("5").cleared("5")
    text = record.description()
    assert text == "prod traffic lambda-wait: previous=3 rejected=4"
    assert AliasRecord.parse(text) == record and AliasRecord.parse(text).text == "prod traffic"
    many = AliasRecord("3", tuple(str(n) for n in range(100, 200)), "x" * 200)
    assert len(many.description()) <= 256 and "previous=3" in many.description()
    assert AliasRecord.parse(None) == AliasRecord()


def test_rollback_prefers_the_recorded_version_and_never_a_rejected_one() -> None:
    versions = ["$LATEST", "1", "2", "3"]
    assert previous_version(versions, "3", recorded="1", rejected=["2"]) == "1"
    assert previous_version(versions, "3", rejected=["2"]) == "1"  # no record: skip 2
    assert previous_version(versions, "3", to="2", rejected=["2"]) == "2"  # --to names it
    assert previous_version(versions, "3", recorded="7") == "2"  # pruned: the next lower
    assert previous_version(versions, "1", to="1", weighted=True) == "1"  # drop weights
    with pytest.raises(UsageError, match="a gate rejected 1"):
        previous_version(["1", "2"], "2", rejected=["1"])


def test_a_missing_alarm_fails_the_gate() -> None:
    policy = GatePolicy(alarms=("errors", "latency"))
    verdict = evaluate(policy, [AlarmReading("errors", "OK")])
    assert not verdict.healthy and verdict.failure == "alarm"
    assert "latency no longer exists" in (verdict.detail or "")


def _shift(
    world: ReleaseWorld, spec: str, policy: GatePolicy, timeout: float = 600.0
) -> ShiftReport:
    clock = world.clock
    deadline = world.deadline = Deadline(clock, timeout)
    alias = LambdaAlias(world, "fn", "live", clock, rng=random.Random(0), deadline=deadline)
    new = world.publish()
    report = ShiftReport("fn", "live", alias.read().version, new, spec)
    gates = CloudWatchGates(world, "fn", "live", clock, deadline=deadline, rng=random.Random(0))
    return TrafficShift(alias, gates, parse_shift(spec), policy, clock, deadline, report).run()


def test_a_gate_that_cannot_be_read_rolls_back_naming_it() -> None:
    world = ReleaseWorld(SignalClock())
    world.outages.append(Outage("cloudwatch", 0.0, 1e6))
    report = _shift(world, "canary:10:30s", GatePolicy(alarms=("errors",), check_every=5.0))
    assert report.exit_code is ExitCode.ROLLED_BACK and report.cause == "alarm"
    assert "the alarm gate could not be read" in (report.detail or "")
    assert world.state() == ("3", {})
    assert "rejected" not in world.alias["Description"]  # unverified, not judged bad


def test_require_traffic_fails_a_quiet_step() -> None:
    world = ReleaseWorld(SignalClock())
    world.traffic = 1.0
    policy = GatePolicy(max_error_rate=5.0, min_invocations=10, check_every=5.0)
    assert _shift(world, "canary:10:30s", policy).exit_code is ExitCode.READY
    demanding = GatePolicy(
        max_error_rate=5.0, min_invocations=10, check_every=5.0, require_traffic=True
    )
    report = _shift(world, "canary:10:30s", demanding)
    assert report.cause == "error-rate" and "--require-traffic" in (report.detail or "")
    assert world.state() == ("4", {})  # back on the version that served


def test_an_ambiguous_write_is_read_back_and_not_sent_twice() -> None:
    world = ReleaseWorld(SignalClock())
    world.faults[2] = ScheduledFault("5xx", applied=True)  # call 1 reads, 2 writes
    report = _shift(world, "all-at-once", GatePolicy())
    writes = [e for e in world.events if e.kind == "write"]
    assert report.exit_code is ExitCode.READY and len(writes) == 1


def test_someone_elses_move_stops_the_shift_and_is_kept() -> None:
    world = ReleaseWorld(SignalClock())
    world.operator_at = 4  # after our first weighted write and its read-back
    report = _shift(world, "canary:10:30s", GatePolicy(alarms=("errors",), check_every=5.0))
    assert report.exit_code is ExitCode.CONFLICT and report.outcome == "concurrent-change"
    assert world.state() == ("1", {}) and (report.live_version, report.live_weights) == ("1", {})
    assert world.alias["Description"] == "pinned by the on-call"


def test_rollback_command_goes_to_the_version_that_last_served() -> None:
    clock = SignalClock()
    world = ReleaseWorld(clock)  # versions 1-3, live -> 3
    world.alarm_changes.append((clock.now(), "errors", "ALARM"))
    policy = GatePolicy(alarms=("errors",), check_every=5.0)
    assert _shift(world, "canary:10:30s", policy).exit_code is ExitCode.ROLLED_BACK  # 4 rejected
    assert world.alias["Description"] == "lambda-wait: rejected=4"
    world.alarms["errors"] = "OK"
    assert _shift(world, "canary:10:30s", policy).exit_code is ExitCode.READY  # 5 serves
    result = rollback(world, "fn", "live", clock)  # not 4, which the canary rejected
    assert result.to_version == "3" and world.state() == ("3", {})
    assert result.go_forward() == "lambda-wait rollback fn --alias live --to 5"
    again = rollback(world, "fn", "live", clock)  # 5 served before 3 now
    assert again.to_version == "5" and world.state() == ("5", {})


def test_rollback_refuses_to_overwrite_a_change_made_meanwhile() -> None:
    clock = SignalClock()
    world = ReleaseWorld(clock)
    world.operator_at = 3  # after rollback's read and the version list
    with pytest.raises(ConcurrentChangeError, match="their change was kept"):
        rollback(world, "fn", "live", clock)
    assert world.state() == ("1", {}) and world.alias["Description"] == "pinned by the on-call"
