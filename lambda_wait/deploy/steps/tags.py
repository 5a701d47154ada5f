"""Tags on an existing function: deploy --tag sets the keys given whose value
differs (TagResource, after the updates were waited out); it never removes a tag,
so tags set by anyone else stay. On create the tags go with CreateFunction."""

from __future__ import annotations

from lambda_wait.deploy.model import Step, StepStatus
from lambda_wait.deploy.sender import Sender

STEP_NAME = "tags"
STEP_ACTION = "TagResource (the keys given whose value differs; none removed)"


def reconcile_tags(sender: Sender, step: Step, wanted: dict[str, str]) -> None:
    """Set the tags in ``wanted`` that the function lacks or has another value for."""
    sender.ledger.begin(step)
    arn = str((sender.current or {}).get("FunctionArn") or sender.name)
    have: dict[str, str] = sender.with_read_retries(lambda: sender.api.list_tags(arn))
    differ = {key: value for key, value in wanted.items() if have.get(key) != value}
    if not differ:
        sender.ledger.end(step, StepStatus.SKIPPED, "unchanged")
        return
    sender.api.tag_resource(arn, differ)
    sender.ledger.end(step, StepStatus.APPLIED, "set: " + ", ".join(sorted(differ)))
