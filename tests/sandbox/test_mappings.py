"""Event source mappings in the sandbox: transitional states on the timeline, the 409
while transitional, Deleting, and the knobs that disable a mapping or report a PROBLEM."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.sandbox.helpers import Manual, client_error

ManualFactory = Callable[..., Manual]
KNOB = "lambda-wait-sandbox:mapping"


def _mapping(m: Manual, name: str, **kwargs: Any) -> str:
    """Create function ``name`` (Active) and a mapping from a new queue; return its UUID."""
    m.handle.create_function(name, client=m.lam, tags=kwargs.pop("tags", None))
    m.advance(3)
    answer = m.lam.create_event_source_mapping(
        FunctionName=name, EventSourceArn=m.handle.create_queue(f"{name}-q"), **kwargs
    )
    # AWS (recorded): 202, Creating; Disabled at once when created with Enabled=False.
    first = "Disabled" if kwargs.get("Enabled") is False else "Creating"
    assert (answer["State"], answer["StateTransitionReason"]) == (first, "USER_INITIATED")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202
    return str(answer["UUID"])


def _state(m: Manual, uuid: str) -> tuple[str, str, str | None]:
    got = m.lam.get_event_source_mapping(UUID=uuid)
    return got["State"], got["StateTransitionReason"], got.get("LastProcessingResult")


def test_creating_then_enabled(manual: ManualFactory) -> None:
    m = manual()
    uuid = _mapping(m, "esm")
    m.advance(14)
    assert _state(m, uuid)[0] == "Creating"
    m.advance(1)  # the 15 s default
    assert _state(m, uuid) == ("Enabled", "USER_INITIATED", None)


def test_update_and_delete_while_transitional_are_409_and_not_applied(
    manual: ManualFactory,
) -> None:
    m = manual()
    uuid = _mapping(m, "inuse")
    for call, action in (
        (lambda: m.lam.update_event_source_mapping(UUID=uuid, BatchSize=5), "update"),
        (lambda: m.lam.delete_event_source_mapping(UUID=uuid), "delete"),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        code, message, status = client_error(excinfo)
        assert (code, status) == ("ResourceInUseException", 409)
        assert f"Cannot {action}" in message and "Creating" in message
    applied = [c.operation for c in m.handle.sandbox.mutating_calls("inuse")]
    assert applied == ["CreateFunction", "CreateEventSourceMapping"]
    rejected = [c for c in m.handle.calls if c.rejected]
    assert [c.function for c in rejected] == ["inuse", "inuse"]


def test_disabling_enabling_and_updating_go_through_their_states(manual: ManualFactory) -> None:
    m = manual({"rules": [{"match": "flip", "delays": {"mapping": 2}}]})
    uuid = _mapping(m, "flip")
    m.advance(2)
    assert m.lam.update_event_source_mapping(UUID=uuid, Enabled=False)["State"] == "Disabling"
    m.advance(2)
    assert _state(m, uuid) == ("Disabled", "USER_INITIATED", None)
    assert m.lam.update_event_source_mapping(UUID=uuid, BatchSize=7)["State"] == "Updating"
    m.advance(2)
    assert _state(m, uuid)[0] == "Disabled"  # an update of other settings settles where it was
    assert m.lam.update_event_source_mapping(UUID=uuid, Enabled=True)["State"] == "Enabling"
    m.advance(2)
    assert _state(m, uuid)[0] == "Enabled"


def test_created_disabled_settles_disabled_by_the_user(manual: ManualFactory) -> None:
    m = manual()
    uuid = _mapping(m, "off", Enabled=False)
    assert _state(m, uuid) == ("Disabled", "USER_INITIATED", None)


def test_a_duplicate_mapping_and_unknown_uuids_are_refused(manual: ManualFactory) -> None:
    m = manual()
    uuid = _mapping(m, "dup")
    queue = m.lam.get_event_source_mapping(UUID=uuid)["EventSourceArn"]
    with pytest.raises(ClientError) as excinfo:
        m.lam.create_event_source_mapping(FunctionName="dup", EventSourceArn=queue)
    code, message, status = client_error(excinfo)
    assert (code, status) == ("ResourceConflictException", 409)
    assert message.endswith(f"Please update or delete the existing mapping with UUID {uuid}")
    unknown = "c0ffee00-0000-4000-8000-000000000000"
    for call in (
        lambda: m.lam.delete_event_source_mapping(UUID=unknown),
        lambda: m.lam.update_event_source_mapping(UUID=unknown, Enabled=False),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert client_error(excinfo) == (
            "ResourceNotFoundException",
            "The resource you requested does not exist.",
            404,
        )


def test_knob_ends_the_mapping_disabled_by_lambda(manual: ManualFactory) -> None:
    m = manual()
    uuid = _mapping(m, "authn", tags={KNOB: "disable:EVENT_SOURCE_AUTHN_ERROR"})
    m.advance(15)
    assert _state(m, uuid) == ("Disabled", "EVENT_SOURCE_AUTHN_ERROR", None)
    m.lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    m.advance(15)
    assert _state(m, uuid)[:2] == ("Disabled", "EVENT_SOURCE_AUTHN_ERROR")  # and again


def test_knob_reports_a_processing_problem(manual: ManualFactory) -> None:
    m = manual({"rules": [{"match": "kafka-*", "mapping": {"problem": "Connection error"}}]})
    uuid = _mapping(m, "kafka-orders")
    m.advance(15)
    assert _state(m, uuid) == ("Enabled", "USER_INITIATED", "PROBLEM: Connection error")


def test_delete_shows_deleting_then_the_mapping_is_gone(manual: ManualFactory) -> None:
    m = manual()
    uuid = _mapping(m, "del")
    m.advance(15)
    assert m.lam.delete_event_source_mapping(UUID=uuid)["State"] == "Deleting"
    assert _state(m, uuid)[0] == "Deleting"
    listed = m.lam.list_event_source_mappings(FunctionName="del")["EventSourceMappings"]
    assert [(x["UUID"], x["State"]) for x in listed] == [(uuid, "Deleting")]
    m.advance(15)
    assert m.lam.list_event_source_mappings(FunctionName="del")["EventSourceMappings"] == []
    with pytest.raises(m.lam.exceptions.ResourceNotFoundException):
        m.lam.get_event_source_mapping(UUID=uuid)
