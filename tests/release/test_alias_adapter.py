"""LambdaAlias: moves carry the RevisionId, a lost answer is not re-sent when the
re-read shows it applied, a concurrent change is a conflict, a rollback ignores
--timeout, and the smoke test reads FunctionError."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest

from lambda_wait.clock import ManualClock, deadline_lifted, past_deadline
from lambda_wait.errors import AwsUnavailableError, ConflictError, ThrottledError
from lambda_wait.release.adapters import LambdaAlias, smoke_test
from lambda_wait.release.executor import AliasState


class FakeAliasApi:
    def __init__(self) -> None:
        self.version, self.revision = "3", "r1"
        self.weights: dict[str, float] = {}
        self.sent: list[dict[str, Any]] = []
        self.lifted_seen: list[bool] = []  # was each update sent past the deadline?
        self.fail: list[BaseException] = []  # raised by the next update_alias calls
        self.apply_then_fail = False
        self.meddle = False  # someone else moves the alias after our update

    def past_deadline(
        self, stop_at: float | None = None
    ) -> contextlib.AbstractContextManager[None]:
        return past_deadline(stop_at)

    def get_alias(self, name: str, alias: str) -> dict[str, Any]:
        return {
            "FunctionVersion": self.version,
            "RoutingConfig": {"AdditionalVersionWeights": dict(self.weights)},
            "RevisionId": self.revision,
        }

    def update_alias(self, **params: Any) -> dict[str, Any]:
        self.sent.append(params)
        self.lifted_seen.append(deadline_lifted())
        if self.fail and not self.apply_then_fail:
            raise self.fail.pop(0)
        self.version = params["FunctionVersion"]
        self.weights = dict(params["RoutingConfig"]["AdditionalVersionWeights"])
        self.revision = f"r{len(self.sent) + 1}"
        if self.meddle:
            self.version = "9"
        if self.fail:
            raise self.fail.pop(0)
        return {}


def test_a_move_carries_the_revision_and_is_read_back(clock: ManualClock) -> None:
    api = FakeAliasApi()
    alias = LambdaAlias(api, "orders", "live", clock)
    alias.route("3", {"4": 0.1})
    assert api.sent == [
        {
            "FunctionName": "orders",
            "Name": "live",
            "FunctionVersion": "3",
            "RoutingConfig": {"AdditionalVersionWeights": {"4": 0.1}},
            "RevisionId": "r1",
        }
    ]
    assert alias.read() == AliasState("3", {"4": 0.1})
    alias.route("4", {})
    assert api.sent[-1]["RevisionId"] == "r2"  # the revision of the last read
    assert api.sent[-1]["RoutingConfig"] == {"AdditionalVersionWeights": {}}


def test_throttling_is_retried_and_a_lost_answer_is_not_sent_twice(clock: ManualClock) -> None:
    api = FakeAliasApi()
    api.fail = [ThrottledError("slow down", retry_after=2.0)]
    LambdaAlias(api, "orders", "live", clock).route("3", {"4": 0.1})
    assert len(api.sent) == 2 and clock.sleeps and api.weights == {"4": 0.1}
    lost = FakeAliasApi()
    lost.fail, lost.apply_then_fail = [AwsUnavailableError("503")], True
    LambdaAlias(lost, "orders", "live", clock).route("3", {"4": 0.1})
    assert len(lost.sent) == 1  # the re-read showed it applied


def test_someone_else_moving_the_alias_is_a_conflict(clock: ManualClock) -> None:
    api = FakeAliasApi()
    api.meddle = True
    with pytest.raises(ConflictError, match="someone else changed alias live"):
        LambdaAlias(api, "orders", "live", clock).route("3", {"4": 0.1})


def test_a_rollback_is_sent_past_the_deadline_and_restores_it(clock: ManualClock) -> None:
    api = FakeAliasApi()
    alias = LambdaAlias(api, "orders", "live", clock)
    alias.route("3", {"4": 0.1})
    alias.route("3", {}, rollback=True)
    assert api.lifted_seen == [False, True] and not deadline_lifted()


class FakeInvoke:
    def __init__(self, answer: dict[str, Any]) -> None:
        self.answer = answer
        self.params: dict[str, Any] = {}

    def invoke(self, **params: Any) -> dict[str, Any]:
        self.params = params
        return self.answer


def test_smoke_test_reads_function_error_and_never_the_payload(clock: ManualClock) -> None:
    ok = FakeInvoke({"StatusCode": 200})
    assert smoke_test(ok, "orders", "4", b"{}", clock=clock) is None
    assert ok.params["Qualifier"] == "4" and ok.params["InvocationType"] == "RequestResponse"
    failed = smoke_test(
        FakeInvoke({"StatusCode": 200, "FunctionError": "Unhandled"}), "o", "4", b"{}", clock=clock
    )
    assert failed == "the smoke test invocation of version 4 failed (Unhandled)"
