"""The wait target for a function's event source mappings (all of them at once)."""

from __future__ import annotations

from typing import Any, Protocol

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


class PagedLister(Protocol):
    """One request of the adapter (``LambdaApi.call``: budgeted, errors translated)."""

    def call(self, operation: str, **params: Any) -> dict[str, Any]: ...


def mapping_owner(function_arn: object) -> tuple[str, str | None] | None:
    """A mapping's function as (name, qualifier), from its FunctionArn."""
    if not isinstance(function_arn, str):
        return None
    parts = function_arn.split(":")
    if len(parts) < 7 or parts[5] != "function":
        return None
    return parts[6], (parts[7] if len(parts) > 7 else None)


def list_account_mappings(
    api: PagedLister, max_pages: int
) -> dict[str, list[dict[str, Any]]] | None:
    """Every event source mapping of the account and Region in one paginated
    ListEventSourceMappings, grouped by function name (mappings on the unqualified
    function, as ``ListEventSourceMappings(FunctionName=NAME)`` answers them). None when
    the listing would take more than ``max_pages`` pages: one read per function is
    cheaper then."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    marker: str | None = None
    for _ in range(max_pages):
        page = api.call("list_event_source_mappings", **({"Marker": marker} if marker else {}))
        for doc in page.get("EventSourceMappings") or []:
            owner = mapping_owner(doc.get("FunctionArn")) if isinstance(doc, dict) else None
            if owner is not None and owner[1] is None:
                grouped.setdefault(owner[0], []).append(doc)
        next_marker = page.get("NextMarker")
        if not next_marker or next_marker == marker:
            return grouped
        marker = str(next_marker)
    return None


class ListedMappings:
    """A serving reader whose mappings come from one account-wide listing (for the
    functions named ``names``, by bare name); every other read goes to ``reader``."""

    def __init__(self, reader: Any, listed: dict[str, list[dict[str, Any]]], names: set[str]):
        self._reader = reader
        self._listed = listed
        self._names = names

    def list_event_source_mappings(self, name: str) -> list[dict[str, Any]]:
        bare = mapping_owner(name) if name.startswith("arn:") else None
        key = bare[0] if bare else name.rsplit(":", 1)[-1]
        if key not in self._names:
            return list(self._reader.list_event_source_mappings(name))
        return list(self._listed.get(key, []))

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._reader, attribute)
