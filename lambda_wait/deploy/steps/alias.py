"""The alias step: create the alias, or move it to the version just published.

An alias has no state of its own to wait for (Lambda changes it synchronously), so
this step sends through :meth:`~lambda_wait.deploy.sender.Sender.mutate` directly.
"""

from __future__ import annotations

from typing import Any

from lambda_wait.deploy.model import ConcurrentDeployError, Config, Step, StepStatus
from lambda_wait.deploy.sender import Sender
from lambda_wait.errors import ConflictError, FunctionNotFoundError


def point_alias(sender: Sender, step: Step, alias: str, version: str) -> None:
    """Make ``alias`` point at ``version`` (skipped when it already does)."""
    sender.ledger.begin(step)
    existing = _get(sender, alias)
    if existing is not None and str(existing.get("FunctionVersion")) == version:
        sender.ledger.end(step, StepStatus.SKIPPED, f"{alias} already -> {version}")
        return

    def points_at_version(_current: Config | None) -> bool:
        found = _get(sender, alias)
        return found is not None and str(found.get("FunctionVersion")) == version

    if existing is None:
        try:
            sender.mutate(
                step,
                lambda: sender.api.create_alias(
                    FunctionName=sender.name, Name=alias, FunctionVersion=version
                ),
                already_done=points_at_version,
                conflict_is_final=True,
            )
        except ConflictError as err:
            raise ConcurrentDeployError(
                f"alias {alias} was created by someone else meanwhile ({err.message})",
                hint="Re-run deploy to move it.",
            ) from None
        sender.ledger.end(step, StepStatus.APPLIED, f"created {alias} -> {version}")
        return
    params: dict[str, Any] = {
        "FunctionName": sender.name,
        "Name": alias,
        "FunctionVersion": version,
    }
    if existing.get("RevisionId"):
        params["RevisionId"] = existing["RevisionId"]
    previous = existing.get("FunctionVersion")
    sender.mutate(step, lambda: sender.api.update_alias(**params), already_done=points_at_version)
    sender.ledger.end(step, StepStatus.APPLIED, f"{alias}: {previous} -> {version}")


def _get(sender: Sender, alias: str) -> dict[str, Any] | None:
    try:
        found: dict[str, Any] = sender.with_read_retries(
            lambda: sender.api.get_alias(sender.name, alias)
        )
    except FunctionNotFoundError:
        return None
    return found
