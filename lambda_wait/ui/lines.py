"""The one-line text of a deploy's events (plain strings), for the live view and the
plain and GitHub logs alike."""

from __future__ import annotations

from lambda_wait.events import (
    ShiftProgressed,
    StepEnded,
    StepNote,
    StepStarted,
    UploadProgressed,
)

STATUS_WORDS = {
    "applied": "done",
    "skipped": "skipped",
    "failed": "FAILED",
    "unknown": "unfinished",
    "not-applied": "not applied",
}

DeployEvent = StepStarted | StepEnded | StepNote | ShiftProgressed | UploadProgressed


def deploy_line(event: DeployEvent, *, several: bool) -> str:
    """One stderr line for a step starting, ending or saying something; with several
    deploys at once (``several``), the function prefixes it so interleaved lines stay
    readable."""
    at = f"[{event.elapsed:6.1f}s]" + (f" {event.label}:" if several else "")
    if isinstance(event, StepStarted):
        return f"{at} {event.step}: {event.action}"
    if isinstance(event, StepEnded):
        detail = f": {event.detail}" if event.detail else ""
        mark = STATUS_WORDS.get(event.status, event.status)
        return f"{at} {event.step}: {mark} in {event.seconds:.1f}s{detail}"
    if isinstance(event, ShiftProgressed):
        message = event.progress.line()
    elif isinstance(event, UploadProgressed):
        message = event.line()
    else:
        message = event.message
    prefix = f"{event.step}: " if event.step != "deploy" else ""
    return f"{at} {prefix}{message}"
