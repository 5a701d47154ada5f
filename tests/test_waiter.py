"""The waiter, driven by a fake clock and a fake sleep: no real time passes."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambda_wait.clock import ManualClock
from lambda_wait.errors import (
    AwsUnavailableError,
    ExitCode,
    FunctionNotFoundError,
    LambdaWaitError,
    ThrottledError,
)
from lambda_wait.schedule import LatenessBound
from lambda_wait.states import FunctionSnapshot, Phase, Target
from lambda_wait.waiter import PollPolicy, Waiter, WaitEvent

START = 1000.0  # not zero, so nothing can silently rely on the clock starting at 0
EPS = 1e-9  # float rounding of start + timeout on the fake clock


def cfg(
    state: str | None = "Active",
    update: str | None = "Successful",
    *,
    code: str | None = None,
    reason: str | None = None,
    update_code: str | None = None,
    update_reason: str | None = None,
) -> dict[str, Any]:
    doc: dict[str, Any] = {"FunctionName": "orders", "Version": "$LATEST"}
    for key, value in (
        ("State", state),
        ("LastUpdateStatus", update),
        ("StateReasonCode", code),
        ("StateReason", reason),
        ("LastUpdateStatusReasonCode", update_code),
        ("LastUpdateStatusReason", update_reason),
    ):
        if value is not None:
            doc[key] = value
    return doc


Step = dict[str, Any] | LambdaWaitError


class Script:
    """A reader that answers from a list (the last entry repeats) and logs read times."""

    def __init__(self, clock: ManualClock, steps: Sequence[Step]) -> None:
        self.clock = clock
        self.steps = list(steps)
        self.read_times: list[float] = []

    def __call__(self) -> FunctionSnapshot:
        self.read_times.append(self.clock.now())
        step = self.steps[min(len(self.read_times), len(self.steps)) - 1]
        if isinstance(step, LambdaWaitError):
            raise step
        return FunctionSnapshot.from_configuration(step)


def make(
    steps: Sequence[Step],
    *,
    timeout: float = 60.0,
    target: Target = Target.READY,
    policy: PollPolicy | None = None,
    listener: Callable[[WaitEvent], None] | None = None,
    expect_recent_create: bool = True,
) -> tuple[Waiter, ManualClock, Script]:
    clock = ManualClock(START)
    script = Script(clock, steps)
    waiter = Waiter(
        "orders",
        script,
        target=target,
        timeout=timeout,
        policy=policy,
        clock=clock,
        rng=random.Random(7),
        listener=listener,
        expect_recent_create=expect_recent_create,
    )
    return waiter, clock, script


# --- reaching the target -------------------------------------------------------------------


def test_pending_then_active_is_ready_on_the_first_active_read() -> None:
    waiter, clock, script = make([cfg("Pending", None, code="Creating")] * 3 + [cfg("Active")])
    result = waiter.run()
    assert result.exit_code is ExitCode.READY
    assert result.ready
    assert result.polls == 4
    assert len(script.read_times) == 4
    assert len(clock.sleeps) == 3  # no sleep after the read that found it ready
    assert result.snapshot is not None and result.snapshot.state == "Active"
    assert result.elapsed == pytest.approx(sum(clock.sleeps))
    # The guarantee's floor: a completion early on is seen within a second.
    assert clock.sleeps[0] <= 1.0


def test_update_in_progress_then_successful() -> None:
    waiter, clock, _ = make([cfg("Active", "InProgress")] * 2 + [cfg("Active", "Successful")])
    result = waiter.run()
    assert result.exit_code is ExitCode.READY
    assert result.polls == 3
    assert len(clock.sleeps) == 2
    assert result.assessment is not None and result.assessment.phase is Phase.READY


def test_missing_last_update_status_right_after_create_counts_as_ready() -> None:
    waiter, clock, _ = make([cfg("Pending", None), cfg("Active", None)])
    result = waiter.run()
    assert result.exit_code is ExitCode.READY
    assert len(clock.sleeps) == 1
    assert result.snapshot is not None and result.snapshot.last_update_status is None
    assert result.polls == 2


def test_target_active_ignores_update_in_progress() -> None:
    waiter, clock, _ = make([cfg("Active", "InProgress")], target=Target.ACTIVE)
    result = waiter.run()
    assert result.exit_code is ExitCode.READY
    assert result.polls == 1
    assert clock.sleeps == []


def test_target_ready_does_not_accept_active_with_update_in_progress() -> None:
    waiter, _, _ = make([cfg("Active", "InProgress")], target=Target.READY, timeout=5)
    result = waiter.run()
    assert result.exit_code is ExitCode.TIMEOUT
    assert result.timed_out


def test_target_updated_waits_for_successful() -> None:
    waiter, _, script = make(
        [cfg("Active", "InProgress")] * 4 + [cfg("Active", "Successful")], target=Target.UPDATED
    )
    result = waiter.run()
    assert result.exit_code is ExitCode.READY
    assert result.target is Target.UPDATED
    assert len(script.read_times) == 5


# --- stopping at once ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "transient"),
    [("InternalError", True), ("SubnetOutOfIPAddresses", False)],
)
def test_state_failed_stops_at_once_with_decoded_reason(code: str, transient: bool) -> None:
    message = f"AWS says {code}"
    waiter, clock, script = make(
        [cfg("Pending", None), cfg("Failed", None, code=code, reason=message), cfg("Active")]
    )
    result = waiter.run()
    assert result.exit_code is ExitCode.FAILED
    assert result.exit_code == 1
    assert len(script.read_times) == 2  # never read again after Failed
    assert len(clock.sleeps) == 1
    assert result.assessment is not None
    assert result.assessment.phase is Phase.FAILED
    reason = result.assessment.reason
    assert reason is not None
    assert reason.code == code
    assert reason.aws_message == message
    assert reason.known
    assert reason.transient is transient
    assert not result.timed_out


def test_update_failed_exits_1_and_says_the_previous_version_serves() -> None:
    waiter, clock, script = make(
        [
            cfg("Active", "InProgress"),
            cfg(
                "Active",
                "Failed",
                update_code="InvalidImage",
                update_reason="image manifest invalid",
            ),
        ]
    )
    result = waiter.run()
    assert result.exit_code is ExitCode.FAILED
    assert result.assessment is not None
    assert result.assessment.phase is Phase.UPDATE_FAILED
    assert "previous" in result.assessment.summary
    assert "previous" in result.message
    assert result.assessment.reason is not None
    assert result.assessment.reason.code == "InvalidImage"
    assert len(script.read_times) == 2
    assert len(clock.sleeps) == 1


def test_inactive_exits_7_after_a_single_read() -> None:
    waiter, clock, script = make([cfg("Inactive", "Successful", code="Idle"), cfg("Active")])
    result = waiter.run()
    assert result.exit_code is ExitCode.INACTIVE
    assert result.exit_code == 7
    assert len(script.read_times) == 1
    assert clock.sleeps == []
    assert result.elapsed == 0.0


IDLE = cfg("Inactive", "Successful", code="Idle")
RESTORE_FAILED = cfg("Inactive", "Failed", update_code="InsufficientRolePermissions")


def woken(steps: Sequence[Step], woken_from: dict[str, Any], timeout: float) -> Waiter:
    """A waiter right after a wake invocation sent after the read ``woken_from``."""
    clock = ManualClock(START)
    return Waiter(
        "orders",
        Script(clock, steps),
        timeout=timeout,
        clock=clock,
        rng=random.Random(7),
        inactive_grace=10.0,
        woken_from=FunctionSnapshot.from_configuration(woken_from),
    )


def test_after_a_wake_a_new_inactive_answer_is_judged_at_once() -> None:
    # Idle before the wake, a restore failure now: the restore ran and failed.
    result = woken([RESTORE_FAILED], IDLE, timeout=5.0).run()
    assert result.exit_code is ExitCode.INACTIVE and not result.timed_out
    assert result.polls == 1
    assert result.assessment is not None and result.assessment.reason is not None
    assert result.assessment.reason.code == "InsufficientRolePermissions"


@pytest.mark.parametrize("before", [IDLE, RESTORE_FAILED], ids=["idle", "earlier-failure"])
def test_after_a_wake_the_read_from_before_it_is_not_an_answer_until_the_grace_ends(
    before: dict[str, Any],
) -> None:
    # Inside the grace: still in progress at the deadline (the restore is not visible yet).
    result = woken([before], before, timeout=5.0).run()
    assert result.exit_code is ExitCode.TIMEOUT and result.timed_out
    assert "restore requested" in result.message
    # Past the grace, the same read is the answer.
    assert woken([before], before, timeout=60.0).run().exit_code is ExitCode.INACTIVE


def test_unknown_future_state_is_polled_until_the_timeout() -> None:
    waiter, clock, script = make([cfg("Hibernating", "Successful")], timeout=20)
    result = waiter.run()
    assert result.exit_code is ExitCode.TIMEOUT
    assert result.timed_out
    assert len(script.read_times) > 5
    assert len(clock.sleeps) == len(script.read_times) - 1
    assert result.snapshot is not None and result.snapshot.state == "Hibernating"
    assert result.assessment is not None and result.assessment.phase is Phase.OTHER
    assert result.elapsed == pytest.approx(20, abs=EPS)


# --- transient API trouble ------------------------------------------------------------------


def test_throttling_honours_retry_after_then_succeeds() -> None:
    throttle = ThrottledError("throttled", retry_after=2.0)
    waiter, clock, script = make([cfg("Pending", None), throttle, cfg("Active")])
    result = waiter.run()
    assert result.exit_code is ExitCode.READY
    assert len(script.read_times) == 3
    assert clock.sleeps[0] < 2.0  # the ordinary schedule is sub-second
    assert clock.sleeps[1] >= 2.0  # the sleep right after the throttle
    assert script.read_times[2] - script.read_times[1] >= 2.0


def test_retry_after_longer_than_the_time_left_is_cut_at_the_deadline() -> None:
    throttle = ThrottledError("throttled", retry_after=100.0)
    waiter, clock, script = make([cfg("Pending", None), throttle, cfg("Pending", None)], timeout=10)
    result = waiter.run()
    assert result.exit_code is ExitCode.TIMEOUT
    assert sum(clock.sleeps) == pytest.approx(10, abs=EPS)
    assert script.read_times[-1] == pytest.approx(START + 10, abs=EPS)


def test_throttled_until_the_deadline_without_any_answer_is_unavailable() -> None:
    waiter, _, _ = make([ThrottledError("throttled", retry_after=1.0)], timeout=10)
    result = waiter.run()
    assert result.exit_code is ExitCode.UNAVAILABLE
    assert isinstance(result.error, ThrottledError)
    assert result.snapshot is None


def test_not_found_right_after_create_is_eventual_consistency() -> None:
    missing = FunctionNotFoundError("function orders not found")
    events: list[WaitEvent] = []
    waiter, clock, script = make(
        [missing, missing, cfg("Pending", None), cfg("Active")], listener=events.append
    )
    result = waiter.run()
    assert result.exit_code is ExitCode.READY
    assert len(script.read_times) == 4
    retries = [e for e in events if e.kind == "retry"]
    assert len(retries) == 2
    assert all(isinstance(e.error, FunctionNotFoundError) for e in retries)
    assert len(clock.sleeps) == 3


def test_not_found_after_the_grace_raises() -> None:
    policy = PollPolicy(not_found_grace=5.0)
    waiter, clock, script = make(
        [FunctionNotFoundError("function orders not found")], policy=policy, timeout=60
    )
    with pytest.raises(FunctionNotFoundError):
        waiter.run()
    # It kept trying through the grace, then gave up well before the timeout.
    assert len(script.read_times) > 1
    assert script.read_times[-1] - START >= 5.0
    assert script.read_times[-2] - START < 5.0
    assert clock.now() - START < 60


def test_not_found_raises_at_once_when_no_create_is_expected() -> None:
    waiter, clock, script = make(
        [FunctionNotFoundError("function orders not found")], expect_recent_create=False
    )
    with pytest.raises(FunctionNotFoundError):
        waiter.run()
    assert len(script.read_times) == 1
    assert clock.sleeps == []


def test_unavailable_errors_are_retried_until_the_deadline_then_exit_8() -> None:
    # Errors are retried by time, not by count: 10 minutes of 500s end at the deadline,
    # with the last error, and exit 8 (not a timeout: nothing was ever read).
    boom = AwsUnavailableError("Lambda error 500")
    waiter, clock, script = make([boom], timeout=600)
    result = waiter.run()
    assert result.exit_code is ExitCode.UNAVAILABLE
    assert result.error is boom
    assert clock.now() - START == pytest.approx(600, abs=EPS)
    assert script.read_times[-1] == pytest.approx(START + 600, abs=EPS)
    # With backoff: far fewer reads than one per schedule interval, none faster than 0.25 s.
    assert 100 < len(script.read_times) < 600
    assert min(clock.sleeps[:-1]) >= 0.25


def test_a_burst_of_errors_then_the_real_outcome() -> None:
    boom = AwsUnavailableError("Lambda error 503")
    pending = cfg("Pending", None)
    waiter, _, script = make([pending] + [boom] * 30 + [cfg("Active")], timeout=600)
    result = waiter.run()
    assert result.exit_code is ExitCode.READY
    assert len(script.read_times) == 32


# --- timing out -----------------------------------------------------------------------------


def test_timeout_keeps_the_last_snapshot_and_ends_exactly_at_the_deadline() -> None:
    waiter, clock, script = make([cfg("Pending", None, code="Creating")], timeout=30)
    result = waiter.run()
    assert result.exit_code is ExitCode.TIMEOUT
    assert result.exit_code == 3
    assert result.timed_out
    assert result.snapshot is not None
    assert result.snapshot.state == "Pending"
    assert result.snapshot.state_reason_code == "Creating"
    assert result.elapsed == pytest.approx(30, abs=EPS)
    assert sum(clock.sleeps) == pytest.approx(30, abs=EPS)
    # The last read happens at the deadline itself.
    assert script.read_times[-1] == pytest.approx(START + 30, abs=EPS)
    assert "timed out" in result.message
    assert result.polls == len(script.read_times)


def test_a_wait_of_hours_reads_within_the_bound_and_no_more_often() -> None:
    # Hours past any plausible end of a create, the prior has nothing to say: the
    # schedule falls back to the bound, max(1 s, 5 % of elapsed), not to its floor.
    hours = 4 * 3600
    waiter, clock, script = make([cfg("Pending", None)], timeout=hours)
    result = waiter.run()
    assert result.exit_code is ExitCode.TIMEOUT
    assert result.elapsed == pytest.approx(hours, abs=1e-6)
    bound = LatenessBound()
    for read, slept in zip(script.read_times, clock.sleeps, strict=False):
        assert slept <= bound(read - START) + EPS
    # Reading every bound(t) from 0 to T takes ~ 20 + 20 ln(T / 20) reads.
    assert len(script.read_times) < 2 * (20 + 20 * math.log(hours / 20))


def test_still_failing_at_the_deadline_is_exit_8_with_the_last_error_and_state() -> None:
    boom = AwsUnavailableError("Lambda error 503")
    waiter, _, _ = make([cfg("Pending", None), boom], timeout=15)
    result = waiter.run()
    assert result.exit_code is ExitCode.UNAVAILABLE
    assert result.error is boom
    assert result.snapshot is not None and result.snapshot.state == "Pending"


def test_in_progress_at_the_deadline_after_errors_is_a_timeout() -> None:
    boom = AwsUnavailableError("Lambda error 503")
    waiter, _, script = make([cfg("Pending", None), boom, boom, cfg("Pending", None)], timeout=15)
    result = waiter.run()
    assert result.exit_code is ExitCode.TIMEOUT
    assert result.error is None
    assert len(script.read_times) > 4


# --- listener events ------------------------------------------------------------------------


def test_listener_reports_a_change_once_per_state_change_not_per_poll() -> None:
    events: list[WaitEvent] = []
    steps: list[Step] = [
        cfg("Pending", None),
        cfg("Pending", None),
        cfg("Pending", None),
        ThrottledError("throttled", retry_after=0.5),
        cfg("Pending", None),
        cfg("Active", "InProgress"),
        cfg("Active", "InProgress"),
        cfg("Active", "Successful"),
    ]
    waiter, clock, _ = make(steps, listener=events.append)
    result = waiter.run()
    assert result.exit_code is ExitCode.READY
    polls = [e for e in events if e.kind == "poll"]
    assert len(polls) == 7
    changed = [e for e in polls if e.changed]
    assert [(e.snapshot.state, e.snapshot.last_update_status) for e in changed if e.snapshot] == [
        ("Pending", None),
        ("Active", "InProgress"),
        ("Active", "Successful"),
    ]
    sleeps = [e for e in events if e.kind == "sleep"]
    assert [e.sleep_seconds for e in sleeps] == clock.sleeps
    assert [e.kind for e in events].count("retry") == 1


# --- properties -----------------------------------------------------------------------------

policies = st.builds(
    PollPolicy,
    initial=st.floats(0.05, 5.0),
    multiplier=st.floats(1.1, 3.0),
    max_interval=st.floats(0.5, 30.0),
    jitter=st.floats(0.0, 0.5),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    timeout=st.floats(0.01, 300.0),
    ready_fraction=st.none() | st.floats(0.0, 2.0),
    policy=policies,
    seed=st.integers(0, 2**32 - 1),
)
def test_never_sleeps_past_the_deadline_and_is_ready_within_one_interval(
    timeout: float, ready_fraction: float | None, policy: PollPolicy, seed: int
) -> None:
    clock = ManualClock(start=0.0)  # so start + timeout is exact and the bound can be strict
    ready_at = None if ready_fraction is None else ready_fraction * timeout
    reads: list[float] = []

    def read() -> FunctionSnapshot:
        elapsed = clock.now()
        reads.append(elapsed)
        ready = ready_at is not None and elapsed >= ready_at
        return FunctionSnapshot.from_configuration(cfg("Active") if ready else cfg("Pending", None))

    waiter = Waiter(
        "orders",
        read,
        timeout=timeout,
        policy=policy,
        clock=clock,
        rng=random.Random(seed),
    )
    result = waiter.run()

    assert all(s >= 0 for s in clock.sleeps)
    assert sum(clock.sleeps) <= timeout
    assert result.elapsed <= timeout
    assert reads[-1] <= timeout
    cap = max(0.05, policy.max_interval * (1 + policy.jitter))
    assert all(s <= cap + EPS for s in clock.sleeps)
    if ready_at is not None and ready_at <= timeout:
        assert result.exit_code is ExitCode.READY
        assert result.elapsed <= ready_at + cap + EPS
        assert result.elapsed >= ready_at - EPS
    else:
        assert result.exit_code is ExitCode.TIMEOUT
        assert result.timed_out
        assert result.elapsed == pytest.approx(timeout, abs=EPS)


@given(
    policy=st.builds(
        PollPolicy,
        initial=st.floats(0.001, 10.0),
        multiplier=st.floats(1.0, 4.0),
        max_interval=st.floats(0.05, 60.0),
        jitter=st.floats(0.0, 0.9),
    ),
    poll_number=st.integers(-5, 10**7),
    seed=st.integers(0, 2**32 - 1),
)
def test_poll_interval_stays_within_floor_and_jittered_cap(
    policy: PollPolicy, poll_number: int, seed: int
) -> None:
    interval = policy.interval(poll_number, random.Random(seed))
    assert 0.05 <= interval <= policy.max_interval * (1 + policy.jitter) + EPS


def test_poll_interval_grows_from_sub_second_to_the_cap() -> None:
    policy = PollPolicy(jitter=0.0)
    rng = random.Random(1)
    schedule = [policy.interval(n, rng) for n in range(1, 12)]
    assert schedule[0] == pytest.approx(0.25)
    assert schedule[1] == pytest.approx(0.375)
    assert schedule == sorted(schedule)
    assert schedule[-1] == pytest.approx(policy.max_interval)  # no elapsed: no bands


def test_the_runs_deadline_keeps_the_last_real_answer() -> None:
    # The adapter refuses to send past --timeout (DeadlineReachedError); a function
    # that was never found must still be reported as not found, not "timed out".
    from lambda_wait.errors import DeadlineReachedError, FunctionNotFoundError
    from lambda_wait.waiter import Waiter

    answers: list[Exception] = [
        FunctionNotFoundError("function x not found"),
        DeadlineReachedError("the --timeout ran out"),
    ]
    clock = ManualClock(0.0)

    def read() -> Any:
        clock.advance(0.5)
        raise answers[min(len(answers) - 1, int(clock.now() > 0.5))]

    result = Waiter("x", read, timeout=2.0, clock=clock).run()
    assert result.exit_code is ExitCode.NOT_FOUND
    assert isinstance(result.error, FunctionNotFoundError)
