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

import threading
from collections.abc import Hashable
from dataclasses import dataclass


@dataclass
class _Member:
    key: Hashable
    running_until: float = 0.0  # elapsed seconds at which it was last seen running
    ended_at: float | None = None  # elapsed seconds at its end (estimated)


class Peers:
    """The operations of one wait, grouped by key (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._groups: dict[Hashable, list[_Member]] = {}

    def join(self, key: Hashable) -> Peer:
        """A new operation of group ``key``."""
        member = _Member(key)
        with self._lock:
            self._groups.setdefault(key, []).append(member)
        return Peer(self, member)

    def hazard(self, key: Hashable, elapsed: float, window: float) -> float:
        """Ends per second per operation running, in the group ``key``, over the
        ``window`` seconds of elapsed time up to ``elapsed`` (0: no evidence)."""
        if window <= 0.0:
            return 0.0
        lo, hi = elapsed - window, elapsed
        ends, exposure = 0, 0.0
        with self._lock:
            members = list(self._groups.get(key, ()))
        for member in members:
            ended = member.ended_at
            until = ended if ended is not None else member.running_until
            exposure += max(0.0, min(hi, until) - max(lo, 0.0))
            if ended is not None and lo < ended <= hi:
                ends += 1
        return ends / exposure if ends and exposure > 0.0 else 0.0

    def size(self, key: Hashable) -> int:
        with self._lock:
            return len(self._groups.get(key, ()))


class Peer:
    """One operation's place in its group: what its reads saw, and its peers' hazard."""

    def __init__(self, peers: Peers, member: _Member) -> None:
        self._peers = peers
        self._member = member

    @property
    def key(self) -> Hashable:
        return self._member.key

    def running(self, elapsed: float) -> None:
        """A read saw it running ``elapsed`` seconds into the operation."""
        member = self._member
        if member.ended_at is None:
            member.running_until = max(member.running_until, elapsed)

    def ended(self, elapsed: float) -> None:
        """It ended about ``elapsed`` seconds into the operation (the first time counts)."""
        member = self._member
        if member.ended_at is None:
            member.ended_at = max(0.0, elapsed)

    def hazard(self, elapsed: float, window: float) -> float:
        """The group's empirical hazard at ``elapsed`` (see :meth:`Peers.hazard`)."""
        return self._peers.hazard(self._member.key, elapsed, window)
