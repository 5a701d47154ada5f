"""Many functions polling through one RequestBudget, simulated on an injected clock.

Each simulated waiter does what a real one does: book a slot, sleep until it,
book again if a throttle's Retry-After pause swallowed it (as ``acquire`` does),
read, then sleep the PollPolicy's interval. Events are processed in time order,
so the budget sees the same sequence of calls as under real threads.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_wait.budget import RequestBudget, Slot
from lambda_wait.waiter import PollPolicy

EPS = 1e-9


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:  # never called: the simulation moves time
        raise AssertionError("the simulation does not sleep")


@dataclass
class Run:
    budget: RequestBudget
    sends: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    all_sends: list[float] = field(default_factory=list)
    pauses: list[tuple[float, float]] = field(default_factory=list)  # [start, end)
    lowest_rate: float = math.inf


def simulate(
    functions: int,
    max_rps: float,
    *,
    horizon: float = 60.0,
    policy: PollPolicy | None = None,
    throttles: list[tuple[float, float | None]] | None = None,
    burst: float | None = None,
    seed: int = 0,
) -> Run:
    """``functions`` waiters that never finish, for ``horizon`` seconds."""
    policy = policy or PollPolicy()
    rng = random.Random(seed)
    clock = FakeClock()
    budget = RequestBudget(max_rps, burst=burst, clock=clock, sleep=clock.sleep)
    run = Run(budget)
    # (time, order, kind, function, slot): kind "ask" books, "go" sends if still valid.
    events: list[tuple[float, int, str, int, Slot | None]] = []
    order = 0
    for fn in range(functions):
        heapq.heappush(events, (rng.uniform(0, 0.05), order, "ask", fn, None))
        order += 1
    pending_throttles = sorted(throttles or [], key=lambda t: t[0])
    while events:
        when, _, kind, fn, slot = heapq.heappop(events)
        while pending_throttles and pending_throttles[0][0] <= when:
            at, retry_after = pending_throttles.pop(0)
            clock.now = at
            budget.throttled(retry_after)
            run.lowest_rate = min(run.lowest_rate, budget.rate)
            if retry_after:
                run.pauses.append((at, at + retry_after))
        if when > horizon:
            break
        clock.now = when
        if kind == "ask" or (slot is not None and not budget.still_valid(slot)):
            booked = budget.book()
            heapq.heappush(events, (max(booked.go, when), order, "go", fn, booked))
        else:
            run.sends[fn].append(when)
            run.all_sends.append(when)
            polls = len(run.sends[fn])
            interval = policy.interval(polls, rng, elapsed=when)
            heapq.heappush(events, (when + interval, order, "ask", fn, None))
        order += 1
    run.lowest_rate = min(run.lowest_rate, max_rps)
    return run


def most_in_window(times: list[float], window: float) -> int:
    """The most sends inside any closed window of ``window`` seconds."""
    ordered = sorted(times)
    return max(
        (bisect.bisect_right(ordered, t + window + EPS) - i for i, t in enumerate(ordered)),
        default=0,
    )


def largest_gap(times: list[float], horizon: float) -> float:
    points = [0.0, *sorted(times)]
    gaps = [b - a for a, b in itertools.pairwise(points)]
    tail = horizon - points[-1]
    return max([*gaps, tail])


throttle_lists = st.lists(
    st.tuples(st.floats(0.0, 40.0), st.none() | st.floats(0.0, 3.0)), max_size=6
)


@settings(max_examples=60, deadline=None)
@given(
    functions=st.integers(1, 120),
    max_rps=st.floats(1.0, 20.0),
    burst=st.none() | st.floats(1.0, 10.0),
    throttles=throttle_lists,
    seed=st.integers(0, 2**16),
)
def test_sends_never_exceed_the_budget_in_any_window(
    functions: int,
    max_rps: float,
    burst: float | None,
    throttles: list[tuple[float, float | None]],
    seed: int,
) -> None:
    run = simulate(functions, max_rps, horizon=45.0, burst=burst, throttles=throttles, seed=seed)
    limit = math.floor(max_rps)
    # Any one second: at most floor(max_rps), bursts and throttles included.
    assert most_in_window(run.all_sends, 1.0) <= limit
    # Any longer window: the rate times the window, plus the burst.
    for window in (2.5, 10.0):
        assert most_in_window(run.all_sends, window) <= max_rps * window + run.budget.burst
    # Nothing is sent inside a Retry-After pause.
    for start, end in run.pauses:
        assert not [t for t in run.all_sends if start <= t < end - EPS]


@settings(max_examples=60, deadline=None)
@given(
    functions=st.integers(1, 120),
    max_rps=st.floats(1.0, 20.0),
    seed=st.integers(0, 2**16),
)
def test_under_contention_every_function_is_polled_at_least_every_n_seconds(
    functions: int, max_rps: float, seed: int
) -> None:
    policy = PollPolicy()
    horizon = 60.0
    run = simulate(functions, max_rps, horizon=horizon, policy=policy, seed=seed)
    budget = run.budget
    # FIFO: a read waits behind at most every other function's one booking, and the
    # budget hands out floor(max_rps) slots per 1 s + guard (at most one slot per 1/rate).
    slot = max(1.0 / max_rps, (1.0 + budget.window_guard) / budget.window_limit)
    bound = policy.max_interval * (1 + policy.jitter) + (functions + 1) * slot + 0.1
    for fn in range(functions):
        assert run.sends[fn] or bound >= horizon, f"function {fn} never polled"
        assert largest_gap(run.sends[fn], horizon) <= bound
    # Polls are shared evenly: nobody gets more than a small multiple of the median.
    counts = sorted(len(run.sends[fn]) for fn in range(functions))
    assert counts[-1] <= 2 * counts[len(counts) // 2] + 3


@settings(max_examples=40, deadline=None)
@given(
    functions=st.integers(2, 80),
    throttles=throttle_lists.filter(bool),
    seed=st.integers(0, 2**16),
)
def test_throttling_delays_every_function_but_starves_none(
    functions: int, throttles: list[tuple[float, float | None]], seed: int
) -> None:
    policy = PollPolicy()
    horizon = 60.0
    max_rps = 10.0
    run = simulate(functions, max_rps, horizon=horizon, throttles=throttles, seed=seed)
    budget = run.budget
    longest_pause = max((end - start for start, end in run.pauses), default=0.0)
    slot = max(1.0 / run.lowest_rate, (1.0 + budget.window_guard) / budget.window_limit)
    # A booking swallowed by a pause is booked again behind the others: 2n slots at most.
    bound = policy.max_interval * (1 + policy.jitter) + longest_pause + 2 * (functions + 1) * slot
    for fn in range(functions):
        assert largest_gap(run.sends[fn], horizon) <= bound + 0.1


def test_a_hundred_functions_at_ten_rps_are_served_round_robin() -> None:
    run = simulate(100, 10.0, horizon=60.0)
    first_round = sorted((times[0], fn) for fn, times in run.sends.items())
    # Everyone's first read comes before anyone's third.
    third_reads = [times[2] for times in run.sends.values() if len(times) > 2]
    assert max(t for t, _ in first_round) < min(third_reads)
    assert most_in_window(run.all_sends, 1.0) <= 10
    # Saturated: the budget is used, close to max_rps / (1 + guard).
    assert len(run.all_sends) >= 60.0 * 10.0 / (1 + run.budget.window_guard) * 0.95


def test_throttle_rebooks_a_slot_inside_the_pause_after_it() -> None:
    clock = FakeClock()
    budget = RequestBudget(10.0, burst=1.0, clock=clock, sleep=clock.sleep)
    slots = [budget.book() for _ in range(5)]  # at 0.0, 0.1, ... 0.4
    assert [s.go for s in slots] == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4])
    assert budget.still_valid(slots[0])  # due at 0.0, checked then: sent
    clock.now = 0.05
    budget.throttled(retry_after=1.0)
    assert not any(budget.still_valid(s) for s in slots[1:])
    again = budget.book()
    assert again.go >= 1.05
    assert budget.still_valid(again)
