"""What a command returns: a :class:`CommandResult` with one :class:`FunctionReport`
per function and a payload typed per command. Pure data (no rich, no click, no
boto3): commands build it, :mod:`lambda_wait.ui` renders it, the error boundary
in :mod:`lambda_wait.commands._boundary` turns it into the exit code.

Environment variable values never reach this module: snapshots keep only the
variable names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lambda_wait.errors import ExitCode, LambdaWaitError
from lambda_wait.reasons import DecodedReason
from lambda_wait.states import Assessment, FunctionSnapshot

if TYPE_CHECKING:
    from lambda_wait.deploy.model import DeployResult
    from lambda_wait.evidence.model import Evidence
    from lambda_wait.serving.watch import ServingSnapshot


@dataclass
class FunctionReport:
    """What one command learned about one function, for every output mode."""

    function: str
    exit_code: ExitCode
    snapshot: FunctionSnapshot | None = None
    assessment: Assessment | None = None
    error: LambdaWaitError | None = None
    target: str | None = None
    elapsed: float | None = None
    polls: int | None = None
    timed_out: bool = False
    message: str | None = None
    notes: list[str] = field(default_factory=list)
    cooldown: dict[str, Any] | None = None
    # What serves its traffic besides the function: provisioned concurrency, mappings.
    serving: ServingSnapshot | None = None
    # What the account showed about its failure (lambda_wait.evidence; --evidence off: none).
    evidence: list[Evidence] = field(default_factory=list)

    def reason(self) -> DecodedReason | None:
        return None if self.assessment is None else self.assessment.reason

    def summary(self) -> str | None:
        """The one-line verdict: the command's own message, else the assessment's."""
        return self.message or (None if self.assessment is None else self.assessment.summary)

    def to_dict(self) -> dict[str, Any]:
        from lambda_wait.serving.watch import json_sections

        reason = self.reason()
        return {
            "function": self.function,
            "exit_code": int(self.exit_code),
            "exit_status": self.exit_code.label,
            "target": self.target,
            "phase": None if self.assessment is None else self.assessment.phase.value,
            "summary": self.summary(),
            "timed_out": self.timed_out,
            "elapsed_seconds": None if self.elapsed is None else round(self.elapsed, 3),
            "polls": self.polls,
            "snapshot": None if self.snapshot is None else self.snapshot.to_dict(),
            "reason": None if reason is None else reason.to_dict(),
            "error": error_dict(self.error),
            "notes": list(self.notes),
            "cooldown": self.cooldown,
            "evidence": [item.to_dict() for item in self.evidence],
            # One section per registered wait target (lambda_wait.targets.registry).
            **json_sections(self.serving),
        }


def error_dict(error: LambdaWaitError | None) -> dict[str, Any] | None:
    if error is None:
        return None
    return {
        "type": type(error).__name__,
        "exit_code": int(error.exit_code),
        "message": error.message,
        "hint": error.hint,
    }


@dataclass(frozen=True)
class StatusPayload:
    """`status`: the reports say everything; ``wide`` asks for more columns."""

    wide: bool = False

    def to_json(self) -> dict[str, Any]:
        return {}


@dataclass(frozen=True)
class WaitPayload:
    """`wait`: the reports, and the --timeout they were waited on with."""

    timeout_seconds: float

    def to_json(self) -> dict[str, Any]:
        return {"timeout_seconds": self.timeout_seconds}


@dataclass(frozen=True)
class DeployPayload:
    """`deploy`: one :class:`DeployResult` per function (one spec, or several at once)."""

    results: Sequence[DeployResult]
    timeout_seconds: float
    many: bool = False  # several specs: a summary table, and no single `deploy` key

    def result_for(self, function: str) -> DeployResult | None:
        return next((r for r in self.results if r.function == function), None)

    def to_json(self) -> dict[str, Any]:
        from lambda_wait.deploy.report import deploy_json

        deploys = [deploy_json(r, timeout=self.timeout_seconds) for r in self.results]
        if self.many:
            return {"deploys": deploys}
        return {"deploy": deploys[0], "deploys": deploys}


@dataclass(frozen=True)
class ReleasePayload:
    """`rollback`, `versions`, `init`: lines for people and a JSON object under ``key``.
    ``document``, when given, is what stdout carries in text mode (init's spec)."""

    key: str
    lines: Sequence[str]
    data: dict[str, Any]
    document: str | None = None
    at_width: Callable[[int], Sequence[str]] | None = None  # the lines fitted to a terminal

    def to_json(self) -> dict[str, Any]:
        return {self.key: self.data}


Payload = StatusPayload | WaitPayload | DeployPayload | ReleasePayload


@dataclass(frozen=True)
class CommandResult:
    """How a command ended: its exit code, one report per function, what only this
    command knows (``payload``), and the error of the whole command, if any."""

    exit_code: ExitCode
    reports: Sequence[FunctionReport]
    payload: Payload = field(default_factory=StatusPayload)
    error: LambdaWaitError | None = None

    @classmethod
    def failed(cls, error: LambdaWaitError) -> CommandResult:
        """A command that stopped before it had a result for any function."""
        return cls(error.exit_code, [], StatusPayload(), error)
