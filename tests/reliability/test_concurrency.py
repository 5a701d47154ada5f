"""Two deploys of different code racing on one function (issue 8, rule 5).

Both read the function, then both send their change at the same moment. One
applies; the other stops with exit 9 and says another deployment changed the
function; the winner's code stays live (nobody silently reverts anybody).
"""

from __future__ import annotations

import random
import threading
from pathlib import Path

import pytest

from lambda_wait.aws import BotocoreRequestModel, LambdaApi
from lambda_wait.cooldown import CooldownStore
from lambda_wait.deploy.model import DeployResult, StepEvent
from lambda_wait.deploy.package import code_sha256, pack_directory
from lambda_wait.deploy.runner import Deployer
from lambda_wait.deploy.sender import RetryPolicy
from lambda_wait.deploy.spec import FlagValues, build_desired
from lambda_wait.errors import ExitCode
from lambda_wait.sandbox import SandboxHandle
from lambda_wait.waiter import PollPolicy
from tests.reliability.conftest import ROLE

FAST_POLL = PollPolicy(initial=0.02, multiplier=1.5, max_interval=0.1)
FAST_RETRY = RetryPolicy(initial=0.02, max_interval=0.1)


def _deployer(
    handle: SandboxHandle, name: str, src: Path, barrier: threading.Barrier, step: str, **kw: object
) -> Deployer:
    desired = build_desired(
        FlagValues(
            function_name=name,
            code_dir=str(src),
            role=ROLE,
            runtime="python3.12",
            handler="app.handler",
            **kw,  # type: ignore[arg-type]
        ),
        BotocoreRequestModel(),
        {},
    )

    def together(event: StepEvent) -> None:  # both have read the function: go at once
        if event.kind == "start" and event.step.name == step:
            barrier.wait(timeout=10)

    return Deployer(
        LambdaApi(handle.client(max_attempts=1)),
        desired,
        timeout=30.0,
        retry=FAST_RETRY,
        poll=FAST_POLL,
        rng=random.Random(),
        listener=together,
        cooldowns=CooldownStore(None),
    )


def _race(a: Deployer, b: Deployer) -> tuple[DeployResult, DeployResult]:
    results: dict[str, DeployResult] = {}
    threads = [
        threading.Thread(target=lambda d=d, k=k: results.__setitem__(k, d.run()))
        for k, d in (("a", a), ("b", b))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results["a"], results["b"]


@pytest.mark.parametrize("round_", range(5))
def test_racing_code_deploys_one_wins_the_other_stops_with_exit_9(
    sandbox: SandboxHandle, tmp_path: Path, round_: int
) -> None:
    name = f"race-{round_}"
    sandbox.create_function(name, Handler="app.handler")
    sandbox.wait_until(name, state="Active")
    sandbox.ensure_role("reliability-role")
    dirs = []
    for who in ("a", "b"):
        d = tmp_path / who
        d.mkdir()
        (d / "app.py").write_text(f"WHO = {who!r}\n")
        dirs.append(d)
    barrier = threading.Barrier(2)
    a = _deployer(sandbox, name, dirs[0], barrier, "update-code")
    b = _deployer(sandbox, name, dirs[1], barrier, "update-code")
    ra, rb = _race(a, b)

    codes = sorted([ra.exit_code, rb.exit_code])
    assert codes == [ExitCode.READY, ExitCode.CONFLICT], (ra.error, rb.error)
    winner, loser = (ra, rb) if ra.exit_code is ExitCode.READY else (rb, ra)
    winner_dir = dirs[0] if winner is ra else dirs[1]
    assert loser.error is not None
    assert "changed since it was read" in loser.error.message
    assert "Another deployment" in (loser.error.hint or "")
    assert loser.applied == []
    live = sandbox.client().get_function_configuration(FunctionName=name)
    assert live["CodeSha256"] == code_sha256(pack_directory(winner_dir))
    codes_applied = [
        c for c in sandbox.sandbox.mutating_calls(name) if c.operation == "UpdateFunctionCode"
    ]
    assert len(codes_applied) == 1  # the loser's code never reached the function


def test_racing_configuration_deploys_never_revert_each_other(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    sandbox.create_function("race-config", Handler="app.handler")
    sandbox.wait_until("race-config", state="Active")
    sandbox.ensure_role("reliability-role")
    src = tmp_path / "same"
    src.mkdir()
    (src / "app.py").write_text("X = 1\n")
    # Both bring the code already live (deployed first, so neither races on update-code
    # and stops before the barrier), then race on the configuration (memory 256 vs 512).
    first = _deployer(sandbox, "race-config", src, threading.Barrier(1), "update-configuration")
    assert first.run().exit_code is ExitCode.READY
    sandbox.sandbox.reset_calls()
    barrier = threading.Barrier(2)
    a = _deployer(sandbox, "race-config", src, barrier, "update-configuration", memory_size=256)
    b = _deployer(sandbox, "race-config", src, barrier, "update-configuration", memory_size=512)
    ra, rb = _race(a, b)
    results = {256: ra, 512: rb}
    ok = [memory for memory, r in results.items() if r.exit_code is ExitCode.READY]
    stopped = [memory for memory, r in results.items() if r.exit_code is ExitCode.CONFLICT]
    assert len(stopped) >= 1 and len(ok) + len(stopped) == 2, (ra.error, rb.error)
    live = sandbox.client().get_function_configuration(FunctionName="race-config")
    if ok:
        assert live["MemorySize"] == ok[0]
    configs = [
        c
        for c in sandbox.sandbox.mutating_calls("race-config")
        if c.operation == "UpdateFunctionConfiguration"
    ]
    assert len(configs) <= 1
