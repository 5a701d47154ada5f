"""deploy --recreate-failed: a function in State Failed cannot be repaired by an
update, so it is deleted (only when it is Failed, checked on a fresh read) and the
create step runs after it. The deletion is waited out like every other change."""

from __future__ import annotations

from lambda_wait.deploy.model import DeployBlockedError, Step, StepStatus
from lambda_wait.deploy.sender import Sender
from lambda_wait.errors import ExitCode

DELETE_POLL_SECONDS = 0.5

STEP_NAME = "delete-failed"
STEP_ACTION = "DeleteFunction (it is in State Failed), then wait until it is gone"


def delete_failed(sender: Sender, step: Step) -> None:
    """Delete the function if, read again now, it is still in State Failed; wait
    until GetFunction no longer finds it (bounded by the deploy's deadline)."""
    sender.ledger.begin(step)
    current = sender.read_or_none()
    if current is None:
        sender.ledger.end(step, StepStatus.SKIPPED, "already gone")
        return
    if current.get("State") != "Failed":
        raise DeployBlockedError(
            f"{sender.name} is no longer in State Failed (now {current.get('State')}): "
            "not deleting it",
            exit_code=ExitCode.CONFLICT,
            hint="Someone else changed it; re-run deploy without --recreate-failed.",
        )
    sender.api.delete_function(sender.name)
    while sender.read_or_none() is not None:
        sender.clock.sleep(DELETE_POLL_SECONDS)
    sender.ledger.end(step, StepStatus.APPLIED, "deleted the function in State Failed")
