"""RequestBudget (token bucket with multiplicative decrease) on an injected clock."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_wait.budget import DEFAULT_MAX_RPS, RequestBudget
from lambda_wait.clock import ManualClock

EPS = 1e-9


def budget(clock: ManualClock, max_rps: float = 10.0, **kwargs: float) -> RequestBudget:
    return RequestBudget(max_rps, clock=clock, **kwargs)


def max_in_window(times: list[float], window: float) -> int:
    """The most go-times inside any closed window of ``window`` seconds."""
    times = sorted(times)
    return max(
        (bisect.bisect_right(times, t + window + EPS) - i for i, t in enumerate(times)), default=0
    )


@dataclass(frozen=True)
class Op:
    advance: float
    kind: str  # "reserve" | "throttled"
    retry_after: float | None = None


reserve_ops = st.builds(Op, advance=st.floats(0.0, 0.3), kind=st.just("reserve"))
throttle_ops = st.builds(
    Op,
    advance=st.floats(0.0, 0.3),
    kind=st.just("throttled"),
    retry_after=st.none() | st.floats(0.0, 5.0),
)


def run_ops(b: RequestBudget, clock: ManualClock, ops: list[Op]) -> list[float]:
    """Replay ``ops``; return the time each granted request is allowed to go."""
    go_times: list[float] = []
    for op in ops:
        clock.advance(op.advance)
        if op.kind == "reserve":
            delay = b.reserve()
            assert delay >= 0
            go_times.append(clock.now() + delay)
        else:
            b.throttled(op.retry_after)
    return go_times


@settings(max_examples=200, deadline=None)
@given(
    max_rps=st.floats(0.5, 50.0),
    burst=st.none() | st.floats(1.0, 20.0),
    ops=st.lists(reserve_ops, min_size=1, max_size=120),
)
def test_granted_requests_never_exceed_rate_times_window_plus_burst(
    max_rps: float, burst: float | None, ops: list[Op]
) -> None:
    clock = ManualClock(500.0)
    b = RequestBudget(max_rps, burst=burst, clock=clock)
    go_times = run_ops(b, clock, ops)
    assert max_in_window(go_times, 1.0) <= max_rps * 1.0 + b.burst + EPS
    assert b.granted == len(go_times)


@settings(max_examples=200, deadline=None)
@given(
    max_rps=st.floats(0.5, 50.0),
    ops=st.lists(st.one_of(reserve_ops, reserve_ops, reserve_ops, throttle_ops), max_size=150),
)
def test_throttling_never_lets_more_through_than_the_unthrottled_bound(
    max_rps: float, ops: list[Op]
) -> None:
    # Many concurrent waiters share one budget: requests reserved during a
    # Retry-After pause must not all go at once when it ends.
    clock = ManualClock(500.0)
    b = budget(clock, max_rps)
    go_times = run_ops(b, clock, ops)
    assert max_in_window(go_times, 1.0) <= max_rps * 1.0 + b.burst + EPS


def test_burst_goes_at_once_then_requests_are_spaced_at_the_rate() -> None:
    clock = ManualClock(500.0)
    b = budget(clock, 10.0, burst=3.0)
    delays = [b.reserve() for _ in range(6)]
    assert delays[:3] == [0.0, 0.0, 0.0]
    assert delays[3:] == pytest.approx([0.1, 0.2, 0.3])


def test_default_burst_is_half_the_rate_but_at_least_one() -> None:
    assert RequestBudget(10.0).burst == 5.0
    assert RequestBudget(1.0).burst == 1.0
    assert RequestBudget().max_rps == DEFAULT_MAX_RPS


@pytest.mark.parametrize("rate", [0.0, -1.0])
def test_a_non_positive_rate_is_rejected(rate: float) -> None:
    with pytest.raises(ValueError, match="max_rps"):
        RequestBudget(rate)


def test_acquire_sleeps_through_the_injected_sleep() -> None:
    clock = ManualClock(500.0)
    b = budget(clock, 2.0, burst=1.0)
    b.acquire()
    b.acquire()
    b.acquire()
    # The first acquire spends the burst, the next waits 1/rate; the third would make
    # three in one second: the window rule holds it to 1 s + the guard after the first.
    assert clock.sleeps == pytest.approx([0.5, 0.5 + b.window_guard])
    assert b.granted == 3


def test_throttled_halves_the_rate_but_not_below_the_minimum() -> None:
    clock = ManualClock(500.0)
    b = budget(clock, 8.0, min_rps=1.5, recovery_seconds=1e12)  # no recovery in between
    b.throttled()
    assert b.rate == pytest.approx(4.0)
    clock.advance(1.0)
    b.throttled()
    assert b.rate == pytest.approx(2.0)
    clock.advance(1.0)
    b.throttled()
    assert b.rate == pytest.approx(1.5)
    clock.advance(1.0)
    b.throttled()
    assert b.rate == pytest.approx(1.5)


def test_a_burst_of_429s_from_requests_in_flight_halves_the_rate_once() -> None:
    clock = ManualClock(500.0)
    b = budget(clock, 40.0, recovery_seconds=1e12)
    for _ in range(25):  # a second's excess over Lambda's 15 req/s comes back at once
        clock.advance(0.01)
        b.throttled(retry_after=1.0)
    assert b.rate == pytest.approx(20.0)
    assert b.throttles == 25
    clock.advance(1.0)
    b.throttled(retry_after=1.0)  # still too fast a second later: cut again
    assert b.rate == pytest.approx(10.0)


def test_min_rate_above_max_is_clamped_to_max() -> None:
    clock = ManualClock(500.0)
    b = budget(clock, 1.0, min_rps=5.0)
    b.throttled()
    assert b.rate == 1.0


def test_throttled_with_retry_after_delays_the_next_reservations_until_then() -> None:
    clock = ManualClock(500.0)
    start = clock.now()
    b = budget(clock, 10.0)
    b.throttled(retry_after=3.0)
    assert clock.now() + b.reserve() >= start + 3.0
    clock.advance(start + 1.0 - clock.now())
    assert clock.now() + b.reserve() >= start + 3.0
    clock.advance(start + 2.999 - clock.now())
    assert clock.now() + b.reserve() >= start + 3.0
    # A later, shorter Retry-After does not shorten the pause already in force.
    b.throttled(retry_after=0.5)
    assert clock.now() + b.reserve() >= start + 3.0


def test_requests_reserved_during_a_pause_are_spaced_after_it_not_sent_at_once() -> None:
    # 20 waiters sharing the budget all poll during a 3 s Retry-After pause.
    clock = ManualClock(500.0)
    start = clock.now()
    b = budget(clock, 10.0)
    b.throttled(retry_after=3.0)  # rate 10 -> 5
    go_times = []
    for _ in range(20):
        clock.advance(0.1)
        go_times.append(clock.now() + b.reserve())
    assert min(go_times) >= start + 3.0
    assert max_in_window(go_times, 1.0) <= b.max_rps + b.burst
    # In the pause's first second after it ends at most the burst plus the (halved) rate go.
    assert sum(1 for t in go_times if t <= start + 4.0 + EPS) <= b.burst + 5.0 + 1


def test_retry_after_pause_ends() -> None:
    clock = ManualClock(500.0)
    b = budget(clock, 10.0)
    b.throttled(retry_after=2.0)
    clock.advance(30.0)  # long after the pause, with the rate recovered and tokens refilled
    assert b.reserve() == 0.0


def test_throttled_without_retry_after_does_not_pause() -> None:
    clock = ManualClock(500.0)
    b = budget(clock, 10.0)
    b.throttled(None)
    assert b.reserve() == 0.0
    b.throttled(0.0)
    assert b.reserve() == 0.0


def test_rate_recovers_linearly_to_max_over_recovery_seconds() -> None:
    clock = ManualClock(500.0)
    b = budget(clock, 10.0, recovery_seconds=10.0)
    b.throttled()
    assert b.rate == 5.0
    clock.advance(2.5)
    b.reserve()
    assert b.rate == pytest.approx(7.5)
    clock.advance(2.5)
    b.reserve()
    assert b.rate == pytest.approx(10.0)
    clock.advance(100.0)
    b.reserve()
    assert b.rate == 10.0  # never above max


def test_rate_recovers_from_the_minimum_within_recovery_seconds() -> None:
    clock = ManualClock(500.0)
    b = budget(clock, 10.0, min_rps=0.5, recovery_seconds=10.0)
    for _ in range(10):
        b.throttled()
        clock.advance(1.0)
    assert b.rate < 2.5
    clock.advance(5.0)
    b.reserve()
    assert 0.5 < b.rate < 10.0
    clock.advance(5.0)
    b.reserve()
    assert b.rate == 10.0


def test_reserve_counts_every_grant() -> None:
    clock = ManualClock(500.0)
    b = budget(clock, 100.0)
    for _ in range(7):
        b.reserve()
    assert b.granted == 7


def test_acquire_refuses_a_slot_at_or_past_until_without_waiting() -> None:
    from lambda_wait.errors import DeadlineReachedError

    clock = ManualClock(500.0)
    b = budget(clock, 2.0, burst=1.0)
    b.acquire(until=501.0)  # the first slot is now
    with pytest.raises(DeadlineReachedError):
        b.acquire(until=500.4)  # the next is 0.5 s away: past it
    assert clock.sleeps == []
    b.acquire(until=None)  # without a deadline it waits its turn
    assert sum(clock.sleeps) >= 0.5


def test_cancelling_the_clock_ends_a_wait_for_a_slot() -> None:
    from lambda_wait.errors import Interrupted

    clock = ManualClock(500.0)
    b = budget(clock, 1.0, burst=1.0)
    b.acquire()
    clock.cancel()
    with pytest.raises(Interrupted):
        b.acquire()
