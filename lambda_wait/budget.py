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
- **Urgency.** A read that says how urgent it is (``acquire(urgency=...)``: the
  expected lateness that reading now removes, from the waiter's model) does not
  queue first come, first served: one such read at a time holds the next slot,
  and when its slot comes it hands the next one to the most urgent read waiting.
  Under a saturated budget the reads go first to the functions most likely to
  have just finished; urgency grows with the time since a function's last read,
  so none starves.
- **Throttling.** ``throttled()`` halves the rate (not below ``min_rps``; at most
  once a second, since the 429s of requests already in flight repeat the news), which
  then recovers linearly to ``max_rps`` over ``recovery_seconds``; a Retry-After
  pauses every booking until it has passed, and a booking made before the
  throttle whose slot falls inside the pause is booked again after it.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections import deque
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from lambda_wait.clock import Clock, SystemClock
from lambda_wait.errors import DeadlineReachedError, Interrupted

Urgency = Callable[[], float]
# The urgency of the read this thread is about to send (set by the waiter around it).
READ_URGENCY: ContextVar[Urgency | None] = ContextVar("READ_URGENCY", default=None)
# How often a read waiting for its turn checks for cancellation (real seconds).
_WAKE_CHECK_SECONDS = 0.2

DEFAULT_MAX_RPS = 10.0
# GetFunction has its own 100 req/s quota; by default this process uses half of it at most.
DEFAULT_GET_FUNCTION_RPS = 50.0
WINDOW_SECONDS = 1.0
DEFAULT_WINDOW_GUARD = 0.05
CUT_SPACING_SECONDS = 1.0


def get_function_rps(max_rps: float) -> float:
    """The GetFunction budget that goes with ``--max-rps``: 5x it, at most 50 req/s."""
    return min(DEFAULT_GET_FUNCTION_RPS, 5.0 * max_rps)


class UrgencyQueue:
    """Who holds the next slot among reads that carry an urgency (not thread-safe;
    the budget's lock guards it). Ties go to the earlier request."""

    def __init__(self) -> None:
        self.head: int | None = None
        self.waiting: dict[int, Urgency] = {}

    def join(self, token: int, urgency: Urgency) -> bool:
        """Ask for a slot; True when it is this request's turn at once."""
        if self.head is None:
            self.head = token
            return True
        self.waiting[token] = urgency
        return False

    def leave(self, token: int) -> int | None:
        """``token`` is done (sent, or gave up); return the request whose turn it is now."""
        self.waiting.pop(token, None)
        if self.head != token:
            return None
        self.head = None
        if not self.waiting:
            return None
        scores = {t: _score(u) for t, u in self.waiting.items()}
        best = max(scores, key=lambda t: (scores[t], -t))
        del self.waiting[best]
        self.head = best
        return best


def _score(urgency: Urgency) -> float:
    try:
        value = float(urgency())
    except Exception:  # a broken estimate must not stall every other read
        return math.inf
    return value if not math.isnan(value) else math.inf


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
        clock: Clock | None = None,
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
        self.clock: Clock = clock if clock is not None else SystemClock()
        self._clock = self.clock.now
        self._min_rps = min(min_rps, max_rps)
        self._recovery_seconds = recovery_seconds
        self._last = self._clock()
        self._tat = self._last  # GCRA's theoretical arrival time of the next request
        self._last_go = -math.inf
        self._recent: deque[float] = deque(maxlen=max(1, self.window_limit))
        self._blocked_until = 0.0
        self._epoch = 0  # bumped by every throttle
        self._last_cut = -math.inf
        self._lock = threading.Lock()
        self._urgent = UrgencyQueue()
        self._turns: dict[int, threading.Event] = {}
        self._tokens = itertools.count()
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

    def still_valid(self, slot: Slot) -> bool:
        """False when a throttle came after ``slot`` was booked and it lies inside the pause."""
        with self._lock:
            return self._epoch == slot.epoch or slot.go >= self._blocked_until

    def reserve(self) -> float:
        """Book one slot; return how long the caller must wait before using it."""
        return max(0.0, self.book().go - self._clock())

    def acquire(self, until: float | None = None, urgency: Urgency | None = None) -> None:
        """Block until this process may send one more request.

        Without ``urgency``, first come, first served. With it, the read waits until
        it is the most urgent one waiting (see the module's docstring). ``until``
        (the budget's clock): a slot at or past it raises :class:`DeadlineReachedError`
        at once instead of waiting for it. Sleeps are the clock's, so cancelling the
        clock ends them with Interrupted.
        """
        if urgency is None:
            self._acquire_slot(until)
            return
        token = next(self._tokens)
        turn = threading.Event()
        with self._lock:
            self._turns[token] = turn
            if self._urgent.join(token, urgency):
                turn.set()
        try:
            while not turn.wait(_WAKE_CHECK_SECONDS):
                if self.clock.cancelled:
                    raise Interrupted("interrupted")
                if until is not None and self._clock() >= until:
                    raise DeadlineReachedError(
                        "the --timeout ran out before the next request to AWS could be sent"
                    )
            self._acquire_slot(until)
        finally:
            with self._lock:
                self._turns.pop(token, None)
                following = self._urgent.leave(token)
                if following is not None:
                    self._turns[following].set()

    def _acquire_slot(self, until: float | None) -> None:
        slot = self.book()
        while True:
            if until is not None and slot.go >= until:
                raise DeadlineReachedError(
                    "the --timeout ran out before the next request to AWS could be sent"
                )
            delay = slot.go - self._clock()
            if delay > 0:
                self.clock.sleep(delay)
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
