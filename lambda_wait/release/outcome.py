"""How a traffic shift ended, and how to go back. Pure.

A shift completes (the alias points at the new version, no weights) or is
rolled back (the alias points at the old version, no weights) for a cause: a
failed gate (exit 10, ``rolled-back``), an interrupt (130/143, the signal's
own code) or the ``--timeout`` (3). The report says what was applied, what is
live now, and the command that goes back (or forward again).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from lambda_wait.errors import ExitCode, UsageError

RollbackCause = Literal["alarm", "error-rate", "smoke-test", "interrupted", "terminated", "timeout"]
ShiftOutcome = Literal["completed", "rolled-back", "rollback-failed", "not-started"]

_CAUSE_CODES: dict[str, ExitCode] = {
    "alarm": ExitCode.ROLLED_BACK,
    "error-rate": ExitCode.ROLLED_BACK,
    "smoke-test": ExitCode.ROLLED_BACK,
    "interrupted": ExitCode.INTERRUPTED,
    "terminated": ExitCode.TERMINATED,
    "timeout": ExitCode.TIMEOUT,
}


def rollback_exit_code(cause: RollbackCause) -> ExitCode:
    """10 when a gate judged the new version; a signal or the timeout keep their own code."""
    return _CAUSE_CODES[cause]


@dataclass
class ShiftReport:
    """What a shift did: the steps applied, the outcome and what is live now."""

    function: str
    alias: str
    old_version: str
    new_version: str
    spec: str
    applied: list[int] = field(default_factory=list)  # the new version's shares reached
    outcome: ShiftOutcome = "not-started"
    cause: RollbackCause | None = None
    detail: str | None = None
    live_version: str | None = None
    live_weights: dict[str, float] = field(default_factory=dict)
    gates: str | None = None  # the last gate summary

    @property
    def exit_code(self) -> ExitCode:
        if self.outcome == "completed":
            return ExitCode.READY
        if self.outcome == "rollback-failed":
            return ExitCode.FAILED
        if self.cause is None:
            return ExitCode.READY
        return rollback_exit_code(self.cause)

    @property
    def live(self) -> str:
        """What the alias serves now, in words."""
        if self.live_version is None:
            return f"{self.alias}: unknown (could not be read)"
        if not self.live_weights:
            return f"{self.alias} -> {self.live_version} (100%)"
        shares = ", ".join(
            f"{version} {round(weight * 100)}%" for version, weight in self.live_weights.items()
        )
        rest = 100 - round(sum(self.live_weights.values()) * 100)
        return f"{self.alias} -> {self.live_version} {rest}%, {shares}"

    def go_back(self) -> str:
        """The command that undoes (or redoes) this shift."""
        fn = self.function
        if self.outcome == "completed":
            return f"lambda-wait rollback {fn} --alias {self.alias} --to {self.old_version}"
        if self.outcome == "rollback-failed":
            return f"lambda-wait rollback {fn} --alias {self.alias} --to {self.old_version}"
        return (
            f"fix the new version and re-run deploy (version {self.new_version} stays "
            f"published; `lambda-wait versions {fn} --prune` removes unused versions)"
        )

    def lines(self) -> list[str]:
        """The report for people, one line each."""
        steps = " -> ".join(f"{p}%" for p in self.applied) or "no traffic moved"
        out = [f"shift {self.spec} of {self.alias}: {self.old_version} -> {self.new_version}"]
        out.append(f"applied: {steps}")
        if self.outcome == "completed":
            out.append(f"completed: {self.live}")
        elif self.outcome == "rolled-back":
            out.append(f"rolled back ({self.cause}): {self.detail}")
            out.append(f"live: {self.live}")
        elif self.outcome == "rollback-failed":
            out.append(f"ROLLBACK FAILED ({self.cause}): {self.detail}")
            out.append(f"live: {self.live}")
        if self.gates:
            out.append(f"gates: {self.gates}")
        out.append(f"to go back: {self.go_back()}")
        return out

    def to_dict(self) -> dict[str, object]:
        return {
            "alias": self.alias,
            "spec": self.spec,
            "old_version": self.old_version,
            "new_version": self.new_version,
            "applied_percent": list(self.applied),
            "outcome": self.outcome,
            "cause": self.cause,
            "detail": self.detail,
            "live_version": self.live_version,
            "live_weights": dict(self.live_weights),
            "gates": self.gates,
            "go_back": self.go_back(),
        }


def _number(version: str) -> int | None:
    return int(version) if version.isdigit() else None


def previous_version(
    versions: Iterable[str], current: str, *, to: str | None = None, alias: str = "the alias"
) -> str:
    """The version ``rollback`` moves an alias to: ``to`` if given (it must exist and
    differ from ``current``), else the highest published version below ``current``."""
    published = sorted({n for v in versions if (n := _number(v)) is not None})
    if to is not None:
        if _number(to) is None:
            raise UsageError(f"invalid --to {to!r}: give a published version number.")
        if int(to) not in published:
            raise UsageError(
                f"--to {to}: no such published version (have: "
                f"{', '.join(map(str, published)) or 'none'})."
            )
        if to == current:
            raise UsageError(f"--to {to}: {alias} already points at version {to}.")
        return str(int(to))
    now = _number(current)
    if now is None:
        raise UsageError(
            f"{alias} points at {current}, not a published version: give --to VERSION."
        )
    earlier = [n for n in published if n < now]
    if not earlier:
        raise UsageError(
            f"{alias} points at version {current} and there is no earlier published version "
            "to roll back to: give --to VERSION, or deploy a fix."
        )
    return str(earlier[-1])


def routing_weights(alias_config: Mapping[str, object]) -> dict[str, float]:
    """GetAlias's RoutingConfig.AdditionalVersionWeights as {version: weight}."""
    routing = alias_config.get("RoutingConfig")
    if not isinstance(routing, Mapping):
        return {}
    weights = routing.get("AdditionalVersionWeights")
    if not isinstance(weights, Mapping):
        return {}
    return {str(k): float(v) for k, v in weights.items() if isinstance(v, int | float)}
