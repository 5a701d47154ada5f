"""What the other operations of the same kind in one wait have shown (pure, thread-safe).

A fleet wait (``wait fn-000 ... fn-099``) watches many operations of the same kind
at once. The prior (:mod:`lambda_wait.schedule`) is what AWS documents about every
function in the world; the operations ending around this one, in the same account,
at the same moment, are better evidence about it. They give an *empirical hazard*:
how many of the group's operations end per second, per operation still running, at
this much elapsed time.

The estimate is the one a life table makes, with censoring: over the window
``(t - w, t]`` of elapsed time (each operation's time since its own start, so
operations started at different moments compare), the ends seen in the window
divided by the time the group's operations were running inside it. An operation
still running counts up to where it was last seen running; one that ended, up to its
end. Each end is taken midway between the last read that saw it running and the
first that saw it done, as history does.

Operations of different kinds (or different priors, or anchored against not anchored)
are never pooled: each joins the group of its key. With no peer (a single wait) the
hazard is 0 and the schedule is unchanged. The schedule uses the hazard only to read
*sooner* than its model says, never later: the guarantee stays the ceiling.
"""

from __future__ import annotations

import bisect
import itertools
import threading
from collections.abc import Hashable
from dataclasses import dataclass, field


@dataclass
class _Member:
    key: Hashable
    running_until: float = 0.0  # elapsed seconds at which it was last seen running
    ended_at: float | None = None  # elapsed seconds at its end (estimated)

    @property
    def until(self) -> float:
        """How far into its operation it is known to have been running."""
        return self.ended_at if self.ended_at is not None else self.running_until


@dataclass
class _Group:
    members: list[_Member] = field(default_factory=list)
    # A sorted view, rebuilt on the first question after a change: a fleet's budget asks
    # for every waiting read's urgency at each slot, far more often than reads change it.
    fresh: bool = False
    untils: list[float] = field(default_factory=list)
    sums: list[float] = field(default_factory=list)  # sums[i] = sum(untils[:i])
    ends: list[float] = field(default_factory=list)

    def refresh(self) -> None:
        self.untils = sorted(m.until for m in self.members)
        self.sums = [0.0, *itertools.accumulate(self.untils)]
        self.ends = sorted(m.ended_at for m in self.members if m.ended_at is not None)
        self.fresh = True

    def hazard(self, lo: float, hi: float) -> float:
        if not self.fresh:
            self.refresh()
        ends = bisect.bisect_right(self.ends, hi) - bisect.bisect_right(self.ends, lo)
        if not ends:
            return 0.0
        # Running time inside (lo, hi]: sum of min(hi, until) - lo over untils above lo.
        first, past = bisect.bisect_right(self.untils, lo), bisect.bisect_right(self.untils, hi)
        inside = self.sums[past] - self.sums[first] - (past - first) * lo
        exposure = inside + (len(self.untils) - past) * (hi - lo)
        return ends / exposure if exposure > 0.0 else 0.0


class Peers:
    """The operations of one wait, grouped by key (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._groups: dict[Hashable, _Group] = {}

    def join(self, key: Hashable) -> Peer:
        """A new operation of group ``key``."""
        member = _Member(key)
        with self._lock:
            group = self._groups.setdefault(key, _Group())
            group.members.append(member)
            group.fresh = False
        return Peer(self, member)

    def hazard(self, key: Hashable, elapsed: float, window: float) -> float:
        """Ends per second per operation running, in the group ``key``, over the
        ``window`` seconds of elapsed time up to ``elapsed`` (0: no evidence)."""
        if window <= 0.0:
            return 0.0
        with self._lock:
            group = self._groups.get(key)
            if group is None:
                return 0.0
            return group.hazard(max(0.0, elapsed - window), elapsed)

    def size(self, key: Hashable) -> int:
        with self._lock:
            group = self._groups.get(key)
            return len(group.members) if group is not None else 0

    def _update(self, member: _Member, *, running: float | None, ended: float | None) -> None:
        with self._lock:
            if member.ended_at is not None:
                return  # the first end counts; later reads do not move it
            if ended is not None:
                member.ended_at = max(0.0, ended)
            elif running is not None and running > member.running_until:
                member.running_until = running
            else:
                return
            self._groups[member.key].fresh = False


class Peer:
    """One operation's place in its group: what its reads saw, and its peers' hazard."""

    def __init__(self, peers: Peers, member: _Member) -> None:
        self._peers = peers
        self._member = member

    def running(self, elapsed: float) -> None:
        """A read saw it running ``elapsed`` seconds into the operation."""
        self._peers._update(self._member, running=elapsed, ended=None)

    def ended(self, elapsed: float) -> None:
        """It ended about ``elapsed`` seconds into the operation (the first time counts)."""
        self._peers._update(self._member, running=None, ended=elapsed)

    def hazard(self, elapsed: float, window: float) -> float:
        """The group's empirical hazard at ``elapsed`` (see :meth:`Peers.hazard`)."""
        return self._peers.hazard(self._member.key, elapsed, window)
