"""A fleet's operations as evidence about each other (lambda_wait.peers), and how the
schedule uses it: reads come sooner where peers are ending, never later than the bound."""

from __future__ import annotations

import contextlib
import pickle
import random
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_wait import api
from lambda_wait.clock import ManualClock
from lambda_wait.errors import ExitCode
from lambda_wait.peers import Peers
from lambda_wait.schedule import (
    FAST,
    Operation,
    OperationKind,
    PollSchedule,
    prior_for,
)
from lambda_wait.waiter import Waiter
from tests.test_schedule import EPS, KINDS, Timeline

KEY = ("update", "same prior", True)


def test_the_hazard_is_ends_over_the_time_spent_running_in_the_window() -> None:
    peers = Peers()
    a, b, c, d = (peers.join(KEY) for _ in range(4))
    a.running(9.0)
    a.ended(10.0)
    b.running(10.5)
    b.ended(11.0)
    c.running(12.0)
    d.running(12.0)
    # Window (8, 12]: 2 ends; running time in it: a 2 s, b 3 s, c 4 s, d 4 s.
    assert abs(peers.hazard(KEY, 12.0, 4.0) - 2 / 13) < EPS
    # Window (11.5, 12]: no end in it, so no evidence (not a zero-risk claim).
    assert peers.hazard(KEY, 12.0, 0.5) == 0.0


def test_an_operation_still_running_counts_only_as_far_as_it_was_seen() -> None:
    peers = Peers()
    ended, late_starter = peers.join(KEY), peers.join(KEY)
    ended.ended(30.0)
    late_starter.running(5.0)  # started later: seen running 5 s into its own operation
    # Window (26, 30]: one end; running time in it: the ended one's 4 s only.
    assert abs(peers.hazard(KEY, 30.0, 4.0) - 1 / 4) < EPS


def test_groups_never_mix_and_a_lone_wait_has_no_evidence() -> None:
    peers = Peers()
    other = peers.join(("create", "another prior", True))
    other.ended(10.0)
    alone = peers.join(KEY)
    alone.running(10.0)
    assert alone.hazard(10.0, 5.0) == 0.0
    assert peers.size(KEY) == 1


def test_the_first_end_counts_and_later_reads_do_not_move_it() -> None:
    peers = Peers()
    p = peers.join(KEY)
    p.ended(10.0)
    p.ended(20.0)
    p.running(25.0)
    assert peers.hazard(KEY, 10.0, 1.0) == 1.0  # one end, 1 s of running time in (9, 10]


# Elapsed times as a clock gives them: to the microsecond.
TIMES = st.floats(0.0, 300.0).map(lambda t: round(t, 6))
MEMBERS = st.lists(st.tuples(TIMES, st.one_of(st.none(), TIMES)), max_size=40)


@settings(max_examples=200, deadline=None)
@given(members=MEMBERS, elapsed=TIMES, window=st.floats(0.01, 60.0))
def test_the_sorted_view_gives_the_life_tables_answer(
    members: list[tuple[float, float | None]], elapsed: float, window: float
) -> None:
    peers = Peers()
    for running, ended in members:
        member = peers.join(KEY)
        member.running(running)
        if ended is not None:
            member.ended(ended)
    # The definition, member by member.
    lo, ends, exposure = max(0.0, elapsed - window), 0, 0.0
    for running, ended in members:
        until = ended if ended is not None else running
        exposure += max(0.0, min(elapsed, until) - lo)
        ends += ended is not None and lo < ended <= elapsed
    expected = ends / exposure if ends and exposure > 1e-9 else 0.0
    got = peers.hazard(KEY, elapsed, window)
    # The sorted view sums before it subtracts: equal up to rounding, or both no evidence.
    assert abs(got - expected) <= 1e-6 * max(1.0, expected) or (exposure <= 1e-9 and got >= 0)


@settings(max_examples=200, deadline=None)
@given(
    elapsed=st.floats(0.0, 900.0),
    hazard=st.floats(0.0, 100.0),
    kind=KINDS,
)
def test_peers_only_ever_make_reads_sooner_and_never_below_the_floor(
    elapsed: float, hazard: float, kind: OperationKind
) -> None:
    schedule, prior = PollSchedule(), prior_for(kind)
    alone = schedule.interval(elapsed, prior)
    with_peers = schedule.interval(elapsed, prior, None, hazard)
    assert with_peers <= alone + EPS
    assert with_peers >= min(schedule.min_interval, alone) - EPS
    # The urgency of a read only grows with evidence that ends are happening.
    gap = min(alone, 5.0)
    assert schedule.urgency(elapsed, gap, prior, None, hazard) >= (
        schedule.urgency(elapsed, gap, prior) - EPS
    )


def test_a_fleet_result_carries_no_peers_and_pickles() -> None:
    # The Operation a WaitResult hands back is the caller's: no lock, no whole fleet in it.
    clock = ManualClock(0.0)
    operation = Operation(OperationKind.UPDATE, FAST, started_at=0.0, anchored=True)
    peers = fleet_ending([5.0, 6.0], (OperationKind.UPDATE, FAST, True))
    result = Waiter("fn", Timeline(clock, 7.0), clock=clock, operation=operation, peers=peers).run()
    assert result.exit_code is ExitCode.READY
    assert peers.size((OperationKind.UPDATE, FAST, True)) == 3  # it did join its peers
    copy = pickle.loads(pickle.dumps(result))
    assert copy.operation == result.operation and copy.duration == result.duration


def lateness(done_at: float, peers: Peers | None) -> float:
    clock = ManualClock(0.0)
    read = Timeline(clock, done_at)
    operation = Operation(OperationKind.UPDATE, FAST, started_at=0.0, anchored=True)
    result = Waiter(
        "fn",
        read,
        timeout=600.0,
        clock=clock,
        operation=operation,
        rng=random.Random(1),
        peers=peers,
    ).run()
    assert result.exit_code is ExitCode.READY
    return read.reads[-1] - done_at


def fleet_ending(ends: list[float], key: tuple[object, ...]) -> Peers:
    peers = Peers()
    for end in ends:
        member = peers.join(key)
        member.running(end - 0.5)
        member.ended(end)
    return peers


def test_peers_ending_around_it_see_the_end_sooner_and_an_outlier_is_unchanged() -> None:
    # 40 peers of the same kind ended over 30-60 s; this one ends at 55-62 s, where the
    # prior ("a few seconds") has long been overrun and the bound alone would read every
    # ~3 s. Averaged over the phase, the peers' evidence must cut the lateness.
    key = (OperationKind.UPDATE, FAST, True)
    ends = [30.0 + 30.0 * i / 39 for i in range(40)]
    grid = [55.0 + 7.0 * i / 20 for i in range(21)]
    alone = [lateness(t, None) for t in grid]
    fleet = [lateness(t, fleet_ending(ends, key)) for t in grid]
    bound = PollSchedule().bound
    assert all(late <= bound(t) + EPS for late, t in zip(fleet, grid, strict=True))
    assert sum(fleet) < sum(alone)
    assert sum(1 for f, a in zip(fleet, alone, strict=True) if f < a) > len(grid) / 2
    # Peers that ended long before (an outlier still running): once their ends are out
    # of the window there is no evidence, and the bound still holds.
    schedule = PollSchedule()
    for t in (t + 60.0 for t in grid[:5]):
        assert fleet_ending(ends, key).hazard(key, t, schedule.peer_span(t, FAST)) == 0.0
        assert lateness(t, fleet_ending(ends, key)) <= bound(t) + EPS
    # Peers of another kind are no evidence either.
    other = (OperationKind.CREATE, FAST, True)
    assert [lateness(t, fleet_ending(ends, other)) for t in grid[:5]] == alone[:5]


def offline_client() -> object:
    import boto3

    # Never called: InactiveAwareWait is replaced below.
    return boto3.client(
        "lambda", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="y"
    )


def test_wait_for_functions_puts_its_functions_in_one_fleet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[Peers | None] = []
    lock = threading.Lock()

    class Capture:
        def __init__(self, *args: object, peers: Peers | None = None, **kwargs: object) -> None:
            with lock:
                seen.append(peers)

        def run(self) -> object:
            raise api.UsageError("captured")  # becomes that function's result

    monkeypatch.setattr(api, "InactiveAwareWait", Capture)
    results = api.wait_for_functions(
        ["fn-1", "fn-2", "fn-3"], client=offline_client(), history=False
    )
    assert len(results) == 3 and len(seen) == 3
    assert seen[0] is not None and all(p is seen[0] for p in seen)
    seen.clear()
    api.wait_for_functions(["fn-4", "fn-5"], client=offline_client(), history=False)
    assert seen[0] is not None and seen[0] is seen[1]  # a new fleet per call
    seen.clear()
    with contextlib.suppress(api.UsageError):
        api.wait_for_function("fn-6", client=offline_client(), history=False)
    assert seen == [None]  # a wait on its own has no peers
