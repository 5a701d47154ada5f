"""The adapter's provisioned concurrency and event source mapping calls (botocore Stubber)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from lambda_wait.api import get_serving, wait_for_serving
from lambda_wait.aws import LambdaApi
from lambda_wait.clock import ManualClock
from lambda_wait.errors import ConflictError, ExitCode, FunctionNotFoundError, UsageError


@pytest.fixture
def stubbed() -> Iterator[tuple[LambdaApi, Stubber]]:
    client = boto3.client(
        "lambda",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    with Stubber(client) as stubber:
        yield LambdaApi(client), stubber
        stubber.assert_no_pending_responses()


READY = {
    "RequestedProvisionedConcurrentExecutions": 5,
    "AllocatedProvisionedConcurrentExecutions": 5,
    "AvailableProvisionedConcurrentExecutions": 5,
    "Status": "READY",
}


def test_get_config_sends_function_and_qualifier(stubbed: tuple[LambdaApi, Stubber]) -> None:
    api, stubber = stubbed
    stubber.add_response(
        "get_provisioned_concurrency_config", READY, {"FunctionName": "shop", "Qualifier": "live"}
    )
    assert api.get_provisioned_concurrency_config("shop", "live") == READY


def test_no_config_is_none_not_an_error(stubbed: tuple[LambdaApi, Stubber]) -> None:
    api, stubber = stubbed
    stubber.add_client_error(
        "get_provisioned_concurrency_config",
        service_error_code="ProvisionedConcurrencyConfigNotFoundException",
        service_message="No Provisioned Concurrency Config found for this function",
        http_status_code=404,
    )
    assert api.get_provisioned_concurrency_config("shop", "live") is None


def test_a_missing_qualifier_is_not_found(stubbed: tuple[LambdaApi, Stubber]) -> None:
    api, stubber = stubbed
    stubber.add_client_error(
        "get_provisioned_concurrency_config",
        service_error_code="ResourceNotFoundException",
        service_message="Function not found",
        http_status_code=404,
    )
    with pytest.raises(FunctionNotFoundError) as err:
        api.get_provisioned_concurrency_config("shop", "nope")
    assert err.value.exit_code is ExitCode.NOT_FOUND
    assert "shop:nope" in err.value.message


def test_put_and_delete_send_exactly_the_config(stubbed: tuple[LambdaApi, Stubber]) -> None:
    api, stubber = stubbed
    accepted = {**READY, "Status": "IN_PROGRESS", "AllocatedProvisionedConcurrentExecutions": 0}
    stubber.add_response(
        "put_provisioned_concurrency_config",
        accepted,
        {"FunctionName": "shop", "Qualifier": "live", "ProvisionedConcurrentExecutions": 5},
    )
    stubber.add_response(
        "delete_provisioned_concurrency_config", {}, {"FunctionName": "shop", "Qualifier": "live"}
    )
    assert api.put_provisioned_concurrency_config("shop", "live", 5)["Status"] == "IN_PROGRESS"
    api.delete_provisioned_concurrency_config("shop", "live")


UUID_A = "6d9bce8e-836b-442c-8070-74e77903c815"
UUID_B = "6d9bce8e-836b-442c-8070-74e77903c816"


def test_mappings_are_read_page_by_page(stubbed: tuple[LambdaApi, Stubber]) -> None:
    api, stubber = stubbed
    first: dict[str, Any] = {"EventSourceMappings": [{"UUID": UUID_A}], "NextMarker": "m1"}
    stubber.add_response("list_event_source_mappings", first, {"FunctionName": "shop"})
    stubber.add_response(
        "list_event_source_mappings",
        {"EventSourceMappings": [{"UUID": UUID_B}]},
        {"FunctionName": "shop", "Marker": "m1"},
    )
    assert [m["UUID"] for m in api.list_event_source_mappings("shop")] == [UUID_A, UUID_B]


def test_configs_are_read_page_by_page(stubbed: tuple[LambdaApi, Stubber]) -> None:
    api, stubber = stubbed
    item = {**READY, "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:shop:live"}
    stubber.add_response(
        "list_provisioned_concurrency_configs",
        {"ProvisionedConcurrencyConfigs": [item], "NextMarker": "m"},
        {"FunctionName": "shop"},
    )
    stubber.add_response(
        "list_provisioned_concurrency_configs",
        {"ProvisionedConcurrencyConfigs": []},
        {"FunctionName": "shop", "Marker": "m"},
    )
    assert api.list_provisioned_concurrency_configs("shop") == [item]


def test_a_transitional_mapping_refusal_is_a_conflict(stubbed: tuple[LambdaApi, Stubber]) -> None:
    api, stubber = stubbed
    stubber.add_client_error(
        "list_event_source_mappings",
        service_error_code="ResourceInUseException",
        service_message="Cannot update the event source mapping because it is in use.",
        http_status_code=400,
    )
    with pytest.raises(ConflictError) as err:
        api.list_event_source_mappings("shop")
    assert err.value.exit_code is ExitCode.CONFLICT


# --- the public API -------------------------------------------------------------------------


def test_public_api_waits_for_the_config_and_the_mappings(
    stubbed: tuple[LambdaApi, Stubber], clock: ManualClock
) -> None:
    api, stubber = stubbed
    in_progress = {**READY, "Status": "IN_PROGRESS", "AllocatedProvisionedConcurrentExecutions": 1}
    mapping = {"UUID": UUID_A, "State": "Enabled", "StateTransitionReason": "USER_INITIATED"}
    for answer in (in_progress, READY):
        stubber.add_response(
            "get_provisioned_concurrency_config",
            answer,
            {"FunctionName": "shop", "Qualifier": "live"},
        )
        stubber.add_response(
            "list_event_source_mappings",
            {"EventSourceMappings": [mapping]},
            {"FunctionName": "shop"},
        )
    result = wait_for_serving(
        "shop:live", client=api, event_source_mappings=True, timeout=60, clock=clock
    )
    assert result.ready
    assert result.reads == 2
    assert result.snapshot is not None
    body = result.snapshot.to_dict()
    assert body["provisioned_concurrency"] is not None
    assert body["event_source_mappings"] is not None


def test_public_api_refuses_require_without_a_qualifier() -> None:
    with pytest.raises(UsageError):
        wait_for_serving("shop", client=object(), provisioned="require")
    with pytest.raises(UsageError):
        wait_for_serving("shop:live", client=object(), provisioned="sometimes")


def test_public_api_one_read(stubbed: tuple[LambdaApi, Stubber]) -> None:
    api, stubber = stubbed
    stubber.add_response("list_event_source_mappings", {"EventSourceMappings": []})
    snap = get_serving("shop", client=api)
    assert snap.provisioned is None
    assert snap.mappings == ()


def test_reserved_and_unreserved_concurrency(stubbed: tuple[LambdaApi, Stubber]) -> None:
    api, stubber = stubbed
    stubber.add_response(
        "get_function_concurrency", {"ReservedConcurrentExecutions": 20}, {"FunctionName": "shop"}
    )
    stubber.add_response("get_function_concurrency", {}, {"FunctionName": "shop"})
    stubber.add_response(
        "get_account_settings",
        {"AccountLimit": {"ConcurrentExecutions": 1000, "UnreservedConcurrentExecutions": 900}},
        {},
    )
    assert api.get_function_concurrency("shop") == 20
    assert api.get_function_concurrency("shop") is None
    assert api.get_unreserved_concurrency() == 900
