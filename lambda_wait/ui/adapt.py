"""The producers' own reports turned into typed events (:mod:`lambda_wait.events`):
the waiter's :class:`~lambda_wait.waiter.WaitEvent` and the deploy ledger's
:class:`~lambda_wait.deploy.model.StepEvent`. Pure: no rich, no streams."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from lambda_wait.events import (
    CooldownHeld,
    Event,
    Retrying,
    ShiftProgressed,
    StepEnded,
    StepNote,
    StepStarted,
    UploadProgressed,
    WaitNote,
    WaitPolled,
    WaitSleeping,
    split_label,
)

if TYPE_CHECKING:
    from lambda_wait.deploy.model import StepEvent
    from lambda_wait.waiter import WaitEvent


class _Where(TypedDict):
    function: str
    qualifier: str | None
    elapsed: float


def from_wait(event: WaitEvent) -> Event | None:
    """The typed event of one waiter report (None for one that says nothing)."""
    function, qualifier = split_label(event.function)
    at = _Where(function=function, qualifier=qualifier, elapsed=event.elapsed)
    if event.kind == "poll" and event.snapshot is not None and event.assessment is not None:
        return WaitPolled(
            **at, snapshot=event.snapshot, assessment=event.assessment, changed=event.changed
        )
    if event.kind == "sleep":
        return WaitSleeping(**at, seconds=event.sleep_seconds)
    if event.kind == "cooldown":
        return CooldownHeld(**at, seconds=event.sleep_seconds, message=event.message or "")
    if event.kind == "note" and event.message:
        return WaitNote(**at, message=event.message)
    if event.kind == "retry" and event.error is not None:
        return Retrying(**at, error_type=type(event.error).__name__, message=event.error.message)
    return None


def from_step(event: StepEvent, function: str) -> Event | None:
    """The typed event of one deploy ledger report (None for a note with no text)."""
    name, qualifier = split_label(function)
    at = _Where(function=name, qualifier=qualifier, elapsed=event.elapsed)
    step = event.step
    if event.kind == "start":
        return StepStarted(**at, step=step.name, action=step.action)
    if event.kind == "end":
        return StepEnded(
            **at,
            step=step.name,
            status=str(step.status),
            seconds=step.seconds,
            detail=step.detail,
        )
    if event.kind == "upload" and event.upload is not None:
        sent, total = event.upload
        return UploadProgressed(**at, step=step.name, sent_bytes=sent, total_bytes=total)
    if event.kind == "shift" and event.shift is not None:
        return ShiftProgressed(**at, step=step.name, progress=event.shift)
    if event.message:
        return StepNote(**at, step=step.name, message=event.message)
    return None
