"""When did the operation start, on this machine's clock? (pure)

A wait started after someone else's change anchors on the function's
``LastModified`` (set when Lambda accepted the create or update). That is AWS's
clock; this machine's may differ. Every answer carries the server's ``Date``
header (whole seconds), so each request bounds the offset between the two
clocks: ``Date - received <= server - local < Date + 1 - sent``. Intersecting the
bounds of every answer narrows the offset to well under a second, and skew
cancels: ``LastModified - offset`` is the start in local wall time.
"""

from __future__ import annotations

import math
import threading
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# Older than this by LastModified, an operation is not what we are watching (an old
# function, a restore, which leaves LastModified alone): anchor on the first read.
STALE_AFTER_SECONDS = 900.0
# The lambda-wait sandbox runs operations faster than AWS (``--time-scale``) and says so
# in this header; AWS never sends it.
TIME_SCALE_HEADER = "x-lambda-wait-sandbox-time-scale"
# Earlier than the first read by more than the offset's uncertainty: a clock or field we
# cannot trust.
FUTURE_TOLERANCE_SECONDS = 2.0


def parse_lambda_time(value: str | None) -> float | None:
    """Epoch seconds of a LastModified (``2026-01-01T00:00:00.000+0000``, or ISO with Z)."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"  # +0000 -> +00:00 for fromisoformat
    head, dot, rest = text.partition(".")
    if dot:  # at most microseconds: moto writes nanoseconds
        digits = "".join(ch for ch in rest if ch.isdigit())
        zone = rest[len(digits) :]
        text = f"{head}.{digits[:6].ljust(6, '0')}{zone}"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def parse_http_date(value: str | None) -> float | None:
    """Epoch seconds of an HTTP ``Date`` header, or None."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None


class ServerClock:
    """The offset between AWS's clock and this machine's, from the Date headers seen."""

    def __init__(self) -> None:
        self._low = -math.inf
        self._high = math.inf
        self._lock = threading.Lock()
        # How fast the server's operations run: 1 on AWS; a rehearsal sandbox says less.
        self.time_scale = 1.0

    def observe_time_scale(self, header: str | None) -> None:
        """Adopt the pace a sandbox announces (ignored unless a sane positive number)."""
        try:
            scale = float(header) if header else 1.0
        except ValueError:
            return
        if 1e-4 <= scale <= 1.0:
            self.time_scale = scale

    def observe(self, date_header: str | None, sent: float, received: float) -> None:
        """Narrow the offset with one answer's Date, sent and answered at local wall times."""
        server = parse_http_date(date_header)
        if server is None or received < sent:
            return
        low, high = server - received, server + 1.0 - sent
        with self._lock:
            new_low, new_high = max(self._low, low), min(self._high, high)
            if new_low <= new_high:
                self._low, self._high = new_low, new_high
            else:  # the clock was stepped (NTP): start again from this answer
                self._low, self._high = low, high

    def offset(self) -> float | None:
        """Best estimate of server minus local seconds, or None before any answer."""
        with self._lock:
            if math.isinf(self._low) or math.isinf(self._high):
                return None
            return (self._low + self._high) / 2.0

    def to_local(self, server_epoch: float) -> float:
        """A server timestamp on this machine's wall clock (unchanged without a Date seen)."""
        offset = self.offset()
        return server_epoch - (offset or 0.0)


def elapsed_since(
    last_modified: str | None, server: ServerClock | None, now_wall: float
) -> float | None:
    """Seconds since the operation started by LastModified, or None when that cannot
    be trusted (missing, unparsable, in the future, or long past)."""
    stamp = parse_lambda_time(last_modified)
    if stamp is None:
        return None
    local = server.to_local(stamp) if server is not None else stamp
    elapsed = now_wall - local
    if elapsed < -FUTURE_TOLERANCE_SECONDS or elapsed > STALE_AFTER_SECONDS:
        return None
    return max(0.0, elapsed)
