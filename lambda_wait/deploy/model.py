"""The deploy's ledger: its steps, their progress events, its result and its errors.

Pure: no boto3, botocore, click or rich. Step statuses and event kinds are enums
(their values are what the JSON document and the progress lines show).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from lambda_wait.clock import Clock
from lambda_wait.deploy.plan import Plan
from lambda_wait.errors import ConflictError, ExitCode, LambdaWaitError
from lambda_wait.evidence.model import Evidence
from lambda_wait.reasons import DecodedReason
from lambda_wait.release.executor import ShiftProgress
from lambda_wait.release.outcome import ShiftReport
from lambda_wait.states import Assessment, FunctionSnapshot

# A function's configuration as Lambda returns it (GetFunction's "Configuration").
Config = dict[str, Any]


class StepStatus(StrEnum):
    """Where a step stands; the value is what ``--output json`` shows."""

    PENDING = "pending"
    RUNNING = "running"
    APPLIED = "applied"
    SKIPPED = "skipped"
    FAILED = "failed"
    NOT_APPLIED = "not-applied"
    UNKNOWN = "unknown"  # sent and accepted, outcome not known (timeout, interrupt)


class EventKind(StrEnum):
    """What a :class:`StepEvent` reports."""

    START = "start"
    END = "end"
    NOTE = "note"
    SHIFT = "shift"  # a traffic shift's progress (``StepEvent.shift``)
    UPLOAD = "upload"  # a package upload's progress (``StepEvent.upload``)


# "create", "update", "none" (nothing to change) or "blocked" (refused before acting).
DeployAction = Literal["create", "update", "none", "blocked"]


class DeployFailedError(LambdaWaitError):
    """Lambda accepted a change but the function, its update or a version ended Failed."""

    exit_code = ExitCode.FAILED

    def __init__(
        self, message: str, *, hint: str | None = None, reason: DecodedReason | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.reason = reason

    @classmethod
    def ended(cls, label: str, assessment: Assessment) -> DeployFailedError:
        """``{label} failed: <reason>``, with the reason's remedy as the hint."""
        reason = assessment.reason
        return cls(
            f"{label} failed: {reason_text(reason, assessment.summary)}",
            hint=remedy(reason),
            reason=reason,
        )


class DeployTimeoutError(LambdaWaitError):
    """The deploy's --timeout ran out (a change may still be finishing in AWS)."""

    exit_code = ExitCode.TIMEOUT


class DeployBlockedError(LambdaWaitError):
    """The function is in a state where deploying would fail or make things worse."""

    def __init__(
        self,
        message: str,
        *,
        exit_code: ExitCode,
        hint: str | None = None,
        reason: DecodedReason | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.exit_code = exit_code
        self.reason = reason


class ConcurrentDeployError(ConflictError):
    """Someone else changed the function while this deploy ran."""


def reason_text(reason: DecodedReason | None, fallback: str) -> str:
    """``Code: AWS message`` of a reason, or ``fallback`` when there is none."""
    if reason is None or not reason.code:
        return fallback
    text = f"{reason.code}"
    if reason.aws_message:
        text += f": {reason.aws_message}"
    return text


def remedy(reason: DecodedReason | None) -> str | None:
    """The reason's remedy, saying so when re-running may be enough."""
    if reason is None:
        return None
    text = reason.remedy
    if reason.transient:
        text = (text + " " if text else "") + "(Transient: re-running may succeed.)"
    return text


@dataclass(frozen=True)
class Aftermath:
    """What a step's "what is live" note reads when the deploy stopped in it."""

    error: LambdaWaitError
    function: str
    region: str | None
    version: str | None
    alias: str | None
    applied: tuple[str, ...]  # the names of the steps applied before it, in order

    @property
    def delete_command(self) -> str:
        where = f" --region {self.region}" if self.region else ""
        return f"aws lambda delete-function --function-name {self.function}{where}"


# A step's "what is live" note after a failure in it (None: the generic note).
LiveNote = Callable[[Aftermath], "str | None"]
# A step's run: the executor calls it with the step (its ledger entry).
StepRun = Callable[["Step"], None]


@dataclass
class Step:
    """One step of the deploy: what it will change and how it went.

    The plan is a list of these (:mod:`lambda_wait.deploy.planner`); the executor
    calls ``run`` for each (:mod:`lambda_wait.deploy.executor`). ``changed`` is the
    summary's "Changed" label once applied; ``live`` says what is live when the deploy
    stopped in this step; ``left`` is what a step that failed still changed (a create
    that ended in State Failed). Only ``name`` and the outcome reach the JSON.
    """

    name: str
    action: str
    mutating: bool
    status: StepStatus = StepStatus.PENDING
    seconds: float = 0.0
    detail: str | None = None
    started_at: float | None = field(default=None, repr=False)
    changed: str | None = field(default=None, repr=False)
    left: str | None = field(default=None, repr=False)
    live: LiveNote | None = field(default=None, repr=False, compare=False)
    run: StepRun | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "action": self.action,
            "mutating": self.mutating,
            "status": str(self.status),
            "seconds": round(self.seconds, 3),
            "detail": self.detail,
        }


@dataclass(frozen=True)
class StepEvent:
    """Progress: a step started, ended, or has something to say."""

    kind: EventKind
    step: Step
    elapsed: float
    message: str | None = None
    shift: ShiftProgress | None = None  # with EventKind.SHIFT
    upload: tuple[int, int] | None = None  # with EventKind.UPLOAD: (bytes sent, total)


StepListener = Callable[[StepEvent], None]


@dataclass
class DeployResult:
    """How a deploy ended: for the summary, the JSON document and the exit code."""

    function: str
    exit_code: ExitCode
    action: DeployAction
    dry_run: bool
    steps: list[Step]
    elapsed: float
    plan: Plan | None = None
    snapshot: FunctionSnapshot | None = None
    version: str | None = None
    alias: str | None = None
    code_sha256: str | None = None
    error: LambdaWaitError | None = None
    live: str | None = None
    reason: DecodedReason | None = None
    shift: ShiftReport | None = None  # deploy --shift: how the alias moved (or went back)
    function_url: str | None = None  # deploy --function-url: the URL in place
    # What the account showed about the failure (lambda_wait.evidence; --evidence off: none).
    evidence: list[Evidence] = field(default_factory=list)
    rerun: tuple[str, ...] | None = None  # this deploy's command with --recreate-failed

    def names(self, *statuses: StepStatus) -> list[str]:
        return [step.name for step in self.steps if step.status in statuses]

    @property
    def applied(self) -> list[str]:
        return self.names(StepStatus.APPLIED)

    @property
    def not_applied(self) -> list[str]:
        return self.names(StepStatus.NOT_APPLIED, StepStatus.FAILED, StepStatus.PENDING)

    @property
    def changed(self) -> list[str]:
        """What this run changed in AWS (each applied step's "Changed" label, in order)."""
        return [s.changed for s in self.steps if s.status is StepStatus.APPLIED and s.changed]


class Ledger:
    """The deploy's steps in order, and the events that report their progress."""

    def __init__(self, clock: Clock, listener: StepListener | None = None) -> None:
        self.clock = clock
        self.steps: list[Step] = []
        self.started = clock.now()
        self._listener = listener

    def restart(self) -> None:
        """Count elapsed time from now (the deploy starts)."""
        self.started = self.clock.now()

    def elapsed(self) -> float:
        return self.clock.now() - self.started

    def begin(self, step: Step) -> None:
        step.status = StepStatus.RUNNING
        step.started_at = self.clock.now()
        self._emit(StepEvent(EventKind.START, step, self.elapsed()))

    def end(self, step: Step, status: StepStatus, detail: str | None = None) -> None:
        step.status = status
        if detail is not None:
            step.detail = detail
        if step.started_at is not None:
            step.seconds = self.clock.now() - step.started_at
        self._emit(StepEvent(EventKind.END, step, self.elapsed()))

    def note(self, step: Step | None, message: str) -> None:
        step = step or Step("deploy", "", False)
        self._emit(StepEvent(EventKind.NOTE, step, self.elapsed(), message))

    def upload(self, step: Step, sent: int, total: int) -> None:
        """A package upload's progress, as data: each output mode shows it its way."""
        self._emit(StepEvent(EventKind.UPLOAD, step, self.elapsed(), upload=(sent, total)))

    def shift(self, step: Step, progress: ShiftProgress) -> None:
        """A traffic shift's progress, as data: each output mode shows it its way."""
        self._emit(StepEvent(EventKind.SHIFT, step, self.elapsed(), shift=progress))

    def _emit(self, event: StepEvent) -> None:
        if self._listener is not None:
            self._listener(event)
