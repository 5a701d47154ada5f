"""The pure state model: parsing a FunctionConfiguration and judging it against a target."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import botocore.session
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lambda_wait.reasons import CATALOGUE
from lambda_wait.states import (
    ACTIVE,
    ACTIVE_NON_INVOCABLE,
    DEACTIVATED,
    DEACTIVATING,
    DELETING,
    FAILED,
    IN_PROGRESS,
    INACTIVE,
    KNOWN_STATES,
    KNOWN_UPDATE_STATUSES,
    PENDING,
    PHASE_EXIT,
    SUCCESSFUL,
    Assessment,
    FunctionSnapshot,
    Phase,
    Target,
    assess,
)

CANARY = "canary-7f3e-DO-NOT-LEAK"
ARN = "arn:aws:lambda:eu-west-1:123456789012:function:orders"

FULL_CONFIGURATION: dict[str, Any] = {
    "FunctionName": "orders",
    "FunctionArn": ARN,
    "Runtime": "python3.12",
    "Role": "arn:aws:iam::123456789012:role/orders",
    "Handler": "app.handler",
    "CodeSize": 1234,
    "Description": "",
    "Timeout": 30,
    "MemorySize": 256,
    "LastModified": "2026-11-28T06:07:41.000+0000",
    "CodeSha256": "abc123=",
    "ConfigSha256": "def456=",
    "Version": "$LATEST",
    "VpcConfig": {
        "SubnetIds": ["subnet-1", "subnet-2"],
        "SecurityGroupIds": ["sg-1"],
        "VpcId": "vpc-9",
    },
    "Environment": {"Variables": {"DB_PASSWORD": CANARY, "API_URL": f"https://{CANARY}"}},
    "TracingConfig": {"Mode": "PassThrough"},
    "RevisionId": "rev-1",
    "State": "Pending",
    "StateReason": "The function is being created.",
    "StateReasonCode": "Creating",
    "LastUpdateStatus": "InProgress",
    "LastUpdateStatusReason": "The function is being created.",
    "LastUpdateStatusReasonCode": "Creating",
    "PackageType": "Zip",
    "Architectures": ["x86_64"],
    "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
    "SomeFieldAwsAddsLater": {"x": 1},
}


def snap(
    state: str | None = ACTIVE,
    update: str | None = SUCCESSFUL,
    *,
    state_code: str | None = None,
    state_reason: str | None = None,
    update_code: str | None = None,
    update_reason: str | None = None,
) -> FunctionSnapshot:
    doc: dict[str, Any] = {"FunctionName": "orders"}
    for key, value in (
        ("State", state),
        ("LastUpdateStatus", update),
        ("StateReasonCode", state_code),
        ("StateReason", state_reason),
        ("LastUpdateStatusReasonCode", update_code),
        ("LastUpdateStatusReason", update_reason),
    ):
        if value is not None:
            doc[key] = value
    return FunctionSnapshot.from_configuration(doc)


# --- the vocabulary matches botocore --------------------------------------------------------


def test_known_values_match_botocore_enums() -> None:
    model = botocore.session.get_session().get_service_model("lambda")
    assert set(KNOWN_STATES) == set(model.shape_for("State").enum)  # type: ignore[attr-defined]
    assert set(KNOWN_UPDATE_STATUSES) == set(
        model.shape_for("LastUpdateStatus").enum  # type: ignore[attr-defined]
    )
    assert len(KNOWN_STATES) == 8
    assert len(KNOWN_UPDATE_STATUSES) == 3


# --- parsing --------------------------------------------------------------------------------


def test_parses_a_full_function_configuration() -> None:
    s = FunctionSnapshot.from_configuration(FULL_CONFIGURATION)
    assert s.function_name == "orders"
    assert s.function_arn == ARN
    assert s.version == "$LATEST"
    assert (s.state, s.state_reason_code) == ("Pending", "Creating")
    assert s.state_reason == "The function is being created."
    assert (s.last_update_status, s.last_update_status_reason_code) == ("InProgress", "Creating")
    assert s.last_update_status_reason == "The function is being created."
    assert s.package_type == "Zip"
    assert s.runtime == "python3.12"
    assert s.last_modified == "2026-11-28T06:07:41.000+0000"
    assert s.code_sha256 == "abc123="
    assert s.config_sha256 == "def456="
    assert s.revision_id == "rev-1"
    assert s.vpc_id == "vpc-9"
    assert s.subnet_ids == ("subnet-1", "subnet-2")
    assert s.security_group_ids == ("sg-1",)
    assert s.in_vpc
    assert (s.snap_start_apply_on, s.snap_start_optimization_status) == ("None", "Off")
    assert s.environment_keys == ("API_URL", "DB_PASSWORD")


def test_get_function_wrapper_parses_the_same() -> None:
    wrapped = {
        "Configuration": FULL_CONFIGURATION,
        "Code": {"RepositoryType": "S3", "Location": "https://example.invalid/presigned"},
        "Tags": {"team": "payments"},
    }
    assert FunctionSnapshot.from_configuration(wrapped) == FunctionSnapshot.from_configuration(
        FULL_CONFIGURATION
    )


def test_environment_values_are_never_kept() -> None:
    s = FunctionSnapshot.from_configuration({"Configuration": FULL_CONFIGURATION})
    assert CANARY not in repr(s)
    assert CANARY not in str(dataclasses.asdict(s))
    body = s.to_dict()
    dumped = json.dumps(body)
    assert CANARY not in dumped
    assert body["environment_variable_names"] == ["API_URL", "DB_PASSWORD"]


def test_minimal_and_empty_documents_parse() -> None:
    s = FunctionSnapshot.from_configuration({})
    assert s.function_name == ""
    assert s.state is None
    assert s.last_update_status is None
    assert not s.in_vpc
    assert s.environment_keys == ()
    assert s.state_decoded is None
    assert s.update_decoded is None


def test_null_nested_blocks_parse() -> None:
    s = FunctionSnapshot.from_configuration(
        {"FunctionName": "f", "VpcConfig": None, "SnapStart": None, "Environment": None}
    )
    assert not s.in_vpc
    assert s.snap_start_apply_on is None
    assert s.environment_keys == ()


def test_empty_vpc_config_is_not_in_vpc() -> None:
    s = FunctionSnapshot.from_configuration(
        {"FunctionName": "f", "VpcConfig": {"SubnetIds": [], "SecurityGroupIds": [], "VpcId": ""}}
    )
    assert s.vpc_id is None
    assert not s.in_vpc


def test_missing_last_update_status_is_none() -> None:
    doc = {k: v for k, v in FULL_CONFIGURATION.items() if not k.startswith("LastUpdate")}
    s = FunctionSnapshot.from_configuration(doc)
    assert s.last_update_status is None
    assert s.last_update_status_reason_code is None
    assert s.update_decoded is None


def test_to_dict_carries_state_fields_and_decoded_reasons() -> None:
    body = FunctionSnapshot.from_configuration(FULL_CONFIGURATION).to_dict()
    assert body["state"] == "Pending"
    assert body["last_update_status"] == "InProgress"
    assert body["in_vpc"] is True
    assert body["snap_start"] == {"apply_on": "None", "optimization_status": "Off"}
    decoded = body["state_reason_decoded"]
    assert isinstance(decoded, dict)
    assert decoded["code"] == "Creating"
    assert decoded["message"] == "The function is being created."
    assert decoded["known"] is True
    assert decoded["transient"] is True
    json.dumps(body)  # serialisable as is


def test_to_dict_without_reasons_has_null_decoded() -> None:
    body = snap(ACTIVE, SUCCESSFUL).to_dict()
    assert body["state_reason_decoded"] is None
    assert body["last_update_status_reason_decoded"] is None


# --- assessment table -----------------------------------------------------------------------

UNKNOWN_STATE = "Hibernating"
UNKNOWN_UPDATE = "RollingBack"

R, IP, F, UF, IN, DEL, OT = (
    Phase.READY,
    Phase.IN_PROGRESS,
    Phase.FAILED,
    Phase.UPDATE_FAILED,
    Phase.INACTIVE,
    Phase.DELETING,
    Phase.OTHER,
)
EXIT = {R: 0, IP: 3, F: 1, UF: 1, IN: 7, DEL: 4, OT: 3}

TABLE: list[tuple[Target, str | None, str | None, Phase]] = [
    # target ready: State Active and LastUpdateStatus Successful (or absent)
    (Target.READY, ACTIVE, SUCCESSFUL, R),
    (Target.READY, ACTIVE, None, R),
    (Target.READY, ACTIVE, IN_PROGRESS, IP),
    (Target.READY, ACTIVE, FAILED, UF),
    (Target.READY, ACTIVE, UNKNOWN_UPDATE, OT),
    (Target.READY, ACTIVE_NON_INVOCABLE, SUCCESSFUL, R),
    (Target.READY, ACTIVE_NON_INVOCABLE, IN_PROGRESS, IP),
    (Target.READY, PENDING, None, IP),
    (Target.READY, PENDING, IN_PROGRESS, IP),
    (Target.READY, INACTIVE, SUCCESSFUL, IN),
    (Target.READY, INACTIVE, FAILED, IN),
    (Target.READY, INACTIVE, None, IN),
    (Target.READY, FAILED, None, F),
    (Target.READY, FAILED, FAILED, F),
    (Target.READY, FAILED, SUCCESSFUL, F),
    (Target.READY, DEACTIVATING, None, IN),
    (Target.READY, DEACTIVATED, SUCCESSFUL, IN),
    (Target.READY, DELETING, None, DEL),
    (Target.READY, DELETING, SUCCESSFUL, DEL),
    (Target.READY, None, None, OT),
    (Target.READY, None, IN_PROGRESS, IP),
    (Target.READY, UNKNOWN_STATE, SUCCESSFUL, OT),
    (Target.READY, UNKNOWN_STATE, None, OT),
    (Target.READY, UNKNOWN_STATE, FAILED, OT),
    # target active: State only; LastUpdateStatus ignored
    (Target.ACTIVE, ACTIVE, SUCCESSFUL, R),
    (Target.ACTIVE, ACTIVE, None, R),
    (Target.ACTIVE, ACTIVE, IN_PROGRESS, R),
    (Target.ACTIVE, ACTIVE, FAILED, R),
    (Target.ACTIVE, ACTIVE, UNKNOWN_UPDATE, R),
    (Target.ACTIVE, ACTIVE_NON_INVOCABLE, IN_PROGRESS, R),
    (Target.ACTIVE, PENDING, None, IP),
    (Target.ACTIVE, PENDING, IN_PROGRESS, IP),
    (Target.ACTIVE, INACTIVE, None, IN),
    (Target.ACTIVE, FAILED, SUCCESSFUL, F),
    (Target.ACTIVE, DEACTIVATED, None, IN),
    (Target.ACTIVE, DELETING, None, DEL),
    (Target.ACTIVE, None, SUCCESSFUL, OT),
    (Target.ACTIVE, None, None, OT),
    (Target.ACTIVE, UNKNOWN_STATE, SUCCESSFUL, OT),
    # target updated: LastUpdateStatus Successful (absent counts once Active)
    (Target.UPDATED, ACTIVE, SUCCESSFUL, R),
    (Target.UPDATED, ACTIVE, None, R),
    (Target.UPDATED, ACTIVE, IN_PROGRESS, IP),
    (Target.UPDATED, ACTIVE, FAILED, UF),
    (Target.UPDATED, ACTIVE, UNKNOWN_UPDATE, OT),
    (Target.UPDATED, PENDING, None, IP),
    (Target.UPDATED, PENDING, IN_PROGRESS, IP),
    (Target.UPDATED, INACTIVE, SUCCESSFUL, IN),
    (Target.UPDATED, FAILED, SUCCESSFUL, F),
    (Target.UPDATED, DEACTIVATING, SUCCESSFUL, IN),
    (Target.UPDATED, DELETING, SUCCESSFUL, DEL),
    (Target.UPDATED, None, None, OT),
    (Target.UPDATED, UNKNOWN_STATE, SUCCESSFUL, OT),
    (Target.UPDATED, UNKNOWN_STATE, FAILED, OT),
]


@pytest.mark.parametrize(
    ("target", "state", "update", "phase"),
    TABLE,
    ids=[f"{t.value}-{s}-{u}" for t, s, u, _ in TABLE],
)
def test_assessment_table(
    target: Target, state: str | None, update: str | None, phase: Phase
) -> None:
    result = assess(snap(state, update), target)
    assert result.phase is phase
    assert int(result.exit_code) == EXIT[phase]
    assert result.done is (phase not in (IP, OT))
    assert result.summary


def test_table_covers_every_known_value() -> None:
    states = {state for _, state, _, _ in TABLE}
    updates = {update for _, _, update, _ in TABLE}
    assert set(KNOWN_STATES) <= states
    assert set(KNOWN_UPDATE_STATUSES) | {None} <= updates
    assert {UNKNOWN_STATE, None} <= states
    assert UNKNOWN_UPDATE in updates


def test_default_target_is_ready() -> None:
    assert assess(snap(ACTIVE, IN_PROGRESS)).phase is Phase.IN_PROGRESS
    assert assess(snap(ACTIVE, IN_PROGRESS), Target.ACTIVE).phase is Phase.READY


def test_phase_exit_codes_are_pinned() -> None:
    assert {phase: int(code) for phase, code in PHASE_EXIT.items()} == EXIT
    assert set(PHASE_EXIT) == set(Phase)


# --- specific outcomes ----------------------------------------------------------------------


@pytest.mark.parametrize("target", list(Target))
def test_state_failed_is_failed_with_the_reason_decoded(target: Target) -> None:
    message = "The provided subnet subnet-0bad does not exist."
    result = assess(snap(FAILED, None, state_code="InvalidSubnet", state_reason=message), target)
    assert result.phase is Phase.FAILED
    assert result.exit_code == 1
    assert result.done
    assert "recreate" in result.summary
    assert result.reason is not None
    assert result.reason.code == "InvalidSubnet"
    assert result.reason.aws_message == message
    assert result.reason.info is CATALOGUE["InvalidSubnet"]


def test_state_failed_with_an_unknown_code_keeps_it_verbatim() -> None:
    result = assess(snap(FAILED, None, state_code="BrandNewCode", state_reason="why it broke"))
    assert result.phase is Phase.FAILED
    assert result.reason is not None
    assert (result.reason.code, result.reason.aws_message) == ("BrandNewCode", "why it broke")
    assert not result.reason.known


@pytest.mark.parametrize("target", [Target.READY, Target.UPDATED])
def test_update_failed_says_the_previous_version_is_still_live(target: Target) -> None:
    result = assess(
        snap(
            ACTIVE,
            FAILED,
            update_code="SubnetOutOfIPAddresses",
            update_reason="subnet-1 has no free addresses",
        ),
        target,
    )
    assert result.phase is Phase.UPDATE_FAILED
    assert result.exit_code == 1
    assert "previous" in result.summary
    assert "still live" in result.summary
    assert result.reason is not None
    assert result.reason.code == "SubnetOutOfIPAddresses"
    assert result.reason.aws_message == "subnet-1 has no free addresses"
    assert result.reason.cooldown


def test_target_active_ignores_a_failed_update() -> None:
    result = assess(snap(ACTIVE, FAILED, update_code="InvalidImage"), Target.ACTIVE)
    assert result.phase is Phase.READY
    assert result.exit_code == 0


def test_inactive_idle_is_inactive_with_the_idle_reason() -> None:
    result = assess(snap(INACTIVE, SUCCESSFUL, state_code="Idle", state_reason="idle"))
    assert result.phase is Phase.INACTIVE
    assert result.exit_code == 7
    assert result.done
    assert result.reason is not None
    assert result.reason.code == "Idle"
    assert result.reason.transient is True


def test_inactive_after_failed_restore_reports_the_update_reason() -> None:
    result = assess(
        snap(
            INACTIVE,
            FAILED,
            state_code="Idle",
            update_code="InsufficientRolePermission",  # the docs' spelling
            update_reason="role lacks ec2:CreateNetworkInterface",
        )
    )
    assert result.phase is Phase.INACTIVE
    assert result.reason is not None
    assert result.reason.code == "InsufficientRolePermission"
    assert result.reason.cooldown


def test_pending_reports_the_state_reason() -> None:
    result = assess(snap(PENDING, None, state_code="Creating", state_reason="being created"))
    assert result.phase is Phase.IN_PROGRESS
    assert not result.done
    assert result.reason is not None
    assert result.reason.code == "Creating"


def test_in_progress_update_reports_the_update_reason() -> None:
    result = assess(snap(ACTIVE, IN_PROGRESS, update_code="Creating", update_reason="x"))
    assert result.phase is Phase.IN_PROGRESS
    assert result.reason is not None
    assert result.reason.code == "Creating"


@pytest.mark.parametrize("target", list(Target))
def test_unknown_state_is_shown_verbatim_and_not_ready(target: Target) -> None:
    result = assess(snap("Quiescing", SUCCESSFUL), target)
    assert result.phase is Phase.OTHER
    assert "Quiescing" in result.summary
    assert not result.done
    assert result.exit_code != 0


@pytest.mark.parametrize("target", [Target.READY, Target.UPDATED])
def test_unknown_update_status_is_shown_verbatim_and_not_ready(target: Target) -> None:
    result = assess(snap(ACTIVE, "Reconciling"), target)
    assert result.phase is Phase.OTHER
    assert "Reconciling" in result.summary
    assert result.exit_code != 0


def test_snapstart_version_without_last_update_status_is_ready() -> None:
    doc = {
        "FunctionName": "orders",
        "Version": "7",
        "State": "Active",
        "SnapStart": {"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"},
    }
    s = FunctionSnapshot.from_configuration(doc)
    assert assess(s).phase is Phase.READY
    assert assess(s, Target.UPDATED).phase is Phase.READY


def test_key_changes_when_the_update_status_changes() -> None:
    assert snap(ACTIVE, IN_PROGRESS).key != snap(ACTIVE, SUCCESSFUL).key
    assert snap(ACTIVE, SUCCESSFUL).key == snap(ACTIVE, SUCCESSFUL).key


# --- properties -----------------------------------------------------------------------------

ACTIVE_STATES = {ACTIVE, ACTIVE_NON_INVOCABLE}
field_values = st.one_of(
    st.none(),
    st.sampled_from((*KNOWN_STATES, *KNOWN_UPDATE_STATUSES, "", "active", "ACTIVE")),
    st.text(max_size=30),
)
code_values = st.one_of(st.none(), st.sampled_from(sorted(CATALOGUE)), st.text(max_size=30))


reason_values = st.one_of(st.none(), st.text(max_size=50))


@given(
    fields=st.fixed_dictionaries(
        {
            "state": field_values,
            "update": field_values,
            "state_code": code_values,
            "update_code": code_values,
            "state_reason": reason_values,
            "update_reason": reason_values,
        }
    ),
    target=st.sampled_from(list(Target)),
)
def test_assess_never_raises_and_ready_means_the_documented_condition(
    fields: dict[str, str | None], target: Target
) -> None:
    state, update = fields["state"], fields["update"]
    s = snap(
        state,
        update,
        state_code=fields["state_code"],
        state_reason=fields["state_reason"],
        update_code=fields["update_code"],
        update_reason=fields["update_reason"],
    )
    result = assess(s, target)
    assert isinstance(result, Assessment)
    assert isinstance(result.phase, Phase)
    assert result.exit_code == PHASE_EXIT[result.phase]
    assert result.summary
    json.dumps(s.to_dict())

    if result.phase is Phase.READY:
        if target is Target.ACTIVE:
            assert state in ACTIVE_STATES
        elif target is Target.READY:
            assert state in ACTIVE_STATES
            assert update in (SUCCESSFUL, None)
        else:
            assert state in ACTIVE_STATES | {None}
            assert update == SUCCESSFUL or (update is None and state in ACTIVE_STATES)
    if state == FAILED:
        assert result.phase is Phase.FAILED
    if state is not None and state not in KNOWN_STATES:
        assert result.phase is Phase.OTHER
    if (
        target is not Target.ACTIVE
        and state in ACTIVE_STATES
        and update is not None
        and update not in KNOWN_UPDATE_STATUSES
    ):
        assert result.phase is Phase.OTHER
    if state == PENDING:
        assert result.phase is not Phase.READY
    if target is Target.ACTIVE and state in ACTIVE_STATES:
        assert result.phase is Phase.READY  # whatever LastUpdateStatus says


def test_pending_restore_with_a_stale_failed_update_is_in_progress() -> None:
    # A restore retried after a failed one: Pending wins over the old LastUpdateStatus Failed.
    s = snap(PENDING, FAILED, state_code="Restoring", update_code="SubnetOutOfIPAddresses")
    assessment = assess(s, Target.READY)
    assert assessment.phase is Phase.IN_PROGRESS
    assert not assessment.done
