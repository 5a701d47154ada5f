"""The deploy's JSON section and exit code. Pure (plain data); how a deploy reads
to people is :mod:`lambda_wait.ui.deploy_view`.

Nothing here can carry a secret: environment values are masked in the plan,
snapshots keep variable names only, and presigned code URLs are never read.
"""

from __future__ import annotations

from typing import Any

from lambda_wait.deploy.runner import DeployResult
from lambda_wait.errors import ExitCode


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
        "skipped": result.names("skipped"),
        "plan": None if result.plan is None else result.plan.to_dict(),
        "live": result.live,
        "elapsed_seconds": round(result.elapsed, 3),
        "timeout_seconds": timeout,
    }


def result_code(result: DeployResult) -> ExitCode:
    """The exit code for one deploy: a dry run that found no problem is 0."""
    return ExitCode.READY if result.dry_run and result.error is None else result.exit_code
