"""What a wait takes and gives back: a fixed poll policy, the events it reports and the
result it returns (pure data; :mod:`lambda_wait.waiter` runs the wait).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Literal

from lambda_wait.errors import ExitCode, LambdaWaitError
from lambda_wait.schedule import Operation
from lambda_wait.states import Assessment, FunctionSnapshot, Target


@dataclass(frozen=True)
class PollPolicy:
    """A fixed schedule instead of the model's: ``initial * multiplier**n``, capped by
    ``max_interval``, +-jitter.

    For callers that want a schedule of their own (tests poll a time-scaled sandbox
    fast with it). Without one, the waiter uses :class:`~lambda_wait.schedule.PollSchedule`.
    Transient errors are retried for as long as the deadline allows.
    """

    initial: float = 0.25
    multiplier: float = 1.5
    max_interval: float = 6.0
    jitter: float = 0.2  # fraction of the interval, both ways
    not_found_grace: float = 10.0  # ResourceNotFound this early is eventual consistency

    def interval(self, poll_number: int, rng: random.Random) -> float:
        """Seconds to sleep after the ``poll_number``-th read (1-based)."""
        try:
            grown = self.initial * self.multiplier ** max(0, poll_number - 1)
        except OverflowError:  # a wait of hours: 1.5**n overflows near n = 1,750
            grown = self.max_interval
        base = min(self.max_interval, grown)
        return max(0.05, base * (1 + rng.uniform(-self.jitter, self.jitter)))


EventKind = Literal["poll", "retry", "sleep", "note", "cooldown"]

STUCK_PENDING_SECONDS = 360.0  # AWS: Pending for more than 6 minutes counts as stuck


@dataclass(frozen=True)
class WaitEvent:
    """Something the waiter did, for progress display."""

    kind: EventKind
    function: str
    elapsed: float
    snapshot: FunctionSnapshot | None = None
    assessment: Assessment | None = None
    changed: bool = False
    error: LambdaWaitError | None = None
    sleep_seconds: float = 0.0
    message: str | None = None


@dataclass
class WaitResult:
    """How a wait ended, for one function."""

    function: str
    target: Target
    exit_code: ExitCode
    snapshot: FunctionSnapshot | None
    assessment: Assessment | None
    elapsed: float
    polls: int
    error: LambdaWaitError | None = None
    timed_out: bool = False
    notes: list[str] = field(default_factory=list)
    cooldown: dict[str, object] | None = None
    # What was awaited and, when it was seen in progress and then done, how long it took
    # from its start (the history records this).
    operation: Operation | None = None
    duration: float | None = None

    @property
    def ready(self) -> bool:
        return self.exit_code is ExitCode.READY

    @property
    def message(self) -> str:
        """One line saying how it ended."""
        if self.error is not None:
            return self.error.one_line()
        if self.timed_out:
            where = self.assessment.summary if self.assessment else "no successful read"
            return f"timed out after {self.elapsed:.1f}s, still {where}"
        return self.assessment.summary if self.assessment else "no state read"
