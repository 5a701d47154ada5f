"""The wait-previous step: someone else's update is in progress when the deploy
reads the function; wait it out (nothing is sent) before planning against it."""

from __future__ import annotations

from functools import partial

from lambda_wait.deploy.model import Step, StepStatus
from lambda_wait.deploy.sender import Sender
from lambda_wait.states import Phase


def previous_step(sender: Sender) -> Step:
    """The step that runs before the plan is made, when an update is in progress."""
    return Step(
        "wait-previous",
        "wait for an update already in progress",
        False,
        run=partial(wait_previous, sender),
    )


def wait_previous(sender: Sender, step: Step) -> None:
    """Wait until the update in progress ends; :attr:`Sender.current` is then re-read."""
    sender.ledger.begin(step)
    result = sender.wait(step)
    sender.current = sender.read()
    assessment = result.assessment
    detail: str | None
    if assessment is not None and assessment.phase is Phase.UPDATE_FAILED:
        detail = "the other update Failed; its previous version is still live"
    else:
        detail = assessment.summary if assessment else None
    sender.ledger.end(step, StepStatus.APPLIED, detail)
