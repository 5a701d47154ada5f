"""Health gates watched while traffic shifts: CloudWatch alarms and the new
version's own error rate. Pure: readings come in, a verdict goes out.

An alarm fails the gate in ``ALARM``, and when it no longer exists (a gate fails
closed); ``INSUFFICIENT_DATA`` is what a quiet new version shows, as CodeDeploy
treats it. The error rate is
``Errors / Invocations`` of the new version (the ExecutedVersion dimension on
the alias) and is judged only once at least ``min_invocations`` were seen, so
one early error out of two calls does not roll a release back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from lambda_wait.errors import UsageError

GateFailure = Literal["alarm", "error-rate", "smoke-test"]
# How a smoke test that could not be invoked (after its retries) begins: not a verdict.
SMOKE_UNREACHABLE = "the smoke test could not invoke"
DEFAULT_MIN_INVOCATIONS = 10
DEFAULT_CHECK_SECONDS = 10.0  # CloudWatch alarms evaluate per minute at best


@dataclass(frozen=True)
class GatePolicy:
    """What to watch: alarm names, an error-rate ceiling (percent) and its minimum sample."""

    alarms: tuple[str, ...] = ()
    max_error_rate: float | None = None
    min_invocations: int = DEFAULT_MIN_INVOCATIONS
    check_every: float = DEFAULT_CHECK_SECONDS
    require_traffic: bool = False  # a step ending below min_invocations fails the gate

    @property
    def watches_anything(self) -> bool:
        return bool(self.alarms) or self.max_error_rate is not None

    def describe(self) -> str:
        parts = []
        if self.alarms:
            parts.append(f"alarms {', '.join(self.alarms)}")
        if self.max_error_rate is not None:
            demand = ", demanded" if self.require_traffic else ""
            parts.append(
                f"error rate <= {self.max_error_rate:g}% (from {self.min_invocations} "
                f"invocations{demand})"
            )
        return "; ".join(parts) or "no gates"


@dataclass(frozen=True)
class AlarmReading:
    """One alarm as DescribeAlarms reports it."""

    name: str
    state: str  # OK, ALARM, INSUFFICIENT_DATA
    reason: str | None = None


@dataclass(frozen=True)
class ErrorCounts:
    """The new version's Errors and Invocations summed since the shift began."""

    errors: float
    invocations: float

    @property
    def rate(self) -> float:
        """Errors as a percentage of invocations (0 without invocations)."""
        return 100.0 * self.errors / self.invocations if self.invocations else 0.0


@dataclass(frozen=True)
class GateVerdict:
    """The gates' state at one check: healthy or not, why, and a line for people."""

    healthy: bool
    summary: str
    failure: GateFailure | None = None
    detail: str | None = None
    # False when the gate failed without judging the version (it could not be read, an
    # alarm vanished, too little traffic): the version is not recorded as rejected.
    judged: bool = True

    def to_dict(self) -> dict[str, object]:
        return {
            "healthy": self.healthy,
            "summary": self.summary,
            "failure": self.failure,
            "detail": self.detail,
        }


def evaluate(
    policy: GatePolicy,
    alarms: Iterable[AlarmReading] = (),
    counts: ErrorCounts | None = None,
) -> GateVerdict:
    """Judge one reading of the gates; the first failing gate names the verdict."""
    readings = list(alarms)
    parts: list[str] = []
    firing = [a for a in readings if a.state == "ALARM"]
    if policy.alarms:
        if firing:
            first = firing[0]
            why = f": {first.reason}" if first.reason else ""
            return GateVerdict(
                False,
                f"alarm {first.name} in ALARM",
                "alarm",
                f"alarm {first.name} is in ALARM{why}",
            )
        missing = missing_alarms(policy.alarms, (a.name for a in readings))
        if missing:  # deleted (or renamed) during the shift: a gate that cannot be read fails
            return GateVerdict(
                False,
                f"alarm {missing[0]} missing",
                "alarm",
                f"alarm {', '.join(missing)} no longer exists (deleted during the shift?): "
                "a gate that cannot be read fails",
                judged=False,
            )
        waiting = sum(1 for a in readings if a.state != "OK")
        parts.append(
            f"{len(readings)} alarm(s) OK"
            if not waiting
            else f"alarms: none in ALARM ({waiting} without data)"
        )
    if policy.max_error_rate is not None:
        seen = counts or ErrorCounts(0, 0)
        if seen.invocations < policy.min_invocations:
            parts.append(
                f"errors {seen.errors:g}/{seen.invocations:g} "
                f"(judged from {policy.min_invocations} invocations)"
            )
        elif seen.rate > policy.max_error_rate:
            return GateVerdict(
                False,
                f"error rate {seen.rate:.1f}% > {policy.max_error_rate:g}%",
                "error-rate",
                f"the new version's error rate is {seen.rate:.1f}% ({seen.errors:g} errors in "
                f"{seen.invocations:g} invocations), over --max-error-rate "
                f"{policy.max_error_rate:g}%",
            )
        else:
            parts.append(
                f"error rate {seen.rate:.1f}% <= {policy.max_error_rate:g}% "
                f"({seen.errors:g}/{seen.invocations:g})"
            )
    return GateVerdict(True, "; ".join(parts) or "no gates")


def missing_alarms(wanted: Iterable[str], found: Iterable[str]) -> list[str]:
    """The alarm names asked for that DescribeAlarms did not return (in the order given)."""
    have = set(found)
    return [name for name in wanted if name not in have]


def check_gate_options(
    alarms: tuple[str, ...],
    max_error_rate: float | None,
    min_invocations: int,
    require_traffic: bool = False,
) -> GatePolicy:
    """Validate the gate flags into a policy (UsageError on bad values)."""
    for name in alarms:
        if not name.strip() or len(name) > 255:
            raise UsageError(f"invalid --alarm {name!r}: give an alarm name (1-255 characters).")
    if max_error_rate is not None and not 0 <= max_error_rate < 100:
        raise UsageError(
            f"invalid --max-error-rate {max_error_rate:g}: give a percentage from 0 to 99.9."
        )
    if min_invocations < 1:
        raise UsageError(f"invalid --min-invocations {min_invocations}: give at least 1.")
    if require_traffic and max_error_rate is None:
        raise UsageError(
            "--require-traffic demands --min-invocations for the error rate: add "
            "--max-error-rate PCT."
        )
    return GatePolicy(
        tuple(dict.fromkeys(alarms)),
        max_error_rate,
        min_invocations,
        require_traffic=require_traffic,
    )


def too_little_traffic(policy: GatePolicy, counts: ErrorCounts | None) -> GateVerdict | None:
    """At the end of a step: the failing verdict when ``--require-traffic`` wanted more
    invocations of the new version than it got, else None."""
    if not policy.require_traffic or policy.max_error_rate is None:
        return None
    seen = counts or ErrorCounts(0, 0)
    if seen.invocations >= policy.min_invocations:
        return None
    return GateVerdict(
        False,
        f"{seen.invocations:g} invocations < {policy.min_invocations}",
        "error-rate",
        f"the new version got {seen.invocations:g} invocations during the step, fewer than "
        f"--min-invocations {policy.min_invocations} (--require-traffic: no traffic, no "
        "judgement, no release)",
        judged=False,
    )
