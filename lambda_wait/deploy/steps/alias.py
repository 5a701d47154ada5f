"""The alias step: create the alias, or move it to the version just published.

An alias has no state of its own to wait for (Lambda changes it synchronously), so
its writes go through :meth:`~lambda_wait.deploy.sender.Sender.mutate` directly, each
conditional on the RevisionId last read. :func:`write_alias` is the one alias write,
shared with ``deploy --shift`` (:mod:`.shift`).

A plain move always sends ``RoutingConfig``: left out, UpdateAlias keeps the weights
an earlier (killed) shift left, and the alias would serve two versions while the
report says one. The step says so in its action and its detail when it clears any.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from lambda_wait.deploy.model import (
    Aftermath,
    ConcurrentDeployError,
    Config,
    Step,
    StepStatus,
)
from lambda_wait.deploy.plan import weights_text
from lambda_wait.deploy.sender import Sender
from lambda_wait.errors import ConflictError, FunctionNotFoundError

Weights = dict[str, float]


def alias_step(sender: Sender, alias: str, weights: Weights) -> Step:
    """The plan's alias step; ``weights`` are the routing weights the alias has now
    (as the planner read them), which the move clears."""
    action = f"point alias {alias} at the new version"
    if weights:
        action += f", clearing its routing weights ({weights_text(weights)})"
    return Step(
        "alias",
        action,
        True,
        changed="alias",
        live=partial(alias_not_moved, alias),
        run=partial(_run, sender, alias),
    )


def alias_not_moved(alias: str, after: Aftermath) -> str:
    """What is live when the alias step failed: the version, but not the alias."""
    return f"Version {after.version} is published and Active, but alias {alias} was not moved."


def routing(found: dict[str, Any] | None) -> Weights:
    """The alias's RoutingConfig weights (empty: it serves one version)."""
    config = (found or {}).get("RoutingConfig") or {}
    weights = config.get("AdditionalVersionWeights") or {}
    return {str(k): float(v) for k, v in weights.items()}


def _run(sender: Sender, alias: str, step: Step) -> None:
    version = sender.version
    if version is not None:
        point_alias(sender, step, alias, version)


def point_alias(sender: Sender, step: Step, alias: str, version: str) -> None:
    """Make ``alias`` point at ``version`` with no weights (skipped when it already does)."""
    sender.ledger.begin(step)
    existing = read_alias(sender, alias)
    if existing is None:
        _create(sender, step, alias, version)
        return
    weights = routing(existing)
    previous = existing.get("FunctionVersion")
    if str(previous) == version and not weights:
        sender.ledger.end(step, StepStatus.SKIPPED, f"{alias} already -> {version}")
        return
    write_alias(sender, step, alias, version, {}, existing.get("RevisionId"))
    detail = f"{alias}: {previous} -> {version}"
    if weights:
        detail += f"; routing weights cleared (were {weights_text(weights)})"
    sender.ledger.end(step, StepStatus.APPLIED, detail)


def _create(sender: Sender, step: Step, alias: str, version: str) -> None:
    try:
        sender.mutate(
            step,
            lambda: sender.api.create_alias(
                FunctionName=sender.name, Name=alias, FunctionVersion=version
            ),
            already_done=partial(_reads, sender, alias, version, {}),
            conflict_is_final=True,
        )
    except ConflictError as err:
        raise ConcurrentDeployError(
            f"alias {alias} was created by someone else meanwhile ({err.message})",
            hint="Re-run deploy to move it.",
        ) from None
    sender.ledger.end(step, StepStatus.APPLIED, f"created {alias} -> {version}")


def write_alias(
    sender: Sender,
    step: Step,
    alias: str,
    version: str,
    weights: Weights,
    revision: str | None,
) -> None:
    """UpdateAlias to ``version`` with ``weights`` (an empty map clears them), sent with
    ``revision`` (the RevisionId last read: a concurrent change is a conflict, exit 9,
    never overwritten) through :meth:`Sender.mutate`: after an ambiguous failure the
    alias is read back, and what was sent counts as done."""
    params: dict[str, Any] = {
        "FunctionName": sender.name,
        "Name": alias,
        "FunctionVersion": version,
        "RoutingConfig": {"AdditionalVersionWeights": dict(weights)},
    }
    if revision:
        params["RevisionId"] = revision
    sender.mutate(
        step,
        lambda: sender.api.update_alias(**params),
        already_done=partial(_reads, sender, alias, version, weights),
    )


def _reads(
    sender: Sender, alias: str, version: str, weights: Weights, _current: Config | None
) -> bool:
    """Whether the alias already reads ``version`` with ``weights``."""
    found = read_alias(sender, alias)
    if found is None or str(found.get("FunctionVersion")) != version:
        return False
    have = routing(found)
    return {k: round(v, 4) for k, v in have.items()} == {k: round(v, 4) for k, v in weights.items()}


def read_alias(sender: Sender, alias: str) -> dict[str, Any] | None:
    """The alias (GetAlias, with read retries), or None when it does not exist."""
    try:
        found: dict[str, Any] = sender.with_read_retries(
            lambda: sender.api.get_alias(sender.name, alias)
        )
    except FunctionNotFoundError:
        return None
    return found
