"""The one clock and the one deadline (lambda_wait.clock)."""

from __future__ import annotations

import threading
import time

import pytest

from lambda_wait.clock import Clock, Deadline, ManualClock, SystemClock
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
