"""--timeout bounds the whole run, retries and sleeps included (issue 8, rule 6).

Answers are slow (five times the whole timeout, with botocore's read time-out
left at its 30 s default) and the account near its quota: deploy and wait must
still end with exit 3 well before one slow answer could have been waited out
(within --timeout plus a slack for a loaded machine, less than a slow answer).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lambda_wait.errors import ExitCode
from lambda_wait.sandbox import FaultConfig, SandboxHandle
from tests.reliability.conftest import (
    DEPLOY_OPERATIONS,
    TAG,
    CliRun,
    deploy_args,
    spending_neighbour,
)

TIMEOUT = 2.0
SLOW = 10.0  # one slow answer: a run that waited one out would take longer than BOUND
BOUND = TIMEOUT + 5.0  # the documented second of slack, plus headroom for 2 loaded cores
assert BOUND < SLOW  # still proves that no slow answer was waited out


@pytest.fixture
def hostile(sandbox: SandboxHandle) -> Iterator[None]:
    """Slow answers on a third of lambda-wait's calls, and a neighbour spending 13 of the
    15 req/s (its own calls are not slowed: stopping it never waits out a slow answer)."""
    sandbox.sandbox.set_throttling(True)
    with spending_neighbour(sandbox, 13):
        yield
    sandbox.sandbox.set_faults()


def _slow(sandbox: SandboxHandle, seed: int) -> None:
    sandbox.sandbox.set_faults(
        FaultConfig(
            rate=0.35,
            kinds=("slow",),
            when="random",
            slow_seconds=SLOW,
            seed=seed,
            operations=DEPLOY_OPERATIONS,  # lambda-wait's calls, not the neighbour's
        )
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_wait_timeout_bounds_the_run(
    sandbox: SandboxHandle, hostile: None, lw: CliRun, seed: int
) -> None:
    sandbox.create_function("late", Tags={f"{TAG}delay:create": "10000"})  # 100 s Pending
    _slow(sandbox, seed)
    run = lw("wait", "late", "--timeout", f"{TIMEOUT}s", "-o", "json")
    assert run.seconds < BOUND, run.seconds
    assert run.code == ExitCode.TIMEOUT, run.stderr
    assert run.json()["exit_status"] == "timeout"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_deploy_timeout_bounds_the_run(
    sandbox: SandboxHandle, hostile: None, lw: CliRun, src: Path, seed: int
) -> None:
    name = f"late-deploy-{seed}"
    sandbox.create_function(name, Handler="app.handler", Tags={f"{TAG}delay:update": "10000"})
    sandbox.wait_until(name, state="Active")
    _slow(sandbox, seed)
    run = lw(*deploy_args(name, src, "--timeout", f"{TIMEOUT}s", "-o", "json"))
    assert run.seconds < BOUND, run.seconds
    assert run.code == ExitCode.TIMEOUT, run.stderr
    doc = run.json()["deploy"]
    assert "may still be finishing" in (doc["live"] or "") or doc["applied"] == [], doc
