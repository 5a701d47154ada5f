"""The sandbox's time: a lambda_wait Clock's now(), a test's callable, or the system's."""

from __future__ import annotations

import time

from lambda_wait.clock import ManualClock
from lambda_wait.sandbox.app import Sandbox, monotonic_seconds


def test_the_sandbox_runs_on_a_clocks_now() -> None:
    clock = ManualClock(500.0)
    sandbox = Sandbox(clock=clock)
    assert sandbox.clock() == 500.0
    clock.sleep(3.0)  # the run's clock moves, and the sandbox's time with it
    assert sandbox.clock() == 503.0


def test_a_tests_callable_and_the_default_still_work() -> None:
    manual = ManualClock(1000.0)
    assert monotonic_seconds(manual.now) == manual.now  # a callable, used as it is
    manual.advance(2.0)
    assert Sandbox(clock=manual.now).clock() == 1002.0
    before = time.monotonic()
    assert before <= monotonic_seconds(None)() <= time.monotonic()
