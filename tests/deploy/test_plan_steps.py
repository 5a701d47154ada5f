"""The deploy's plan is a list of step objects, run by one executor or only shown by
the display-only one; the tags, recreate and alias steps send through the one
mutate path; a plain alias move clears routing weights and says so; one function
decides the exit code. Against the typed fake, on the ManualClock."""

from __future__ import annotations

import pytest

from lambda_wait.clock import ManualClock
from lambda_wait.deploy.executor import DisplayOnlyExecutor, Executor
from lambda_wait.deploy.model import Step, StepStatus
from lambda_wait.deploy.report import decide_exit_code
from lambda_wait.deploy.spec import DesiredFunction
from lambda_wait.errors import AwsUnavailableError, ConflictError, ExitCode
from lambda_wait.release.executor import ShiftOptions
from lambda_wait.release.gates import GatePolicy
from lambda_wait.release.shift import parse_shift
from tests.deploy.fakes import FakeLambda
from tests.deploy.test_steps import deploy, desired, existing


@pytest.fixture
def fake(clock: ManualClock) -> FakeLambda:
    return FakeLambda(clock)


def weighted(fake: FakeLambda) -> None:
    """Alias live on version 1 with 50% on version 2 (a shift killed midway)."""
    existing(fake)
    fake.aliases[("fn", "live")] = {
        "Name": "live",
        "FunctionVersion": "1",
        "RevisionId": "a-1",
        "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.5}},
    }


def test_a_plain_alias_move_clears_routing_weights_and_says_so(fake: FakeLambda) -> None:
    weighted(fake)
    result = deploy(fake, desired(publish=True), alias="live")
    assert result.exit_code is ExitCode.READY, result.error
    alias = fake.aliases[("fn", "live")]
    assert alias["FunctionVersion"] == result.version
    assert alias["RoutingConfig"] == {"AdditionalVersionWeights": {}}
    step = result.steps[-1]
    assert step.action == (
        "point alias live at the new version, clearing its routing weights (50% on version 2)"
    )
    cleared = "routing weights cleared (were 50% on version 2)"
    assert step.detail == f"live: 1 -> {result.version}; {cleared}"
    assert result.plan is not None and result.plan.alias_weights == {"2": 0.5}
    assert "clear alias live's routing weights (50% on version 2)" in result.plan.lines()


def test_an_alias_on_the_version_but_weighted_is_not_skipped(fake: FakeLambda) -> None:
    weighted(fake)
    first = deploy(fake, desired(publish=True))  # publishes version 1 of this code
    assert first.version == "1"
    fake.aliases[("fn", "live")]["FunctionVersion"] = "1"
    result = deploy(fake, desired(publish=True), alias="live")
    assert result.exit_code is ExitCode.READY, result.error
    assert fake.aliases[("fn", "live")]["RoutingConfig"] == {"AdditionalVersionWeights": {}}
    assert result.applied[-1] == "alias"


def test_a_lost_alias_answer_that_was_applied_counts_as_done(fake: FakeLambda) -> None:
    weighted(fake)
    fake.inject("update_alias", AwsUnavailableError("503 from Lambda"), applied=True)
    result = deploy(fake, desired(publish=True), alias="live")
    assert result.exit_code is ExitCode.READY, result.error
    assert fake.operations().count("update_alias") == 1  # read back, not sent twice
    assert fake.aliases[("fn", "live")]["RoutingConfig"] == {"AdditionalVersionWeights": {}}


def test_tags_go_through_mutate_a_lost_answer_is_read_back(fake: FakeLambda) -> None:
    existing(fake)
    fake.inject("tag_resource", AwsUnavailableError("503 from Lambda"), applied=True)
    want = desired()
    want = DesiredFunction(want.name, want.code, want.config, {"Tags": {"team": "a"}}, False)
    result = deploy(fake, want)
    assert result.exit_code is ExitCode.READY, result.error
    assert fake.operations().count("tag_resource") == 1
    assert "tags" in result.applied and result.changed == ["code", "tags"]


def test_recreate_goes_through_mutate_a_conflict_stops_it(fake: FakeLambda) -> None:
    existing(fake, State="Failed", StateReasonCode="InvalidConfiguration")
    fake.inject("delete_function", ConflictError("update in progress"))
    result = deploy(fake, desired(), recreate_failed=True)
    assert result.exit_code is ExitCode.CONFLICT
    assert [s.name for s in result.steps][:2] == ["delete-failed", "create"]
    assert result.steps[0].status is StepStatus.FAILED
    assert "fn" in fake.functions  # not deleted, not retried


def test_the_dry_run_shows_the_same_steps_the_deploy_runs(fake: FakeLambda) -> None:
    weighted(fake)
    want = desired(MemorySize=512)
    want = DesiredFunction(want.name, want.code, want.config, {"Tags": {"team": "a"}}, True)
    dry = deploy(fake, want, alias="live", dry_run=True)
    assert fake.operations() == []
    real = deploy(fake, want, alias="live")
    assert real.exit_code is ExitCode.READY, real.error
    assert [(s.name, s.action) for s in dry.steps] == [(s.name, s.action) for s in real.steps]
    assert [s.status for s in dry.steps] == [StepStatus.NOT_APPLIED] * len(dry.steps)


def test_executors_run_or_only_show_pending_steps() -> None:
    ran: list[str] = []
    steps = [
        Step("a", "first", True, run=lambda step: ran.append(step.name)),
        Step("b", "skipped", True, status=StepStatus.SKIPPED, run=lambda s: ran.append(s.name)),
        Step("c", "last", True, run=lambda step: ran.append(step.name)),
    ]
    DisplayOnlyExecutor().execute(steps)
    assert ran == [] and [s.status for s in steps] == ["not-applied", "skipped", "not-applied"]
    for step in steps:
        step.status = StepStatus.PENDING if step.name != "b" else StepStatus.SKIPPED
    Executor().execute(steps)
    assert ran == ["a", "c"]


def test_one_function_decides_the_exit_code() -> None:
    failed = ConflictError("someone else")
    assert decide_exit_code(failed, dry_run=True, changes=True, detailed=True) is ExitCode.CONFLICT
    pending = decide_exit_code(None, dry_run=True, changes=True, detailed=True)
    assert pending is ExitCode.CHANGES_PENDING
    assert decide_exit_code(None, dry_run=True, changes=False, detailed=True) is ExitCode.READY
    assert decide_exit_code(None, dry_run=True, changes=True, detailed=False) is ExitCode.READY
    assert decide_exit_code(None, dry_run=False, changes=True, detailed=True) is ExitCode.READY


def test_a_dry_run_with_detailed_exitcode_carries_11_in_its_result(fake: FakeLambda) -> None:
    existing(fake)
    result = deploy(fake, desired(MemorySize=512), dry_run=True, detailed_exitcode=True)
    assert result.exit_code is ExitCode.CHANGES_PENDING


def shift_options() -> ShiftOptions:
    return ShiftOptions(parse_shift("canary:10:1s"), GatePolicy())


def on_version_1(fake: FakeLambda) -> None:
    existing(fake)
    fake.aliases[("fn", "live")] = {"Name": "live", "FunctionVersion": "1", "RevisionId": "a-1"}


def test_the_shift_moves_the_alias_through_the_conditional_write(fake: FakeLambda) -> None:
    on_version_1(fake)
    fake.versions["fn"] = {"1": dict(fake.functions["fn"], Version="1")}
    result = deploy(fake, desired(publish=True), alias="live", shift=shift_options())
    assert result.exit_code is ExitCode.READY, result.error
    moves = [c.params for c in fake.calls if c.operation == "update_alias"]
    assert [m["RoutingConfig"] for m in moves] == [
        {"AdditionalVersionWeights": {"2": 0.1}},
        {"AdditionalVersionWeights": {}},
    ]
    assert all(m.get("RevisionId") for m in moves)  # each conditional on the last read
    assert result.shift is not None and result.shift.outcome == "completed"


def test_a_lost_shift_move_that_was_applied_is_not_sent_again(fake: FakeLambda) -> None:
    on_version_1(fake)
    fake.versions["fn"] = {"1": dict(fake.functions["fn"], Version="1")}
    fake.inject("update_alias", AwsUnavailableError("503 from Lambda"), applied=True)
    result = deploy(fake, desired(publish=True), alias="live", shift=shift_options())
    assert result.exit_code is ExitCode.READY, result.error
    assert fake.operations().count("update_alias") == 2  # the 10% step once, then 100%
    assert fake.aliases[("fn", "live")]["FunctionVersion"] == "2"
