"""The pre-flight guard: refuse, before any change, to deploy onto a function that
cannot take it (nothing is sent when it refuses)."""

from __future__ import annotations

from lambda_wait.cooldown import CooldownStore, cooldown_key, iso
from lambda_wait.deploy.model import DeployBlockedError, reason_text
from lambda_wait.errors import ExitCode
from lambda_wait.reasons import DecodedReason
from lambda_wait.states import FunctionSnapshot, Phase, Target, assess


def check_before_acting(
    snap: FunctionSnapshot,
    name: str,
    region: str | None,
    cooldowns: CooldownStore | None = None,
) -> None:
    """Refuse, before any change, to deploy onto a function that cannot take it.

    Failed (delete and recreate), Inactive or cooling down (restore it first; a
    cooldown seen now or remembered in ``cooldowns`` from an earlier run is exit 6
    with the earliest retry time), being deleted, or in a State this version does
    not know.
    """
    assessment = assess(snap, Target.READY)
    phase = assessment.phase
    where = f" --region {region}" if region else ""
    if phase is Phase.FAILED:
        raise DeployBlockedError(
            f"{name} is in State Failed ({reason_text(assessment.reason, 'no reason given')}): "
            "an update cannot repair it",
            exit_code=ExitCode.FAILED,
            hint="Re-run deploy with --recreate-failed to delete it and create it again (or "
            f"delete it yourself: aws lambda delete-function --function-name {name}{where}).",
            reason=assessment.reason,
        )
    if phase is Phase.INACTIVE:
        raise _inactive(snap, assessment.reason, name, region, cooldowns)
    if phase is Phase.DELETING:
        raise DeployBlockedError(
            f"{name} is being deleted",
            exit_code=ExitCode.NOT_FOUND,
            hint="Re-run deploy once the deletion has finished to create it again.",
        )
    if phase is Phase.OTHER and snap.state is not None:
        raise DeployBlockedError(
            f"{name} is in State {snap.state!r}, unknown to this version of lambda-wait: "
            "not deploying onto it",
            exit_code=ExitCode.FAILED,
            hint=f"Check it with `lambda-wait status {name}`; upgrade lambda-wait.",
        )


def _inactive(
    snap: FunctionSnapshot,
    reason: DecodedReason | None,
    name: str,
    region: str | None,
    cooldowns: CooldownStore | None,
) -> DeployBlockedError:
    """Why an Inactive function is refused: a cooldown remembered from an earlier run or
    seen now (exit 6, with the earliest retry time), else restore it first (exit 7)."""
    remembered = None
    if cooldowns is not None:
        remembered = cooldowns.get(cooldown_key(snap.function_arn, name, region))
    if remembered is not None:
        return DeployBlockedError(
            f"{name} is Inactive and a cooldown is in effect ({remembered.code}): Lambda "
            f"will not retry its network setup before {iso(remembered.retry_not_before)} "
            "(UTC)",
            exit_code=ExitCode.COOLDOWN,
            hint=f"Re-run deploy after {iso(remembered.retry_not_before)} (UTC).",
            reason=reason,
        )
    if reason is not None and reason.cooldown:
        return DeployBlockedError(
            f"{name} is Inactive and its last restore failed with {reason.code}: Lambda "
            "waits at least 5 minutes before it tries again",
            exit_code=ExitCode.COOLDOWN,
            hint=(reason.remedy or "") + " Re-run deploy after the cooldown.",
            reason=reason,
        )
    return DeployBlockedError(
        f"{name} is {snap.state} (idle: Lambda reclaimed its network interfaces); "
        "changing it now would fail",
        exit_code=ExitCode.INACTIVE,
        hint=f"Restore it first (invoke it, or `lambda-wait wait {name} --wake` where "
        "available), then re-run deploy.",
        reason=reason,
    )
