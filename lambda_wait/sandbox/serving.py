"""The timelines of what serves traffic besides the function: provisioned concurrency
configs and event source mappings. Settled lazily, like :mod:`.state`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from lambda_wait.sandbox.scenario import MappingOutcome
from lambda_wait.sandbox.timeline import Op

USER_INITIATED = "USER_INITIATED"
ENABLED, DISABLED = "Enabled", "Disabled"
CREATING, ENABLING, DISABLING, UPDATING, DELETING = (
    "Creating",
    "Enabling",
    "Disabling",
    "Updating",
    "Deleting",
)


def aws_timestamp() -> str:
    """Wall-clock time as Lambda writes LastModified (``2026-01-31T12:00:00.000+0000``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


@dataclass
class ProvisionedConfig:
    """The provisioned concurrency config of one alias or version, allocating on ``version``."""

    qualifier: str
    requested: int
    version: str
    op: Op
    last_modified: str = field(default_factory=aws_timestamp)
    # Environments of the previous allocation, still serving while an alias move re-allocates.
    carried: int = 0

    def busy(self, now: float) -> bool:
        """True while the allocation is IN_PROGRESS."""
        return self.op.running(now)

    def status(self, now: float) -> str:
        """IN_PROGRESS, then READY or FAILED."""
        if self.op.running(now):
            return "IN_PROGRESS"
        return "FAILED" if self.op.failure is not None else "READY"

    def view(self, now: float) -> dict[str, Any]:
        """What Get/PutProvisionedConcurrencyConfig answer now."""
        status = self.status(now)
        if status == "IN_PROGRESS":
            # Environments come up over the allocation: a linear ramp, never complete early.
            span = self.op.end - self.op.start
            done = (now - self.op.start) / span if span > 0 else 1.0
            allocated = max(self.carried, min(self.requested - 1, int(self.requested * done)))
        else:
            allocated = self.requested if status == "READY" else 0
        out: dict[str, Any] = {
            "RequestedProvisionedConcurrentExecutions": self.requested,
            "AvailableProvisionedConcurrentExecutions": allocated,
            "AllocatedProvisionedConcurrentExecutions": allocated,
            "Status": status,
            "LastModified": self.last_modified,
        }
        if status == "FAILED" and self.op.failure is not None:
            # AWS's StatusReason is the bare code (FUNCTION_ERROR_INIT_FAILURE), or the knob's text.
            out["StatusReason"] = self.op.failure.reason or self.op.failure.code
        return out


@dataclass
class MappingRecord:
    """An event source mapping: a transitional state on a timeline, then where it settles."""

    uuid: str
    function: str
    config: dict[str, Any]  # moto's last answer (served while Deleting, once moto forgot it)
    op: Op
    state: str  # the transitional state while ``op`` runs
    settled: str = ENABLED
    reason: str = USER_INITIATED
    problem: str | None = None
    deleted: bool = False
    function_arn: str | None = None  # the function as named (AWS keeps $LATEST and aliases)
    # AWS's StateTransitionReason for a user's change: "User action" on stream sources.
    user_reason: str = USER_INITIATED
    # LastProcessingResult with nothing to report (stream sources: "No records processed").
    idle_result: str | None = None

    def busy(self, now: float) -> bool:
        """True while the mapping is in a transitional state (Update/Delete answer 409)."""
        return self.op.running(now)

    def gone(self, now: float) -> bool:
        """True once a delete has finished."""
        return self.deleted and not self.op.running(now)

    def begin(
        self,
        now: float,
        end: float,
        state: str,
        *,
        enabled: bool | None,
        outcome: MappingOutcome | None,
    ) -> None:
        """Start a transition to Enabled or Disabled (a knob may disable it instead).

        ``enabled=None`` (an update of other settings) settles where it was.
        """
        self.op = Op(now, end)
        self.state = state
        if enabled is None:
            return
        self.problem = None
        if not enabled:
            self.settled, self.reason = DISABLED, self.user_reason
        elif outcome is not None and outcome.disable:
            self.settled, self.reason = DISABLED, outcome.disable
        else:
            self.settled, self.reason = ENABLED, self.user_reason
            self.problem = outcome.problem if outcome is not None else None

    def view(self, now: float) -> dict[str, Any]:
        """The state fields the timeline says are current (None: remove the key)."""
        if self.op.running(now):
            return {"State": self.state, "StateTransitionReason": self.user_reason}
        return {
            "State": self.settled,
            "StateTransitionReason": self.reason,
            "LastProcessingResult": f"PROBLEM: {self.problem}"
            if self.problem
            else self.idle_result,
        }

    def patch(self, config: dict[str, Any], now: float) -> dict[str, Any]:
        """``config`` with the timeline's state fields written in."""
        if self.function_arn is not None:
            config["FunctionArn"] = self.function_arn
        for key, value in self.view(now).items():
            if value is None:
                config.pop(key, None)
            else:
                config[key] = value
        return config
