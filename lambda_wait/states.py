"""The function state snapshot and its classification. Pure: no boto3, click or rich.

A :class:`FunctionSnapshot` is parsed from a FunctionConfiguration document
(GetFunctionConfiguration's answer, or GetFunction's ``Configuration``).
:func:`assess` tells a waiter and a human alike whether the function has
reached a :class:`Target`, is still on its way, or has stopped somewhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from lambda_wait.errors import ExitCode
from lambda_wait.reasons import DecodedReason, ReasonInfo, decode

# State values (botocore's enum). Unknown future values are kept verbatim.
PENDING = "Pending"
ACTIVE = "Active"
INACTIVE = "Inactive"
FAILED = "Failed"
DEACTIVATING = "Deactivating"
DEACTIVATED = "Deactivated"
ACTIVE_NON_INVOCABLE = "ActiveNonInvocable"
DELETING = "Deleting"
KNOWN_STATES = (
    PENDING,
    ACTIVE,
    INACTIVE,
    FAILED,
    DEACTIVATING,
    DEACTIVATED,
    ACTIVE_NON_INVOCABLE,
    DELETING,
)

# LastUpdateStatus values; absent right after a create and on some versions.
SUCCESSFUL = "Successful"
IN_PROGRESS = "InProgress"
KNOWN_UPDATE_STATUSES = (SUCCESSFUL, FAILED, IN_PROGRESS)


class Target(StrEnum):
    """The rule a function's own state must meet: the function-state ``wait --for``
    goals (``lambda_wait.targets.registry``) and every deploy's wait."""

    ACTIVE = "active"  # State Active (an update may still be running)
    UPDATED = "updated"  # LastUpdateStatus Successful
    READY = "ready"  # both: State Active and LastUpdateStatus Successful (or absent)


class Phase(StrEnum):
    """Where a function stands with respect to a target."""

    READY = "ready"
    IN_PROGRESS = "in-progress"
    FAILED = "failed"  # State Failed: unusable, delete and recreate
    UPDATE_FAILED = "update-failed"  # LastUpdateStatus Failed: previous version still live
    INACTIVE = "inactive"
    DELETING = "deleting"
    OTHER = "other"  # a state this version does not know: not ready, keep looking

    @property
    def terminal(self) -> bool:
        """True when polling further cannot change the answer by itself."""
        return self not in (Phase.IN_PROGRESS, Phase.OTHER)


PHASE_EXIT: dict[Phase, ExitCode] = {
    Phase.READY: ExitCode.READY,
    Phase.IN_PROGRESS: ExitCode.TIMEOUT,
    Phase.FAILED: ExitCode.FAILED,
    Phase.UPDATE_FAILED: ExitCode.FAILED,
    Phase.INACTIVE: ExitCode.INACTIVE,
    Phase.DELETING: ExitCode.NOT_FOUND,
    Phase.OTHER: ExitCode.TIMEOUT,
}


@dataclass(frozen=True)
class FunctionSnapshot:
    """One read of a function's configuration: the fields lambda-wait reasons about.

    Environment variable values are deliberately not kept: only their names.
    """

    function_name: str
    function_arn: str | None
    version: str | None
    state: str | None
    state_reason: str | None
    state_reason_code: str | None
    last_update_status: str | None
    last_update_status_reason: str | None
    last_update_status_reason_code: str | None
    package_type: str | None = None
    runtime: str | None = None
    last_modified: str | None = None
    code_sha256: str | None = None
    config_sha256: str | None = None
    revision_id: str | None = None
    vpc_id: str | None = None
    subnet_ids: tuple[str, ...] = ()
    security_group_ids: tuple[str, ...] = ()
    snap_start_apply_on: str | None = None
    snap_start_optimization_status: str | None = None
    environment_keys: tuple[str, ...] = ()

    @classmethod
    def from_configuration(cls, doc: Mapping[str, Any]) -> FunctionSnapshot:
        """Parse a FunctionConfiguration document; tolerant of missing or new fields."""
        if "Configuration" in doc and isinstance(doc["Configuration"], Mapping):
            doc = doc["Configuration"]
        vpc = doc.get("VpcConfig") or {}
        snap = doc.get("SnapStart") or {}
        env = (doc.get("Environment") or {}).get("Variables") or {}
        return cls(
            function_name=str(doc.get("FunctionName", "")),
            function_arn=doc.get("FunctionArn"),
            version=doc.get("Version"),
            state=doc.get("State"),
            state_reason=doc.get("StateReason"),
            state_reason_code=doc.get("StateReasonCode"),
            last_update_status=doc.get("LastUpdateStatus"),
            last_update_status_reason=doc.get("LastUpdateStatusReason"),
            last_update_status_reason_code=doc.get("LastUpdateStatusReasonCode"),
            package_type=doc.get("PackageType"),
            runtime=doc.get("Runtime"),
            last_modified=doc.get("LastModified"),
            code_sha256=doc.get("CodeSha256"),
            config_sha256=doc.get("ConfigSha256"),
            revision_id=doc.get("RevisionId"),
            vpc_id=vpc.get("VpcId") or None,
            subnet_ids=tuple(vpc.get("SubnetIds") or ()),
            security_group_ids=tuple(vpc.get("SecurityGroupIds") or ()),
            snap_start_apply_on=snap.get("ApplyOn"),
            snap_start_optimization_status=snap.get("OptimizationStatus"),
            environment_keys=tuple(sorted(env)),
        )

    @property
    def in_vpc(self) -> bool:
        return bool(self.vpc_id or self.subnet_ids)

    @property
    def state_decoded(self) -> DecodedReason | None:
        return decode(self.state_reason_code, self.state_reason)

    @property
    def update_decoded(self) -> DecodedReason | None:
        return decode(self.last_update_status_reason_code, self.last_update_status_reason)

    @property
    def key(self) -> tuple[str | None, str | None, str | None]:
        """What counts as a change worth reporting (not every poll)."""
        return (self.state, self.last_update_status, self.last_update_status_reason_code)

    def to_dict(self) -> dict[str, object]:
        """JSON form: every state field plus decoded reasons (no environment values)."""
        state_decoded = self.state_decoded
        update_decoded = self.update_decoded
        return {
            "function_name": self.function_name,
            "function_arn": self.function_arn,
            "version": self.version,
            "state": self.state,
            "state_reason": self.state_reason,
            "state_reason_code": self.state_reason_code,
            "last_update_status": self.last_update_status,
            "last_update_status_reason": self.last_update_status_reason,
            "last_update_status_reason_code": self.last_update_status_reason_code,
            "package_type": self.package_type,
            "runtime": self.runtime,
            "last_modified": self.last_modified,
            "code_sha256": self.code_sha256,
            "config_sha256": self.config_sha256,
            "revision_id": self.revision_id,
            "in_vpc": self.in_vpc,
            "vpc_id": self.vpc_id,
            "snap_start": {
                "apply_on": self.snap_start_apply_on,
                "optimization_status": self.snap_start_optimization_status,
            },
            "environment_variable_names": list(self.environment_keys),
            "state_reason_decoded": None if state_decoded is None else state_decoded.to_dict(),
            "last_update_status_reason_decoded": (
                None if update_decoded is None else update_decoded.to_dict()
            ),
        }


@dataclass(frozen=True)
class Assessment:
    """A snapshot judged against a target."""

    phase: Phase
    summary: str
    reason: DecodedReason | None

    @property
    def exit_code(self) -> ExitCode:
        return PHASE_EXIT[self.phase]

    @property
    def done(self) -> bool:
        return self.phase.terminal


def assess(snap: FunctionSnapshot, target: Target = Target.READY) -> Assessment:
    """Classify ``snap`` with respect to ``target``; never raises on unknown values."""
    stopped = _state_verdict(snap)
    if stopped is not None:
        return stopped
    if target is not Target.ACTIVE and snap.last_update_status == FAILED:
        return Assessment(
            Phase.UPDATE_FAILED,
            "LastUpdateStatus Failed: the update was not applied; the previous code and "
            "configuration are still live",
            snap.update_decoded,
        )
    return _RULES[target](snap)


def _state_verdict(snap: FunctionSnapshot) -> Assessment | None:  # noqa: PLR0911 -- the State table: one return per State
    """What the State alone decides, whatever the target (None: it decides nothing)."""
    state = snap.state
    if state == FAILED:
        return Assessment(
            Phase.FAILED,
            "State Failed: the function cannot be used; delete and recreate it",
            snap.state_decoded,
        )
    if state == INACTIVE:
        return Assessment(
            Phase.INACTIVE,
            "Inactive: an invocation restores it",
            snap.update_decoded if snap.last_update_status == FAILED else snap.state_decoded,
        )
    if state in (DEACTIVATING, DEACTIVATED):
        return Assessment(
            Phase.INACTIVE,
            f"State {state}: it will not become Active by itself",
            snap.state_decoded,
        )
    if state == DELETING:
        return Assessment(
            Phase.DELETING, "State Deleting: the function is being deleted", snap.state_decoded
        )
    # An unknown (future) State is shown verbatim and never read as anything else, even
    # when LastUpdateStatus says Failed: we cannot claim the previous version still serves.
    if state is not None and state not in KNOWN_STATES:
        return Assessment(
            Phase.OTHER, f"unknown State {state!r}: treated as not ready", snap.state_decoded
        )
    # Pending first: no update can run while Pending, so a LastUpdateStatus Failed seen
    # then is left over from an earlier attempt (e.g. a failed restore being retried).
    if state == PENDING:
        return Assessment(Phase.IN_PROGRESS, "Pending", snap.state_decoded)
    return None


def _active(snap: FunctionSnapshot) -> bool:
    # Terraform treats ActiveNonInvocable (Lambda Managed Instances) as a finished create.
    return snap.state in (ACTIVE, ACTIVE_NON_INVOCABLE)


_NOTHING_YET = Assessment(Phase.OTHER, "no State reported yet", None)

# AWS answers an update in progress with LastUpdateStatusReasonCode "Creating" and
# "The function is being created." (recorded: lambda-facts.md), even on an Active
# function: the explanation must be the update's, not the create's.
UPDATE_IN_PROGRESS = ReasonInfo(
    "Creating",
    "Update in progress",
    "Lambda is applying an UpdateFunctionCode or UpdateFunctionConfiguration (AWS reports "
    "the code Creating for updates too); invocations run the previous code and "
    "configuration meanwhile.",
    "Wait: usually a few seconds, about a minute when the VPC configuration changes "
    "(lambda-wait wait, with the function's name, waits for it). Another update, "
    "PublishVersion and TagResource are refused (409) until it ends.",
    transient=True,
)


def _update_reason(snap: FunctionSnapshot) -> DecodedReason | None:
    """The reason of an update in progress, explained as an update."""
    decoded = snap.update_decoded
    if snap.state == PENDING or (decoded is not None and decoded.code not in (None, "Creating")):
        return decoded  # a create still running, or a code that says more
    if decoded is None:
        return DecodedReason(code=None, aws_message=None, info=UPDATE_IN_PROGRESS)
    return DecodedReason(
        code=decoded.code, aws_message=decoded.aws_message, info=UPDATE_IN_PROGRESS
    )


def _unknown_update(snap: FunctionSnapshot) -> Assessment | None:
    update = snap.last_update_status
    if update is not None and update not in KNOWN_UPDATE_STATUSES:
        return Assessment(
            Phase.OTHER,
            f"unknown LastUpdateStatus {update!r}: treated as not ready",
            snap.update_decoded,
        )
    return None


def _rule_active(snap: FunctionSnapshot) -> Assessment:
    """State Active; LastUpdateStatus is ignored, values this version does not know too."""
    if _active(snap):
        return Assessment(Phase.READY, f"State {snap.state}", None)
    return _NOTHING_YET


def _rule_updated(snap: FunctionSnapshot) -> Assessment:
    update = snap.last_update_status
    unknown = _unknown_update(snap)
    if unknown is not None:
        return unknown
    if update == SUCCESSFUL or (update is None and _active(snap)):
        return Assessment(Phase.READY, "LastUpdateStatus Successful", None)
    if update == IN_PROGRESS:
        return Assessment(Phase.IN_PROGRESS, "update InProgress", _update_reason(snap))
    return _NOTHING_YET


def _rule_ready(snap: FunctionSnapshot) -> Assessment:
    update = snap.last_update_status
    unknown = _unknown_update(snap)
    if unknown is not None:
        return unknown
    if _active(snap) and update in (SUCCESSFUL, None):
        return Assessment(Phase.READY, "Active and Successful" if update else "Active", None)
    if update == IN_PROGRESS:
        return Assessment(Phase.IN_PROGRESS, "update InProgress", _update_reason(snap))
    return _NOTHING_YET


_RULES = {Target.ACTIVE: _rule_active, Target.UPDATED: _rule_updated, Target.READY: _rule_ready}
