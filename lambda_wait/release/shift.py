"""``--shift SPEC``: how traffic moves from the old version to the new one. Pure.

A SPEC is ``all-at-once`` (the default), one of CodeDeploy's predefined Lambda
deployment configurations as SAM users write them (``Canary10Percent5Minutes``,
``Linear10PercentEvery1Minute``, ...; the ``CodeDeployDefault.Lambda`` prefix is
accepted too), or a compact ``canary:PERCENT:INTERVAL`` / ``linear:PERCENT:INTERVAL``.

It becomes a list of :class:`ShiftStep`: the new version's share of the alias's
traffic and how long to hold it (watching the health gates) before the next
step. After the last step the alias points at the new version with no weights.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from lambda_wait.errors import UsageError
from lambda_wait.inputs import parse_duration

ShiftKind = Literal["all-at-once", "canary", "linear"]

MIN_INTERVAL_SECONDS = 1.0
MAX_INTERVAL_SECONDS = 3600.0

# CodeDeploy's predefined configurations for the Lambda compute platform (the names
# SAM's DeploymentPreference.Type takes): kind, percent, interval in minutes.
PREDEFINED: dict[str, tuple[ShiftKind, int, int]] = {
    "Canary10Percent5Minutes": ("canary", 10, 5),
    "Canary10Percent10Minutes": ("canary", 10, 10),
    "Canary10Percent15Minutes": ("canary", 10, 15),
    "Canary10Percent30Minutes": ("canary", 10, 30),
    "Linear10PercentEvery1Minute": ("linear", 10, 1),
    "Linear10PercentEvery2Minutes": ("linear", 10, 2),
    "Linear10PercentEvery3Minutes": ("linear", 10, 3),
    "Linear10PercentEvery10Minutes": ("linear", 10, 10),
}
_ALL_AT_ONCE = frozenset({"all-at-once", "allatonce"})
_PREFIX = "codedeploydefault.lambda"
_BY_LOWER = {name.lower(): name for name in PREDEFINED}
_PERCENT = re.compile(r"^\d{1,3}$")
FORMS = (
    "all-at-once, canary:PERCENT:INTERVAL (canary:10:5m), linear:PERCENT:INTERVAL "
    "(linear:10:1m) or a CodeDeploy name (Canary10Percent5Minutes, Linear10PercentEvery1Minute)"
)


@dataclass(frozen=True)
class ShiftStep:
    """Give the new version ``percent`` % of the traffic, then hold for ``hold`` seconds."""

    percent: int
    hold: float

    @property
    def weight(self) -> float:
        """The new version's weight in the alias's AdditionalVersionWeights (0-1)."""
        return self.percent / 100.0


@dataclass(frozen=True)
class ShiftSpec:
    """A parsed ``--shift``: the kind, the percentage and the interval."""

    kind: ShiftKind
    percent: int = 100
    interval: float = 0.0
    label: str = "all-at-once"

    @property
    def gradual(self) -> bool:
        return self.kind != "all-at-once"

    def steps(self) -> tuple[ShiftStep, ...]:
        """The weighted steps before the final move (none for all-at-once).

        Canary: one step (PERCENT for INTERVAL). Linear: PERCENT, 2xPERCENT, ...
        while below 100, each held INTERVAL, as CodeDeploy does.
        """
        if self.kind == "canary":
            return (ShiftStep(self.percent, self.interval),)
        if self.kind == "linear":
            return tuple(
                ShiftStep(share, self.interval) for share in range(self.percent, 100, self.percent)
            )
        return ()

    @property
    def total_seconds(self) -> float:
        """How long the shift holds in all, gates passing (the --timeout must cover it)."""
        return sum(step.hold for step in self.steps())

    def describe(self) -> str:
        """One line for people: what the shift will do."""
        if self.kind == "canary":
            return f"{self.label}: {self.percent}% for {_seconds(self.interval)}, then 100%"
        if self.kind == "linear":
            return (
                f"{self.label}: +{self.percent}% every {_seconds(self.interval)} "
                f"({len(self.steps())} steps), then 100%"
            )
        return "all-at-once: 100% at once"

    def to_dict(self) -> dict[str, object]:
        return {
            "spec": self.label,
            "kind": self.kind,
            "percent": self.percent if self.gradual else 100,
            "interval_seconds": self.interval if self.gradual else None,
            "steps": [{"percent": s.percent, "hold_seconds": s.hold} for s in self.steps()],
        }


def _seconds(value: float) -> str:
    if value >= 60 and value % 60 == 0:
        return f"{int(value // 60)}m"
    return f"{value:g}s"


def _bad(text: str, why: str) -> UsageError:
    return UsageError(f"invalid --shift {text!r}: {why}; give {FORMS}.")


def _check(text: str, percent: int, interval: float) -> None:
    if not 1 <= percent <= 99:
        raise _bad(text, f"the percentage must be 1-99, not {percent}")
    if not MIN_INTERVAL_SECONDS <= interval <= MAX_INTERVAL_SECONDS:
        raise _bad(text, f"the interval must be 1s to 1h, not {_seconds(interval)}")


def parse_shift(text: str) -> ShiftSpec:
    """Parse a ``--shift`` value; raise :class:`UsageError` (one line) when it is wrong."""
    raw = text.strip()
    lowered = raw.lower()
    if lowered in _ALL_AT_ONCE or lowered == _PREFIX + "allatonce":
        return ShiftSpec("all-at-once")
    name = lowered[len(_PREFIX) :] if lowered.startswith(_PREFIX) else lowered
    if name in _BY_LOWER:
        canonical = _BY_LOWER[name]
        named_kind, named_percent, minutes = PREDEFINED[canonical]
        return ShiftSpec(named_kind, named_percent, minutes * 60.0, canonical)
    parts = raw.split(":")
    if len(parts) != 3 or parts[0].lower() not in ("canary", "linear"):
        raise _bad(text, "not a known shift")
    kind: ShiftKind = "canary" if parts[0].lower() == "canary" else "linear"
    percent_text = parts[1].strip().rstrip("%")
    if not _PERCENT.match(percent_text):
        raise _bad(text, f"the percentage {parts[1]!r} is not a whole number")
    percent = int(percent_text)
    try:
        interval = parse_duration(parts[2], what="interval")
    except UsageError:
        raise _bad(text, f"the interval {parts[2]!r} is not a duration of 1s to 1h") from None
    _check(text, percent, interval)
    return ShiftSpec(kind, percent, interval, f"{kind}:{percent}:{_seconds(interval)}")
