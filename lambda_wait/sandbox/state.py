"""The per-function state machine, computed lazily from a timeline.

Nothing runs in the background: each asynchronous operation is stored with its
start, its end (already time-scaled) and its outcome, and every read first
*settles* the operations whose end has passed. The caller holds the sandbox
lock and passes the current time from the injectable clock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from lambda_wait.sandbox import codes
from lambda_wait.sandbox.errors import ApiError
from lambda_wait.sandbox.scenario import Failure
from lambda_wait.sandbox.serving import ProvisionedConfig
from lambda_wait.sandbox.timeline import Op

# The message AWS gives, e.g. "... in the following state: Pending".
STATE_CONFLICT = (
    "The operation cannot be performed at this time. "
    "The function is currently in the following state: {state}"
)
UPDATE_CONFLICT = (
    "The operation cannot be performed at this time. An update is in progress for resource: {arn}"
)
CODE_ARTIFACT_PENDING = "Lambda is initializing your function. It will be ready to invoke shortly."
NOT_READY = (
    "The function is currently in the Inactive state. Lambda is restoring its network "
    "resources; retry the invocation later."
)
SNAPSTART_NOT_READY = (
    "Lambda is initializing your function. It will be ready to invoke once the SnapStart "
    "snapshot is created."
)
# AWS's answer (HTTP 412) to a mutation whose RevisionId is not the current one.
REVISION_MISMATCH = (
    "The Revision Id provided does not match the latest Revision Id. "
    "Call the GetFunction/GetAlias API to retrieve the latest Revision Id"
)
# AWS's answer (HTTP 400) to PublishVersion with a CodeSha256 that is not $LATEST's.
CODE_SHA_MISMATCH = (
    "CodeSHA256 ({given}) is different from current CodeSHA256 in $LATEST ({current}). "
    "Please try again with the CodeSHA256 in $LATEST."
)


def lambda_timestamp(epoch: float) -> str:
    """Lambda's LastModified format: ``2026-01-01T00:00:00.000+0000``."""
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def new_revision() -> str:
    """A fresh RevisionId (Lambda's are UUIDs)."""
    return str(uuid.uuid4())


@dataclass
class VersionRecord:
    """A published version: Pending while the operation it waits on runs (an update or
    create that published it, a SnapStart snapshot, a publish delay if one is set)."""

    version: str
    op: Op
    snapstart: bool
    revision_id: str = field(default_factory=new_revision)

    def view(self, now: float) -> dict[str, Any]:
        """The state fields of this version; None values mean "remove the key"."""
        out: dict[str, Any] = {
            "RevisionId": self.revision_id,
            "StateReason": None,
            "StateReasonCode": None,
            "LastUpdateStatusReason": None,
            "LastUpdateStatusReasonCode": None,
        }
        if self.op.running(now):
            out.update(State="Pending", StateReason=codes.CREATING_REASON)
            out.update(StateReasonCode="Creating", LastUpdateStatus=None)
        elif self.op.failure is not None:
            out.update(State="Failed", StateReason=self.op.failure.text)
            out.update(StateReasonCode=self.op.failure.code, LastUpdateStatus=None)
        else:
            # SnapStart published versions carry no LastUpdateStatus.
            out.update(State="Active", LastUpdateStatus=None if self.snapstart else "Successful")
        return out


@dataclass
class FunctionRecord:
    """Everything the layer knows about one function beyond what moto stores."""

    name: str
    arn: str
    create: Op
    vpc_config: dict[str, Any] | None = None
    snapstart: bool = False
    tags: dict[str, str] = field(default_factory=dict)
    start_inactive: bool = False
    failed: Failure | None = None  # State Failed after a failed create
    inactive: bool = False
    update: Op | None = None
    updates: int = 0
    publishes: int = 0
    restore: Op | None = None
    restores: int = 0
    cooldown_until: float | None = None
    last_status: str | None = None  # LastUpdateStatus once settled
    last_failure: Failure | None = None
    versions: dict[str, VersionRecord] = field(default_factory=dict)
    # RevisionId of $LATEST: new on every applied mutation and when an async operation ends.
    revision_id: str = field(default_factory=new_revision)
    alias_revisions: dict[str, str] = field(default_factory=dict)
    alias_versions: dict[str, str] = field(default_factory=dict)  # alias -> FunctionVersion
    alias_weights: dict[str, dict[str, float]] = field(default_factory=dict)
    # Provisioned concurrency configs by qualifier (alias or version).
    provisioned: dict[str, ProvisionedConfig] = field(default_factory=dict)
    urls: dict[str, dict[str, Any]] = field(default_factory=dict)  # function URLs by qualifier
    allocations: int = 0  # provisioned concurrency allocations started (knobs count them)
    invocations: dict[str, int] = field(default_factory=dict)  # by executed version
    alias_invocations: dict[str, int] = field(default_factory=dict)  # by alias (weights)
    changed_since_publish: bool = True  # PublishVersion makes a version only when True
    # LastModified as Lambda sets it when it accepts an update (moto keeps the create's).
    last_modified: str | None = None
    # An Environment was given: AWS answers {"Variables": {}} for it even when empty.
    environment_given: bool = False
    reserved: int | None = None  # PutFunctionConcurrency's ReservedConcurrentExecutions
    # FileSystemConfigs as given (moto keeps none): the configuration answers them.
    file_systems: list[dict[str, Any]] | None = None

    def provisioned_total(self, *, besides: str | None = None) -> int:
        """Provisioned concurrency requested over all configs (except ``besides``)."""
        return sum(c.requested for q, c in self.provisioned.items() if q != besides)

    def rotate_revision(self) -> str:
        """Give $LATEST a new RevisionId (a mutation applied, or an operation ended)."""
        self.revision_id = new_revision()
        return self.revision_id

    def revision_conflict(self, given: Any) -> ApiError | None:
        """The 412 a mutation carrying RevisionId ``given`` gets, if it is not the current one."""
        if given is None or given == self.revision_id:
            return None
        return ApiError(412, "PreconditionFailedException", REVISION_MISMATCH)

    @property
    def has_vpc(self) -> bool:
        """True when the live configuration attaches the function to subnets."""
        return bool(self.vpc_config and self.vpc_config.get("SubnetIds"))

    # --- settling ----------------------------------------------------------------

    def settle(self, now: float, cooldown: float) -> None:
        """Apply the end of every operation whose end time has passed."""
        if not self.create.settled and now >= self.create.end:
            self.create.settled = True
            self.rotate_revision()
            if self.create.failure is not None:
                self.failed = self.create.failure
                self.last_status = "Failed"
                self.last_failure = self._as_update_failure(self.create.failure)
            else:
                self.last_status = "Successful"
                self.inactive = self.start_inactive
        if self.update is not None and not self.update.settled and now >= self.update.end:
            self.update.settled = True
            self.rotate_revision()  # Lambda changes RevisionId again when the update finishes
            if self.update.failure is not None:
                self.last_status, self.last_failure = "Failed", self.update.failure
            else:
                self.last_status, self.last_failure = "Successful", None
                # A successful update re-provisions: a Failed or Inactive function is live again.
                self.failed = None
                self.inactive = False
        if self.restore is not None and not self.restore.settled and now >= self.restore.end:
            self.restore.settled = True
            if self.restore.failure is not None:
                self.last_status, self.last_failure = "Failed", self.restore.failure
                if codes.has_cooldown(self.restore.failure.code):
                    self.cooldown_until = self.restore.end + cooldown
            else:
                self.inactive = False
                self.last_status, self.last_failure = "Successful", None

    @staticmethod
    def _as_update_failure(failure: Failure) -> Failure | None:
        # LastUpdateStatusReasonCode lacks a few StateReasonCodes; show those without a code.
        if failure.code in codes.last_update_reason_codes():
            return failure
        return Failure("", failure.reason or failure.text)

    # --- reading -----------------------------------------------------------------

    def state(self, now: float) -> str:
        """The State of $LATEST at ``now`` (call settle first)."""
        if self.create.running(now):
            return "Pending"
        if self.failed is not None:
            return "Failed"
        if self.restore is not None and self.restore.running(now):
            return "Pending"
        return "Inactive" if self.inactive else "Active"

    def update_in_progress(self, now: float) -> bool:
        """True while an UpdateFunctionCode/Configuration is InProgress."""
        return self.update is not None and self.update.running(now)

    def view(self, now: float) -> dict[str, Any]:
        """The state fields of $LATEST; None values mean "remove the key"."""
        out: dict[str, Any] = {
            "RevisionId": self.revision_id,
            "StateReason": None,
            "StateReasonCode": None,
            "LastUpdateStatusReason": None,
            "LastUpdateStatusReasonCode": None,
        }
        state = self.state(now)
        out["State"] = state
        if self.last_modified is not None:
            out["LastModified"] = self.last_modified
        if self.create.running(now):
            out.update(StateReason=codes.CREATING_REASON, StateReasonCode="Creating")
            out["LastUpdateStatus"] = None  # absent until the create settles
            return out
        if state == "Failed" and self.failed is not None:
            out.update(StateReason=self.failed.text, StateReasonCode=self.failed.code)
        elif state == "Pending":
            out.update(StateReason=codes.RESTORING_REASON, StateReasonCode="Restoring")
        elif state == "Inactive":
            out.update(StateReason=codes.IDLE_REASON, StateReasonCode="Idle")
        if self.update_in_progress(now):
            out["LastUpdateStatus"] = "InProgress"
            out["LastUpdateStatusReason"] = codes.CREATING_REASON
            out["LastUpdateStatusReasonCode"] = "Creating"
        else:
            out["LastUpdateStatus"] = self.last_status
            if self.last_status == "Failed" and self.last_failure is not None:
                out["LastUpdateStatusReason"] = self.last_failure.text
                out["LastUpdateStatusReasonCode"] = self.last_failure.code or None
        return out

    # --- guards ------------------------------------------------------------------

    def mutation_conflict(self, now: float, *, tagging: bool = False) -> ApiError | None:
        """The 409 an update, PublishVersion or TagResource gets now, if any."""
        if not tagging and self.state(now) == "Pending":
            return ApiError(
                409, "ResourceConflictException", STATE_CONFLICT.format(state="Pending")
            )
        if self.update_in_progress(now):
            return ApiError(409, "ResourceConflictException", UPDATE_CONFLICT.format(arn=self.arn))
        return None

    def invoke_error(self, now: float) -> ApiError | None:
        """The error Invoke of $LATEST gets now (restores are started by the caller)."""
        state = self.state(now)
        if state == "Pending" and self.create.running(now):
            return ApiError(
                409, "ResourceConflictException", STATE_CONFLICT.format(state="Pending")
            )
        if state == "Failed":
            return ApiError(409, "ResourceConflictException", STATE_CONFLICT.format(state="Failed"))
        if state in ("Inactive", "Pending"):  # Pending here means Restoring
            return self.inactive_error()
        return None

    def inactive_error(self) -> ApiError:
        """What invoking an Inactive (or restoring) function answers."""
        if self.has_vpc:
            return ApiError(502, "ResourceNotReadyException", NOT_READY)
        return ApiError(409, "CodeArtifactUserPendingException", CODE_ARTIFACT_PENDING)

    def may_start_restore(self, now: float) -> bool:
        """True if an invocation now starts a restore (Inactive, not restoring, no cooldown)."""
        if self.state(now) != "Inactive":
            return False
        return self.cooldown_until is None or now >= self.cooldown_until
