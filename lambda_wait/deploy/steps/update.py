"""The update step, one type for both kinds: UpdateFunctionCode or
UpdateFunctionConfiguration (only the differing fields), then wait until Successful.

Each request carries the RevisionId of the last read, so a concurrent deployer's
change is detected (412), not overwritten. An update that Failed for a transient
reason is sent once more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from lambda_wait.deploy.model import Aftermath, ConcurrentDeployError, Config, Step, StepStatus
from lambda_wait.deploy.plan import Plan, config_changes
from lambda_wait.deploy.port import LambdaPort
from lambda_wait.deploy.sender import AlreadyDone, Answer, Sender
from lambda_wait.deploy.spec import DesiredFunction
from lambda_wait.schedule import OperationKind


@dataclass(frozen=True)
class Update:
    """One update: its request, how to see it in place, and what to check afterwards."""

    what: str  # "code" or "configuration"
    params: dict[str, Any]  # the request without FunctionName and RevisionId
    send: Callable[[LambdaPort, dict[str, Any]], Answer]
    done: AlreadyDone
    # Checks the function once the update succeeded; returns the step's detail.
    settled: Callable[[Config], str]


def update_kind(change: Update) -> OperationKind:
    """What the schedule expects: a network change takes about a minute, else seconds."""
    if "VpcConfig" in change.params:
        return OperationKind.VPC
    return OperationKind.CODE_UPDATE if change.what == "code" else OperationKind.CONFIG_UPDATE


def code_update(desired: DesiredFunction, name: str) -> Update:
    """UpdateFunctionCode with the desired package (and architectures)."""
    sha = desired.code.sha256
    params = dict(desired.code.update_params())
    if desired.architectures:
        params["Architectures"] = list(desired.architectures)

    def done(current: Config | None) -> bool:
        return current is not None and sha is not None and current.get("CodeSha256") == sha

    def settled(current: Config) -> str:
        new_sha = current.get("CodeSha256")
        if sha is not None and new_sha != sha:
            raise ConcurrentDeployError(
                f"after the code update {name} has CodeSha256 {new_sha}, not {sha}: "
                "another deployment changed the code",
                hint="Re-run deploy once the other deployment has finished.",
            )
        return f"CodeSha256 {new_sha}"

    return Update(
        "code",
        params,
        lambda api, request: api.update_function_code(**request),
        done,
        settled,
    )


def configuration_update(desired: DesiredFunction, current: Config) -> Update | None:
    """UpdateFunctionConfiguration with the fields that differ from ``current``, or None."""
    fields, _ = config_changes(desired.config, current)
    if not fields:
        return None

    def done(latest: Config | None) -> bool:
        return latest is not None and not config_changes(desired.config, latest)[0]

    return Update(
        "configuration",
        fields,
        lambda api, request: api.update_function_configuration(**request),
        done,
        lambda _current: "fields: " + ", ".join(sorted(fields)),
    )


def code_step(sender: Sender, desired: DesiredFunction, plan: Plan) -> Step:
    """The plan's code step (skipped at once when the code is unchanged)."""
    step = Step(
        "update-code",
        "UpdateFunctionCode, then wait until Successful",
        True,
        changed="code",
        run=partial(update, sender, build=partial(_code, desired, sender.name)),
    )
    step.live = partial(_kept, step)
    if not plan.code.update:
        step.status, step.detail = StepStatus.SKIPPED, f"unchanged: {plan.code.reason}"
    return step


def configuration_step(sender: Sender, desired: DesiredFunction, plan: Plan, code: Step) -> Step:
    """The plan's configuration step, after ``code`` (what is live depends on it)."""
    step = Step(
        "update-configuration",
        "UpdateFunctionConfiguration (differing fields only), then wait until Successful",
        True,
        changed="configuration",
        run=partial(update, sender, build=partial(configuration_update, desired)),
    )
    step.live = partial(_configuration_kept, code, step)
    if not plan.config_update:
        step.status, step.detail = StepStatus.SKIPPED, "unchanged"
    else:
        step.detail = "fields: " + ", ".join(sorted(plan.config_update))
    return step


def _code(desired: DesiredFunction, name: str, _current: Config) -> Update:
    return code_update(desired, name)


def _kept(step: Step, after: Aftermath) -> str:
    """An update step failed: Lambda keeps the previous code and configuration live."""
    return (
        f"Lambda kept the previous code and configuration live: the {step.name} step was "
        "not applied."
    )


def _configuration_kept(code: Step, step: Step, after: Aftermath) -> str:
    if code.status is not StepStatus.APPLIED:
        return _kept(step, after)
    return (
        "The new code is live with the previous configuration: the configuration update "
        "was not applied."
    )


def update(sender: Sender, step: Step, build: Callable[[Config], Update | None]) -> None:
    """Run the update ``build`` makes from the current configuration (None: skipped)."""
    sender.ledger.begin(step)
    change = build(sender.current or {})
    if change is None:
        sender.ledger.end(step, StepStatus.SKIPPED, "already in place")
        return

    def send() -> Answer:
        request: dict[str, Any] = {"FunctionName": sender.name, **change.params}
        revision = (sender.current or {}).get("RevisionId")
        if revision:
            request["RevisionId"] = revision
        return change.send(sender.api, request)

    sender.wait_act_wait(
        step,
        lambda: sender.mutate(step, send, already_done=change.done),
        label=f"the {change.what} update",
        transient_retries=sender.retry.transient_update_retries,
        kind=update_kind(change),
    )
    sender.ledger.end(step, StepStatus.APPLIED, change.settled(sender.current or {}))
