"""deploy's pre-flight check honours the cooldown remembered by `wait --wake` (issue 5)."""

from __future__ import annotations

from pathlib import Path

from lambda_wait.cooldown import CooldownStore, cooldown_key
from lambda_wait.errors import ExitCode
from lambda_wait.sandbox import SandboxHandle
from tests.deploy.conftest import Deploy, base_args


def test_remembered_cooldown_stops_deploy_with_exit_6_before_any_change(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    assert deploy(*base_args("cool", src)).code == 0
    sandbox.sandbox.make_inactive("cool")
    arn = sandbox.client().get_function_configuration(FunctionName="cool")["FunctionArn"]
    cooldown = CooldownStore.default().record(
        cooldown_key(arn, "cool", "us-east-1"), "SubnetOutOfIPAddresses"
    )
    (src / "app.py").write_text("changed = True\n")
    sandbox.sandbox.reset_calls()
    run = deploy(*base_args("cool", src), "-o", "json")
    assert run.code == ExitCode.COOLDOWN, run.stderr
    doc = run.json()
    assert "SubnetOutOfIPAddresses" in doc["error"]["message"]
    retry = doc["error"]["message"].split("before ")[-1]
    assert retry.startswith(cooldown.to_dict(cooldown.observed_at)["retry_not_before"])
    assert doc["deploy"]["action"] == "blocked"
    assert sandbox.sandbox.mutating_calls(applied_only=False) == []


def test_without_a_remembered_cooldown_inactive_is_exit_7(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    assert deploy(*base_args("idle", src)).code == 0
    sandbox.sandbox.make_inactive("idle")
    run = deploy(*base_args("idle", src))
    assert run.code == ExitCode.INACTIVE, run.stderr
