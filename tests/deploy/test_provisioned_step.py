"""deploy --provisioned-concurrency against the typed fake Lambda, on the ManualClock:
one Put per deploy, none when unchanged, a Delete for 0, bad input before any change,
and a failed allocation reported with what is live and how to go back."""

from __future__ import annotations

import random
from typing import Any

import pytest

from lambda_wait.clock import ManualClock
from lambda_wait.cooldown import CooldownStore
from lambda_wait.deploy.model import DeployResult, StepStatus
from lambda_wait.deploy.runner import Deployer
from lambda_wait.errors import ExitCode
from tests.deploy.fakes import FakeLambda
from tests.deploy.test_steps import desired, existing

PUT = "put_provisioned_concurrency_config"
DELETE = "delete_provisioned_concurrency_config"


@pytest.fixture
def fake(clock: ManualClock) -> FakeLambda:
    return FakeLambda(clock)


def deploy(
    fake: FakeLambda, count: int | None, *, alias: str | None = "live", **kw: Any
) -> DeployResult:
    return Deployer(
        fake,
        desired(publish=True),
        alias=alias,
        clock=fake.clock,
        rng=random.Random(7),
        cooldowns=CooldownStore(None),
        provisioned_concurrency=count,
        **kw,
    ).run()


def mutations(fake: FakeLambda) -> list[str]:
    return fake.operations()


def step(result: DeployResult) -> Any:
    return next(s for s in result.steps if s.name == "provisioned-concurrency")


def test_a_new_config_is_put_once_and_waited_until_ready(fake: FakeLambda) -> None:
    existing(fake)
    result = deploy(fake, 3)
    assert result.exit_code is ExitCode.READY, result.error
    assert mutations(fake).count(PUT) == 1
    assert mutations(fake)[-1] == PUT  # after the alias moved
    assert mutations(fake).index("create_alias") < mutations(fake).index(PUT)
    assert step(result).status is StepStatus.APPLIED
    assert "READY" in (step(result).detail or "")
    assert fake.provisioned[("fn", "live")]["Status"] == "READY"


def test_an_unchanged_amount_sends_nothing(fake: FakeLambda) -> None:
    existing(fake)
    assert deploy(fake, 3).exit_code is ExitCode.READY
    before = len(mutations(fake))
    result = deploy(fake, 3)
    assert result.exit_code is ExitCode.READY, result.error
    assert PUT not in mutations(fake)[before:]
    assert step(result).status is StepStatus.SKIPPED


def test_zero_removes_the_config(fake: FakeLambda) -> None:
    existing(fake)
    deploy(fake, 3)
    result = deploy(fake, 0)
    assert result.exit_code is ExitCode.READY, result.error
    assert mutations(fake).count(DELETE) == 1
    assert ("fn", "live") not in fake.provisioned
    assert deploy(fake, 0).exit_code is ExitCode.READY
    assert mutations(fake).count(DELETE) == 1  # nothing left to remove: no call


def test_no_flag_leaves_provisioned_concurrency_alone(fake: FakeLambda) -> None:
    existing(fake)
    deploy(fake, 3)
    result = deploy(fake, None)
    assert result.exit_code is ExitCode.READY
    assert all(s.name != "provisioned-concurrency" for s in result.steps)


@pytest.mark.parametrize(
    ("count", "alias", "needle"),
    [(3, None, "needs --alias"), (-1, "live", "0 or more")],
)
def test_bad_requests_change_nothing(
    fake: FakeLambda, count: int, alias: str | None, needle: str
) -> None:
    existing(fake)
    result = deploy(fake, count, alias=alias)
    assert result.exit_code is ExitCode.USAGE
    assert result.error is not None and needle in result.error.message
    assert mutations(fake) == []


def test_above_the_account_limit_is_bad_input_before_any_change(fake: FakeLambda) -> None:
    existing(fake)
    fake.unreserved = 150  # 100 must stay unreserved: at most 50
    result = deploy(fake, 51)
    assert result.exit_code is ExitCode.USAGE
    assert result.error is not None and "(50:" in result.error.message
    assert mutations(fake) == []


def test_above_reserved_concurrency_is_bad_input(fake: FakeLambda) -> None:
    existing(fake)
    fake.aliases[("fn", "live")] = {"Name": "live", "FunctionVersion": "1", "RevisionId": "r"}
    fake.reserved["fn"] = 10
    result = deploy(fake, 11)
    assert result.exit_code is ExitCode.USAGE
    assert result.error is not None and "reserved concurrency (10)" in result.error.message
    assert mutations(fake) == []


def test_an_alias_with_routing_weights_is_bad_input(fake: FakeLambda) -> None:
    existing(fake)
    fake.aliases[("fn", "live")] = {
        "Name": "live",
        "FunctionVersion": "1",
        "RevisionId": "r",
        "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.1}},
    }
    result = deploy(fake, 3)
    assert result.exit_code is ExitCode.USAGE
    assert result.error is not None and "routing weights" in result.error.message
    assert mutations(fake) == []


def test_a_failed_allocation_says_what_is_live_and_how_to_go_back(fake: FakeLambda) -> None:
    existing(fake)
    assert deploy(fake, 2).exit_code is ExitCode.READY  # version 1 behind live
    fake.fail_allocation("FUNCTION_ERROR_INIT_FAILURE")
    result = deploy(fake, 3, force=True)
    assert result.exit_code is ExitCode.FAILED
    assert result.error is not None
    assert "initialisation failed" in result.error.message
    assert "/aws/lambda/fn" in result.error.message
    assert result.error.hint is not None and "--function-version 1" in result.error.hint
    assert result.live is not None and "Alias live points to version 2" in result.live
    assert step(result).status is StepStatus.FAILED


def test_dry_run_shows_the_step_and_sends_nothing(fake: FakeLambda) -> None:
    existing(fake)
    result = deploy(fake, 3, dry_run=True)
    assert result.exit_code is ExitCode.READY
    assert "PutProvisionedConcurrencyConfig 3 on live" in step(result).action
    assert mutations(fake) == []
