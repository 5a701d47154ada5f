"""Adapting the old ``clock=`` / ``sleep=`` callables to one :class:`Clock` (temporary).

The waiter, the wake loop, the request budget and the Python API took time as
separate callables before :mod:`lambda_wait.clock`. The public API still accepts
them from 0.1.0 callers, with a DeprecationWarning (:func:`public_clock`), and
hands one Clock on; new code passes a Clock.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable

from lambda_wait.clock import Clock, SystemClock


class CallableClock:
    """A Clock made of a monotonic ``now``, a ``sleep`` and a ``wall`` callable."""

    def __init__(
        self,
        now: Callable[[], float],
        sleep: Callable[[float], None],
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._now = now
        self._sleep = sleep
        self._wall = wall
        self._cancelled = False

    def now(self) -> float:
        return self._now()

    def wall(self) -> float:
        return self._wall()

    def sleep(self, seconds: float) -> None:
        self._sleep(seconds)

    def cancel(self) -> None:
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._cancelled


def as_clock(
    clock: Clock | Callable[[], float] | None,
    sleep: Callable[[float], None] | None = None,
    wall: Callable[[], float] | None = None,
) -> Clock:
    """One Clock from whatever the caller gave (a Clock, callables, or nothing)."""
    if isinstance(clock, Clock) and sleep is None and wall is None:
        return clock
    if clock is None and sleep is None and wall is None:
        return SystemClock()
    base = clock if isinstance(clock, Clock) else None
    now = base.now if base is not None else (clock or time.monotonic)
    return CallableClock(
        now,  # type: ignore[arg-type]
        sleep or (base.sleep if base is not None else time.sleep),
        wall or (base.wall if base is not None else time.time),
    )


def public_clock(
    clock: Clock | Callable[[], float] | None,
    sleep: Callable[[float], None] | None,
    wall: Callable[[], float] | None,
    *,
    default: Clock,
    function: str,
) -> Clock:
    """The one Clock for a public function that took ``clock``/``wall``/``sleep``
    callables in 0.1.0: a Clock as given (``default`` without one); the old callables
    wrapped into one, with a DeprecationWarning that names the replacement."""
    if sleep is None and wall is None and (clock is None or isinstance(clock, Clock)):
        return default if clock is None else clock
    warnings.warn(
        f"{function}(): clock= as a callable, wall= and sleep= are deprecated; "
        "pass clock= a lambda_wait.clock.Clock (SystemClock(), or ManualClock() in tests)",
        DeprecationWarning,
        stacklevel=3,
    )
    return as_clock(clock if clock is not None or sleep is not None else default, sleep, wall)
