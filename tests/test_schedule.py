"""The model-based poll schedule, on the shared ManualClock: its guarantee as properties."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_wait.clock import ManualClock
from lambda_wait.errors import AwsUnavailableError, ExitCode, ThrottledError
from lambda_wait.schedule import (
    LatenessBound,
    Operation,
    OperationKind,
    PollSchedule,
    Prediction,
    kind_of,
    prior_for,
)
from lambda_wait.states import FunctionSnapshot
from lambda_wait.waiter import Waiter

EPS = 1e-6
KINDS = st.sampled_from(list(OperationKind))


def snap(state: str, update: str | None = "Successful", **extra: object) -> FunctionSnapshot:
    doc: dict[str, object] = {"FunctionName": "fn", "State": state, "Version": "$LATEST"}
    if update is not None:
        doc["LastUpdateStatus"] = update
    doc.update(extra)
    return FunctionSnapshot.from_configuration(doc)


class Timeline:
    """A function that is busy until ``done_at`` (clock seconds), then ``outcome``; reads
    inside ``errors`` fail with a 503."""

    def __init__(
        self,
        clock: ManualClock,
        done_at: float,
        *,
        outcome: str = "Successful",
        errors: tuple[float, float] = (0.0, 0.0),
    ) -> None:
        self.clock, self.done_at, self.outcome, self.errors = clock, done_at, outcome, errors
        self.reads: list[float] = []

    def __call__(self) -> FunctionSnapshot:
        now = self.clock.now()
        self.reads.append(now)
        if self.errors[0] <= now < self.errors[1]:
            raise AwsUnavailableError("Lambda error 503")
        if now >= self.done_at:
            return snap("Active", self.outcome)
        return snap("Active", "InProgress")


def waiter(clock: ManualClock, read: Timeline, timeout: float, **kwargs: object) -> Waiter:
    operation = Operation(OperationKind.UPDATE, started_at=clock.now(), anchored=True)
    return Waiter(
        "fn",
        read,
        timeout=timeout,
        clock=clock,
        operation=operation,
        rng=random.Random(3),
        **kwargs,  # type: ignore[arg-type]
    )


# --- the guarantee ----------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(done=st.floats(0.0, 1.0), timeout=st.floats(1.0, 900.0), kind=KINDS)
def test_a_completion_is_seen_within_the_bound(
    done: float, timeout: float, kind: OperationKind
) -> None:
    clock = ManualClock(0.0)
    done_at = done * timeout
    read = Timeline(clock, done_at)
    w = waiter(clock, read, timeout)
    w.operation.kind, w.operation.prior = kind, prior_for(kind)
    result = w.run()
    assert result.exit_code is ExitCode.READY
    seen = read.reads[-1]
    before = read.reads[-2] if len(read.reads) > 1 else None
    # The stated guarantee: within bound(done), or, when the read before the end came
    # where the prior called an end implausible, within half the way to its range.
    schedule, prior = PollSchedule(), prior_for(kind)
    relaxed = schedule.relaxed(before, prior) if before is not None else 0.0
    assert done_at - EPS <= seen <= done_at + max(LatenessBound()(done_at), relaxed) + EPS
    assert seen <= timeout + EPS  # never read past the deadline


@settings(max_examples=100, deadline=None)
@given(done=st.floats(0.0, 900.0), kind=KINDS)
def test_inside_the_priors_range_a_completion_is_seen_within_the_bound(
    done: float, kind: OperationKind
) -> None:
    # Where the prior expects ends at a pace that makes the relaxation shorter than the
    # bound (or has been overrun), bound(t) alone holds.
    clock = ManualClock(0.0)
    read = Timeline(clock, done)
    w = waiter(clock, read, 900.0)
    w.operation.kind, w.operation.prior = kind, prior_for(kind)
    w.run()
    schedule, prior = PollSchedule(), prior_for(kind)
    before = read.reads[-2] if len(read.reads) > 1 else 0.0
    if schedule.relaxed(before, prior) <= schedule.bound(before):
        assert read.reads[-1] - done <= LatenessBound()(done) + EPS


@settings(max_examples=80, deadline=None)
@given(done=st.floats(0.0, 600.0), predicted=st.floats(2.0, 300.0))
def test_with_a_prediction_the_bound_holds_from_the_window_on(
    done: float, predicted: float
) -> None:
    # Before the predicted window, a completion is seen at the latest when half the way
    # to the window is covered; from the window on, within the model's bound.
    clock = ManualClock(0.0)
    read = Timeline(clock, done)
    prediction = Prediction(predicted, 0.1 * predicted)
    w = waiter(clock, read, 900.0)
    w.operation.prior, w.operation.prediction = prior_for(OperationKind.UPDATE), prediction
    w.run()
    start, _ = prediction.window()
    late = read.reads[-1] - done
    bound = LatenessBound()(done)
    assert (
        late <= (max(bound, (start - done) / 2 + bound, start / 2) if done < start else bound) + EPS
    )


@settings(max_examples=80, deadline=None)
@given(
    done=st.floats(0.0, 300.0),
    burst_start=st.floats(0.0, 300.0),
    burst=st.floats(0.0, 600.0),
    outcome=st.sampled_from(["Successful", "Failed"]),
    timeout=st.floats(1.0, 600.0),
)
def test_an_error_burst_shorter_than_the_time_left_ends_in_the_real_outcome(
    done: float, burst_start: float, burst: float, outcome: str, timeout: float
) -> None:
    burst_end = burst_start + burst
    if burst_end >= timeout:  # the property is about bursts that end inside the timeout
        burst_end = burst_start + (timeout - burst_start) * 0.5 if burst_start < timeout else 0.0
    clock = ManualClock(0.0)
    read = Timeline(clock, done, outcome=outcome, errors=(burst_start, burst_end))
    result = waiter(clock, read, timeout).run()
    if done <= timeout:
        assert result.exit_code is (ExitCode.READY if outcome == "Successful" else ExitCode.FAILED)
    else:
        assert result.exit_code is ExitCode.TIMEOUT
    assert result.elapsed <= timeout + EPS


def test_throttling_with_retry_after_is_retried_inside_the_timeout(clock: ManualClock) -> None:
    answers: list[object] = [ThrottledError("slow down", retry_after=3.0)] * 4

    def read() -> FunctionSnapshot:
        if answers:
            error = answers.pop()
            assert isinstance(error, ThrottledError)
            raise error
        return snap("Active")

    result = Waiter("fn", read, timeout=60, clock=clock).run()
    assert result.exit_code is ExitCode.READY
    assert all(s >= 3.0 for s in clock.sleeps)


# --- the model --------------------------------------------------------------------------------


def test_the_bound_is_small_early_and_grows_slowly() -> None:
    bound = LatenessBound()
    assert bound(0) == bound(10) == 1.0
    assert bound(60) == pytest.approx(3.0)
    assert bound(300) == pytest.approx(15.0)


@pytest.mark.parametrize("kind", list(OperationKind))
def test_intervals_stay_between_the_floor_and_the_ceiling(kind: OperationKind) -> None:
    schedule, prior = PollSchedule(), prior_for(kind)
    for elapsed in [0.0, 0.5, 1, 2, 3, 5, 8, 13, 30, 60, 120, 600, 3600, 86_400]:
        interval = schedule.interval(elapsed, prior)
        ceiling = schedule.ceiling(elapsed, prior=prior)
        assert schedule.min_interval - EPS <= interval <= ceiling + EPS
        assert ceiling == max(schedule.bound(elapsed), schedule.relaxed(elapsed, prior))


def test_reads_are_denser_where_the_prior_expects_the_end() -> None:
    # A configuration update ends in a few seconds: around 2 s the schedule reads more
    # often than the bound requires; a VPC attach is not expected then, and is read
    # less often than the bound, half the way to where its prior's range begins.
    schedule, vpc = PollSchedule(), prior_for(OperationKind.RESTORE, in_vpc=True)
    assert schedule.interval(2.0, prior_for(OperationKind.CONFIG_UPDATE)) < 1.0
    start = vpc.quantile(0.025)
    assert schedule.interval(2.0, vpc) == pytest.approx((start - 2.0) / 2.0, rel=1e-3)
    assert schedule.interval(2.0, vpc) > 5 * schedule.bound(2.0)


def test_inside_the_range_the_bound_rules_again() -> None:
    schedule, vpc = PollSchedule(), prior_for(OperationKind.RESTORE, in_vpc=True)
    for elapsed in (40.0, 60.0, 120.0, 240.0):
        assert schedule.relaxed(elapsed, vpc) < schedule.bound(elapsed)
        assert schedule.ceiling(elapsed, prior=vpc) == schedule.bound(elapsed)


def test_slow_kinds_spend_few_reads_before_their_range_and_fast_ones_do_not() -> None:
    def reads_in_first(seconds: float, kind: OperationKind) -> int:
        schedule, prior, t, reads = PollSchedule(), prior_for(kind), 0.0, 0
        while t < seconds:
            t += schedule.interval(t, prior)
            reads += 1
        return reads

    # A VPC attach may reuse an ENI and end in seconds: dense first, then sparse.
    assert reads_in_first(20.0, OperationKind.VPC) <= 14
    assert reads_in_first(8.0, OperationKind.VPC) >= 7
    assert reads_in_first(20.0, OperationKind.SNAPSTART_PUBLISH) <= 3
    assert reads_in_first(20.0, OperationKind.CONFIG_UPDATE) >= 15  # overrun: the bound


def test_past_its_plausible_range_the_prior_gives_way_to_the_bound() -> None:
    schedule, prior = PollSchedule(), prior_for(OperationKind.CONFIG_UPDATE)
    assert schedule.interval(3600.0, prior) == pytest.approx(schedule.bound(3600.0))


def reads_until(done: float, prediction: Prediction | None) -> int:
    schedule, prior = PollSchedule(), prior_for(OperationKind.UPDATE, in_vpc=True)
    t, reads = 0.5, 1
    while t < done:
        t += schedule.interval(t, prior, prediction)
        reads += 1
    return reads


@pytest.mark.parametrize("seconds", [20.0, 60.0, 120.0, 300.0])
def test_a_prediction_spends_few_reads_before_the_window(seconds: float) -> None:
    with_history = reads_until(seconds, Prediction(seconds, 0.1 * seconds))
    without = reads_until(seconds, None)
    assert with_history < without
    assert with_history <= seconds / 2


def test_an_overrun_prediction_falls_back_to_the_bound() -> None:
    schedule, prior = PollSchedule(), prior_for(OperationKind.VPC)
    prediction = Prediction(20.0, 2.0)
    _, end = prediction.window()
    late = end + 30.0
    assert schedule.interval(late, prior, prediction) == schedule.interval(late, prior)


def test_error_backoff_doubles_up_to_its_ceiling() -> None:
    schedule, rng = PollSchedule(), random.Random(1)
    sleeps = [schedule.backoff(n, rng) for n in range(1, 12)]
    assert 0.25 <= sleeps[0] <= 0.5
    assert max(sleeps) <= schedule.error_backoff_max
    assert sleeps[-1] >= schedule.error_backoff_max / 2


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        (snap("Pending", None, StateReasonCode="Creating"), OperationKind.CREATE),
        (
            snap("Pending", None, StateReasonCode="Creating", VpcConfig={"SubnetIds": ["s"]}),
            OperationKind.VPC,
        ),
        (snap("Pending", None, StateReasonCode="Restoring"), OperationKind.RESTORE),
        (snap("Inactive", StateReasonCode="Idle"), OperationKind.RESTORE),
        (snap("Active", "InProgress"), OperationKind.UPDATE),
        (snap("Pending", None, Version="3"), OperationKind.PUBLISH),
        (
            snap("Pending", None, Version="3", SnapStart={"ApplyOn": "PublishedVersions"}),
            OperationKind.SNAPSTART_PUBLISH,
        ),
        (snap("Active"), OperationKind.UNKNOWN),
    ],
)
def test_the_kind_is_read_from_the_first_answer(
    answer: FunctionSnapshot, kind: OperationKind
) -> None:
    assert kind_of(answer) is kind


def test_image_functions_and_vpc_functions_get_slower_priors() -> None:
    zip_update = prior_for(OperationKind.CODE_UPDATE)
    assert prior_for(OperationKind.CODE_UPDATE, image=True).quantile(0.5) > zip_update.quantile(0.5)
    assert prior_for(OperationKind.UPDATE, in_vpc=True).quantile(0.9) > 30.0
    assert prior_for(OperationKind.SNAPSTART_PUBLISH).quantile(0.5) > 60.0
