"""The publish step: PublishVersion (guarded by CodeSha256), then wait until the
version is Active. A re-run that changes nothing reuses the alias's version when it
already runs exactly this code and configuration."""

from __future__ import annotations

from functools import partial
from typing import Any

from lambda_wait.deploy.model import Aftermath, ConcurrentDeployError, Config, Step, StepStatus
from lambda_wait.deploy.plan import config_changes
from lambda_wait.deploy.sender import Answer, Sender
from lambda_wait.deploy.spec import DesiredFunction
from lambda_wait.errors import FunctionNotFoundError, LambdaWaitError
from lambda_wait.states import FunctionSnapshot, Phase, assess


def publish_step(
    sender: Sender,
    desired: DesiredFunction,
    *,
    description: str | None = None,
    reuse_alias: str | None = None,
) -> Step:
    """The plan's publish step."""
    return Step(
        "publish",
        "PublishVersion, then wait until the version is Active",
        True,
        changed="version",
        live=_live,
        run=partial(
            publish, sender, desired=desired, description=description, reuse_alias=reuse_alias
        ),
    )


def _live(after: Aftermath) -> str:
    unusable = f" version {after.version} is not usable;" if after.version else ""
    return f"$LATEST has this deploy's code and configuration;{unusable} no alias was moved."


def publish(
    sender: Sender,
    step: Step,
    desired: DesiredFunction,
    *,
    description: str | None = None,
    reuse_alias: str | None = None,
) -> None:
    """Publish a version of $LATEST into :attr:`Sender.version` (or reuse the one
    ``reuse_alias`` points at) and wait until it is Active."""
    sender.ledger.begin(step)
    if reuse_alias:
        reused = version_behind_alias(sender, desired, reuse_alias)
        if reused is not None:
            sender.version = reused
            detail = f"version {reused} already has this code and configuration"
            sender.ledger.end(step, StepStatus.SKIPPED, detail)
            return
    params = _request(sender, desired, description)
    sha = params["CodeSha256"]

    def refresh(latest: Config) -> bool:
        # Our lost PublishVersion may have been applied (moving RevisionId). While
        # $LATEST still holds exactly this deploy, publishing again is safe: Lambda
        # answers with the version already made instead of making another.
        if latest.get("CodeSha256") != sha or config_changes(desired.config, latest)[0]:
            return False
        params["RevisionId"] = latest.get("RevisionId")
        return True

    def published(answer: Answer | None) -> str:
        version = str((answer or {}).get("Version") or "")
        if not version or version == "$LATEST":
            raise LambdaWaitError("PublishVersion answered without a version number")
        sender.version = version
        return version

    sender.wait_act_wait(
        step,
        lambda: sender.mutate(
            step,
            lambda: sender.api.publish_version(**params),
            already_done=lambda _current: False,
            refresh=refresh,
        ),
        label="version {qualifier}",
        wait_for=published,
        recent_create=True,
        reread=False,
    )
    sender.ledger.end(step, StepStatus.APPLIED, f"version {sender.version}")


def _request(sender: Sender, desired: DesiredFunction, description: str | None) -> dict[str, Any]:
    """PublishVersion's request, guarded by the CodeSha256 this deploy put in $LATEST."""
    current = sender.current or sender.read()
    sha = current.get("CodeSha256")
    want = desired.code.sha256
    if want is not None and sha != want:
        raise ConcurrentDeployError(
            f"$LATEST of {sender.name} has CodeSha256 {sha}, not the {want} deployed: "
            "another deployment changed it, so no version was published",
            hint="Re-run deploy once the other deployment has finished.",
        )
    params: dict[str, Any] = {"FunctionName": sender.name, "CodeSha256": sha}
    if current.get("RevisionId"):
        params["RevisionId"] = current["RevisionId"]
    if description:
        params["Description"] = description
    return params


def version_behind_alias(sender: Sender, desired: DesiredFunction, alias: str) -> str | None:
    """The alias's version if it already runs exactly what is deployed (no publish needed)."""
    try:
        found = sender.with_read_retries(lambda: sender.api.get_alias(sender.name, alias))
    except FunctionNotFoundError:
        return None
    version = str(found.get("FunctionVersion") or "")
    weights = (found.get("RoutingConfig") or {}).get("AdditionalVersionWeights")
    if not version or version == "$LATEST" or weights:
        return None
    try:
        config = sender.read(version)
    except FunctionNotFoundError:
        return None
    latest = sender.current or {}
    same_code = config.get("CodeSha256") == latest.get("CodeSha256")
    same_config = not config_changes(desired.config, config)[0]
    ready = assess(FunctionSnapshot.from_configuration(config)).phase is Phase.READY
    return version if same_code and same_config and ready else None
