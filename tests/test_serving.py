"""Provisioned concurrency and event source mappings: snapshots, verdicts, deploy rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lambda_wait.errors import ExitCode
from lambda_wait.reasons import (
    MAPPING_STATES,
    MAPPING_TRANSITION_REASONS,
    PROCESSING_RESULTS,
    PROVISIONED_STATUSES,
    decode_processing_result,
    decode_provisioned_reason,
    decode_transition_reason,
)
from lambda_wait.serving import combine
from lambda_wait.serving.mappings import (
    KNOWN_STATES,
    TRANSITIONAL,
    MappingSnapshot,
    assess_mapping,
    assess_mappings,
    source_label,
)
from lambda_wait.serving.provisioned import (
    ProvisionedAction,
    ProvisionedSnapshot,
    assess_provisioned,
    check_limit,
    check_request,
    check_routing,
    plan_provisioned,
    provisioned_limit,
    rollback_hint,
)
from lambda_wait.states import Assessment, Phase
from tests.imports import loaded_after

ROOT = Path(__file__).resolve().parent.parent
QUEUE = "arn:aws:sqs:us-east-1:123456789012:orders"


def pc(status: str | None, reason: str | None = None, *, requested: int = 5) -> ProvisionedSnapshot:
    return ProvisionedSnapshot.from_response(
        "shop",
        "live",
        {
            "RequestedProvisionedConcurrentExecutions": requested,
            "AllocatedProvisionedConcurrentExecutions": 2,
            "AvailableProvisionedConcurrentExecutions": 1,
            **({"Status": status} if status else {}),
            **({"StatusReason": reason} if reason else {}),
            "LastModified": "2026-12-01T12:00:00+0000",
        },
    )


def esm(
    state: str | None,
    reason: str | None = "USER_INITIATED",
    result: str | None = "OK",
    *,
    arn: str | None = QUEUE,
) -> MappingSnapshot:
    doc: dict[str, object] = {"UUID": "u-1", "State": state, "BatchSize": 10}
    if arn:
        doc["EventSourceArn"] = arn
    if reason is not None:
        doc["StateTransitionReason"] = reason
    if result is not None:
        doc["LastProcessingResult"] = result
    return MappingSnapshot.from_configuration(doc)


# --- provisioned concurrency ----------------------------------------------------------------


def test_a_snapshot_reads_the_counts_and_keeps_them_in_json() -> None:
    snap = pc("IN_PROGRESS")
    assert (snap.requested, snap.allocated, snap.available) == (5, 2, 1)
    body = snap.to_dict()
    assert body["qualifier"] == "live"
    assert body["requested"] == 5
    assert body["status"] == "IN_PROGRESS"
    assert body["status_reason_decoded"] is None


def test_counts_are_not_trusted_when_not_integers() -> None:
    snap = ProvisionedSnapshot.from_response(
        "f", "1", {"RequestedProvisionedConcurrentExecutions": True, "Status": "READY"}
    )
    assert snap.requested is None
    assert "?/?" in snap.counts


@pytest.mark.parametrize(
    ("status", "phase"),
    [
        ("READY", Phase.READY),
        ("IN_PROGRESS", Phase.IN_PROGRESS),
        ("FAILED", Phase.FAILED),
        ("SOMETHING_NEW", Phase.OTHER),
        (None, Phase.OTHER),
    ],
)
def test_each_status_has_its_phase(status: str | None, phase: Phase) -> None:
    assert assess_provisioned(pc(status)).phase is phase


def test_init_failure_says_initialisation_failed_and_names_the_log_group() -> None:
    verdict = assess_provisioned(pc("FAILED", "FUNCTION_ERROR_INIT_FAILURE"))
    assert verdict.exit_code is ExitCode.FAILED
    assert "initialisation failed" in verdict.summary
    assert "/aws/lambda/shop" in verdict.summary
    assert verdict.reason is not None
    assert verdict.reason.code == "FUNCTION_ERROR_INIT_FAILURE"
    assert verdict.reason.transient is False


def test_init_failure_is_found_inside_a_longer_message() -> None:
    text = (
        "Provisioned Concurrency configuration failed to be applied. "
        "Reason: FUNCTION_ERROR_INIT_FAILURE"
    )
    decoded = decode_provisioned_reason(text)
    assert decoded is not None
    assert decoded.code == "FUNCTION_ERROR_INIT_FAILURE"
    assert decoded.aws_message == text


def test_an_unknown_failure_reason_is_shown_verbatim() -> None:
    verdict = assess_provisioned(pc("FAILED", "Something else went wrong"))
    assert "Something else went wrong" in verdict.summary
    assert verdict.reason is not None
    assert not verdict.reason.known
    assert assess_provisioned(pc("FAILED")).summary.endswith("no StatusReason given")


@pytest.mark.parametrize(
    ("desired", "current", "action"),
    [
        (5, None, ProvisionedAction.PUT),
        (5, 3, ProvisionedAction.PUT),
        (5, 5, ProvisionedAction.NONE),
        (0, 5, ProvisionedAction.DELETE),
        (0, None, ProvisionedAction.NONE),
    ],
)
def test_plan_puts_deletes_or_leaves_alone(
    desired: int, current: int | None, action: ProvisionedAction
) -> None:
    snap = None if current is None else pc("READY", requested=current)
    assert plan_provisioned(desired, snap) is action


def test_an_unchanged_failed_config_is_left_to_lambda_to_reallocate() -> None:
    assert plan_provisioned(5, pc("FAILED", requested=5)) is ProvisionedAction.NONE


def test_limit_is_reserved_concurrency_when_set() -> None:
    assert provisioned_limit(reserved=20, unreserved=900) == 20


def test_limit_keeps_100_unreserved_and_counts_the_current_config() -> None:
    assert provisioned_limit(reserved=None, unreserved=900) == 800
    assert provisioned_limit(reserved=None, unreserved=150, current_on_qualifier=10) == 60
    assert provisioned_limit(reserved=None, unreserved=50) == 0
    assert provisioned_limit(reserved=None, unreserved=None) is None


def test_check_limit_names_the_limit_and_the_fix() -> None:
    assert check_limit(10, 800, reserved=None) is None
    assert check_limit(10, None, reserved=None) is None
    over = check_limit(801, 800, reserved=None)
    assert over is not None
    assert "800" in over
    assert "Service Quotas" in over
    reserved = check_limit(21, 20, reserved=20)
    assert reserved is not None
    assert "put-function-concurrency" in reserved


@pytest.mark.parametrize(
    ("count", "alias", "needle"),
    [
        (-1, "live", "0 or more"),
        (3, None, "needs --alias"),
        (3, "$LATEST", "$LATEST"),
    ],
)
def test_bad_requests_are_one_line_with_the_fix(count: int, alias: str | None, needle: str) -> None:
    problem = check_request(count, alias=alias)
    assert problem is not None
    assert needle in problem
    assert "\n" not in problem


def test_good_requests_pass() -> None:
    assert check_request(0, alias="live") is None
    assert check_request(7, alias="live") is None
    assert check_request(7, alias="live", latest=True) is not None


def test_routing_weights_block_provisioned_changes() -> None:
    assert check_routing("live", None) is None
    assert check_routing("live", {}) is None
    problem = check_routing("live", {"4": 0.1})
    assert problem is not None
    assert "4=0.1" in problem
    assert "--routing-config" in problem


def test_rollback_hint_names_the_previous_version() -> None:
    assert "--function-version 3" in rollback_hint("shop", "live", "3")
    assert "delete-provisioned-concurrency-config" in rollback_hint("shop", "live", None)


# --- event source mappings ------------------------------------------------------------------


def test_source_labels_are_short() -> None:
    assert source_label(QUEUE) == "sqs:orders"
    assert (
        source_label("arn:aws:kinesis:us-east-1:123456789012:stream/clicks")
        == "kinesis:stream/clicks"
    )
    assert source_label(None, ["orders-topic"]) == "kafka:orders-topic"
    assert source_label(None) == "(self-managed source)"
    assert source_label("not-an-arn") == "not-an-arn"


@pytest.mark.parametrize("state", sorted(TRANSITIONAL))
def test_transitional_states_are_in_progress(state: str) -> None:
    verdict = assess_mapping(esm(state))
    assert verdict.phase is Phase.IN_PROGRESS
    assert state in verdict.summary


def test_transitional_wins_over_a_stale_problem() -> None:
    assert assess_mapping(esm("Updating", result="PROBLEM: Connection error.")).phase is (
        Phase.IN_PROGRESS
    )


def test_enabled_and_ok_is_ready() -> None:
    assert assess_mapping(esm("Enabled")).phase is Phase.READY
    assert assess_mapping(esm("Enabled", result="No records processed")).phase is Phase.READY


def test_disabled_by_a_user_is_settled_unless_enabled_was_asked_for() -> None:
    assert assess_mapping(esm("Disabled")).phase is Phase.READY
    assert assess_mapping(esm("Disabled", reason="User action")).phase is Phase.READY
    verdict = assess_mapping(esm("Disabled"), want_enabled=True)
    assert verdict.phase is Phase.FAILED
    assert "expected Enabled" in verdict.summary


def test_disabled_by_lambda_fails_with_the_reason_decoded() -> None:
    verdict = assess_mapping(esm("Disabled", reason="EVENT_SOURCE_AUTHZ_ERROR"))
    assert verdict.phase is Phase.FAILED
    assert "Disabled by Lambda" in verdict.summary
    assert verdict.reason is not None
    assert verdict.reason.code == "EVENT_SOURCE_AUTHZ_ERROR"
    assert verdict.reason.remedy is not None
    assert "execution role" in verdict.reason.remedy


def test_enabled_with_a_processing_problem_fails_decoded() -> None:
    verdict = assess_mapping(esm("Enabled", result="PROBLEM: SASL authentication failed."))
    assert verdict.phase is Phase.FAILED
    assert verdict.reason is not None
    assert verdict.reason.code == "SASL authentication failed"
    assert "SASL authentication failed" in verdict.summary


def test_enabled_with_an_error_transition_reason_fails() -> None:
    verdict = assess_mapping(esm("Enabled", reason="ESM_CONFIG_NOT_VALID"))
    assert verdict.phase is Phase.FAILED


def test_an_unknown_state_is_not_ready() -> None:
    assert assess_mapping(esm("Paused")).phase is Phase.OTHER
    assert "Paused" in assess_mapping(esm("Paused")).summary


def test_want_disabled_waits_for_disabled() -> None:
    assert assess_mapping(esm("Enabled"), want_enabled=False).phase is Phase.IN_PROGRESS


def test_all_mappings_first_failure_then_transitional_then_settled() -> None:
    assert assess_mappings([]).phase is Phase.READY
    assert assess_mappings([]).summary == "no event source mappings"
    settled = assess_mappings([esm("Enabled"), esm("Disabled")])
    assert settled.phase is Phase.READY
    assert "2 event source mappings" in settled.summary
    waiting = assess_mappings([esm("Enabled"), esm("Creating"), esm("Updating")])
    assert waiting.phase is Phase.IN_PROGRESS
    assert "(and 1 more)" in waiting.summary
    lambda_disabled = esm("Disabled", reason="FUNCTION_CONFIG_NOT_VALID")
    failing = assess_mappings([esm("Creating"), lambda_disabled])
    assert failing.phase is Phase.FAILED


def test_mapping_json_carries_decoded_reasons() -> None:
    body = esm("Disabled", reason="EVENT_SOURCE_AUTHN_ERROR", result="PROBLEM: x").to_dict()
    assert body["source"] == "sqs:orders"
    assert body["batch_size"] == 10
    decoded = body["state_transition_reason_decoded"]
    assert isinstance(decoded, dict)
    assert decoded["code"] == "EVENT_SOURCE_AUTHN_ERROR"
    processing = body["last_processing_result_decoded"]
    assert isinstance(processing, dict)
    assert processing["code"] == "PROBLEM:"


# --- the catalogue --------------------------------------------------------------------------


def test_catalogue_covers_every_documented_state_and_status() -> None:
    assert set(MAPPING_STATES) == set(KNOWN_STATES)
    assert set(PROVISIONED_STATUSES) == {"IN_PROGRESS", "READY", "FAILED"}
    for code in ("ESM_CONFIG_NOT_VALID", "EVENT_SOURCE_AUTHN_ERROR", "EVENT_SOURCE_AUTHZ_ERROR"):
        assert MAPPING_TRANSITION_REASONS[code].transient is False
    assert PROCESSING_RESULTS["OK"].transient is True


def test_processing_results_decode_by_prefix_case_insensitively() -> None:
    decoded = decode_processing_result("problem: connection error. Your VPC must be able to ...")
    assert decoded is not None
    assert decoded.code == "Connection error"
    assert decode_processing_result("OK") is not None
    unknown = decode_processing_result("Something new")
    assert unknown is not None
    assert unknown.info is None
    assert decode_processing_result(None) is None


def test_user_transition_reasons_decode_to_one_entry() -> None:
    first = decode_transition_reason("USER_INITIATED")
    second = decode_transition_reason("user action")
    assert first is not None
    assert second is not None
    assert first.info is second.info is MAPPING_TRANSITION_REASONS["USER_INITIATED"]
    assert decode_transition_reason("") is None


@given(st.one_of(st.none(), st.text()))
def test_decoders_never_raise_and_keep_the_text(text: str | None) -> None:
    for decoder in (decode_processing_result, decode_provisioned_reason, decode_transition_reason):
        decoded = decoder(text)
        if not text:
            assert decoded is None
        else:
            assert decoded is not None
            assert decoded.aws_message == text


# --- joining verdicts -----------------------------------------------------------------------


def _a(phase: Phase, text: str = "") -> Assessment:
    return Assessment(phase, text or phase.value, None)


def test_combine_failure_wins_then_progress_then_ready() -> None:
    assert combine().phase is Phase.OTHER
    assert combine(_a(Phase.READY), None).phase is Phase.READY
    assert combine(_a(Phase.READY), _a(Phase.IN_PROGRESS)).phase is Phase.IN_PROGRESS
    assert combine(_a(Phase.IN_PROGRESS), _a(Phase.FAILED, "pc")).summary == "pc"
    ready = combine(_a(Phase.READY, "fn"), _a(Phase.READY, "pc"))
    assert ready.summary == "fn; pc"


def test_the_serving_domain_imports_no_heavy_modules() -> None:
    code = "import lambda_wait.serving.provisioned, lambda_wait.serving.mappings"
    assert loaded_after(code, ("boto3", "botocore", "click", "rich")) == []
