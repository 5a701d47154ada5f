"""When to read next: a poll schedule derived from a model of the operation (pure).

The model (docs/performance.md, "The waiting model", has the sources):

- **What is awaited.** An operation of a kind (create, code or configuration
  update, VPC attach or change, publish, SnapStart publish, restore from
  Inactive; Zip or Image) whose duration has a *prior*: a mixture of lognormal
  distributions read from what AWS documents ("a few seconds" without a VPC,
  "about a minute" for a VPC attach, "several minutes" for new Hyperplane ENIs
  or a SnapStart snapshot).
- **Since when.** Elapsed time counts from the operation's start (the moment a
  deploy sent the mutating call, or the function's LastModified converted to
  local time through the server's Date header), not from the waiter's start.
- **The guarantee.** A completion at elapsed time ``t`` is seen within
  ``bound(t) = max(floor, fraction * t)`` (default max(1 s, 5 % of t)): small
  early, growing slowly. Where the prior calls an end implausible (fewer than 2.5 %
  of the operations still running would end within twice the bound: the start of a
  VPC attach), the guarantee relaxes to half the time in which 2.5 % of them would
  end, so a kind that rarely ends early is read sparsely early.
- **The price of a read.** Inside the guarantee, the next read comes as late as
  the expected lateness it causes stays under the price of one read
  (``read_cost`` seconds): sleep ``I`` while ``P(done in (t, t+I] | not done at t)
  * I / 2 <= read_cost``. This is the greedy form of Keller's optimal checking
  density ``n(t) = sqrt(h(t) / 2c)`` (Management Science 21(3), 1974): reads are
  dense where the prior's hazard is high and sparse where it is low.
- **History.** When this function did this kind of operation before, its past
  durations give a *prediction*: the prior becomes mostly a narrow distribution
  around it, and before the predicted window the guarantee is relaxed to half
  the time left until the window. Past the window the model's bound applies again.
- **Peers.** In a fleet wait, the operations of the same kind ending around this one
  give an empirical hazard (:mod:`lambda_wait.peers`) over the last ``peer_window``
  bounds of elapsed time. Where it says an end is likelier than the model does, the
  price-of-a-read rule uses it: reads come sooner, never later than the guarantee.

Nothing here is fitted to benchmark timelines: every number is one of the
priors (documented with its source), a convention (priors as 95 % ranges) or one of
the knobs of :class:`PollSchedule`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import tenacity

# The operation kinds and their priors live in priors.py; re-exported: callers import
# them from here.
from lambda_wait.priors import (
    CONFIG_FAST,
    FAST,
    IMAGE,
    IMAGE_CREATE,
    RESTORE_NO_VPC,
    SNAPSTART,
    SPREAD,
    UNKNOWN,
    VPC,
    VPC_ATTACH,
    Component,
    OperationKind,
    Prior,
    _one,
    kind_of,
    prior_for,
)

if TYPE_CHECKING:
    from lambda_wait.peers import Peer

__all__ = [
    "CONFIG_FAST",
    "FAST",
    "IMAGE",
    "IMAGE_CREATE",
    "RESTORE_NO_VPC",
    "SNAPSTART",
    "SPREAD",
    "UNKNOWN",
    "VPC",
    "VPC_ATTACH",
    "Component",
    "LatenessBound",
    "Operation",
    "OperationKind",
    "PollSchedule",
    "Prediction",
    "Prior",
    "ScheduleWait",
    "effective_prior",
    "kind_of",
    "prior_for",
]


@dataclass(frozen=True)
class Prediction:
    """What history expects: ``seconds`` (median of past runs) give or take ``spread``."""

    seconds: float
    spread: float
    samples: int = 1

    @property
    def sigma(self) -> float:
        """The log-spread, so that +-``spread`` is about two sigmas."""
        return max(0.01, self.spread / self.seconds / 2.0)

    def window(self) -> tuple[float, float]:
        """The stretch of elapsed time where the completion is expected: +-``spread``."""
        return max(0.0, self.seconds - self.spread), self.seconds + self.spread

    def prior(self, model: Prior, confidence: float = 0.9) -> Prior:
        """Mostly the prediction, the rest the model's prior (the operation may differ)."""
        return _one(self.seconds, self.sigma).mixed(model, confidence)


# Once fewer than 1 % of operations of this kind would still run, this one has
# overrun its prior: the prior says no more about it, and the bound alone sets the pace.
OVERRUN = 0.01
# The priors are stated as 95 % ranges: before the range of the operations still running
# begins (their 2.5 % quantile), the prior calls an end implausible.
IMPLAUSIBLE = 0.025


def effective_prior(prior: Prior, elapsed: float) -> Prior | None:
    """``prior``, or None once the operation has overrun it (the bound alone then)."""
    return prior if prior.survival(max(0.0, elapsed)) >= OVERRUN else None


@dataclass(frozen=True)
class LatenessBound:
    """The guarantee: a completion at elapsed ``t`` is seen within ``max(floor, fraction*t)``."""

    floor: float = 1.0
    fraction: float = 0.05

    def __call__(self, elapsed: float) -> float:
        return max(self.floor, self.fraction * max(0.0, elapsed))


@dataclass(frozen=True)
class PollSchedule:
    """The poll schedule: the guarantee, the price of a read, and error backoff.

    ``interval(elapsed, prior, prediction)`` is the sleep after a read made
    ``elapsed`` seconds into the operation. ``max_interval`` caps it further
    (tests use it to poll fast against a time-scaled sandbox).
    """

    bound: LatenessBound = field(default_factory=LatenessBound)
    # Inside a predicted window the completion is expected: read at this interval at most.
    predicted_bound: float = 0.6
    read_cost: float = 0.25  # seconds of expected lateness one read is worth
    min_interval: float = 0.25
    max_interval: float | None = None
    error_backoff: float = 0.5  # first retry after a transient error; doubles
    error_backoff_max: float = 5.0
    not_found_grace: float = 10.0  # ResourceNotFound this early is eventual consistency
    # The peers' hazard is measured over this many of the guarantee's longest sleeps:
    # one, the horizon the schedule itself looks ahead, and the shortest window that
    # resolves a rate (each peer's end is known to within one read, at most that apart).
    peer_window: float = 1.0

    def peer_span(self, elapsed: float, prior: Prior | None = None) -> float:
        """The stretch of elapsed time over which the peers' hazard is measured:
        ``peer_window`` times the longest sleep the guarantee allows at ``elapsed``."""
        return self.peer_window * max(self.bound(elapsed), self.relaxed(elapsed, prior))

    def relaxed(self, elapsed: float, prior: Prior | None) -> float:
        """Half the time in which the prior expects IMPLAUSIBLE (2.5 %) of the operations
        still running at ``elapsed`` to end (0 once it is overrun).

        Where ends come at any appreciable pace this is shorter than the bound, which
        rules. Where the prior calls an end implausible (a VPC attach in its first
        seconds), the guarantee relaxes to it: an end the prior did not expect is seen at
        most that late, and reads close in on the range as it nears. A wrong prior costs
        lateness, never a missed end.
        """
        t = max(0.0, elapsed)
        model = effective_prior(prior, t) if prior is not None else None
        if model is None:
            return 0.0
        return max(0.0, model.quantile(IMPLAUSIBLE, after=t) - t) / 2.0

    def ceiling(
        self, elapsed: float, prediction: Prediction | None = None, prior: Prior | None = None
    ) -> float:
        """The longest sleep the guarantee allows at ``elapsed``: ``bound(elapsed)``, or,
        where ``prior`` calls an end implausible, half the way to where it becomes plausible."""
        cap = max(self.bound(elapsed), self.relaxed(elapsed, prior))
        if prediction is not None:
            start, end = prediction.window()
            if elapsed < start - self.min_interval:  # before the predicted window: half
                # the way there, and a read when it opens
                cap = min(max(cap, (start - elapsed) / 2.0), start - elapsed)
            elif elapsed <= end:
                cap = min(cap, self.predicted_bound)
        if self.max_interval is not None:
            cap = min(cap, self.max_interval)
        return max(cap, self.min_interval if self.max_interval is None else 0.0)

    def interval(
        self,
        elapsed: float,
        prior: Prior,
        prediction: Prediction | None = None,
        peer_hazard: float = 0.0,
    ) -> float:
        """The next sleep: as long as the guarantee allows and a read is worth.

        ``peer_hazard`` (ends per second per running operation, from the peers of a fleet
        wait) makes an end likelier than the model says when it is the larger."""
        if prediction is not None and elapsed <= prediction.window()[1]:
            prior = prediction.prior(prior)
        t = max(0.0, elapsed)
        cap = self.ceiling(elapsed, prediction, prior)
        floor = min(self.min_interval, cap)
        model = effective_prior(prior, t)
        if model is None and peer_hazard <= 0.0:
            return cap  # past every prior's plausible range, no peers: the bound rules

        def worth(sleep: float) -> bool:
            done = model.done_within(t, sleep) if model is not None else 0.0
            done = max(done, _exposed(peer_hazard, sleep))
            return done * sleep / 2.0 <= self.read_cost

        if worth(cap):
            return cap
        lo, hi = floor, cap  # the cost grows with the sleep: bisect for the longest worth it
        for _ in range(30):
            mid = (lo + hi) / 2.0
            if worth(mid):
                lo = mid
            else:
                hi = mid
        return lo

    def urgency(
        self,
        last: float,
        gap: float,
        prior: Prior,
        prediction: Prediction | None = None,
        peer_hazard: float = 0.0,
    ) -> float:
        """The expected lateness (seconds) a read now removes, for an operation last seen
        running ``last`` seconds in and read ``gap`` seconds ago: P(it ended since) * gap / 2.

        A fleet's budget serves the most urgent reads first. Past its plausible range the
        prior says nothing: an operation is then taken to end at one per ``bound(last)``;
        the peers' hazard, where it is higher, says more.
        """
        gap = max(0.0, gap)
        if prediction is not None and last <= prediction.window()[1]:
            prior = prediction.prior(prior)
        model = effective_prior(prior, max(0.0, last))
        if model is None:
            done = _exposed(1.0 / self.bound(last), gap)
        else:
            done = model.done_within(max(0.0, last), gap)
        return max(done, _exposed(peer_hazard, gap)) * gap / 2.0

    def backoff(self, errors_in_row: int, rng: random.Random) -> float:
        """The sleep after the ``errors_in_row``-th transient error in a row (full jitter
        over the upper half, so a fleet does not retry in step)."""
        exponent = min(max(0, errors_in_row - 1), 30)
        grown = min(self.error_backoff_max, self.error_backoff * 2.0**exponent)
        if self.max_interval is not None:
            grown = min(grown, self.max_interval)
        return grown * rng.uniform(0.5, 1.0)


def _exposed(hazard: float, seconds: float) -> float:
    """P(an end within ``seconds``) at a constant ``hazard`` (ends per second)."""
    return 1.0 - math.exp(-hazard * seconds) if hazard > 0.0 else 0.0


@dataclass
class Operation:
    """One operation being waited for: its kind, prior, start and prediction.

    ``started_at`` is on the waiter's monotonic clock; ``anchored`` says whether
    it is the operation's real start (a deploy's send, or LastModified) rather
    than the waiter's first read.
    """

    kind: OperationKind = OperationKind.UNKNOWN
    prior: Prior | None = None  # None: from the kind, once the first answer is read
    started_at: float | None = None
    anchored: bool = False
    prediction: Prediction | None = None


MIN_SCALED_INTERVAL = 0.02  # against a time-scaled sandbox: never faster than this


class ScheduleWait(tenacity.wait.wait_base):
    """A tenacity wait strategy: the schedule's interval for the operation's elapsed time."""

    def __init__(
        self,
        schedule: PollSchedule,
        operation: Operation,
        now: Callable[[], float],
        time_scale: Callable[[], float] = lambda: 1.0,
    ) -> None:
        self.schedule = schedule
        self.operation = operation
        # Its place among the same kind's operations in a fleet wait (set by the waiter;
        # kept here, not on the Operation, which a WaitResult carries to the caller).
        self.peer: Peer | None = None
        self._now = now
        # Below 1 against a rehearsal sandbox whose operations run faster than AWS's: the
        # whole model runs at its pace (it has no scale of its own but its seconds).
        self._time_scale = time_scale

    def elapsed(self) -> float:
        start = self.operation.started_at
        return 0.0 if start is None else self._now() - start

    def urgency(self, last_read: float | None) -> float:
        """How urgent a read is now, for a fleet's budget (see :meth:`PollSchedule.urgency`);
        ``last_read`` is when the operation was last seen running (None: never: most urgent)."""
        op, scale = self.operation, self._time_scale()
        if last_read is None or op.started_at is None:
            return math.inf
        now = self._now()
        last = (last_read - op.started_at) / scale
        gap = (now - last_read) / scale
        hazard = self.peer_hazard(last + gap, op.prior)
        return self.schedule.urgency(last, gap, op.prior or UNKNOWN, op.prediction, hazard) * scale

    def peer_hazard(self, elapsed: float, prior: Prior | None) -> float:
        """The fleet peers' hazard at ``elapsed`` (model seconds); 0 without peers."""
        if self.peer is None:
            return 0.0
        return self.peer.hazard(elapsed, self.schedule.peer_span(elapsed, prior))

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        op, scale = self.operation, self._time_scale()
        elapsed = self.elapsed() / scale
        interval = self.schedule.interval(
            elapsed, op.prior or UNKNOWN, op.prediction, self.peer_hazard(elapsed, op.prior)
        )
        return interval if scale == 1.0 else max(MIN_SCALED_INTERVAL, interval * scale)
