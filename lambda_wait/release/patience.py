"""Retrying by time: how a release rides out throttling, 5xx, time-outs and proxy pages.

Every call a release makes (Lambda's GetAlias and UpdateAlias, CloudWatch's
DescribeAlarms and GetMetricData, the smoke test's Invoke) goes through
:func:`patiently`: a transient error is retried with capped, jittered back-off
(Retry-After honoured) until it has lasted :attr:`Patience.seconds`; then the
last error is raised, and the release fails (and rolls back). Two more limits cut
the retrying short: the run's ``--timeout`` (:class:`DeadlineReachedError`, the
shift rolls back for the deadline) and a stop time after a signal (no attempt
starts after it: Ctrl-C must end the run within seconds). Pure: no boto3.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from lambda_wait.clock import Clock, Deadline
from lambda_wait.errors import (
    AwsUnavailableError,
    ConflictError,
    DeadlineReachedError,
    LambdaWaitError,
    RevisionMismatchError,
    ThrottledError,
    UnexpectedAnswerError,
)

T = TypeVar("T")
STOP_MARGIN = 0.1  # the last attempt before a stop time starts at least this early


@dataclass(frozen=True)
class Patience:
    """How long one call's transient errors are ridden out, and the back-off."""

    seconds: float = 60.0
    first: float = 1.0
    cap: float = 8.0

    def delay(self, attempt: int, rng: random.Random, err: LambdaWaitError) -> float:
        """The pause before attempt ``attempt + 1``: Retry-After, else capped doubling."""
        after = getattr(err, "retry_after", None)
        base = after if after else min(self.cap, self.first * 2.0 ** max(0, attempt - 1))
        return float(base * rng.uniform(0.8, 1.2))


class OutOfTimeError(AwsUnavailableError):
    """No attempt may start any more (the stop time after a signal has passed)."""


def transient(err: LambdaWaitError) -> bool:
    """Throttling, 5xx, time-outs and dropped connections, answers that are not AWS's
    (an HTML page from a proxy), and a 409 (not applied; something else is running)."""
    if isinstance(err, DeadlineReachedError | OutOfTimeError | RevisionMismatchError):
        return False
    return isinstance(err, ThrottledError | AwsUnavailableError | UnexpectedAnswerError) or (
        isinstance(err, ConflictError) and type(err) is ConflictError
    )


def ambiguous(err: LambdaWaitError) -> bool:
    """A failure after which a write may or may not have been applied (5xx, time-outs,
    dropped connections, a proxy's page); a 429 or 409 never was."""
    return transient(err) and not isinstance(err, ThrottledError | ConflictError)


@dataclass
class Limits:
    """When retrying must end: the run's deadline (None: exempt, as a rollback is) and
    a stop time after a signal (None: none)."""

    deadline: Deadline | None = None
    stop_at: float | None = None

    def check(self, clock: Clock, what: str) -> None:
        """Raise when no attempt may start now."""
        if self.stop_at is not None and clock.now() >= self.stop_at:
            raise OutOfTimeError(f"no time left to retry {what} (stopping after a signal)")
        if self.deadline is not None and self.deadline.expired():
            raise DeadlineReachedError(f"the --timeout ran out before {what}")

    def fit(self, clock: Clock, pause: float, what: str) -> float:
        """The pause to take before the next attempt: ``pause``, shortened so one more
        attempt starts before the stop time; raise when none can (or the deadline
        would pass)."""
        if self.stop_at is not None:
            left = self.stop_at - clock.now() - STOP_MARGIN
            if left <= 0:
                raise OutOfTimeError(f"no time left to retry {what} (stopping after a signal)")
            pause = min(pause, left)
        remaining = None if self.deadline is None else self.deadline.remaining()
        if remaining is not None and pause >= remaining:
            raise DeadlineReachedError(f"the --timeout ran out while retrying {what}")
        return pause


def patiently(
    call: Callable[[], T],
    *,
    clock: Clock,
    what: str,
    patience: Patience,
    limits: Limits,
    rng: random.Random,
) -> T:
    """``call()``, retried on transient errors for ``patience.seconds`` (see the module)."""
    started = clock.now()
    attempt = 0
    while True:
        attempt += 1
        limits.check(clock, what)
        try:
            return call()
        except LambdaWaitError as err:
            if not transient(err):
                raise
            pause = patience.delay(attempt, rng, err)
            if clock.now() + pause - started > patience.seconds:
                lasted = clock.now() - started
                err.message = f"{what} kept failing for {lasted:.0f}s: {err.message}"
                err.args = (err.message,)
                raise
            clock.sleep(limits.fit(clock, pause, what))
