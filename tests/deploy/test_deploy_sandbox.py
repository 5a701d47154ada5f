"""`lambda-wait deploy` against the sandbox over HTTP: create, update, races, failures."""

from __future__ import annotations

import json
from pathlib import Path

from lambda_wait.sandbox import SandboxHandle
from tests.deploy.conftest import ROLE, SECRET, Deploy, base_args, ops


def test_create_plain_then_noop_redeploy_makes_no_mutating_call(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    run = deploy(*base_args("plain", src))
    assert run.code == 0, run.stderr
    assert "plain: created in" in run.stdout and "Changed     created" in run.stdout
    assert "create: CreateFunction" in run.stderr and "create: done in" in run.stderr
    assert sandbox.state("plain")["State"] == "Active"
    assert ops(sandbox) == ["CreateFunction"]

    sandbox.sandbox.reset_calls()
    again = deploy(*base_args("plain", src))
    assert again.code == 0, again.stderr
    assert "already up to date" in again.stdout
    assert sandbox.sandbox.mutating_calls(applied_only=False) == []


def test_create_in_a_vpc_waits_for_active(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    args = base_args(
        "in-vpc", src, "--subnet-id", "subnet-1,subnet-2", "--security-group-id", "sg-1"
    )
    run = deploy(*args, "-o", "json")
    assert run.code == 0, run.stderr
    doc = run.json()
    assert doc["deploy"]["action"] == "create" and doc["deploy"]["applied"] == ["create"]
    assert doc["functions"][0]["snapshot"]["state"] == "Active"
    assert doc["functions"][0]["snapshot"]["in_vpc"] is True
    # Redeploying with the subnets in another order changes nothing.
    sandbox.sandbox.reset_calls()
    args = base_args("in-vpc", src, "--subnet-id", "subnet-2", "--subnet-id", "subnet-1")
    assert deploy(*args, "--security-group-id", "sg-1").code == 0
    assert sandbox.sandbox.mutating_calls(applied_only=False) == []


def test_update_configuration_only_sends_only_differing_fields(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    assert deploy(*base_args("config-only", src, "--memory-size", "128")).code == 0
    sandbox.sandbox.reset_calls()
    run = deploy(*base_args("config-only", src, "--memory-size", "512", "--env", f"TOKEN={SECRET}"))
    assert run.code == 0, run.stderr
    assert ops(sandbox) == ["UpdateFunctionConfiguration"]
    assert "fields: Environment, MemorySize" in run.stderr
    assert SECRET not in run.stdout + run.stderr
    config = sandbox.client().get_function_configuration(FunctionName="config-only")
    assert config["MemorySize"] == 512


def test_update_both_code_then_configuration_in_order(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    assert deploy(*base_args("both", src)).code == 0
    (src / "app.py").write_text("def handler(event, context):\n    return 3\n")
    sandbox.sandbox.reset_calls()
    run = deploy(*base_args("both", src, "--function-timeout", "30"))
    assert run.code == 0, run.stderr
    assert ops(sandbox) == ["UpdateFunctionCode", "UpdateFunctionConfiguration"]
    # Waited in between: no call was refused with a 409.
    assert not [c for c in sandbox.calls if c.status == 409]
    assert "Changed     code, configuration" in run.stdout


def test_dry_run_makes_no_mutating_call(deploy: Deploy, sandbox: SandboxHandle, src: Path) -> None:
    run = deploy(*base_args("dry", src), "--dry-run")
    assert run.code == 0, run.stderr
    assert "dry run, nothing was changed" in run.stdout and "create the function" in run.stdout
    assert ops(sandbox) == []

    assert deploy(*base_args("dry", src, "--env", "TOKEN=old-value")).code == 0
    sandbox.sandbox.reset_calls()
    (src / "app.py").write_text("changed = True\n")
    run = deploy(
        *base_args("dry", src, "--env", f"TOKEN={SECRET}", "--memory-size", "256"),
        "--dry-run",
        "-o",
        "json",
    )
    assert run.code == 0, run.stderr
    assert ops(sandbox) == []
    plan = run.json()["deploy"]["plan"]
    assert plan["code"]["update"] is True
    assert {c["field"] for c in plan["configuration"]} == {
        "Environment.Variables.TOKEN",
        "MemorySize",
    }
    assert SECRET not in run.stdout + run.stderr and "old-value" not in run.stdout


def test_publish_and_alias_then_noop(deploy: Deploy, sandbox: SandboxHandle, src: Path) -> None:
    run = deploy(*base_args("pub", src), "--alias", "live", "-o", "json")
    assert run.code == 0, run.stderr
    doc = run.json()["deploy"]
    assert doc["version"] == "1" and doc["alias"] == "live"
    assert doc["applied"] == ["create", "publish", "alias"]
    lam = sandbox.client()
    assert lam.get_alias(FunctionName="pub", Name="live")["FunctionVersion"] == "1"
    assert lam.get_function_configuration(FunctionName="pub", Qualifier="1")["State"] == "Active"

    (src / "app.py").write_text("version = 2\n")
    run = deploy(*base_args("pub", src), "--alias", "live")
    assert run.code == 0, run.stderr
    assert "Alias       live -> 2" in run.stdout
    assert lam.get_alias(FunctionName="pub", Name="live")["FunctionVersion"] == "2"

    sandbox.sandbox.reset_calls()
    run = deploy(*base_args("pub", src), "--alias", "live")
    assert run.code == 0, run.stderr
    assert sandbox.sandbox.mutating_calls(applied_only=False) == []
    assert "Alias       live -> 2" in run.stdout


def test_spec_from_generate_cli_skeleton(
    deploy: Deploy, sandbox: SandboxHandle, src: Path, tmp_path: Path, monkeypatch: object
) -> None:
    from tests.deploy.test_spec import skeleton

    spec = tmp_path / "function.json"
    spec.write_text(json.dumps(skeleton(FunctionName="${FN_NAME}")))
    import pytest

    mp: pytest.MonkeyPatch = monkeypatch  # type: ignore[assignment]
    mp.setenv("FN_NAME", "skeleton-fn")
    mp.setenv("ROLE_ARN", ROLE)
    mp.setenv("STAGE", "prod")
    run = deploy("--spec", str(spec), "--code-dir", str(src))
    assert run.code == 0, run.stderr
    config = sandbox.client().get_function_configuration(FunctionName="skeleton-fn")
    assert config["MemorySize"] == 256 and config["Environment"]["Variables"]["STAGE"] == "prod"
    sandbox.sandbox.reset_calls()
    assert deploy("--spec", str(spec), "--code-dir", str(src)).code == 0
    assert sandbox.sandbox.mutating_calls(applied_only=False) == []
