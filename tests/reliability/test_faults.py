"""Consecutive deploy-and-wait runs through faults and throttling (issue 8, rule 1).

20% of Lambda calls answer 500 or 503, drop the connection, or answer too slowly
for the client's read time-out, before or after the sandbox applies them; a
neighbour spends most of the account's 15 req/s control-plane quota, so Lambda
throttles with Retry-After. Every run must end with the right exit code and
the right function, and the sandbox's call log must show each change applied
exactly once per run: never twice, whatever was retried.

The 50 consecutive runs are proven on the typed fake for every fault stream
hypothesis draws (tests/deploy/test_converge.py, milliseconds a run); here a
dozen of the same plan's runs go over real HTTP and botocore (dropped
connections, read time-outs, Lambda's own 429s), about 1.5 s each.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from lambda_wait.aws import BotocoreRequestModel, LambdaApi
from lambda_wait.budget import RequestBudget
from lambda_wait.cooldown import CooldownStore
from lambda_wait.deploy.runner import Deployer
from lambda_wait.deploy.sender import RetryPolicy
from lambda_wait.deploy.spec import FlagValues, build_desired
from lambda_wait.errors import ExitCode
from lambda_wait.sandbox import FaultConfig, SandboxHandle
from lambda_wait.waiter import PollPolicy
from tests.reliability.conftest import DEPLOY_OPERATIONS, ROLE, spending_neighbour

RUNS = 12  # create, code, configuration, alias create and update, Inactive, no-op
RUNS_PROPERTY = 50  # the fake's runs per example (tests/deploy/test_converge.py)
READ_TIMEOUT = (
    0.5  # the client's; slow answers take 0.8 s (0.2 s flaked under 4 workers on 2 cores)
)
FAULTS = FaultConfig(
    rate=0.2,
    kinds=("500", "503", "drop", "slow"),
    when="random",
    slow_seconds=0.8,
    seed=8,
    operations=DEPLOY_OPERATIONS,
)
FAST_POLL = PollPolicy(initial=0.02, multiplier=1.5, max_interval=0.1)
# The default backoff (1 s doubling to 10 s), scaled down like the sandbox's time.
FAST_RETRY = RetryPolicy(initial=0.02, max_interval=0.2, max_attempts=10)


@dataclass(frozen=True)
class Want:
    """What one run asks for and what it should end with."""

    code: str
    memory: int
    alias: bool
    exit_code: ExitCode = ExitCode.READY
    inactive: bool = False


def plan(runs: int) -> list[Want]:
    """Run 0 creates; then new code every run, a memory change every third, publish and
    alias every fifth, nothing new every tenth, and one run onto an Inactive function."""
    wants: list[Want] = []
    code, memory = "v0", 128
    for i in range(runs):
        if i and i % 10 != 0:
            code = f"v{i}"
            if i % 3 == 0:
                memory = 256 if memory == 128 else 128
        if i == runs // 2:
            wants.append(Want(code, memory, False, ExitCode.INACTIVE, inactive=True))
            continue
        wants.append(Want(code, memory, i % 5 == 0))
    return wants


@pytest.fixture
def neighbour(sandbox: SandboxHandle) -> Iterator[None]:
    """Another tool in the account spending 13 of the 15 control-plane req/s."""
    with spending_neighbour(sandbox, 13):
        yield


def test_runs_converge_through_faults_and_throttling(
    sandbox: SandboxHandle, neighbour: None, tmp_path: Path
) -> None:
    sandbox.ensure_role("reliability-role")
    sandbox.sandbox.set_throttling(True)
    sandbox.sandbox.set_faults(FAULTS)
    # One process's budgets, as the CLI builds them; botocore retries off, short read time-out.
    api = LambdaApi(
        sandbox.client(max_attempts=1, read_timeout=READ_TIMEOUT, connect_timeout=1),
        budget=RequestBudget(10.0),
        get_function_budget=RequestBudget(50.0),
    )
    src = tmp_path / "src"
    src.mkdir()
    converged = 0
    faults_seen: Counter[str] = Counter()
    start = time.monotonic()
    for i, want in enumerate(plan(RUNS)):
        (src / "app.py").write_text(f"VERSION = {want.code!r}\n")
        if want.inactive:
            sandbox.sandbox.make_inactive("flaky")
        if i % 3 == 1:
            _neighbour_burst(sandbox)
        before = len(sandbox.calls)
        desired = build_desired(
            FlagValues(
                function_name="flaky",
                code_dir=str(src),
                role=ROLE,
                runtime="python3.12",
                handler="app.handler",
                memory_size=want.memory,
            ),
            BotocoreRequestModel(),
            {},
        )
        result = Deployer(
            api,
            desired,
            alias="live" if want.alias else None,
            timeout=60.0,
            retry=FAST_RETRY,
            poll=FAST_POLL,
            rng=random.Random(i),
            cooldowns=CooldownStore(None),
        ).run()
        calls = [c for c in sandbox.calls[before:] if c.function == "flaky"]
        assert {c.operation for c in calls} <= DEPLOY_OPERATIONS, calls
        faults_seen.update(c.fault or ("429" if c.throttled else "ok") for c in calls)
        counts = Counter(c.operation for c in calls if c.mutating and c.applied)
        assert result.exit_code is want.exit_code, (i, result.error, result.steps)
        assert all(n == 1 for n in counts.values()), (i, counts)  # never applied twice
        if want.inactive:
            assert counts == Counter(), (i, counts)
            _restore(sandbox, "flaky")
            continue
        alias_ops = counts.pop("CreateAlias", 0) + counts.pop("UpdateAlias", 0)
        assert alias_ops == ("alias" in result.changed), (i, result.changed)
        assert set(counts) == set(expected_changes(result.changed)), (i, counts, result.changed)
        _check_state(sandbox, desired.code.sha256, want)
        converged += 1
    elapsed = time.monotonic() - start
    print(f"\n{converged}/{RUNS - 1} converged in {elapsed:.1f}s; calls by outcome: {faults_seen}")
    assert converged == RUNS - 1
    assert faults_seen["500"] and faults_seen["503"] and faults_seen["drop"]
    assert faults_seen["slow"] and faults_seen["429"]


def _neighbour_burst(sandbox: SandboxHandle) -> None:
    """The neighbour bursts until Lambda throttles it, so this run starts with the quota
    spent (the steady 13 req/s alone may leave room on a slow machine: then no 429)."""
    client = sandbox.client(max_attempts=1)
    for _ in range(100):
        try:
            client.list_functions(MaxItems=1)
        except ClientError as err:
            if err.response["Error"]["Code"] == "TooManyRequestsException":
                return
            raise
    raise AssertionError("Lambda never throttled the neighbour's burst")


def expected_changes(changed: list[str]) -> Iterator[str]:
    operations = {
        "created": "CreateFunction",
        "code": "UpdateFunctionCode",
        "configuration": "UpdateFunctionConfiguration",
        "version": "PublishVersion",
    }
    for label in changed:
        if label == "alias":
            continue  # CreateAlias or UpdateAlias
        yield operations[label]


def _check_state(sandbox: SandboxHandle, sha: str | None, want: Want) -> None:
    lam = sandbox.client(max_attempts=5)
    config: dict[str, Any] = lam.get_function_configuration(FunctionName="flaky")
    assert config["CodeSha256"] == sha
    assert config["MemorySize"] == want.memory
    assert config["State"] == "Active" and config["LastUpdateStatus"] == "Successful"
    if want.alias:
        alias = lam.get_alias(FunctionName="flaky", Name="live")
        version = lam.get_function_configuration(
            FunctionName="flaky", Qualifier=alias["FunctionVersion"]
        )
        assert version["CodeSha256"] == sha and version["MemorySize"] == want.memory


def _restore(sandbox: SandboxHandle, name: str) -> None:
    """Wake the Inactive function the way `wait --wake` would (one invoke), off the log."""
    faults = sandbox.sandbox.faults
    sandbox.sandbox.set_faults()
    with contextlib.suppress(Exception):
        sandbox.client(max_attempts=1).invoke(FunctionName=name)
    sandbox.wait_until(name, state="Active", timeout=10)
    sandbox.sandbox.set_faults(faults)
