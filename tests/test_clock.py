"""The one clock and the one deadline (lambda_wait.clock)."""

from __future__ import annotations

import threading
import time

import pytest

from lambda_wait.clock import (
    Clock,
    Deadline,
    ManualClock,
    SystemClock,
    deadline_lifted,
    hard_limit,
    past_deadline,
)
from lambda_wait.errors import Interrupted


def test_manual_clock_sleep_moves_time_and_records_it(clock: ManualClock) -> None:
    start = clock.now()
    clock.sleep(1.5)
    clock.advance(0.5)
    assert clock.now() == pytest.approx(start + 2.0)
    assert clock.sleeps == [1.5]
    assert clock.wall() - clock.now() == pytest.approx(ManualClock().wall() - ManualClock().now())


def test_manual_clock_refuses_negative_sleep_and_obeys_cancel(clock: ManualClock) -> None:
    with pytest.raises(ValueError):
        clock.sleep(-0.1)
    clock.cancel()
    assert clock.cancelled
    with pytest.raises(Interrupted):
        clock.sleep(1.0)


def test_system_clock_cancel_ends_a_sleep_in_another_thread() -> None:
    clock = SystemClock()
    assert isinstance(clock, Clock)
    outcome: list[str] = []

    def sleeper() -> None:
        try:
            clock.sleep(30.0)
            outcome.append("slept")
        except Interrupted:
            outcome.append("interrupted")

    thread = threading.Thread(target=sleeper)
    started = time.monotonic()
    thread.start()
    clock.cancel()
    thread.join(timeout=5.0)
    assert outcome == ["interrupted"]
    assert time.monotonic() - started < 5.0


def test_deadline_counts_down_on_its_clock(clock: ManualClock) -> None:
    deadline = Deadline(clock, 10.0)
    assert deadline.remaining() == pytest.approx(10.0)
    assert deadline.clamp(30.0) == pytest.approx(10.0)
    clock.advance(12.0)
    assert deadline.expired()
    assert deadline.clamp(5.0) == 0.0
    never = Deadline.never(clock)
    assert never.remaining() is None and not never.expired() and never.clamp(7.0) == 7.0


def test_within_is_the_earlier_of_the_run_deadline_and_its_own(clock: ManualClock) -> None:
    run = Deadline(clock, 100.0)
    clock.advance(30.0)
    longer = run.within(900.0)  # a deploy's own --timeout longer than what the run has left
    assert longer.at == run.at and longer.seconds == pytest.approx(70.0)
    shorter = run.within(20.0)
    assert shorter.at == pytest.approx(clock.now() + 20.0) and shorter.seconds == 20.0
    unbounded = run.within(None)
    assert unbounded.at == run.at and unbounded.seconds == pytest.approx(70.0)
    assert run.remaining() == pytest.approx(70.0)  # the run's own deadline did not move


def test_within_a_run_without_deadline_is_its_own(clock: ManualClock) -> None:
    never = Deadline.never(clock)
    own = never.within(15.0)
    assert own.at == pytest.approx(clock.now() + 15.0) and own.seconds == 15.0
    assert never.within(None).at is None


def test_past_deadline_lifts_it_for_this_thread_only() -> None:
    inside, other_thread_saw = threading.Event(), []
    release = threading.Event()

    def rollback() -> None:
        with past_deadline():
            assert deadline_lifted()
            inside.set()
            release.wait(5.0)
        assert not deadline_lifted()

    worker = threading.Thread(target=rollback)
    worker.start()
    assert inside.wait(5.0)
    other_thread_saw.append(deadline_lifted())  # the main thread, while the worker is inside
    release.set()
    worker.join(5.0)
    assert other_thread_saw == [False] and not deadline_lifted()
    with past_deadline(), past_deadline():  # nests, and restores on the way out
        assert deadline_lifted()
    assert not deadline_lifted()


def test_past_deadline_keeps_its_hard_stop_and_restores_the_outer_one() -> None:
    assert hard_limit() is None
    with past_deadline(stop_at=105.0):
        assert deadline_lifted() and hard_limit() == 105.0
        with past_deadline(stop_at=106.0):  # the final read after a failed rollback
            assert hard_limit() == 106.0
        assert hard_limit() == 105.0
    assert hard_limit() is None and not deadline_lifted()


def test_hard_remaining_is_the_deadline_plus_grace_or_the_stop_time(clock: ManualClock) -> None:
    run = Deadline(clock, 10.0)
    assert run.hard_remaining(0.5) == pytest.approx(10.5)
    with past_deadline():  # a rollback: no limit at all
        assert run.hard_remaining(0.5) is None
    with past_deadline(stop_at=clock.now() + 3.0):  # a rollback after a signal
        clock.advance(1.0)
        assert run.hard_remaining(0.5) == pytest.approx(2.0)  # no grace past the stop
    assert Deadline.never(clock).hard_remaining(0.5) is None


def test_there_is_one_manual_clock_class() -> None:
    """The sandbox, the client side of a test and the pure tests run on the same one."""
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent / "lambda_wait"
    defined = [
        f"{path.relative_to(package.parent)}:{node.name}"
        for path in package.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef) and node.name.endswith("Clock")
    ]
    assert sorted(defined) == [
        "lambda_wait/anchor.py:ServerClock",  # AWS's clock offset: not a Clock
        "lambda_wait/clock.py:Clock",
        "lambda_wait/clock.py:ManualClock",
        "lambda_wait/clock.py:SystemClock",
    ]
