"""Gate verdicts, rollback exit codes and the rollback target."""

from __future__ import annotations

import pytest

from lambda_wait.errors import ExitCode, UsageError
from lambda_wait.release.gates import (
    AlarmReading,
    ErrorCounts,
    GatePolicy,
    check_gate_options,
    evaluate,
    missing_alarms,
)
from lambda_wait.release.outcome import (
    ShiftReport,
    previous_version,
    rollback_exit_code,
    routing_weights,
)


def test_an_alarm_in_alarm_fails_the_gate_insufficient_data_does_not() -> None:
    policy = GatePolicy(alarms=("errors", "latency"))
    quiet = [AlarmReading("errors", "INSUFFICIENT_DATA"), AlarmReading("latency", "OK")]
    verdict = evaluate(policy, quiet)
    assert verdict.healthy and "none in ALARM" in verdict.summary
    firing = [AlarmReading("errors", "OK"), AlarmReading("latency", "ALARM", "p99 > 1s")]
    verdict = evaluate(policy, firing)
    assert not verdict.healthy and verdict.failure == "alarm"
    assert verdict.detail == "alarm latency is in ALARM: p99 > 1s"


def test_error_rate_is_judged_only_from_the_minimum_invocations() -> None:
    policy = GatePolicy(max_error_rate=5.0, min_invocations=20)
    early = evaluate(policy, counts=ErrorCounts(errors=3, invocations=4))
    assert early.healthy and "judged from 20" in early.summary
    fine = evaluate(policy, counts=ErrorCounts(errors=1, invocations=20))
    assert fine.healthy and "5.0% <= 5%" in fine.summary
    bad = evaluate(policy, counts=ErrorCounts(errors=2, invocations=20))
    assert not bad.healthy and bad.failure == "error-rate"
    assert "10.0% (2 errors in 20 invocations)" in (bad.detail or "")


def test_alarms_are_judged_before_the_error_rate() -> None:
    policy = GatePolicy(alarms=("a",), max_error_rate=1.0, min_invocations=1)
    verdict = evaluate(policy, [AlarmReading("a", "ALARM")], ErrorCounts(9, 10))
    assert verdict.failure == "alarm"


def test_missing_alarms_and_gate_option_checks() -> None:
    assert missing_alarms(["a", "b", "c"], ["b"]) == ["a", "c"]
    assert check_gate_options(("a", "a", "b"), 5.0, 10).alarms == ("a", "b")
    with pytest.raises(UsageError, match="max-error-rate 100"):
        check_gate_options((), 100.0, 10)
    with pytest.raises(UsageError, match="min-invocations 0"):
        check_gate_options((), None, 0)


@pytest.mark.parametrize(
    ("cause", "code"),
    [
        ("alarm", ExitCode.ROLLED_BACK),
        ("error-rate", ExitCode.ROLLED_BACK),
        ("smoke-test", ExitCode.ROLLED_BACK),
        ("interrupted", ExitCode.INTERRUPTED),
        ("terminated", ExitCode.TERMINATED),
        ("timeout", ExitCode.TIMEOUT),
    ],
)
def test_rollback_exit_codes(cause: str, code: ExitCode) -> None:
    assert rollback_exit_code(cause) is code  # type: ignore[arg-type]
    report = ShiftReport("orders", "live", "3", "4", "canary:10:5m", [10])
    report.outcome, report.cause = "rolled-back", cause  # type: ignore[assignment]
    assert report.exit_code is code


def test_report_says_what_is_live_and_how_to_go_back() -> None:
    report = ShiftReport("orders", "live", "3", "4", "canary:10:5m", [10])
    report.outcome, report.cause, report.detail = "rolled-back", "alarm", "alarm x is in ALARM"
    report.live_version = "3"
    lines = report.lines()
    assert lines[0] == "shift canary:10:5m of live: 3 -> 4"
    assert "applied: 10%" in lines
    assert "rolled back (alarm): alarm x is in ALARM" in lines
    assert "live: live -> 3 (100%)" in lines
    done = ShiftReport("orders", "live", "3", "4", "canary:10:5m", [10, 100], "completed")
    done.live_version = "4"
    assert done.exit_code is ExitCode.READY
    assert done.go_back() == "lambda-wait rollback orders --alias live --to 3"
    weighted = ShiftReport("orders", "live", "3", "4", "x", [10], "rollback-failed")
    weighted.live_version, weighted.live_weights = "3", {"4": 0.1}
    assert weighted.live == "live -> 3 90%, 4 10%" and weighted.exit_code is ExitCode.FAILED


def test_previous_version_is_the_highest_below_the_current_one() -> None:
    assert previous_version(["$LATEST", "1", "2", "5", "7"], "7") == "5"
    assert previous_version(["1", "2", "5", "7"], "5") == "2"
    assert previous_version(["1", "2", "5", "7"], "7", to="1") == "1"


@pytest.mark.parametrize(
    ("versions", "current", "to", "says"),
    [
        (["1"], "1", None, "no earlier published version"),
        (["$LATEST"], "$LATEST", None, "not a published version"),
        (["1", "2"], "2", "9", "no such published version"),
        (["1", "2"], "2", "2", "already points at version 2"),
        (["1", "2"], "2", "x", "invalid --to"),
    ],
)
def test_rollback_without_a_target_is_a_usage_error(
    versions: list[str], current: str, to: str | None, says: str
) -> None:
    with pytest.raises(UsageError, match=says):
        previous_version(versions, current, to=to)


def test_routing_weights() -> None:
    assert routing_weights({"RoutingConfig": {"AdditionalVersionWeights": {"4": 0.1}}}) == {
        "4": 0.1
    }
    assert routing_weights({"FunctionVersion": "3"}) == {}
