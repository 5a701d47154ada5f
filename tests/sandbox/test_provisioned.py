"""Provisioned concurrency in the sandbox: IN_PROGRESS -> READY or FAILED on the timeline,
the refusals AWS gives, re-allocation when an alias moves, and the knobs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from lambda_wait.sandbox.handlers.provisioned import NO_CONFIG, UNPUBLISHED, WEIGHTED
from tests.sandbox.helpers import Manual, client_error

ManualFactory = Callable[..., Manual]
INIT = "lambda-wait-sandbox:provisioned"


def _published(m: Manual, name: str, *, alias: str | None = "live", **kwargs: Any) -> str:
    """Create ``name``, publish version 1 and (optionally) point ``alias`` at it."""
    m.handle.create_function(name, client=m.lam, **kwargs)
    m.advance(3)
    version = str(m.lam.publish_version(FunctionName=name)["Version"])
    m.advance(1)
    if alias:
        m.lam.create_alias(FunctionName=name, Name=alias, FunctionVersion=version)
    return version


def _put(m: Manual, name: str, qualifier: str, count: int = 4) -> dict[str, Any]:
    return dict(
        m.lam.put_provisioned_concurrency_config(
            FunctionName=name, Qualifier=qualifier, ProvisionedConcurrentExecutions=count
        )
    )


def _get(m: Manual, name: str, qualifier: str) -> dict[str, Any]:
    return dict(m.lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier=qualifier))


def test_allocation_goes_in_progress_then_ready_with_counts(manual: ManualFactory) -> None:
    m = manual()
    _published(m, "pc")
    answer = _put(m, "pc", "live", 4)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert (answer["Status"], answer["AllocatedProvisionedConcurrentExecutions"]) == (
        "IN_PROGRESS",
        0,
    )
    m.advance(30)  # half of the 60 s default: environments come up gradually
    half = _get(m, "pc", "live")
    assert half["Status"] == "IN_PROGRESS"
    assert half["AllocatedProvisionedConcurrentExecutions"] == 2
    m.advance(30)
    ready = _get(m, "pc", "live")
    counts = [ready[f"{k}ProvisionedConcurrentExecutions"] for k in ("Requested", "Allocated")]
    assert (ready["Status"], counts, ready["AvailableProvisionedConcurrentExecutions"]) == (
        "READY",
        [4, 4],
        4,
    )
    assert "StatusReason" not in ready
    puts = m.handle.sandbox.mutating_calls("pc")
    assert [c.operation for c in puts][-1] == "PutProvisionedConcurrencyConfig"


def test_a_change_while_in_progress_is_a_409_and_not_applied(manual: ManualFactory) -> None:
    m = manual()
    _published(m, "busy")
    _put(m, "busy", "live")
    for call in (
        lambda: _put(m, "busy", "live", 9),
        lambda: m.lam.delete_provisioned_concurrency_config(FunctionName="busy", Qualifier="live"),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        code, message, status = client_error(excinfo)
        assert (code, status) == ("ResourceConflictException", 409)
        assert "in progress" in message and ":busy:live" in message
    applied = [c.operation for c in m.handle.sandbox.mutating_calls("busy")]
    assert applied.count("PutProvisionedConcurrencyConfig") == 1
    assert "DeleteProvisionedConcurrencyConfig" not in applied


@pytest.mark.parametrize(
    ("qualifier", "expected"),
    [
        ("$LATEST", ("InvalidParameterValueException", UNPUBLISHED, 400)),
        ("missing", ("ResourceNotFoundException", None, 404)),
        ("7", ("ResourceNotFoundException", None, 404)),
    ],
)
def test_latest_and_unknown_qualifiers_are_refused(
    manual: ManualFactory, qualifier: str, expected: tuple[str, str | None, int]
) -> None:
    m = manual()
    _published(m, "refuse")
    with pytest.raises(ClientError) as excinfo:
        _put(m, "refuse", qualifier)
    code, message, status = client_error(excinfo)
    assert (code, status) == (expected[0], expected[2])
    arn = m.config("refuse")["FunctionArn"]
    # AWS's texts: "Cannot find alias arn: ..." for an alias, "Function not found" for a version.
    missing = "Cannot find alias arn: " if not qualifier.isdigit() else "Function not found: "
    assert message == (expected[1] or f"{missing}{arn}:{qualifier}")
    applied = m.handle.sandbox.mutating_calls("refuse")
    assert "PutProvisionedConcurrencyConfig" not in [c.operation for c in applied]


def test_unknown_function_is_404(manual: ManualFactory) -> None:
    m = manual()
    with pytest.raises(m.lam.exceptions.ResourceNotFoundException):
        _get(m, "ghost", "live")


def test_an_alias_with_weights_is_refused_as_aws_does(manual: ManualFactory) -> None:
    m = manual()
    v1 = _published(m, "weighted")
    m.lam.update_function_code(FunctionName="weighted", ZipFile=b"PK-other")
    m.advance(3)
    v2 = m.lam.publish_version(FunctionName="weighted")["Version"]
    m.advance(1)
    m.lam.update_alias(
        FunctionName="weighted",
        Name="live",
        FunctionVersion=v1,
        RoutingConfig={"AdditionalVersionWeights": {v2: 0.1}},
    )
    with pytest.raises(ClientError) as excinfo:
        _put(m, "weighted", "live")
    assert client_error(excinfo) == ("InvalidParameterValueException", WEIGHTED, 400)
    # A version itself carries no weights: its config is accepted.
    assert _put(m, "weighted", v2)["Status"] == "IN_PROGRESS"


def test_moving_the_alias_reallocates_on_the_new_version(manual: ManualFactory) -> None:
    m = manual()
    _published(m, "move")
    _put(m, "move", "live", 2)
    m.advance(60)
    assert _get(m, "move", "live")["Status"] == "READY"
    m.lam.update_function_code(FunctionName="move", ZipFile=b"PK-v2")
    m.advance(3)
    v2 = m.lam.publish_version(FunctionName="move")["Version"]
    m.advance(1)
    m.lam.update_alias(FunctionName="move", Name="live", FunctionVersion=v2)
    moved = _get(m, "move", "live")
    # AWS (recorded): the old environments still count while the new version allocates.
    assert (moved["Status"], moved["AllocatedProvisionedConcurrentExecutions"]) == (
        "IN_PROGRESS",
        2,
    )
    m.advance(60)
    assert _get(m, "move", "live")["Status"] == "READY"
    listed = m.lam.list_provisioned_concurrency_configs(FunctionName="move")
    [item] = listed["ProvisionedConcurrencyConfigs"]
    assert item["FunctionArn"].endswith(":move:live") and item["Status"] == "READY"


def test_init_failure_knob_fails_the_allocation_with_a_status_reason(
    manual: ManualFactory,
) -> None:
    m = manual()
    _published(m, "init", tags={INIT: "fail:FUNCTION_ERROR_INIT_FAILURE"})
    _put(m, "init", "live")
    m.advance(60)
    failed = _get(m, "init", "live")
    assert failed["Status"] == "FAILED"
    assert failed["StatusReason"].startswith("FUNCTION_ERROR_INIT_FAILURE")
    assert failed["AllocatedProvisionedConcurrentExecutions"] == 0
    assert m.handle.state("init")["Provisioned"] == {"live": "FAILED"}


def test_scenario_fails_only_the_nth_allocation_and_sets_the_duration(
    manual: ManualFactory,
) -> None:
    rule = {"match": "nth-*", "provisioned": {"fail": "FUNCTION_ERROR_INIT_FAILURE", "nth": 2}}
    m = manual({"rules": [rule, {"match": "nth-*", "delays": {"provisioned": 5}}]})
    v1 = _published(m, "nth-pc")
    _put(m, "nth-pc", "live")
    m.advance(5)
    assert _get(m, "nth-pc", "live")["Status"] == "READY"
    m.lam.delete_alias(FunctionName="nth-pc", Name="live")  # AWS: not both alias and version
    _put(m, "nth-pc", v1)  # the second allocation of the function
    m.advance(5)
    assert _get(m, "nth-pc", v1)["Status"] == "FAILED"


def test_delete_removes_the_config_and_deleting_the_alias_takes_it_along(
    manual: ManualFactory,
) -> None:
    m = manual()
    version = _published(m, "gone")
    _put(m, "gone", version)
    m.advance(60)
    m.lam.delete_provisioned_concurrency_config(FunctionName="gone", Qualifier=version)
    with pytest.raises(ClientError) as excinfo:
        _get(m, "gone", version)
    assert client_error(excinfo) == (
        "ProvisionedConcurrencyConfigNotFoundException",
        NO_CONFIG,
        404,
    )
    _put(m, "gone", "live")
    assert (
        m.lam.delete_alias(FunctionName="gone", Name="live")["ResponseMetadata"]["HTTPStatusCode"]
        == 204
    )
    assert (
        m.lam.list_provisioned_concurrency_configs(FunctionName="gone")[
            "ProvisionedConcurrencyConfigs"
        ]
        == []
    )


def test_provisioned_calls_share_the_control_plane_quota(manual: ManualFactory) -> None:
    m = manual()
    _published(m, "quota")
    _put(m, "quota", "live")
    m.handle.sandbox.set_throttling(True)  # the manual clock never refills the bucket
    answers = []
    for _ in range(16):
        try:
            answers.append(_get(m, "quota", "live")["Status"])
        except ClientError as exc:
            answers.append(exc.response["Error"]["Code"])
    assert answers == ["IN_PROGRESS"] * 15 + ["TooManyRequestsException"]


def test_a_config_on_an_alias_and_on_its_version_conflict(manual: ManualFactory) -> None:
    # AWS (recorded): 409 either way round, with these texts; the refused one is not listed.
    m = manual()
    version = _published(m, "both")
    _put(m, "both", version)
    with pytest.raises(ClientError) as excinfo:
        _put(m, "both", "live")
    assert client_error(excinfo) == (
        "ResourceConflictException",
        "Alias can't be used for Provisioned Concurrency configuration on an already "
        "Provisioned version",
        409,
    )
    m.advance(60)
    m.lam.delete_provisioned_concurrency_config(FunctionName="both", Qualifier=version)
    _put(m, "both", "live")
    with pytest.raises(ClientError) as excinfo:
        _put(m, "both", version)
    assert client_error(excinfo) == (
        "ResourceConflictException",
        "Version is pointed by a Provisioned Concurrency alias",
        409,
    )
    listed = m.lam.list_provisioned_concurrency_configs(FunctionName="both")
    assert [
        c["FunctionArn"].rsplit(":", 1)[1] for c in listed["ProvisionedConcurrencyConfigs"]
    ] == ["live"]


def test_get_on_latest_is_an_invalid_parameter(manual: ManualFactory) -> None:
    m = manual()
    _published(m, "latest")
    with pytest.raises(ClientError) as excinfo:
        _get(m, "latest", "$LATEST")
    assert client_error(excinfo) == (
        "InvalidParameterValueException",
        "The function resource provided must be an alias or a published version.",
        400,
    )
