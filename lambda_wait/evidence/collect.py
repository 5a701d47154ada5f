"""Evidence on failure: read what explains a reason code, within the run's remaining
deadline (and at most :data:`EVIDENCE_SECONDS`) and the request budgets. Never raises
(a command's outcome never depends on its evidence); a denied read becomes an item that
names the permission that would show more."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from lambda_wait.errors import AuthError, DeadlineReachedError, Interrupted, LambdaWaitError
from lambda_wait.evidence.catalogue import plan_for
from lambda_wait.evidence.model import Evidence, denied, denied_action, unread
from lambda_wait.evidence.reading import Failure, Reading

__all__ = ["EVIDENCE_SECONDS", "Failure", "gather"]
from lambda_wait.evidence.sources import SOURCES

if TYPE_CHECKING:
    from lambda_wait.aws import LambdaApi
    from lambda_wait.clock import Deadline

EVIDENCE_SECONDS = 10.0  # at most, of what the --timeout has left


def gather(api: LambdaApi, failure: Failure, deadline: Deadline) -> list[Evidence]:
    """The evidence for ``failure``'s reason code (empty when its plan has none)."""
    plan = plan_for(failure.code)
    if not plan.sources:
        return []
    bound = deadline.within(EVIDENCE_SECONDS)
    if bound.expired():
        return [unread("evidence", "-", "the --timeout ran out before evidence could be read")]
    reading = Reading(api.bounded_by(bound), failure)
    found: list[Evidence] = []
    for source in plan.sources:
        found.extend(_safely(source, partial(SOURCES[source], reading)))
    return found


def _safely(kind: str, read: Callable[[], list[Evidence]]) -> list[Evidence]:
    """``read()``, with every failure turned into an item: evidence never fails a command."""
    try:
        return read()
    except AuthError as err:
        return [denied(kind, denied_action(err.message), f"the {kind} evidence")]
    except Interrupted:
        raise  # Ctrl-C or SIGTERM: the run stops, evidence or not
    except DeadlineReachedError:
        return [unread(kind, "-", "the --timeout ran out")]
    except LambdaWaitError as err:
        return [unread(kind, "-", err.message)]
