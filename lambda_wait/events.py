"""What a command run reports while it works, as typed events: a wait's reads, sleeps,
notes, cooldowns and retries, a deploy's steps and notes, a traffic shift's progress,
and what serves a function changing. Pure (no boto3, botocore, click or rich).

Producers (the waiter, the deploy's ledger, the serving watch) report in their own
terms; :class:`~lambda_wait.ui.output.Output` turns that into these events and hands
each one to the renderer of every output mode. Nothing is flattened to text here: a
renderer decides how an event reads (a live table row, a timestamped line, one JSON
object with ``--output ndjson``: :meth:`Event.data` is its ``type``-specific part,
documented in docs/json-output.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from lambda_wait.states import Assessment, FunctionSnapshot

if TYPE_CHECKING:  # a type only: the release executor is not loaded by every wait
    from lambda_wait.release.executor import ShiftProgress

EVENT_SCHEMA_VERSION = 1
"""The version of the event objects' schema (``--output ndjson``): a key removed or
changed in meaning raises it; a key added does not."""


def split_label(label: str) -> tuple[str, str | None]:
    """``fn:live`` -> (``fn``, ``live``); a name or an ARN without one -> (it, None)."""
    if label.count(":") == 1:
        name, qualifier = label.split(":")
        return name, qualifier or None
    return label, None


@dataclass(frozen=True, kw_only=True)
class Event:
    """Something that happened to one function, ``elapsed`` seconds into its work."""

    type: ClassVar[str]
    function: str
    qualifier: str | None = None
    elapsed: float

    @property
    def label(self) -> str:
        """The function as people read it (``fn`` or ``fn:live``)."""
        return f"{self.function}:{self.qualifier}" if self.qualifier else self.function

    def data(self) -> dict[str, Any]:
        """What only this type of event carries (JSON-ready)."""
        return {}


@dataclass(frozen=True, kw_only=True)
class WaitPolled(Event):
    """A wait read the function: its state and the verdict on it."""

    type: ClassVar[str] = "wait.poll"
    snapshot: FunctionSnapshot
    assessment: Assessment
    changed: bool  # the state differs from the previous read's

    def data(self) -> dict[str, Any]:
        reason = self.assessment.reason
        return {
            "state": self.snapshot.state,
            "last_update_status": self.snapshot.last_update_status,
            "phase": self.assessment.phase.value,
            "done": self.assessment.done,
            "changed": self.changed,
            "summary": self.assessment.summary,
            "reason_code": None if reason is None else reason.code,
        }


@dataclass(frozen=True, kw_only=True)
class WaitSleeping(Event):
    """A wait sleeps before its next read."""

    type: ClassVar[str] = "wait.sleep"
    seconds: float

    def data(self) -> dict[str, Any]:
        return {"seconds": round(self.seconds, 3)}


@dataclass(frozen=True, kw_only=True)
class WaitNote(Event):
    """A wait has something to say (a hint, a wake-up, a peer's evidence)."""

    type: ClassVar[str] = "wait.note"
    message: str

    def data(self) -> dict[str, Any]:
        return {"message": self.message}


@dataclass(frozen=True, kw_only=True)
class CooldownHeld(Event):
    """A remembered cooldown holds the wait back before it reads again."""

    type: ClassVar[str] = "wait.cooldown"
    seconds: float
    message: str

    def data(self) -> dict[str, Any]:
        return {"seconds": round(self.seconds, 3), "message": self.message}


@dataclass(frozen=True, kw_only=True)
class Retrying(Event):
    """A read failed in a way worth trying again (throttled, a network error)."""

    type: ClassVar[str] = "retry"
    error_type: str
    message: str

    def data(self) -> dict[str, Any]:
        return {"error_type": self.error_type, "message": self.message}


@dataclass(frozen=True, kw_only=True)
class StepStarted(Event):
    """A deploy step started."""

    type: ClassVar[str] = "deploy.step.start"
    step: str
    action: str

    def data(self) -> dict[str, Any]:
        return {"step": self.step, "action": self.action}


@dataclass(frozen=True, kw_only=True)
class StepEnded(Event):
    """A deploy step ended: applied, skipped, failed, unknown or not applied."""

    type: ClassVar[str] = "deploy.step.end"
    step: str
    status: str
    seconds: float
    detail: str | None = None

    def data(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "detail": self.detail,
        }


@dataclass(frozen=True, kw_only=True)
class StepNote(Event):
    """A deploy step (or the deploy, ``step`` "deploy") has something to say."""

    type: ClassVar[str] = "deploy.note"
    step: str
    message: str

    def data(self) -> dict[str, Any]:
        return {"step": self.step, "message": self.message}


@dataclass(frozen=True, kw_only=True)
class UploadProgressed(Event):
    """A package upload to S3 (``deploy --s3-bucket``) passed another tenth of its bytes."""

    type: ClassVar[str] = "deploy.upload"
    step: str
    sent_bytes: int
    total_bytes: int

    @property
    def percent(self) -> int:
        return min(100, self.sent_bytes * 100 // max(self.total_bytes, 1))

    def line(self) -> str:
        unit, size = ("MB", 1_048_576) if self.total_bytes >= 1_048_576 else ("KB", 1024)
        return (
            f"uploaded {self.percent}% ({self.sent_bytes / size:.1f} of "
            f"{self.total_bytes / size:.1f} {unit})"
        )

    def data(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "sent_bytes": self.sent_bytes,
            "total_bytes": self.total_bytes,
            "percent": self.percent,
        }


@dataclass(frozen=True, kw_only=True)
class ShiftProgressed(Event):
    """A gradual traffic shift moved, held or rolled back."""

    type: ClassVar[str] = "shift.progress"
    step: str  # the deploy step doing the shift
    progress: ShiftProgress

    def data(self) -> dict[str, Any]:
        p = self.progress
        return {
            "step": self.step,
            "phase": p.phase,
            "percent": p.percent,
            "shift_step": p.step,
            "shift_steps": p.steps,
            "next_in_seconds": None if p.next_in is None else round(p.next_in, 3),
            "gates": p.gates,
        }


@dataclass(frozen=True, kw_only=True)
class ServingChanged(Event):
    """What serves the function (provisioned concurrency, event source mappings) changed."""

    type: ClassVar[str] = "serving.change"
    phase: str
    done: bool
    summary: str

    def data(self) -> dict[str, Any]:
        return {"phase": self.phase, "done": self.done, "summary": self.summary}


@dataclass(frozen=True, kw_only=True)
class EvidenceGathered(Event):
    """What the account showed about a function's failure was read (``--evidence``):
    its items, in the form the result's ``evidence`` carries them (``Evidence.to_dict``:
    kind, source, summary, lines, denied_permission, unread, facts; docs/json-output.md).
    Dicts, not the evidence's own type: the events sit below the adapters' layer."""

    type: ClassVar[str] = "evidence"
    items: tuple[dict[str, Any], ...]

    def line(self) -> str:
        """One line for the progress logs (the items show under the failure)."""
        count = len(self.items)
        kinds = ", ".join(dict.fromkeys(str(item.get("kind")) for item in self.items))
        return f"{self.label}: evidence read: {count} item{'' if count == 1 else 's'} ({kinds})"

    def data(self) -> dict[str, Any]:
        return {"items": [dict(item) for item in self.items]}


def event_types() -> list[type[Event]]:
    """Every concrete event type (what each output mode must render)."""
    found: list[type[Event]] = []
    pending = list(Event.__subclasses__())
    while pending:
        cls = pending.pop(0)
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found
