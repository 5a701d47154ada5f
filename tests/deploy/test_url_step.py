"""The function URL step against the typed fake, on the ManualClock: changes only
what differs, sends through the one mutate path (a lost answer is read back, not
sent twice), switches a public URL to IAM without leaving public statements, and
shows the same plan in a dry run."""

from __future__ import annotations

import pytest

from lambda_wait.clock import ManualClock
from lambda_wait.deploy.steps.url import FunctionUrlRequest, url_from_spec, url_request
from lambda_wait.errors import AwsUnavailableError, ExitCode, UsageError
from lambda_wait.targets.url import INVOKE_SID, URL_SID
from tests.deploy.fakes import FakeLambda
from tests.deploy.test_steps import deploy, desired, existing

PUBLIC = FunctionUrlRequest(True, "NONE")


@pytest.fixture
def fake(clock: ManualClock) -> FakeLambda:
    return FakeLambda(clock)


def url_ops(fake: FakeLambda) -> list[str]:
    sent = [op for op in fake.operations() if not op.startswith("get_")]
    return [op for op in sent if "url" in op or "permission" in op]


def test_a_public_url_is_created_with_both_statements_then_left_alone(fake: FakeLambda) -> None:
    existing(fake)
    first = deploy(fake, desired(), function_url=PUBLIC)
    assert first.exit_code is ExitCode.READY, first.error
    assert first.function_url == "https://fn.lambda-url.on.aws/"
    assert url_ops(fake) == ["create_function_url_config", "add_permission", "add_permission"]
    assert set(fake.policies[("fn", "")]) == {URL_SID, INVOKE_SID}

    fake.calls.clear()
    again = deploy(fake, desired(), function_url=PUBLIC)
    assert url_ops(fake) == [] and fake.calls  # reads only
    assert again.steps[-1].detail == "unchanged: https://fn.lambda-url.on.aws/ (NONE)"


def test_a_lost_answer_is_read_back_not_sent_twice(fake: FakeLambda) -> None:
    existing(fake)
    fake.inject("add_permission", AwsUnavailableError("read timeout"), applied=True)
    result = deploy(fake, desired(), function_url=PUBLIC)
    assert result.exit_code is ExitCode.READY, result.error
    assert url_ops(fake).count("add_permission") == 2  # one per statement, none repeated
    assert set(fake.policies[("fn", "")]) == {URL_SID, INVOKE_SID}


def test_switching_to_iam_removes_the_public_statements_and_no_url_removes_all(
    fake: FakeLambda,
) -> None:
    existing(fake)
    deploy(fake, desired(), function_url=PUBLIC)
    iam = deploy(fake, desired(), function_url=FunctionUrlRequest(True, "AWS_IAM"))
    assert iam.exit_code is ExitCode.READY, iam.error
    assert fake.urls[("fn", "")]["AuthType"] == "AWS_IAM"
    assert fake.policies[("fn", "")] == {}
    gone = deploy(fake, desired(), function_url=FunctionUrlRequest(False))
    assert gone.exit_code is ExitCode.READY and ("fn", "") not in fake.urls
    assert gone.function_url is None


def test_on_an_alias_the_url_is_the_alias_s(fake: FakeLambda) -> None:
    existing(fake)
    result = deploy(fake, desired(publish=True), alias="live", function_url=PUBLIC)
    assert result.exit_code is ExitCode.READY, result.error
    assert ("fn", "live") in fake.urls and ("fn", "") not in fake.urls
    assert [s.name for s in result.steps][-2:] == ["alias", "function-url"]


def test_a_dry_run_shows_the_url_step_and_sends_nothing(fake: FakeLambda) -> None:
    existing(fake)
    result = deploy(fake, desired(), function_url=PUBLIC, dry_run=True)
    step = result.steps[-1]
    assert step.action.startswith("CreateFunctionUrlConfig (NONE)")
    assert url_ops(fake) == []


def test_a_url_that_differs_is_drift_and_one_in_place_is_not(fake: FakeLambda) -> None:
    existing(fake)
    drift = deploy(fake, desired(), function_url=PUBLIC, dry_run=True, detailed_exitcode=True)
    assert drift.exit_code is ExitCode.CHANGES_PENDING
    deploy(fake, desired(), function_url=PUBLIC)
    same = deploy(fake, desired(), function_url=PUBLIC, dry_run=True, detailed_exitcode=True)
    assert same.exit_code is ExitCode.READY, same.plan
    del fake.policies[("fn", "")][INVOKE_SID]  # a public URL that lost a permission
    lost = deploy(fake, desired(), function_url=PUBLIC, dry_run=True, detailed_exitcode=True)
    assert lost.exit_code is ExitCode.CHANGES_PENDING


def test_bad_url_input_is_one_line() -> None:
    with pytest.raises(UsageError, match="goes with --function-url"):
        url_request(None, "NONE", None)
    with pytest.raises(UsageError, match="AuthType must be AWS_IAM or NONE"):
        url_from_spec({"AuthType": "PUBLIC"})
    assert url_from_spec({"AuthType": "NONE"}) == PUBLIC
