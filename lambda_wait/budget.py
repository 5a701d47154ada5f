"""A request budget shared by every call a process makes (pure; clock injected).

Lambda allows 15 control-plane requests per second per account and Region for
everything but GetFunction (100 req/s), shared by every tool in the account. A
token bucket keeps this process well under that; when Lambda throttles anyway
(someone else is spending the quota) the rate halves and then recovers slowly.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

DEFAULT_MAX_RPS = 10.0


class RequestBudget:
    """Thread-safe token bucket with multiplicative decrease on throttling."""

    def __init__(
        self,
        max_rps: float = DEFAULT_MAX_RPS,
        *,
        burst: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        min_rps: float = 0.5,
        recovery_seconds: float = 10.0,
    ) -> None:
        if max_rps <= 0:
            raise ValueError("max_rps must be > 0")
        self.max_rps = max_rps
        self.rate = max_rps
        self.burst = burst if burst is not None else max(1.0, max_rps / 2)
        self._tokens = self.burst
        self._clock = clock
        self._sleep = sleep
        self._min_rps = min(min_rps, max_rps)
        self._recovery_seconds = recovery_seconds
        self._last = clock()
        self._blocked_until = 0.0
        self._lock = threading.Lock()
        self.granted = 0

    def _refill(self, now: float) -> None:
        # Nothing accrues during a Retry-After pause: otherwise every request reserved
        # during it would go at once when it ends.
        elapsed = max(0.0, now - max(self._last, self._blocked_until))
        self._last = now
        # Additive recovery: back to max_rps over recovery_seconds after a cut.
        if self.rate < self.max_rps:
            self.rate = min(
                self.max_rps, self.rate + elapsed * self.max_rps / self._recovery_seconds
            )
        self._tokens = min(self.burst, self._tokens + elapsed * self.rate)

    def reserve(self) -> float:
        """Take one token; return how long the caller must wait before using it."""
        with self._lock:
            now = self._clock()
            self._refill(now)
            self._tokens -= 1.0
            self.granted += 1
            delay = 0.0 if self._tokens >= 0 else -self._tokens / self.rate
            # After a pause the bucket resumes where the pause ends, spacing requests at the rate.
            return max(0.0, self._blocked_until - now) + delay

    def acquire(self) -> None:
        """Block until this process may send one more request."""
        delay = self.reserve()
        if delay > 0:
            self._sleep(delay)

    def throttled(self, retry_after: float | None = None) -> None:
        """Lambda answered 429: halve the rate and, if given, pause everyone for Retry-After."""
        with self._lock:
            now = self._clock()
            self._refill(now)
            self.rate = max(self._min_rps, self.rate / 2)
            if retry_after:
                self._blocked_until = max(self._blocked_until, now + retry_after)
