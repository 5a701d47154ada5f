"""Create / update / publish transitions and the 409s of too-early calls, over HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError, WaiterError

from lambda_wait.sandbox import SandboxHandle, zip_bytes
from tests.sandbox.helpers import PENDING_MSG, Manual, client_error, in_progress_msg

ManualFactory = Callable[..., Manual]


def test_create_is_pending_then_active(manual: ManualFactory) -> None:
    m = manual()
    created = m.handle.create_function("fn")
    assert created["State"] == "Pending"
    assert created["StateReasonCode"] == "Creating"
    assert created["StateReason"] == "The function is being created."
    assert "LastUpdateStatus" not in created

    cfg = m.config("fn")
    assert (cfg["State"], cfg["StateReasonCode"]) == ("Pending", "Creating")
    assert "LastUpdateStatus" not in cfg
    assert m.lam.get_function(FunctionName="fn")["Configuration"]["State"] == "Pending"

    m.advance(2.9)  # default create delay: 3 s
    assert m.config("fn")["State"] == "Pending"
    m.advance(0.2)
    cfg = m.config("fn")
    assert (cfg["State"], cfg["LastUpdateStatus"]) == ("Active", "Successful")
    assert "StateReasonCode" not in cfg and "StateReason" not in cfg
    # AWS (recorded) lists functions without their state fields.
    listed = {f["FunctionName"]: f for f in m.lam.list_functions()["Functions"]}
    assert "State" not in listed["fn"] and "LastUpdateStatus" not in listed["fn"]


def test_vpc_create_takes_longer(manual: ManualFactory) -> None:
    m = manual()
    m.handle.create_function("vpc-fn", vpc=True)
    m.advance(30)
    assert m.config("vpc-fn")["State"] == "Pending"
    m.advance(30)  # default VPC create delay: 60 s
    assert m.config("vpc-fn")["State"] == "Active"


@pytest.mark.parametrize("name_form", ["name", "partial-arn", "arn"])
def test_pending_rejects_invoke_updates_and_publish(manual: ManualFactory, name_form: str) -> None:
    m = manual()
    arn = m.handle.create_function("early")["FunctionArn"]
    ref = {"name": "early", "partial-arn": "123456789012:function:early", "arn": arn}[name_form]
    calls: list[Callable[[], Any]] = [
        lambda: m.lam.invoke(FunctionName=ref),
        lambda: m.lam.update_function_code(FunctionName=ref, ZipFile=zip_bytes("x = 1\n")),
        lambda: m.lam.update_function_configuration(FunctionName=ref, Timeout=30),
        lambda: m.lam.publish_version(FunctionName=ref),
    ]
    for call in calls:
        with pytest.raises(m.lam.exceptions.ResourceConflictException) as excinfo:
            call()
        assert client_error(excinfo) == ("ResourceConflictException", PENDING_MSG, 409)

    rejected = [c for c in m.handle.calls if c.rejected]
    assert [c.operation for c in rejected] == [
        "Invoke",
        "UpdateFunctionCode",
        "UpdateFunctionConfiguration",
        "PublishVersion",
    ]
    assert all(c.function == "early" and not c.applied for c in rejected)
    m.advance(3)
    # Nothing of the rejected calls reached moto.
    assert m.config("early")["Timeout"] == 3
    assert m.lam.list_versions_by_function(FunctionName="early")["Versions"][-1]["Version"] == (
        "$LATEST"
    )


def test_update_in_progress_blocks_mutations_but_not_invoke(manual: ManualFactory) -> None:
    m = manual()
    arn = m.handle.create_function("upd")["FunctionArn"]
    m.advance(3)
    resp = m.lam.update_function_configuration(FunctionName="upd", Timeout=10)
    assert (resp["State"], resp["LastUpdateStatus"]) == ("Active", "InProgress")
    assert resp["LastUpdateStatusReasonCode"] == "Creating"
    assert resp["Timeout"] == 10

    msg = in_progress_msg(arn)
    blocked: list[Callable[[], Any]] = [
        lambda: m.lam.update_function_code(FunctionName="upd", ZipFile=zip_bytes()),
        lambda: m.lam.update_function_configuration(FunctionName="upd", Timeout=20),
        lambda: m.lam.publish_version(FunctionName="upd"),
        lambda: m.lam.tag_resource(Resource=arn, Tags={"team": "a"}),
    ]
    for call in blocked:
        with pytest.raises(m.lam.exceptions.ResourceConflictException) as excinfo:
            call()
        assert client_error(excinfo) == ("ResourceConflictException", msg, 409)

    assert m.lam.invoke(FunctionName="upd", Payload=b'{"k": 1}')["StatusCode"] == 200
    m.advance(1.9)
    assert m.config("upd")["LastUpdateStatus"] == "InProgress"
    m.advance(0.2)  # default update delay: 2 s
    cfg = m.config("upd")
    assert (cfg["State"], cfg["LastUpdateStatus"], cfg["Timeout"]) == ("Active", "Successful", 10)
    assert "LastUpdateStatusReasonCode" not in cfg
    m.lam.tag_resource(Resource=arn, Tags={"team": "a"})  # allowed again


def test_attaching_a_vpc_makes_the_update_longer(manual: ManualFactory) -> None:
    m = manual()
    m.handle.create_function("attach")
    m.advance(3)
    m.lam.update_function_configuration(
        FunctionName="attach", VpcConfig={"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}
    )
    m.advance(10)
    assert m.config("attach")["LastUpdateStatus"] == "InProgress"
    m.advance(35)  # default VPC update delay: 45 s
    assert m.config("attach")["LastUpdateStatus"] == "Successful"
    # The same VpcConfig again is no VPC change: the short delay applies.
    m.lam.update_function_configuration(
        FunctionName="attach", VpcConfig={"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}
    )
    m.advance(2)
    assert m.config("attach")["LastUpdateStatus"] == "Successful"


def test_failed_create(manual: ManualFactory) -> None:
    m = manual({"rules": [{"match": "broken-*", "create": "SubnetOutOfIPAddresses"}]})
    m.handle.create_function("broken-1", vpc=True)
    m.handle.create_function("fine-1")
    m.advance(60)
    cfg = m.config("broken-1")
    assert (cfg["State"], cfg["StateReasonCode"]) == ("Failed", "SubnetOutOfIPAddresses")
    assert "no available IP addresses" in cfg["StateReason"]
    assert m.config("fine-1")["State"] == "Active"
    with pytest.raises(m.lam.exceptions.ResourceConflictException) as excinfo:
        m.lam.invoke(FunctionName="broken-1")
    assert client_error(excinfo)[1].endswith("in the following state: Failed")


def test_failed_update_keeps_previous_configuration(manual: ManualFactory) -> None:
    m = manual({"rules": [{"match": "*", "update": {"fail": "EniLimitExceeded", "nth": [2, 3]}}]})
    m.handle.create_function("keep")
    m.advance(3)
    m.lam.update_function_configuration(FunctionName="keep", Timeout=10)  # update 1: succeeds
    m.advance(2)
    before = m.config("keep")
    assert (before["LastUpdateStatus"], before["Timeout"]) == ("Successful", 10)

    resp = m.lam.update_function_configuration(FunctionName="keep", Timeout=20, MemorySize=512)
    assert (resp["LastUpdateStatus"], resp["Timeout"], resp["MemorySize"]) == (
        "InProgress",
        20,
        512,
    )
    m.advance(2)
    cfg = m.config("keep")
    assert (cfg["State"], cfg["LastUpdateStatus"]) == ("Active", "Failed")
    assert cfg["LastUpdateStatusReasonCode"] == "EniLimitExceeded"
    assert "Network Interfaces" in cfg["LastUpdateStatusReason"]
    assert (cfg["Timeout"], cfg["MemorySize"]) == (10, before["MemorySize"])

    code = m.lam.update_function_code(FunctionName="keep", ZipFile=zip_bytes("y = 2\n"))
    assert code["LastUpdateStatus"] == "InProgress"
    assert code["CodeSha256"] != before["CodeSha256"]  # the answer echoes the new code
    m.advance(2)
    cfg = m.config("keep")
    assert cfg["LastUpdateStatus"] == "Failed"
    assert cfg["CodeSha256"] == before["CodeSha256"]  # but the old code stays live

    m.lam.update_function_configuration(FunctionName="keep", Timeout=30)  # update 4: succeeds
    m.advance(2)
    cfg = m.config("keep")
    assert (cfg["LastUpdateStatus"], cfg["Timeout"]) == ("Successful", 30)
    assert "LastUpdateStatusReasonCode" not in cfg
    # Every accepted update counts as applied (the failed ones too), rejected ones do not.
    assert len(m.handle.sandbox.mutating_calls("keep")) == 5


def test_publish_of_an_idle_function_is_active_at_once(manual: ManualFactory) -> None:
    # AWS (recorded): the version of a settled $LATEST is Active/Successful in the answer.
    m = manual()
    m.handle.create_function("pub")
    m.advance(3)
    version = m.lam.publish_version(FunctionName="pub")
    assert (version["Version"], version["State"]) == ("1", "Active")
    assert version["LastUpdateStatus"] == "Successful"
    assert m.lam.invoke(FunctionName="pub", Qualifier="1")["StatusCode"] == 200
    # Publishing again with nothing changed returns version 1 as it is.
    again = m.lam.publish_version(FunctionName="pub")
    assert (again["Version"], again["State"]) == ("1", "Active")
    # ListVersionsByFunction entries carry no state fields (AWS).
    versions = m.lam.list_versions_by_function(FunctionName="pub")["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST", "1"]
    assert not any("State" in v or "LastUpdateStatus" in v for v in versions)


def test_a_publish_delay_still_gives_a_pending_version(manual: ManualFactory) -> None:
    m = manual({"delays": {"publish": 1}})
    m.handle.create_function("slowpub")
    m.advance(3)
    assert m.lam.publish_version(FunctionName="slowpub")["State"] == "Pending"
    with pytest.raises(m.lam.exceptions.ResourceConflictException):
        m.lam.invoke(FunctionName="slowpub", Qualifier="1")
    m.advance(1)
    assert m.config("slowpub", Qualifier="1")["State"] == "Active"


def test_snapstart_publish_takes_longer(manual: ManualFactory) -> None:
    m = manual()
    m.handle.create_function("snap", snapstart=True)
    m.advance(3)
    version = m.lam.publish_version(FunctionName="snap")
    assert version["SnapStart"] == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"}
    m.advance(60)
    assert m.config("snap", Qualifier="1")["State"] == "Pending"
    with pytest.raises(m.lam.exceptions.SnapStartNotReadyException):
        m.lam.invoke(FunctionName="snap", Qualifier="1")
    m.advance(60)  # default SnapStart publish delay: 120 s
    cfg = m.config("snap", Qualifier="1")
    assert cfg["State"] == "Active"
    assert "LastUpdateStatus" not in cfg  # absent on SnapStart published versions


def test_publish_failure_and_create_with_publish(manual: ManualFactory) -> None:
    m = manual({"rules": [{"match": "pf", "publish": {"fail": "FunctionError.InitTimeout"}}]})
    m.handle.create_function("pf", publish=True)
    m.advance(2.5)
    cfg = m.config("pf", Qualifier="1")
    assert cfg["State"] == "Pending"  # version 1 settles when $LATEST does (3 s)
    m.advance(0.5)
    cfg = m.config("pf", Qualifier="1")
    assert (cfg["State"], cfg["StateReasonCode"]) == ("Failed", "FunctionError.InitTimeout")
    assert m.config("pf")["State"] == "Active"


def test_delete_and_recreate_starts_over(manual: ManualFactory) -> None:
    m = manual()
    m.handle.create_function("again")
    m.advance(3)
    m.lam.delete_function(FunctionName="again")
    with pytest.raises(m.lam.exceptions.ResourceNotFoundException):
        m.config("again")
    assert m.handle.create_function("again")["State"] == "Pending"
    assert m.config("again")["State"] == "Pending"


# --- fidelity against a peer: boto3's own waiters, on the real clock ---------------------


def _polls(handle: SandboxHandle, name: str) -> list[Any]:
    calls = [c for c in handle.calls if c.operation == "GetFunction" and c.function == name]
    assert calls, "the waiter never polled"
    return calls


def test_boto3_waiters_block_while_pending_and_in_progress(manual: ManualFactory) -> None:
    # Each poll moves the sandbox clock 0.1 s: a 0.3 s window needs several polls,
    # however slow the machine (a real-time window can pass within one slow call).
    m = manual({"delays": {"create": 0.3, "update": 0.3}})
    handle, lam = m.handle, m.handle.client()

    def tick(call: Any) -> None:
        if call.operation == "GetFunction":
            m.advance(0.1)

    handle.sandbox.on_call = tick
    created = m.clock.now()
    handle.create_function("peer")
    lam.get_waiter("function_active_v2").wait(FunctionName="peer", WaiterConfig={"Delay": 0.01})
    # The waiter read more than once and its last read came after the Pending window.
    polls = _polls(handle, "peer")
    assert polls[-1].time - created >= 0.3
    assert len(polls) >= 3

    handle.sandbox.reset_calls()
    updated = m.clock.now()
    lam.update_function_configuration(FunctionName="peer", Timeout=9)
    lam.get_waiter("function_updated_v2").wait(FunctionName="peer", WaiterConfig={"Delay": 0.01})
    polls = _polls(handle, "peer")
    assert polls[-1].time - updated >= 0.3
    assert len(polls) >= 3
    assert lam.get_function_configuration(FunctionName="peer")["Timeout"] == 9


def test_boto3_waiters_fail_on_failed(sandbox_factory: Callable[..., SandboxHandle]) -> None:
    handle = sandbox_factory(
        {
            "delays": {"create": 0.1, "update": 0.1},
            "rules": [
                {"match": "bad-create", "create": "InvalidSubnet"},
                {"match": "bad-update", "update": "InsufficientRolePermissions"},
            ],
        },
        time_scale=1.0,
    )
    lam = handle.client()
    handle.create_function("bad-create")
    with pytest.raises(WaiterError, match="terminal failure state"):
        lam.get_waiter("function_active_v2").wait(
            FunctionName="bad-create", WaiterConfig={"Delay": 0.02, "MaxAttempts": 50}
        )
    handle.create_function("bad-update")
    lam.get_waiter("function_active_v2").wait(
        FunctionName="bad-update", WaiterConfig={"Delay": 0.02, "MaxAttempts": 50}
    )
    lam.update_function_configuration(FunctionName="bad-update", Timeout=9)
    with pytest.raises(WaiterError, match="terminal failure state"):
        lam.get_waiter("function_updated_v2").wait(
            FunctionName="bad-update", WaiterConfig={"Delay": 0.02, "MaxAttempts": 50}
        )
    assert lam.get_function_configuration(FunctionName="bad-update")["Timeout"] == 3


def test_time_scale_shrinks_every_delay(sandbox: SandboxHandle) -> None:
    # The default fixture runs at 0.01: a 60 s VPC create takes 0.6 s.
    start = time.monotonic()  # before the create: its 0.6 s window starts later
    sandbox.create_function("scaled", vpc=True)
    sandbox.wait_until("scaled", state="Active", timeout=30)
    assert 0.6 <= time.monotonic() - start < 30  # unscaled it would be 60 s


def test_unknown_function_is_moto_404(sandbox: SandboxHandle) -> None:
    lam = sandbox.client(max_attempts=1)
    with pytest.raises(ClientError) as excinfo:
        lam.update_function_code(FunctionName="ghost", ZipFile=zip_bytes())
    assert client_error(excinfo)[0] == "ResourceNotFoundException"
