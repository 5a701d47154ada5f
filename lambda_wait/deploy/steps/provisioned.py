"""The provisioned-concurrency step: once the alias points at the new version, put the
alias's provisioned concurrency config and wait until it is READY; ``0`` removes it;
an unchanged amount sends nothing (Lambda re-allocates the config on the alias's new
version by itself) but is still waited for.

:func:`preflight` runs before the deploy's first change and only reads: what Lambda
would refuse after the alias moved (routing weights on the alias, more than the
function's reserved or the account's unreserved concurrency) is bad input (exit 2)
while nothing has been changed yet. The AWS rules and their sources are in
docs/deploy.md ("Provisioned concurrency and event source mappings: the AWS rules").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from lambda_wait.deploy.model import (
    Aftermath,
    DeployFailedError,
    DeployTimeoutError,
    Step,
    StepStatus,
)
from lambda_wait.deploy.port import LambdaPort
from lambda_wait.deploy.sender import Sender
from lambda_wait.errors import (
    AuthError,
    FunctionNotFoundError,
    InvalidRequestError,
    UnexpectedAnswerError,
    UsageError,
)
from lambda_wait.serving.provisioned import (
    ProvisionedAction,
    ProvisionedSnapshot,
    check_limit,
    check_routing,
    plan_provisioned,
    provisioned_limit,
    rollback_hint,
)
from lambda_wait.serving.watch import ServingCheck, wait_serving
from lambda_wait.states import Phase


@dataclass(frozen=True)
class ProvisionedPlan:
    """What the step will do, decided before the deploy's first change."""

    alias: str
    desired: int
    action: ProvisionedAction
    current: ProvisionedSnapshot | None
    previous_version: str | None  # where the alias pointed before this deploy

    @property
    def before(self) -> int:
        """The amount requested before this deploy (0: no config)."""
        return (self.current.requested or 0) if self.current is not None else 0

    @property
    def description(self) -> str:
        if self.action is ProvisionedAction.PUT:
            return (
                f"PutProvisionedConcurrencyConfig {self.desired} on {self.alias}, wait until READY"
            )
        if self.action is ProvisionedAction.DELETE:
            return f"DeleteProvisionedConcurrencyConfig on {self.alias}"
        if self.current is not None:
            return (
                f"provisioned concurrency on {self.alias} unchanged ({self.desired}): "
                "wait until READY"
            )
        return f"no provisioned concurrency on {self.alias}"


def preflight(api: LambdaPort, name: str, alias: str, desired: int) -> ProvisionedPlan:
    """Read the alias, its config and the limits; raise UsageError for what Lambda would
    refuse. No change is sent."""
    try:
        alias_doc: dict[str, Any] | None = api.get_alias(name, alias)
    except FunctionNotFoundError:
        alias_doc = None  # the function or the alias is created by this deploy
    current: ProvisionedSnapshot | None = None
    if alias_doc is not None:
        doc = api.get_provisioned_concurrency_config(name, alias)
        if doc is not None:
            current = ProvisionedSnapshot.from_response(name, alias, doc)
    action = plan_provisioned(desired, current)
    previous = None if alias_doc is None else alias_doc.get("FunctionVersion")
    if action is not ProvisionedAction.NONE and alias_doc is not None:
        weights = (alias_doc.get("RoutingConfig") or {}).get("AdditionalVersionWeights")
        problem = check_routing(alias, weights)
        if problem:
            raise UsageError(problem)
    if action is ProvisionedAction.PUT:
        reserved = _optional(lambda: api.get_function_concurrency(name)) if alias_doc else None
        unreserved = _optional(api.get_unreserved_concurrency)
        held = (current.requested or 0) if current is not None else 0
        limit = provisioned_limit(
            reserved=reserved, unreserved=unreserved, current_on_qualifier=held
        )
        problem = check_limit(desired, limit, reserved=reserved)
        if problem:
            raise UsageError(problem)
    return ProvisionedPlan(
        alias, desired, action, current, None if previous is None else str(previous)
    )


def _optional(read: Any) -> int | None:
    """A limit read that may be refused (permission, an endpoint without it): unknown."""
    try:
        value = read()
    # UnexpectedAnswerError: not Lambda's answer, e.g. a local endpoint without the API.
    except (AuthError, FunctionNotFoundError, InvalidRequestError, UnexpectedAnswerError):
        return None
    return value if isinstance(value, int) else None


def provisioned_step(sender: Sender, plan: ProvisionedPlan) -> Step:
    """The plan's provisioned-concurrency step (after the alias step)."""
    return Step(
        "provisioned-concurrency",
        plan.description,
        True,
        live=partial(_live, plan.alias),
        run=partial(_run, sender, plan),
    )


def _live(alias: str, after: Aftermath) -> str:
    return (
        f"Alias {alias} points to version {after.version} (this deploy's code), but its "
        "provisioned concurrency is not READY: invocations run on on-demand concurrency "
        "(cold starts)."
    )


def _run(sender: Sender, plan: ProvisionedPlan, step: Step) -> None:
    if sender.version is not None:
        set_provisioned(sender, step, plan, sender.version)


def set_provisioned(sender: Sender, step: Step, plan: ProvisionedPlan, version: str) -> None:
    """Wait until no allocation is in progress, act, wait until READY (or FAILED)."""
    sender.ledger.begin(step)
    name, alias = sender.name, plan.alias
    if plan.action is ProvisionedAction.NONE and plan.current is None:
        sender.ledger.end(step, StepStatus.SKIPPED, f"no provisioned concurrency on {alias}")
        return
    if plan.action is not ProvisionedAction.NONE:
        _settle(sender, step, plan, version, judge=False)  # a Put or Delete now is refused
        api = sender.api
        if plan.action is ProvisionedAction.DELETE:

            def delete() -> dict[str, Any]:
                api.delete_provisioned_concurrency_config(name, alias)
                return {}

            sender.mutate(
                step,
                delete,
                already_done=lambda _c: api.get_provisioned_concurrency_config(name, alias) is None,
                conflict_is_final=False,
            )
            step.changed = step.left = f"provisioned concurrency on {alias} {plan.before} -> 0"
            sender.ledger.end(step, StepStatus.APPLIED, f"removed from {alias}")
            return

        def put_applied(_current: Any) -> bool:
            doc = api.get_provisioned_concurrency_config(name, alias)
            return (
                doc is not None
                and doc.get("RequestedProvisionedConcurrentExecutions") == plan.desired
            )

        sender.wait_act_wait(
            step,
            lambda: sender.mutate(
                step,
                lambda: api.put_provisioned_concurrency_config(name, alias, plan.desired),
                already_done=put_applied,
            ),
            label=f"provisioned concurrency on {alias}",
            wait_for=lambda _answer: alias,
            reread=False,
        )
        step.changed = step.left = (
            f"provisioned concurrency on {alias} {plan.before} -> {plan.desired}"
        )
    snapshot = _settle(sender, step, plan, version, judge=True)
    status = StepStatus.APPLIED if plan.action is ProvisionedAction.PUT else StepStatus.SKIPPED
    done = "" if plan.action is ProvisionedAction.PUT else "unchanged, "
    sender.ledger.end(step, status, f"{alias}: {done}{snapshot.counts if snapshot else ''} READY")


def _settle(
    sender: Sender, step: Step, plan: ProvisionedPlan, version: str, *, judge: bool
) -> ProvisionedSnapshot | None:
    """Wait until the alias's config is not IN_PROGRESS; with ``judge``, FAILED or a
    timeout stop the deploy with what is live and how to go back."""
    check = ServingCheck(qualifier=plan.alias, provisioned="auto")

    def changed(snap: Any, verdict: Any) -> None:
        if judge or snap.provisioned is not None:  # before the Put: only a config's news
            sender.ledger.note(step, verdict.summary)

    result = wait_serving(
        sender.api,
        sender.name,
        check,
        clock=sender.clock,
        deadline=sender.deadline,
        on_change=changed,
    )
    snapshot = None if result.snapshot is None else result.snapshot.provisioned
    if not judge:
        if result.timed_out and not result.assessment.done:
            raise DeployTimeoutError(
                f"the deploy's --timeout ran out while {plan.alias}'s provisioned concurrency "
                "was still allocating from an earlier change",
                hint=f"`lambda-wait wait {sender.name} --qualifier {plan.alias} --for "
                "provisioned`, then re-run deploy.",
            )
        return snapshot
    if result.timed_out and not result.assessment.done:
        raise DeployTimeoutError(
            f"the deploy's --timeout ran out while provisioned concurrency on {plan.alias} "
            f"was allocating ({result.assessment.summary})",
            hint=f"Alias {plan.alias} already points to version {version}. Follow it with "
            f"`lambda-wait wait {sender.name} --qualifier {plan.alias} --for provisioned`.",
        )
    if result.assessment.phase is not Phase.READY:
        verdict = result.assessment
        raise DeployFailedError(
            verdict.summary,
            hint=rollback_hint(sender.name, plan.alias, plan.previous_version),
            reason=verdict.reason,
        )
    return snapshot
