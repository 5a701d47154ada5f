"""One asynchronous operation on the sandbox's timeline (functions, versions, configs)."""

from __future__ import annotations

from dataclasses import dataclass

from lambda_wait.sandbox.scenario import Failure


@dataclass
class Op:
    """One asynchronous operation: [start, end) in clock seconds, and how it ends."""

    start: float
    end: float
    failure: Failure | None = None
    settled: bool = False

    def running(self, now: float) -> bool:
        """True while the operation is in progress."""
        return self.start <= now < self.end
