"""A manual clock for deterministic tests of the sandbox's timelines."""

from __future__ import annotations

import threading


class ManualClock:
    """A clock that only moves when told to; pass it as ``Sandbox(clock=...)``."""

    def __init__(self, start: float = 1000.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds``; return the new time."""
        if seconds < 0:
            raise ValueError("a clock never goes back")
        with self._lock:
            self._now += seconds
            return self._now
