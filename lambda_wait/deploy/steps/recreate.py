"""deploy --recreate-failed: a function in State Failed cannot be repaired by an
update, so it is deleted (only when it is Failed, checked on a fresh read) and the
create step runs after it. DeleteFunction goes through
:meth:`~lambda_wait.deploy.sender.Sender.mutate`; the deletion is waited out like
every other change."""

from __future__ import annotations

from functools import partial

from lambda_wait.deploy.model import Config, DeployBlockedError, Step, StepStatus
from lambda_wait.deploy.sender import Sender
from lambda_wait.errors import ExitCode

DELETE_POLL_SECONDS = 0.5


def recreate_step(sender: Sender) -> Step:
    """The plan's first step when --recreate-failed meets a function in State Failed."""
    return Step(
        "delete-failed",
        "DeleteFunction (it is in State Failed), then wait until it is gone",
        True,
        changed="deleted (State Failed)",
        run=partial(delete_failed, sender),
    )


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

    def send() -> dict[str, str]:
        sender.api.delete_function(sender.name)
        return {}

    # A 409 is final: resending later could delete a function that is no longer Failed.
    sender.mutate(step, send, already_done=_gone, conflict_is_final=True)
    while sender.read_or_none() is not None:
        sender.pause(DELETE_POLL_SECONDS)
    sender.ledger.end(step, StepStatus.APPLIED, "deleted the function in State Failed")


def _gone(current: Config | None) -> bool:
    return current is None
