"""Time as one object: a :class:`Clock` (now, wall time, cancellable sleep) and the
run's one :class:`Deadline` (pure; no boto3, click or rich).

Every part of lambda-wait that reads time or sleeps takes one ``Clock`` and
nothing else: the waiter, the wake loop, the request budget, the deploy steps,
the output and the live view. Production code uses :class:`SystemClock`; tests
use :class:`ManualClock`, whose sleep moves time forward at once. Nothing ever
branches on which clock it was given.

Cancelling a clock (Ctrl-C, SIGTERM, a sibling thread that failed) ends every
sleep on it at once with :class:`~lambda_wait.errors.Interrupted`, so a fleet of
waiter threads stops within one scheduling quantum.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Protocol, runtime_checkable

from lambda_wait.errors import Interrupted


@runtime_checkable
class Clock(Protocol):
    """Monotonic time, wall time and a sleep that :meth:`cancel` cuts short."""

    def now(self) -> float:
        """Monotonic seconds: for intervals and deadlines."""
        ...

    def wall(self) -> float:
        """Seconds since the epoch: for timestamps shown to people and stored on disk."""
        ...

    def sleep(self, seconds: float) -> None:
        """Sleep ``seconds``; raise :class:`Interrupted` if the clock is cancelled."""
        ...

    def cancel(self) -> None:
        """End every current and future sleep on this clock with :class:`Interrupted`."""
        ...

    @property
    def cancelled(self) -> bool:
        """True once :meth:`cancel` was called."""
        ...


class SystemClock:
    """The real clock: ``time.monotonic``, ``time.time`` and an interruptible sleep."""

    def __init__(self) -> None:
        self._cancelled = threading.Event()

    def now(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if self._cancelled.wait(max(0.0, seconds)):
            raise Interrupted("interrupted")

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()


# The wall time a ManualClock reports at monotonic 0: 2026-01-01T00:00:00Z.
MANUAL_EPOCH = 1_767_225_600.0


class ManualClock:
    """A clock for tests and simulations: sleeping moves time forward at once.

    ``sleeps`` records every sleep asked for. ``advance`` moves time without a
    sleep (something else took that long). Thread-safe, so a budget shared by
    several threads can run on it.
    """

    def __init__(self, start: float = 100.0, *, epoch: float = MANUAL_EPOCH) -> None:
        self._now = start
        self._epoch = epoch
        self._lock = threading.Lock()
        self._cancelled = False
        self.sleeps: list[float] = []

    def now(self) -> float:
        with self._lock:
            return self._now

    def wall(self) -> float:
        with self._lock:
            return self._epoch + self._now

    def sleep(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"negative sleep {seconds}")
        with self._lock:
            if self._cancelled:
                raise Interrupted("interrupted")
            self.sleeps.append(seconds)
            self._now += seconds

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` pass without sleeping."""
        with self._lock:
            self._now += seconds

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True

    @property
    def cancelled(self) -> bool:
        with self._lock:
            return self._cancelled


class Deadline:
    """The run's one ``--timeout``: a point on a clock, or none at all.

    The command (or the public API function) creates it once from ``--timeout`` and
    hands the same object to whatever must respect it: the API (no request sent or
    answered past it), the waiters, the deploys, the traffic shift. A deploy with a
    shorter bound of its own uses :meth:`within`. ``Deadline.never(clock)`` stands
    for "no --timeout".
    """

    def __init__(self, clock: Clock, seconds: float | None) -> None:
        self.clock = clock
        self.seconds = seconds
        self.at: float | None = None if seconds is None else clock.now() + seconds

    @classmethod
    def never(cls, clock: Clock) -> Deadline:
        return cls(clock, None)

    def remaining(self) -> float | None:
        """Seconds left (may be negative once passed), or None without a deadline."""
        return None if self.at is None else self.at - self.clock.now()

    def expired(self) -> bool:
        remaining = self.remaining()
        return remaining is not None and remaining <= 0

    def clamp(self, seconds: float) -> float:
        """``seconds``, but not past the deadline (never negative)."""
        remaining = self.remaining()
        return max(0.0, seconds if remaining is None else min(seconds, remaining))

    def hard_remaining(self, grace: float = 0.0) -> float | None:
        """Seconds this thread's requests have left: to the deadline plus ``grace``; inside
        :func:`past_deadline`, to its ``stop_at`` (no grace); None when there is no limit."""
        if _PAST_DEADLINE.get():
            stop = _HARD_LIMIT.get()
            return None if stop is None else stop - self.clock.now()
        remaining = self.remaining()
        return None if remaining is None else remaining + grace

    def within(self, seconds: float | None) -> Deadline:
        """A deadline ``seconds`` from now, but never later than this one (one deploy's
        own time-out inside the run's). ``seconds`` is the smaller of the two."""
        inner = Deadline(self.clock, seconds)
        if self.at is not None and (inner.at is None or inner.at > self.at):
            inner.at = self.at
            inner.seconds = self.remaining()
        return inner


# Whether this thread's requests are exempt from every deadline (see past_deadline),
# and the hard limit they still keep (a point on the run's clock; None: none).
_PAST_DEADLINE: ContextVar[bool] = ContextVar("lambda_wait_past_deadline", default=False)
_HARD_LIMIT: ContextVar[float | None] = ContextVar("lambda_wait_hard_limit", default=None)


@contextlib.contextmanager
def past_deadline(stop_at: float | None = None) -> Iterator[None]:
    """While inside, this thread's requests are sent even past the run's deadline (the
    rollback that must not be stopped by ``--timeout``). Scoped to the current thread
    (a context variable): other threads sharing the same API and Deadline stay bounded.

    ``stop_at`` (a point on the run's clock, as :meth:`Clock.now`) is a hard limit the
    exemption does not lift: no request is sent, connected or answered past it (the
    rollback after a signal, which must end within seconds whatever AWS answers)."""
    token = _PAST_DEADLINE.set(True)
    limit = _HARD_LIMIT.set(stop_at)
    try:
        yield
    finally:
        _HARD_LIMIT.reset(limit)
        _PAST_DEADLINE.reset(token)


def deadline_lifted() -> bool:
    """True inside :func:`past_deadline` in this thread."""
    return _PAST_DEADLINE.get()


def hard_limit() -> float | None:
    """The ``stop_at`` of the :func:`past_deadline` this thread is inside, else None."""
    return _HARD_LIMIT.get()
