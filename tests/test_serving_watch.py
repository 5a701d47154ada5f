"""Waiting on provisioned concurrency and event source mappings, with a fake reader."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from lambda_wait.clock import Deadline, ManualClock
from lambda_wait.errors import ExitCode, ThrottledError, UsageError
from lambda_wait.serving.watch import (
    MAX_INTERVAL,
    ServingCheck,
    ServingSnapshot,
    read_serving,
    wait_serving,
)
from lambda_wait.states import Assessment, Phase

UUID = "6d9bce8e-836b-442c-8070-74e77903c815"


def config(status: str, reason: str | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "RequestedProvisionedConcurrentExecutions": 4,
        "AllocatedProvisionedConcurrentExecutions": 4 if status == "READY" else 1,
        "AvailableProvisionedConcurrentExecutions": 4 if status == "READY" else 1,
        "Status": status,
    }
    if reason:
        doc["StatusReason"] = reason
    return doc


def mapping(state: str, reason: str = "USER_INITIATED", result: str = "OK") -> dict[str, Any]:
    return {
        "UUID": UUID,
        "EventSourceArn": "arn:aws:sqs:us-east-1:123456789012:orders",
        "State": state,
        "StateTransitionReason": reason,
        "LastProcessingResult": result,
        "BatchSize": 10,
    }


class FakeReader:
    """Answers from scripted timelines; the last answer repeats."""

    def __init__(
        self,
        configs: list[dict[str, Any] | Exception | None] | None = None,
        mappings: list[list[dict[str, Any]] | Exception] | None = None,
    ) -> None:
        self._configs: Iterator[dict[str, Any] | Exception | None] = self._repeat(configs or [None])
        self._mappings: Iterator[list[dict[str, Any]] | Exception] = self._repeat(mappings or [[]])
        self.calls: list[str] = []

    @staticmethod
    def _repeat(items: list[Any]) -> Iterator[Any]:
        yield from items
        while True:
            yield items[-1]

    def get_provisioned_concurrency_config(
        self, name: str, qualifier: str
    ) -> dict[str, Any] | None:
        self.calls.append(f"GetProvisionedConcurrencyConfig {name}:{qualifier}")
        answer = next(self._configs)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def list_event_source_mappings(self, name: str) -> list[dict[str, Any]]:
        self.calls.append(f"ListEventSourceMappings {name}")
        answer = next(self._mappings)
        if isinstance(answer, Exception):
            raise answer
        return answer


PC = ServingCheck(qualifier="live", provisioned="auto")
REQUIRE = ServingCheck(qualifier="live", provisioned="require")
MAPPINGS = ServingCheck(mappings=True)


def run(reader: FakeReader, check: ServingCheck, clock: ManualClock, timeout: float = 600):
    changes: list[tuple[ServingSnapshot, Assessment]] = []
    result = wait_serving(
        reader,
        "shop",
        check,
        clock=clock,
        deadline=Deadline(clock, timeout),
        on_change=lambda snap, verdict: changes.append((snap, verdict)),
    )
    return result, changes


def test_allocation_is_waited_for_until_ready(clock: ManualClock) -> None:
    reader = FakeReader([config("IN_PROGRESS")] * 3 + [config("READY")])
    result, changes = run(reader, PC, clock)
    assert result.assessment.phase is Phase.READY
    assert not result.timed_out
    assert result.reads == 4
    assert [v.phase for _, v in changes] == [Phase.IN_PROGRESS, Phase.READY]
    assert reader.calls == ["GetProvisionedConcurrencyConfig shop:live"] * 4


def test_a_failed_allocation_stops_at_once_with_the_log_group(clock: ManualClock) -> None:
    reader = FakeReader([config("IN_PROGRESS"), config("FAILED", "FUNCTION_ERROR_INIT_FAILURE")])
    result, _ = run(reader, PC, clock)
    assert result.assessment.exit_code is ExitCode.FAILED
    assert "/aws/lambda/shop" in result.assessment.summary
    assert result.reads == 2


def test_no_config_is_nothing_to_wait_for_unless_required(clock: ManualClock) -> None:
    reader = FakeReader([None])
    result, _ = run(reader, PC, clock)
    assert result.assessment.phase is Phase.READY
    assert result.snapshot is not None
    assert result.snapshot.to_dict()["provisioned_concurrency"] is None
    with pytest.raises(UsageError) as err:
        run(FakeReader([None]), REQUIRE, clock)
    assert err.value.exit_code is ExitCode.USAGE
    assert "shop:live has no provisioned concurrency config" in err.value.message


def test_without_a_qualifier_the_config_is_not_read(clock: ManualClock) -> None:
    reader = FakeReader([config("READY")])
    snap = read_serving(reader, "shop", ServingCheck(qualifier=None, mappings=False))
    assert reader.calls == []
    assert snap.assess() is None


def test_mappings_are_waited_for_until_settled(clock: ManualClock) -> None:
    reader = FakeReader(
        mappings=[[mapping("Creating")], [mapping("Enabling")], [mapping("Enabled")]]
    )
    result, changes = run(reader, MAPPINGS, clock)
    assert result.assessment.phase is Phase.READY
    assert len(changes) == 3
    assert reader.calls == ["ListEventSourceMappings shop"] * 3


def test_a_mapping_lambda_disabled_fails_decoded(clock: ManualClock) -> None:
    reader = FakeReader(
        mappings=[
            [mapping("Disabling", "EVENT_SOURCE_AUTHZ_ERROR")],
            [mapping("Disabled", "EVENT_SOURCE_AUTHZ_ERROR")],
        ]
    )
    result, _ = run(reader, MAPPINGS, clock)
    assert result.assessment.phase is Phase.FAILED
    assert result.assessment.reason is not None
    assert result.assessment.reason.code == "EVENT_SOURCE_AUTHZ_ERROR"


def test_both_parts_ready_only_when_both_are(clock: ManualClock) -> None:
    reader = FakeReader(
        [config("IN_PROGRESS"), config("IN_PROGRESS"), config("READY")],
        [[mapping("Creating")], [mapping("Enabled")]],
    )
    check = ServingCheck(qualifier="live", mappings=True)
    result, _ = run(reader, check, clock)
    assert result.assessment.phase is Phase.READY
    assert result.reads == 3
    assert result.snapshot is not None
    body = result.snapshot.to_dict()
    assert isinstance(body["event_source_mappings"], list)


def test_the_deadline_ends_the_wait_as_a_timeout_and_is_never_overslept(
    clock: ManualClock,
) -> None:
    start = clock.now()
    reader = FakeReader([config("IN_PROGRESS")])
    result, _ = run(reader, PC, clock, timeout=45)
    assert result.timed_out
    assert result.assessment.phase is Phase.IN_PROGRESS
    assert clock.now() - start == pytest.approx(45)
    assert max(clock.sleeps) <= MAX_INTERVAL


def test_throttling_is_retried_after_retry_after(clock: ManualClock) -> None:
    reader = FakeReader([ThrottledError("slow down", retry_after=7.0), config("READY")])
    result, _ = run(reader, PC, clock)
    assert result.assessment.phase is Phase.READY
    assert clock.sleeps[0] == 7.0
