"""Tags on an existing function: deploy --tag sets the keys given whose value
differs (TagResource, through :meth:`~lambda_wait.deploy.sender.Sender.mutate`);
it never removes a tag, so tags set by anyone else stay. On create the tags go with
CreateFunction."""

from __future__ import annotations

from functools import partial

from lambda_wait.deploy.model import Config, Step, StepStatus
from lambda_wait.deploy.sender import Sender


def tags_step(sender: Sender, wanted: dict[str, str]) -> Step:
    """The plan's tags step (after the configuration update)."""
    return Step(
        "tags",
        "TagResource (the keys given whose value differs; none removed)",
        True,
        changed="tags",
        run=partial(reconcile_tags, sender, wanted=wanted),
    )


def reconcile_tags(sender: Sender, step: Step, wanted: dict[str, str]) -> None:
    """Set the tags in ``wanted`` that the function lacks or has another value for."""
    sender.ledger.begin(step)
    arn = str((sender.current or {}).get("FunctionArn") or sender.name)
    have: dict[str, str] = sender.with_read_retries(lambda: sender.api.list_tags(arn))
    differ = {key: value for key, value in wanted.items() if have.get(key) != value}
    if not differ:
        sender.ledger.end(step, StepStatus.SKIPPED, "unchanged")
        return

    def tagged(_current: Config | None) -> bool:
        now: dict[str, str] = sender.with_read_retries(lambda: sender.api.list_tags(arn))
        return all(now.get(key) == value for key, value in differ.items())

    def send() -> dict[str, str]:
        sender.api.tag_resource(arn, differ)
        return {}

    sender.mutate(step, send, already_done=tagged)
    sender.ledger.end(step, StepStatus.APPLIED, "set: " + ", ".join(sorted(differ)))
