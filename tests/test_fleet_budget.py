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
from lambda_wait.clock import ManualClock
from lambda_wait.waiter import PollPolicy

EPS = 1e-9


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
    clock = ManualClock(0.0)
    budget = RequestBudget(max_rps, burst=burst, clock=clock)
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
            clock.advance(at - clock.now())
            budget.throttled(retry_after)
            run.lowest_rate = min(run.lowest_rate, budget.rate)
            if retry_after:
                run.pauses.append((at, at + retry_after))
        if when > horizon:
            break
        clock.advance(when - clock.now())
        if kind == "ask" or (slot is not None and not budget.still_valid(slot)):
            booked = budget.book()
            heapq.heappush(events, (max(booked.go, when), order, "go", fn, booked))
        else:
            run.sends[fn].append(when)
            run.all_sends.append(when)
            polls = len(run.sends[fn])
            interval = policy.interval(polls, rng)
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
    clock = ManualClock(0.0)
    budget = RequestBudget(10.0, burst=1.0, clock=clock)
    slots = [budget.book() for _ in range(5)]  # at 0.0, 0.1, ... 0.4
    assert [s.go for s in slots] == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4])
    assert budget.still_valid(slots[0])  # due at 0.0, checked then: sent
    clock.advance(0.05 - clock.now())
    budget.throttled(retry_after=1.0)
    assert not any(budget.still_valid(s) for s in slots[1:])
    again = budget.book()
    assert again.go >= 1.05
    assert budget.still_valid(again)


# --- urgency: the budget goes first to the reads most likely to see a finished function ------


def test_the_urgency_queue_hands_the_next_slot_to_the_most_urgent_read() -> None:
    from lambda_wait.budget import UrgencyQueue

    queue = UrgencyQueue()
    assert queue.join(1, lambda: 0.0)  # nobody holds the next slot: at once
    assert not queue.join(2, lambda: 0.2)
    assert not queue.join(3, lambda: 0.9)
    assert not queue.join(4, lambda: 0.9)  # a tie: the earlier request first
    assert not queue.join(5, lambda: float("nan"))  # a broken estimate is served, not stalled
    assert queue.leave(1) == 5
    assert queue.leave(5) == 3
    assert queue.leave(2) is None  # gave up while waiting: no hand-off
    assert queue.leave(3) == 4
    assert queue.leave(4) is None
    assert queue.head is None


def test_threads_waiting_for_a_slot_are_served_by_urgency() -> None:
    import threading
    import time

    clock = ManualClock(0.0)
    budget = RequestBudget(10.0, clock=clock)
    with budget._lock:  # the test holds the next slot while the reads line up
        budget._urgent.join(-1, lambda: 0.0)
    order: list[str] = []

    def read(name: str, urgency: float) -> None:
        budget.acquire(urgency=lambda: urgency)
        order.append(name)

    threads = [
        threading.Thread(target=read, args=(name, urgency))
        for name, urgency in (("low", 0.1), ("high", 5.0), ("middle", 3.0))
    ]
    for thread in threads:
        thread.start()
    while len(budget._urgent.waiting) < 3:
        time.sleep(0.01)
    with budget._lock:
        budget._turns[budget._urgent.leave(-1) or 0].set()
    for thread in threads:
        thread.join(5)
    assert order == ["high", "middle", "low"]


def test_a_reads_urgency_grows_with_the_time_since_it_was_last_seen_running() -> None:
    from lambda_wait.schedule import OperationKind, PollSchedule, Prediction, prior_for

    schedule, prior = PollSchedule(), prior_for(OperationKind.UPDATE, in_vpc=True)
    gaps = [schedule.urgency(10.0, gap, prior) for gap in (0.5, 2.0, 8.0, 30.0)]
    assert gaps == sorted(gaps) and gaps[0] < gaps[-1]
    # History says this one ends around 40 s: at 39 s it outranks a function at 10 s.
    predicted = schedule.urgency(39.0, 2.0, prior, Prediction(40.0, 4.0))
    assert predicted > schedule.urgency(10.0, 2.0, prior)
    # Far past its prior, urgency follows the bound instead of vanishing.
    assert schedule.urgency(36_000.0, 600.0, prior_for(OperationKind.CONFIG_UPDATE)) > 0
