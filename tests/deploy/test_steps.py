"""Each deploy step against the typed fake Lambda, on the shared ManualClock.

The sandbox tests prove the same flows over HTTP; these prove the step logic (what is
sent, in which order, what is retried and what is not) in milliseconds.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from lambda_wait.clock import Deadline, ManualClock
from lambda_wait.cooldown import CooldownStore
from lambda_wait.deploy.model import DeployResult, EventKind, StepEvent, StepStatus
from lambda_wait.deploy.package import code_sha256
from lambda_wait.deploy.runner import Deployer
from lambda_wait.deploy.sender import RetryPolicy
from lambda_wait.deploy.source import CodeSource
from lambda_wait.deploy.spec import DesiredFunction
from lambda_wait.errors import (
    AwsUnavailableError,
    ConflictError,
    ExitCode,
    ThrottledError,
)
from lambda_wait.ui.deploy_view import progress_line
from tests.deploy.fakes import FakeLambda

ROLE = "arn:aws:iam::123456789012:role/fake"
CODE = b"PK-new-code"
NEW_SHA = code_sha256(CODE)


def desired(*, publish: bool = False, code: bytes = CODE, **config: Any) -> DesiredFunction:
    base = {"Role": ROLE, "Runtime": "python3.12", "Handler": "app.handler"}
    source = CodeSource("zip-file", "test.zip", zip_bytes=code, sha256=code_sha256(code))
    return DesiredFunction("fn", source, {**base, **config}, {}, publish)


@pytest.fixture
def fake(clock: ManualClock) -> FakeLambda:
    return FakeLambda(clock)


def deploy(
    fake: FakeLambda, want: DesiredFunction, *, events: list[StepEvent] | None = None, **kw: Any
) -> DeployResult:
    return Deployer(
        fake,
        want,
        clock=fake.clock,
        rng=random.Random(7),
        cooldowns=CooldownStore(None),
        listener=None if events is None else events.append,
        **kw,
    ).run()


def existing(fake: FakeLambda, **config: Any) -> None:
    base = {"Role": ROLE, "Runtime": "python3.12", "Handler": "app.handler"}
    fake.add_function("fn", **{**base, **config})


def test_create_waits_until_active(fake: FakeLambda) -> None:
    result = deploy(fake, desired(MemorySize=256))
    assert result.exit_code is ExitCode.READY, result.error
    assert result.action == "create" and result.applied == ["create"]
    assert fake.operations() == ["create_function"]
    assert fake.functions["fn"]["State"] == "Active"
    assert result.snapshot is not None and result.snapshot.state == "Active"
    assert result.code_sha256 == NEW_SHA
    assert fake.clock.now() - 100.0 >= fake.settle  # it waited for the create to finish


def test_update_code_only(fake: FakeLambda) -> None:
    existing(fake)
    result = deploy(fake, desired())
    assert result.exit_code is ExitCode.READY, result.error
    assert result.applied == ["update-code"] and result.changed == ["code"]
    assert fake.operations() == ["update_function_code"]
    sent = fake.calls[[c.operation for c in fake.calls].index("update_function_code")].params
    assert sent["RevisionId"] == "rev-1" and sent["ZipFile"] == CODE
    assert fake.functions["fn"]["CodeSha256"] == NEW_SHA


def test_update_configuration_sends_only_differing_fields(fake: FakeLambda) -> None:
    existing(fake, CodeSha256=NEW_SHA)
    result = deploy(fake, desired(MemorySize=512, Timeout=3))
    assert result.exit_code is ExitCode.READY, result.error
    assert result.applied == ["update-configuration"]
    assert fake.operations() == ["update_function_configuration"]
    config_calls = [c.params for c in fake.calls if c.operation == "update_function_configuration"]
    assert config_calls == [{"FunctionName": "fn", "MemorySize": 512, "RevisionId": "rev-1"}]


def test_update_both_code_then_configuration_with_fresh_revisions(fake: FakeLambda) -> None:
    existing(fake)
    result = deploy(fake, desired(MemorySize=1024))
    assert result.exit_code is ExitCode.READY, result.error
    assert result.applied == ["update-code", "update-configuration"]
    assert fake.operations() == ["update_function_code", "update_function_configuration"]
    code, config = (c.params for c in fake.calls if c.operation.startswith("update_"))
    # The configuration update carries the RevisionId read after the code update settled.
    assert code["RevisionId"] == "rev-1" and config["RevisionId"] == "rev-2"
    assert fake.functions["fn"]["MemorySize"] == 1024


def test_nothing_to_change_sends_nothing(fake: FakeLambda) -> None:
    existing(fake, CodeSha256=NEW_SHA)
    result = deploy(fake, desired())
    assert result.exit_code is ExitCode.READY and result.action == "none"
    assert fake.operations() == [] and result.changed == []


def test_publish_then_create_alias_then_rerun_reuses_the_version(fake: FakeLambda) -> None:
    existing(fake)
    first = deploy(fake, desired(publish=True), alias="live")
    assert first.exit_code is ExitCode.READY, first.error
    assert first.applied == ["update-code", "publish", "alias"] and first.version == "1"
    assert fake.aliases[("fn", "live")]["FunctionVersion"] == "1"
    assert fake.versions["fn"]["1"]["State"] == "Active"
    again = deploy(fake, desired(publish=True), alias="live")
    assert again.exit_code is ExitCode.READY, again.error
    assert again.action == "none" and again.applied == [] and again.version == "1"
    assert fake.operations().count("publish_version") == 1
    assert fake.operations().count("create_alias") == 1


def test_alias_is_moved_with_its_revision(fake: FakeLambda) -> None:
    existing(fake)
    fake.aliases[("fn", "live")] = {"Name": "live", "FunctionVersion": "7", "RevisionId": "a-1"}
    result = deploy(fake, desired(publish=True), alias="live")
    assert result.exit_code is ExitCode.READY, result.error
    moved = [c.params for c in fake.calls if c.operation == "update_alias"]
    assert moved == [
        {
            "FunctionName": "fn",
            "Name": "live",
            "FunctionVersion": "1",
            "RoutingConfig": {"AdditionalVersionWeights": {}},  # explicit: clears weights
            "RevisionId": "a-1",
        }
    ]
    assert result.steps[-1].detail == "live: 7 -> 1"


def test_a_409_is_waited_out_and_retried(fake: FakeLambda) -> None:
    existing(fake)
    fake.inject("update_function_code", ConflictError("an update is in progress"))
    events: list[StepEvent] = []
    result = deploy(fake, desired(), events=events)
    assert result.exit_code is ExitCode.READY, result.error
    sent = [c for c in fake.calls if c.operation == "update_function_code"]
    assert [c.applied for c in sent] == [False, True]  # the 409 was not applied
    notes = [e.message for e in events if e.kind is EventKind.NOTE]
    assert any("409 from Lambda" in (m or "") for m in notes)


def test_a_throttled_mutation_is_retried(fake: FakeLambda) -> None:
    existing(fake)
    fake.inject("update_function_code", ThrottledError("slow down", retry_after=1.5))
    result = deploy(fake, desired())
    assert result.exit_code is ExitCode.READY, result.error
    assert fake.operations() == ["update_function_code", "update_function_code"]
    assert 1.5 in fake.clock.sleeps


@pytest.mark.parametrize(
    "operation", ["update_function_code", "update_function_configuration", "create_function"]
)
def test_a_mutation_whose_answer_was_lost_is_not_applied_again(
    fake: FakeLambda, operation: str
) -> None:
    if operation != "create_function":
        existing(fake)
    fake.inject(operation, AwsUnavailableError("500 from Lambda"), applied=True)
    result = deploy(fake, desired(MemorySize=512))
    assert result.exit_code is ExitCode.READY, result.error
    sent = [c for c in fake.calls if c.operation == operation]
    assert len(sent) == 1 and sent[0].applied  # re-read showed it in place: not sent again
    assert fake.functions["fn"]["MemorySize"] == 512


def test_a_lost_publish_answer_publishes_no_second_version(fake: FakeLambda) -> None:
    existing(fake, CodeSha256=NEW_SHA)
    fake.inject("publish_version", AwsUnavailableError("connection reset"), applied=True)
    result = deploy(fake, desired(publish=True))
    assert result.exit_code is ExitCode.READY, result.error
    assert list(fake.versions["fn"]) == ["1"] and result.version == "1"


def test_failed_after_update_is_exit_1_and_previous_code_stays(fake: FakeLambda) -> None:
    existing(fake)
    fake.fail_next("KMSKeyNotFound")
    result = deploy(fake, desired(MemorySize=512))
    assert result.exit_code is ExitCode.FAILED
    assert result.error is not None
    assert result.error.message.startswith("the code update failed: KMSKeyNotFound")
    assert result.not_applied == ["update-code", "update-configuration"]
    assert "previous code and configuration live" in (result.live or "")
    assert fake.operations() == ["update_function_code"]  # permanent: not retried
    assert fake.functions["fn"]["CodeSha256"] == "old-sha"


def test_transient_update_failure_is_sent_once_more(fake: FakeLambda) -> None:
    existing(fake)
    fake.fail_next("InternalError")
    events: list[StepEvent] = []
    result = deploy(fake, desired(), events=events)
    assert result.exit_code is ExitCode.READY, result.error
    assert fake.operations() == ["update_function_code", "update_function_code"]
    lines = [progress_line(e) or "" for e in events]
    assert any("InternalError (transient); retrying it" in line for line in lines)


def test_configuration_failure_after_the_code_says_the_new_code_is_live(fake: FakeLambda) -> None:
    existing(fake)
    fake.succeed_next()
    fake.fail_next("KMSKeyNotFound")
    result = deploy(fake, desired(MemorySize=256))
    assert result.exit_code is ExitCode.FAILED
    assert result.applied == ["update-code"] and result.not_applied == ["update-configuration"]
    assert "new code is live with the previous configuration" in (result.live or "")


def test_failed_create_says_delete(fake: FakeLambda) -> None:
    fake.fail_next("InvalidSubnet")
    result = deploy(fake, desired())
    assert result.exit_code is ExitCode.FAILED
    assert result.error is not None and "create failed: InvalidSubnet" in result.error.message
    assert "aws lambda delete-function --function-name fn --region us-east-1" in (result.live or "")


def test_a_failed_function_is_refused_before_any_change(fake: FakeLambda) -> None:
    existing(fake, State="Failed", StateReasonCode="InvalidSubnet")
    result = deploy(fake, desired())
    assert result.exit_code is ExitCode.FAILED and result.action == "blocked"
    assert fake.operations() == []
    assert result.live == "Nothing was changed: the deploy stopped before its first change."


def test_an_update_in_progress_is_waited_out_first(fake: FakeLambda) -> None:
    existing(fake)
    fake.update_function_configuration(FunctionName="fn", Description="theirs")
    result = deploy(fake, desired())
    assert result.exit_code is ExitCode.READY, result.error
    assert [s.name for s in result.steps][:2] == ["wait-previous", "update-code"]
    conflicts = [c for c in fake.calls if c.error == "ConflictError"]
    assert conflicts == []


def test_dry_run_sends_nothing(fake: FakeLambda) -> None:
    existing(fake)
    result = deploy(fake, desired(MemorySize=512), dry_run=True)
    assert result.exit_code is ExitCode.READY and result.dry_run
    assert fake.operations() == []
    assert [s.status for s in result.steps] == [StepStatus.NOT_APPLIED] * 2


def test_role_propagation_is_retried_until_the_role_is_usable(fake: FakeLambda) -> None:
    fake.role_ready_at = fake.clock.now() + 5.0
    retry = RetryPolicy(role_initial=2.0, role_max=4.0)
    result = deploy(fake, desired(), retry=retry)
    assert result.exit_code is ExitCode.READY, result.error
    creates = [c.applied for c in fake.calls if c.operation == "create_function"]
    assert creates[-1] and not any(creates[:-1]) and len(creates) >= 2


def test_role_propagation_gives_up_after_its_bound(fake: FakeLambda) -> None:
    fake.role_ready_at = fake.clock.now() + 3600.0
    retry = RetryPolicy(role_propagation_seconds=5.0, role_initial=1.0, role_max=2.0)
    result = deploy(fake, desired(), retry=retry)
    assert result.exit_code is ExitCode.USAGE
    assert result.error is not None and "retries for IAM propagation" in result.error.message
    assert result.live == "Nothing was created."
    assert 2 <= fake.operations().count("create_function") <= 5


# Issue 13, class 7: IAM role propagation is waited out as long as AWS documents it (up
# to 15 minutes), never past --timeout, with one line a minute instead of one per try.
# (role usable after seconds, --timeout, exit code, the message of a failure)
ROLE_CASES: dict[str, tuple[float, float, ExitCode, str | None]] = {
    "usable after 10 minutes": (600.0, 1800.0, ExitCode.READY, None),
    "usable after 14 minutes": (840.0, 1800.0, ExitCode.READY, None),
    "never usable: the 15-minute window": (1e9, 3600.0, ExitCode.USAGE, "IAM propagation"),
    "never usable: a 2-minute --timeout first": (1e9, 120.0, ExitCode.TIMEOUT, "--timeout"),
    "usable after 3 minutes, --timeout 2 minutes": (180.0, 120.0, ExitCode.TIMEOUT, "--timeout"),
}


@pytest.mark.parametrize("case", sorted(ROLE_CASES))
def test_role_propagation_waits_up_to_15_minutes_and_says_so_once_a_minute(
    fake: FakeLambda, case: str
) -> None:
    ready_after, timeout, code, message = ROLE_CASES[case]
    start = fake.clock.now()
    fake.role_ready_at = start + ready_after
    events: list[StepEvent] = []
    result = deploy(fake, desired(), timeout=timeout, events=events)
    took = fake.clock.now() - start
    assert result.exit_code is code, result.error
    notes = [e.message or "" for e in events if e.kind is EventKind.NOTE]
    role_notes = [n for n in notes if "role" in n]
    tries = fake.operations().count("create_function")
    assert tries > 5  # retried many times...
    assert len(role_notes) <= took / 60 + 2  # ...but said about once a minute
    assert took <= min(timeout, 900.0) + 30  # never past --timeout or the window
    if code is ExitCode.READY:
        assert f"({tries} attempts)" in role_notes[-1] and "role usable after" in role_notes[-1]
    else:
        assert result.error is not None and message in result.error.message
        assert f"{tries} attempts" in result.error.message
        assert result.live in ("Nothing was created.", None) or "under way" in result.live


def test_the_timeout_bounds_a_slow_update(fake: FakeLambda) -> None:
    existing(fake)
    fake.settle = 1000.0
    result = deploy(fake, desired(), timeout=30.0)
    assert result.exit_code is ExitCode.TIMEOUT
    assert result.steps[0].status is StepStatus.UNKNOWN
    assert "may still be finishing" in (result.live or "")
    assert fake.clock.now() - 100.0 <= 31.0


def test_step_events_start_and_end_each_step(fake: FakeLambda) -> None:
    existing(fake)
    events: list[StepEvent] = []
    deploy(fake, desired(MemorySize=256), events=events)
    kinds = [(e.kind, e.step.name) for e in events if e.kind is not EventKind.NOTE]
    assert kinds == [
        (EventKind.START, "update-code"),
        (EventKind.END, "update-code"),
        (EventKind.START, "update-configuration"),
        (EventKind.END, "update-configuration"),
    ]


def test_a_deploy_in_a_shared_run_ends_by_the_runs_deadline(clock: ManualClock) -> None:
    slow = FakeLambda(clock, settle=300.0)  # the create takes 5 minutes
    run = Deadline(clock, 60.0)  # the run's --timeout, shared with other deploys
    end = run.at
    clock.advance(20.0)  # another deploy used some of it before this one started
    result = deploy(slow, desired(), timeout=900.0, deadline=run)
    assert result.exit_code is ExitCode.TIMEOUT
    assert run.at == end  # the run's Deadline itself never moved
    assert end is not None and clock.now() <= end  # its own 900 s did not outlive the run's
