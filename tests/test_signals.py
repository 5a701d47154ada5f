"""The one place that catches an interrupt (lambda_wait.signals.interruptible)."""

from __future__ import annotations

import pytest

from lambda_wait.clock import ManualClock
from lambda_wait.errors import ExitCode, Interrupted
from lambda_wait.signals import Stopped, Terminated, exit_code, interruptible


def test_ctrl_c_cancels_every_target_and_leaves_as_stopped_130(clock: ManualClock) -> None:
    other = ManualClock()
    with pytest.raises(Stopped) as caught, interruptible(clock, other):
        raise KeyboardInterrupt
    assert caught.value.exit_code is ExitCode.INTERRUPTED and caught.value.signal_name == "SIGINT"
    assert isinstance(caught.value.__cause__, KeyboardInterrupt)
    assert clock.cancelled and other.cancelled
    with pytest.raises(Interrupted):  # every thread sleeping on it stops
        clock.sleep(1.0)


def test_sigterm_stays_terminated_143(clock: ManualClock) -> None:
    with pytest.raises(Terminated) as caught, interruptible(clock):
        raise Terminated
    assert caught.value.exit_code is ExitCode.TERMINATED and exit_code(caught.value) == 143
    assert clock.cancelled


def test_a_bug_cancels_the_others_and_leaves_unchanged(clock: ManualClock) -> None:
    with pytest.raises(ZeroDivisionError), interruptible(clock):
        _ = 1 / 0
    assert clock.cancelled


def test_work_that_ends_normally_cancels_nothing(clock: ManualClock) -> None:
    with interruptible(clock):
        clock.sleep(1.0)
    assert not clock.cancelled and clock.sleeps == [1.0]


def test_stopped_is_still_a_keyboard_interrupt_for_python_api_callers() -> None:
    with pytest.raises(KeyboardInterrupt), interruptible():
        raise KeyboardInterrupt
    assert exit_code(KeyboardInterrupt()) is ExitCode.INTERRUPTED
