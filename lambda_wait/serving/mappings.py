"""Event source mappings: a mapping's snapshot and its classification.

A mapping (SQS, Kinesis, DynamoDB Streams, MSK, Kafka, MQ, DocumentDB) is in one of
seven states; five are transitional, and while a mapping is in one of them Lambda
refuses to update or delete it (ResourceInUseException). Settled means Enabled, or
Disabled by a user. Disabled by Lambda, or a StateTransitionReason or
LastProcessingResult that reports a problem, is a failure.

Pure: no boto3, botocore, click or rich.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lambda_wait.reasons import (
    USER_TRANSITION_REASONS,
    DecodedReason,
    decode_processing_result,
    decode_transition_reason,
)
from lambda_wait.states import Assessment, Phase

CREATING = "Creating"
ENABLING = "Enabling"
ENABLED = "Enabled"
DISABLING = "Disabling"
DISABLED = "Disabled"
UPDATING = "Updating"
DELETING = "Deleting"
TRANSITIONAL = frozenset({CREATING, ENABLING, DISABLING, UPDATING, DELETING})
KNOWN_STATES = frozenset({*TRANSITIONAL, ENABLED, DISABLED})


def source_label(arn: str | None, topics: Iterable[str] = (), queues: Iterable[str] = ()) -> str:
    """A short name for a mapping's source: ``sqs:orders``, ``kinesis:stream/clicks``."""
    if arn:
        parts = arn.split(":", 5)
        if len(parts) == 6:
            return f"{parts[2]}:{parts[5]}"
        return arn
    named = [*topics, *queues]
    return f"kafka:{','.join(named)}" if named else "(self-managed source)"


def _user_initiated(reason: str | None) -> bool:
    return bool(reason) and str(reason).strip().casefold() in (
        r.casefold() for r in USER_TRANSITION_REASONS
    )


@dataclass(frozen=True)
class MappingSnapshot:
    """One read of an event source mapping: the fields lambda-wait reasons about."""

    uuid: str
    source: str
    event_source_arn: str | None
    function_arn: str | None
    state: str | None
    state_transition_reason: str | None
    last_processing_result: str | None
    batch_size: int | None
    last_modified: str | None = None

    @classmethod
    def from_configuration(cls, doc: Mapping[str, Any]) -> MappingSnapshot:
        """Parse an EventSourceMappingConfiguration; tolerant of missing or new fields."""
        arn = doc.get("EventSourceArn")
        batch = doc.get("BatchSize")
        modified = doc.get("LastModified")
        return cls(
            uuid=str(doc.get("UUID", "")),
            source=source_label(arn, doc.get("Topics") or (), doc.get("Queues") or ()),
            event_source_arn=arn,
            function_arn=doc.get("FunctionArn"),
            state=doc.get("State"),
            state_transition_reason=doc.get("StateTransitionReason"),
            last_processing_result=doc.get("LastProcessingResult"),
            batch_size=batch if isinstance(batch, int) else None,
            last_modified=None if modified is None else str(modified),
        )

    @property
    def transitional(self) -> bool:
        return self.state in TRANSITIONAL

    @property
    def user_initiated(self) -> bool:
        return _user_initiated(self.state_transition_reason)

    @property
    def transition_decoded(self) -> DecodedReason | None:
        return decode_transition_reason(self.state_transition_reason)

    @property
    def processing_decoded(self) -> DecodedReason | None:
        return decode_processing_result(self.last_processing_result)

    @property
    def key(self) -> tuple[str | None, str | None, str | None]:
        """What counts as a change worth reporting."""
        return (self.state, self.state_transition_reason, self.last_processing_result)

    def to_dict(self) -> dict[str, object]:
        """JSON form (stable keys)."""
        transition = self.transition_decoded
        processing = self.processing_decoded
        return {
            "uuid": self.uuid,
            "source": self.source,
            "event_source_arn": self.event_source_arn,
            "state": self.state,
            "state_transition_reason": self.state_transition_reason,
            "state_transition_reason_decoded": None if transition is None else transition.to_dict(),
            "last_processing_result": self.last_processing_result,
            "last_processing_result_decoded": None if processing is None else processing.to_dict(),
            "batch_size": self.batch_size,
            "last_modified": self.last_modified,
        }


def _problem(snap: MappingSnapshot) -> DecodedReason | None:
    """A reported problem: a non-user StateTransitionReason we know as an error, or a
    LastProcessingResult starting with PROBLEM."""
    transition = snap.transition_decoded
    if (
        transition is not None
        and transition.known
        and not snap.user_initiated
        and transition.transient is False
    ):
        return transition
    processing = snap.processing_decoded
    if processing is not None and processing.transient is False:
        return processing
    return None


def assess_mapping(snap: MappingSnapshot, *, want_enabled: bool | None = None) -> Assessment:  # noqa: PLR0911 -- one return per mapping state
    """Classify one mapping.

    ``want_enabled`` says what the user asked for when known (a deploy that enables a
    mapping); by default a mapping a user disabled is settled, one Lambda disabled failed.
    """
    name = f"mapping {snap.uuid} ({snap.source})"
    if snap.transitional:
        return Assessment(Phase.IN_PROGRESS, f"{name} {snap.state}", None)
    if snap.state == DISABLED:
        if want_enabled or not snap.user_initiated:
            reason = _problem(snap) or snap.transition_decoded
            why = "" if reason is None else f": {reason.aws_message or reason.title}"
            how = "Disabled (expected Enabled)" if snap.user_initiated else "Disabled by Lambda"
            return Assessment(Phase.FAILED, f"{name} {how}{why}", reason)
        return Assessment(Phase.READY, f"{name} Disabled by a user", None)
    if snap.state == ENABLED:
        if want_enabled is False:
            return Assessment(Phase.IN_PROGRESS, f"{name} Enabled (asked to disable)", None)
        problem = _problem(snap)
        if problem is not None:
            return Assessment(
                Phase.FAILED, f"{name} Enabled but {problem.aws_message or problem.title}", problem
            )
        return Assessment(Phase.READY, f"{name} Enabled", None)
    return Assessment(
        Phase.OTHER, f"{name} in state {snap.state!r} not known: treated as not ready", None
    )


def assess_mappings(snaps: Iterable[MappingSnapshot]) -> Assessment:
    """Classify all mappings of a function: the first failure, else anything transitional."""
    judged = [assess_mapping(snap) for snap in snaps]
    if not judged:
        return Assessment(Phase.READY, "no event source mappings", None)
    for verdict in judged:
        if verdict.phase is Phase.FAILED:
            return verdict
    waiting = [v for v in judged if v.phase is not Phase.READY]
    if waiting:
        more = f" (and {len(waiting) - 1} more)" if len(waiting) > 1 else ""
        return Assessment(waiting[0].phase, waiting[0].summary + more, waiting[0].reason)
    count = len(judged)
    return Assessment(
        Phase.READY, f"{count} event source mapping{'s' if count != 1 else ''} settled", None
    )
