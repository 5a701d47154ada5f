"""The deploy's JSON section, its exit code (:func:`decide_exit_code`, the one place)
and what is live after a failure. Pure
(plain data); how a deploy reads to people is :mod:`lambda_wait.ui.deploy_view`.

Nothing here can carry a secret: environment values are masked in the plan,
snapshots keep variable names only, and presigned code URLs are never read.
"""

from __future__ import annotations

from typing import Any

from lambda_wait.deploy.model import (
    Aftermath,
    DeployBlockedError,
    DeployResult,
    Step,
    StepStatus,
)
from lambda_wait.errors import ExitCode, LambdaWaitError


def deploy_json(result: DeployResult, *, timeout: float) -> dict[str, Any]:
    """The ``deploy`` key of the JSON envelope."""
    return {
        "function": result.function,
        "action": result.action,
        "dry_run": result.dry_run,
        "function_arn": None if result.snapshot is None else result.snapshot.function_arn,
        "version": result.version,
        "alias": result.alias,
        "code_sha256": result.code_sha256,
        "changed": result.changed,
        "steps": [step.to_dict() for step in result.steps],
        "applied": result.applied,
        "not_applied": result.not_applied,
        "skipped": result.names(StepStatus.SKIPPED),
        "plan": None if result.plan is None else result.plan.to_dict(),
        "live": result.live,
        "shift": None if result.shift is None else result.shift.to_dict(),
        "function_url": result.function_url,
        "elapsed_seconds": round(result.elapsed, 3),
        "timeout_seconds": timeout,
    }


def decide_exit_code(
    error: LambdaWaitError | None, *, dry_run: bool, changes: bool, detailed: bool
) -> ExitCode:
    """The one place a deploy's exit code is decided: the error's code when it stopped
    on one; else 0, or 11 (changes-pending) for a dry run with ``--detailed-exitcode``
    that would change something (terraform's -detailed-exitcode, on a free code)."""
    if error is not None:
        return error.exit_code
    if dry_run and detailed and changes:
        return ExitCode.CHANGES_PENDING
    return ExitCode.READY


def live_note(failed: Step | None, aftermath: Aftermath) -> str:
    """What is live in AWS after a failure, in one or two sentences; ``failed`` is the
    step the deploy stopped in (None: it stopped between steps). A step that knows what
    its failure leaves live says so (its ``live``); the rest is the same for every step."""
    applied = ", ".join(aftermath.applied) or "none"
    error = aftermath.error
    if isinstance(error, DeployBlockedError):
        return "Nothing was changed: the deploy stopped before its first change."
    if failed is not None and failed.status == StepStatus.UNKNOWN:
        return (
            f"{failed.name} was under way: AWS may still be finishing it; steps applied "
            f"before it: {applied}. Re-running deploy converges."
        )
    note = None if failed is None or failed.live is None else failed.live(aftermath)
    if note is not None:
        return note
    if error.exit_code in (ExitCode.INTERRUPTED, ExitCode.TERMINATED):
        return (
            f"Stopped between steps; steps applied: {applied}. AWS may "
            "still be finishing the last one. Re-running deploy converges."
        )
    if aftermath.applied:
        return f"Applied before the failure: {applied}."
    return "Nothing was changed."
