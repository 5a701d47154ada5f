"""The deploy's JSON section, its exit code and what is live after a failure. Pure
(plain data); how a deploy reads to people is :mod:`lambda_wait.ui.deploy_view`.

Nothing here can carry a secret: environment values are masked in the plan,
snapshots keep variable names only, and presigned code URLs are never read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lambda_wait.deploy.model import (
    DeployBlockedError,
    DeployFailedError,
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
        "elapsed_seconds": round(result.elapsed, 3),
        "timeout_seconds": timeout,
    }


def result_code(result: DeployResult) -> ExitCode:
    """The exit code for one deploy: a dry run that found no problem is 0."""
    return ExitCode.READY if result.dry_run and result.error is None else result.exit_code


def live_note(  # noqa: PLR0911 -- one sentence per step that can fail, in deploy order
    steps: Sequence[Step],
    failed: Step | None,
    error: LambdaWaitError,
    *,
    function: str,
    region: str | None,
    version: str | None,
    alias: str | None,
) -> str:
    """What is live in AWS after a failure, in one or two sentences; ``failed`` is the
    step that was running when the deploy stopped (None: it stopped between steps)."""
    applied = [s.name for s in steps if s.status == StepStatus.APPLIED]
    name = failed.name if failed is not None else None
    where = f" --region {region}" if region else ""
    delete = f"aws lambda delete-function --function-name {function}{where}"
    if isinstance(error, DeployBlockedError):
        return "Nothing was changed: the deploy stopped before its first change."
    if failed is not None and failed.status == StepStatus.UNKNOWN:
        return (
            f"{name} was under way: AWS may still be finishing it; steps applied "
            f"before it: {', '.join(applied) or 'none'}. Re-running deploy converges."
        )
    if error.exit_code in (ExitCode.INTERRUPTED, ExitCode.TERMINATED):
        return (
            f"Stopped between steps; steps applied: {', '.join(applied) or 'none'}. AWS may "
            "still be finishing the last one. Re-running deploy converges."
        )
    if name == "create":
        if isinstance(error, DeployFailedError):
            return (
                "The function was created but is in State Failed and cannot run: delete "
                f"it before re-running: {delete}"
            )
        return "Nothing was created."
    if name in ("update-code", "update-configuration"):
        if name == "update-code" or "update-code" not in applied:
            return (
                f"Lambda kept the previous code and configuration live: the {name} step "
                "was not applied."
            )
        return (
            "The new code is live with the previous configuration: the configuration "
            "update was not applied."
        )
    if name == "publish":
        unusable = f" version {version} is not usable;" if version else ""
        return f"$LATEST has this deploy's code and configuration;{unusable} no alias was moved."
    if name == "provisioned-concurrency":
        return (
            f"Alias {alias} points to version {version} (this deploy's code), but its "
            "provisioned concurrency is not READY: invocations run on on-demand concurrency "
            "(cold starts)."
        )
    if name == "alias":
        return f"Version {version} is published and Active, but alias {alias} was not moved."
    if applied:
        return f"Applied before the failure: {', '.join(applied)}."
    return "Nothing was changed."
