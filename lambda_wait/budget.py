"""A request budget shared by every call a process makes (pure; clock injected).

Lambda allows 15 control-plane requests per second per account and Region for
everything but GetFunction (100 req/s), shared by every tool in the account. The
budget keeps this process well under that; when Lambda throttles anyway
(someone else is spending the quota) the rate halves and then recovers slowly.

How requests are scheduled (the properties tests/test_budget.py and
tests/test_fleet_budget.py check with an injected clock):

- **FIFO.** Each request books the next free slot under a lock; slots are handed
  out in booking order and never go backwards in time. A waiter holds at most one
  booking at a time, so with N functions waiting, a function's read waits at most
  N slots (N / rate seconds): nobody starves, whatever the others' schedules.
- **Rate.** Slots are spaced ``1 / rate`` apart (a GCRA token bucket: ``burst``
  may go at once after a quiet spell).
- **Window.** On top of that, at most ``floor(max_rps)`` requests in any window of
  ``1 s + window_guard``: a burst never makes any one second exceed the budget,
  and the guard absorbs network jitter so Lambda never sees more than
  ``max_rps`` in a second either.
- **Throttling.** ``throttled()`` halves the rate (not below ``min_rps``; at most
  once a second, since the 429s of requests already in flight repeat the news), which
  then recovers linearly to ``max_rps`` over ``recovery_seconds``; a Retry-After
  pauses every booking until it has passed, and a booking made before the
  throttle whose slot falls inside the pause is booked again after it.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_MAX_RPS = 10.0
# GetFunction has its own 100 req/s quota; by default this process uses half of it at most.
DEFAULT_GET_FUNCTION_RPS = 50.0
WINDOW_SECONDS = 1.0
DEFAULT_WINDOW_GUARD = 0.05
CUT_SPACING_SECONDS = 1.0


def get_function_rps(max_rps: float) -> float:
    """The GetFunction budget that goes with ``--max-rps``: 5x it, at most 50 req/s."""
    return min(DEFAULT_GET_FUNCTION_RPS, 5.0 * max_rps)


@dataclass(frozen=True)
class Slot:
    """A booked time to send one request, and the throttle epoch it was booked in."""

    go: float
    epoch: int


class RequestBudget:
    """Thread-safe FIFO pacing with a sliding-window cap and multiplicative decrease."""

    def __init__(
        self,
        max_rps: float = DEFAULT_MAX_RPS,
        *,
        burst: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        min_rps: float = 0.5,
        recovery_seconds: float = 10.0,
        window_guard: float = DEFAULT_WINDOW_GUARD,
    ) -> None:
        if max_rps <= 0:
            raise ValueError("max_rps must be > 0")
        self.max_rps = max_rps
        self.rate = max_rps
        self.burst = burst if burst is not None else max(1.0, max_rps / 2)
        self.window_guard = window_guard
        self.window_limit = math.floor(max_rps)  # 0: no window rule (max_rps < 1)
        self._clock = clock
        self._sleep = sleep
        self._min_rps = min(min_rps, max_rps)
        self._recovery_seconds = recovery_seconds
        self._last = clock()
        self._tat = self._last  # GCRA's theoretical arrival time of the next request
        self._last_go = -math.inf
        self._recent: deque[float] = deque(maxlen=max(1, self.window_limit))
        self._blocked_until = 0.0
        self._epoch = 0  # bumped by every throttle
        self._last_cut = -math.inf
        self._lock = threading.Lock()
        self.granted = 0
        self.throttles = 0

    def _recover(self, now: float) -> None:
        # Additive recovery, back to max_rps over recovery_seconds after a cut; time
        # spent inside a Retry-After pause does not count.
        elapsed = max(0.0, now - max(self._last, self._blocked_until))
        self._last = max(self._last, now)
        if self.rate < self.max_rps:
            self.rate = min(
                self.max_rps, self.rate + elapsed * self.max_rps / self._recovery_seconds
            )

    def book(self) -> Slot:
        """Book the next free slot (first come, first served)."""
        with self._lock:
            now = self._clock()
            self._recover(now)
            spacing = 1.0 / self.rate
            tolerance = (self.burst - 1.0) * spacing
            tat = max(self._tat, now, self._blocked_until)
            go = max(now, tat - tolerance, self._blocked_until, self._last_go)
            if self.window_limit and len(self._recent) == self.window_limit:
                go = max(go, self._recent[0] + WINDOW_SECONDS + self.window_guard)
            if go - now < 1e-9:  # float dust from adding spacings must not become a wait
                go = now
            self._tat = max(tat, go) + spacing
            self._last_go = go
            self._recent.append(go)
            self.granted += 1
            return Slot(go, self._epoch)

    def now(self) -> float:
        """The budget's clock (slots are in its time)."""
        return self._clock()

    def pause(self, seconds: float) -> None:
        """Sleep with the budget's own sleep (injected in tests)."""
        self._sleep(seconds)

    @property
    def real_time(self) -> bool:
        """True with the default clock and sleep: a caller may sleep its own way."""
        return self._clock is time.monotonic and self._sleep is time.sleep

    def still_valid(self, slot: Slot) -> bool:
        """False when a throttle came after ``slot`` was booked and it lies inside the pause."""
        with self._lock:
            return self._epoch == slot.epoch or slot.go >= self._blocked_until

    def reserve(self) -> float:
        """Book one slot; return how long the caller must wait before using it."""
        return max(0.0, self.book().go - self._clock())

    def acquire(self) -> None:
        """Block until this process may send one more request (FIFO among callers)."""
        slot = self.book()
        while True:
            delay = slot.go - self._clock()
            if delay > 0:
                self._sleep(delay)
            if self.still_valid(slot):
                return
            slot = self.book()  # booked again, after the pause

    def throttled(self, retry_after: float | None = None) -> None:
        """Lambda answered 429: halve the rate and, if given, pause everyone for Retry-After."""
        with self._lock:
            now = self._clock()
            self._recover(now)
            self.throttles += 1
            # The 429s of requests already in flight when the first came back say nothing
            # new: one cut per second at most, else one burst collapses the rate to min_rps.
            if now - self._last_cut >= CUT_SPACING_SECONDS:
                self.rate = max(self._min_rps, self.rate / 2)
                self._last_cut = now
            if retry_after:
                self._blocked_until = max(self._blocked_until, now + retry_after)
                self._epoch += 1
