"""Inactive functions: invoke fails, starts a restore, and the cooldown after some failures."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable

import pytest

from tests.sandbox.helpers import Manual, client_error

ManualFactory = Callable[..., Manual]


def _active(m: Manual, name: str, *, vpc: bool = False, **kwargs: object) -> None:
    m.handle.create_function(name, vpc=vpc, **kwargs)  # type: ignore[arg-type]
    m.advance(60)


def _invokes(m: Manual, name: str) -> list[bool]:
    """restore_started of each Invoke of ``name`` in the call log."""
    return [
        c.restore_started for c in m.handle.calls if c.operation == "Invoke" and c.function == name
    ]


def test_invoke_of_inactive_zip_function_restores_it(manual: ManualFactory) -> None:
    m = manual()
    _active(m, "idle")
    m.handle.sandbox.make_inactive("idle")
    cfg = m.config("idle")
    assert (cfg["State"], cfg["StateReasonCode"]) == ("Inactive", "Idle")

    with pytest.raises(m.lam.exceptions.CodeArtifactUserPendingException) as excinfo:
        m.lam.invoke(FunctionName="idle")
    code, message, status = client_error(excinfo)
    assert (code, status) == ("CodeArtifactUserPendingException", 409)
    assert "ready to invoke shortly" in message
    cfg = m.config("idle")
    assert (cfg["State"], cfg["StateReasonCode"]) == ("Pending", "Restoring")

    # Invocations during the restore fail the same way and start nothing.
    with pytest.raises(m.lam.exceptions.CodeArtifactUserPendingException):
        m.lam.invoke(FunctionName="idle")
    # Mutations while restoring get the Pending 409.
    with pytest.raises(m.lam.exceptions.ResourceConflictException):
        m.lam.update_function_configuration(FunctionName="idle", Timeout=5)
    m.advance(30)  # default restore: 30 s
    cfg = m.config("idle")
    assert (cfg["State"], cfg["LastUpdateStatus"]) == ("Active", "Successful")
    assert m.lam.invoke(FunctionName="idle")["StatusCode"] == 200
    assert _invokes(m, "idle") == [True, False, False]


def test_invoke_of_inactive_vpc_function_is_resource_not_ready(manual: ManualFactory) -> None:
    m = manual()
    _active(m, "idle-vpc", vpc=True)
    m.handle.sandbox.make_inactive("idle-vpc")
    with pytest.raises(m.lam.exceptions.ResourceNotReadyException) as excinfo:
        m.lam.invoke(FunctionName="idle-vpc")
    assert client_error(excinfo)[2] == 502
    assert m.config("idle-vpc")["StateReasonCode"] == "Restoring"


def test_restore_failing_with_a_cooldown_code(manual: ManualFactory) -> None:
    m = manual(
        {"rules": [{"match": "cold", "restore": {"fail": "SubnetOutOfIPAddresses", "nth": 1}}]}
    )
    _active(m, "cold", vpc=True)
    m.handle.sandbox.make_inactive("cold")
    with pytest.raises(m.lam.exceptions.ResourceNotReadyException):
        m.lam.invoke(FunctionName="cold")  # starts restore 1, which fails
    m.advance(30)
    cfg = m.config("cold")
    assert (cfg["State"], cfg["StateReasonCode"]) == ("Inactive", "Idle")
    assert (cfg["LastUpdateStatus"], cfg["LastUpdateStatusReasonCode"]) == (
        "Failed",
        "SubnetOutOfIPAddresses",
    )
    # Inside the 5-minute cooldown, invocations fail the same way and start no restore.
    for _ in range(2):
        with pytest.raises(m.lam.exceptions.ResourceNotReadyException):
            m.lam.invoke(FunctionName="cold")
        m.advance(140)
    assert m.config("cold")["State"] == "Inactive"
    assert m.handle.state("cold")["Restores"] == 1
    m.advance(20)  # 30 + 300 s after the restore started: the cooldown is over
    with pytest.raises(m.lam.exceptions.ResourceNotReadyException):
        m.lam.invoke(FunctionName="cold")  # restore 2 (succeeds)
    assert _invokes(m, "cold") == [True, False, False, True]
    m.advance(30)
    assert m.config("cold")["State"] == "Active"


def test_restore_failing_without_cooldown_retries_on_next_invoke(manual: ManualFactory) -> None:
    m = manual({"rules": [{"match": "eni", "restore": "EniLimitExceeded"}]})
    _active(m, "eni", vpc=True)
    m.handle.sandbox.make_inactive("eni")
    with pytest.raises(m.lam.exceptions.ResourceNotReadyException):
        m.lam.invoke(FunctionName="eni")
    m.advance(30)
    assert m.config("eni")["LastUpdateStatusReasonCode"] == "EniLimitExceeded"
    with pytest.raises(m.lam.exceptions.ResourceNotReadyException):
        m.lam.invoke(FunctionName="eni")
    assert _invokes(m, "eni") == [True, True]
    assert m.handle.state("eni")["CooldownRemaining"] == 0


def test_seed_spelling_of_the_role_code_also_has_a_cooldown(manual: ManualFactory) -> None:
    m = manual({"rules": [{"match": "*", "restore": "InsufficientRolePermission"}]})
    _active(m, "role")
    m.handle.sandbox.make_inactive("role")
    with pytest.raises(m.lam.exceptions.CodeArtifactUserPendingException):
        m.lam.invoke(FunctionName="role")
    m.advance(30)
    assert m.config("role")["LastUpdateStatusReasonCode"] == "InsufficientRolePermissions"
    with pytest.raises(m.lam.exceptions.CodeArtifactUserPendingException):
        m.lam.invoke(FunctionName="role")
    assert _invokes(m, "role") == [True, False]


def test_functions_can_start_inactive_by_scenario_or_tag(manual: ManualFactory) -> None:
    m = manual({"rules": [{"match": "sleepy-*", "initial_state": "Inactive"}]})
    m.handle.create_function("sleepy-1")
    m.handle.create_function("tagged", tags={"lambda-wait-sandbox:state": "Inactive"})
    m.handle.create_function("awake")
    assert m.config("sleepy-1")["State"] == "Pending"
    m.advance(3)
    assert m.config("sleepy-1")["State"] == "Inactive"
    assert m.config("tagged")["StateReasonCode"] == "Idle"
    assert m.config("awake")["State"] == "Active"


def test_updating_an_inactive_function_makes_it_active(manual: ManualFactory) -> None:
    m = manual()
    _active(m, "wake-by-update")
    m.handle.sandbox.make_inactive("wake-by-update")
    m.lam.update_function_configuration(FunctionName="wake-by-update", Timeout=7)
    m.advance(2)
    cfg = m.config("wake-by-update")
    assert (cfg["State"], cfg["LastUpdateStatus"], cfg["Timeout"]) == ("Active", "Successful", 7)


def test_control_api_makes_a_function_inactive(manual: ManualFactory) -> None:
    m = manual()
    _active(m, "remote")
    req = urllib.request.Request(
        f"{m.handle.endpoint_url}/_sandbox/functions/remote/inactive", method="POST"
    )
    with urllib.request.urlopen(req, timeout=5) as resp:
        body = json.load(resp)
    assert body["State"] == "Inactive"
    assert m.config("remote")["StateReasonCode"] == "Idle"
    with urllib.request.urlopen(
        f"{m.handle.endpoint_url}/_sandbox/calls?function=remote", timeout=5
    ) as resp:
        calls = json.load(resp)["calls"]
    assert [c["operation"] for c in calls] == ["CreateFunction", "GetFunctionConfiguration"]
    assert calls[0]["mutating"] and calls[0]["applied"]
