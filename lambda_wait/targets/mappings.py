"""The wait target for a function's event source mappings (all of them at once)."""

from __future__ import annotations

from lambda_wait.serving.mappings import MappingSnapshot, assess_mapping, assess_mappings
from lambda_wait.states import Assessment, Phase
from lambda_wait.targets.base import Row, ServingReader, ServingTarget, Span

Mappings = tuple[MappingSnapshot, ...]


class MappingsTarget(ServingTarget[Mappings]):
    """Settled: none Creating, Enabling, Updating, Disabling or Deleting; failed: one
    Lambda disabled, or whose StateTransitionReason or LastProcessingResult reports a
    problem. ``wait --event-source-mappings`` asks for it (no ``--for`` choice)."""

    name = "event source mappings"
    json_key = "event_source_mappings"

    def read(self, reader: ServingReader, function_name: str, qualifier: str | None) -> Mappings:
        docs = reader.list_event_source_mappings(function_name)
        return tuple(MappingSnapshot.from_configuration(doc) for doc in docs)

    def judge(self, snap: Mappings | None) -> Assessment | None:
        return None if snap is None else assess_mappings(snap)

    def change_key(self, snap: Mappings | None) -> object:
        return None if snap is None else tuple(m.key for m in snap)

    def rows(self, snap: Mappings | None) -> list[Row]:
        if not snap:
            return [Row("Mappings", (Span("none", quiet=True),))]
        rows: list[Row] = []
        for index, mapping in enumerate(snap):
            verdict = assess_mapping(mapping)
            spans = [
                Span(f"{mapping.source}  "),
                Span(mapping.state or "(no State)", verdict.phase),
            ]
            if mapping.batch_size is not None:
                spans.append(Span(f"  batch {mapping.batch_size}"))
            if mapping.state_transition_reason:
                spans.append(Span(f"  by {mapping.state_transition_reason}", quiet=True))
            if mapping.last_processing_result:
                spans.append(Span(f"  last: {mapping.last_processing_result}"))
            rows.append(Row("Mappings" if index == 0 else "", tuple(spans)))
            if verdict.phase is Phase.FAILED and verdict.reason is not None:
                rows.append(Row(f"  {mapping.uuid[:8]}", reason=verdict.reason))
        return rows

    def to_json(self, snap: Mappings | None) -> object:
        return None if snap is None else [m.to_dict() for m in snap]


MAPPINGS = MappingsTarget()
