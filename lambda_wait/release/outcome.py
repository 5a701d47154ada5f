"""How a traffic shift ended, and how to go back. Pure.

A shift completes (the alias points at the new version, no weights) or is
rolled back (the alias points at the old version, no weights) for a cause: a
failed gate or an AWS error that outlasted its retries (exit 10, ``rolled-back``),
an interrupt (130/143, the signal's own code) or the ``--timeout`` (3). When the
rollback itself cannot be applied, ``rollback-failed`` (1) says what the alias
reads; when someone else moved the alias meanwhile, ``concurrent-change`` (9)
keeps their change. The report says what was applied, what is live now (as read
back from AWS), and the command that goes back (or forward again).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from lambda_wait.errors import ConflictError, ExitCode, UsageError

RollbackCause = Literal[
    "alarm", "error-rate", "smoke-test", "aws-error", "interrupted", "terminated", "timeout"
]
ShiftOutcome = Literal[
    "completed", "rolled-back", "rollback-failed", "concurrent-change", "not-started"
]

_CAUSE_CODES: dict[str, ExitCode] = {
    "alarm": ExitCode.ROLLED_BACK,
    "error-rate": ExitCode.ROLLED_BACK,
    "smoke-test": ExitCode.ROLLED_BACK,
    "aws-error": ExitCode.ROLLED_BACK,
    "interrupted": ExitCode.INTERRUPTED,
    "terminated": ExitCode.TERMINATED,
    "timeout": ExitCode.TIMEOUT,
}


class ConcurrentChangeError(ConflictError):
    """Someone else moved the alias while lambda-wait was moving it (exit 9): their
    change is kept, never overwritten; ``version`` and ``weights`` are what it reads."""

    def __init__(self, alias: str, version: str, weights: dict[str, float]) -> None:
        shares = "".join(f", {v} {round(w * 100)}%" for v, w in weights.items())
        super().__init__(
            f"someone else changed alias {alias} meanwhile (it reads {version}{shares}): "
            "their change was kept"
        )
        self.version = version
        self.weights = dict(weights)


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
    live_confirmed: bool = True  # False: the alias could not be read after the last attempt
    started_wall: float | None = None  # when the shift began (epoch seconds): logs' window
    smoke_log: tuple[str, ...] = ()  # a failed smoke test's log tail (untrusted text)

    @property
    def exit_code(self) -> ExitCode:
        if self.outcome == "completed":
            return ExitCode.READY
        if self.outcome == "rollback-failed":
            return ExitCode.FAILED
        if self.outcome == "concurrent-change":
            return ExitCode.CONFLICT
        if self.cause is None:
            return ExitCode.READY
        return rollback_exit_code(self.cause)

    @property
    def live(self) -> str:
        """What the alias serves now, in words."""
        if self.live_version is None:
            return f"{self.alias}: unknown (could not be read)"
        if not self.live_confirmed:
            return f"{self._shares()} (as last read: it could not be read again)"
        return self._shares()

    def _shares(self) -> str:
        if not self.live_weights:
            return f"{self.alias} -> {self.live_version} (100%)"
        shares = ", ".join(
            f"{version} {round(weight * 100)}%" for version, weight in self.live_weights.items()
        )
        rest = 100 - round(sum(self.live_weights.values()) * 100)
        return f"{self.alias} -> {self.live_version} {rest}%, {shares}"

    def live_sentence(self) -> str:
        """What is live after a shift that did not complete, in one sentence."""
        if self.outcome == "rolled-back":
            return f"{self.live}; version {self.new_version} stays published, serving nothing."
        return f"{self.live}."

    def go_back(self) -> str:
        """The command that undoes (or redoes) this shift."""
        fn = self.function
        if self.outcome in ("completed", "rollback-failed"):
            return f"lambda-wait rollback {fn} --alias {self.alias} --to {self.old_version}"
        if self.outcome == "concurrent-change":
            return (
                f"nothing: the other change was kept; `lambda-wait versions {fn}` shows "
                "where every alias points, re-run deploy to release again"
            )
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
        elif self.outcome == "concurrent-change":
            out.append(f"stopped: {self.detail}")
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
            "live_confirmed": self.live_confirmed,
            "gates": self.gates,
            "go_back": self.go_back(),
        }


def _number(version: str) -> int | None:
    return int(version) if version.isdigit() else None


def previous_version(
    versions: Iterable[str],
    current: str,
    *,
    to: str | None = None,
    alias: str = "the alias",
    weighted: bool = False,
    recorded: str | None = None,
    rejected: Iterable[str] = (),
) -> str:
    """The version ``rollback`` moves an alias to: ``to`` if given (it must exist; it
    may be ``current`` only to clear weights), else the version the alias recorded as
    having served before (``recorded``), else the highest published version below
    ``current``; never a version a gate ``rejected`` unless ``to`` names it."""
    published = sorted({n for v in versions if (n := _number(v)) is not None})
    if to is not None:
        if _number(to) is None:
            raise UsageError(f"invalid --to {to!r}: give a published version number.")
        if int(to) not in published:
            raise UsageError(
                f"--to {to}: no such published version (have: "
                f"{', '.join(map(str, published)) or 'none'})."
            )
        if to == current and not weighted:
            raise UsageError(f"--to {to}: {alias} already points at version {to}.")
        return str(int(to))
    refused = set(rejected)
    usable = recorded is not None and recorded != current and recorded not in refused
    if usable and _number(str(recorded)) in published:
        return str(recorded)
    now = _number(current)
    if now is None:
        raise UsageError(
            f"{alias} points at {current}, not a published version: give --to VERSION."
        )
    earlier = [n for n in published if n < now and str(n) not in refused]
    if not earlier:
        why = f" (a gate rejected {', '.join(sorted(refused))})" if refused else ""
        raise UsageError(
            f"{alias} points at version {current} and there is no earlier published version "
            f"to roll back to{why}: give --to VERSION, or deploy a fix."
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
