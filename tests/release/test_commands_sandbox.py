"""rollback, versions, init and deploy --detailed-exitcode against the sandbox over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lambda_wait.errors import ExitCode
from lambda_wait.sandbox import SandboxHandle
from tests.deploy.conftest import ROLE, SECRET, base_args, ops
from tests.release.conftest import LW, alias_now, publish_versions


def test_rollback_moves_the_alias_back_once_and_reads_it(sandbox: SandboxHandle, lw: LW) -> None:
    sandbox.create_function("orders")
    publish_versions(sandbox, "orders", 3)
    sandbox.client("lambda").create_alias(FunctionName="orders", Name="live", FunctionVersion="3")
    sandbox.sandbox.reset_calls()

    dry = lw("rollback", "orders", "--alias", "live", "--dry-run")
    assert dry.code == 0, dry.stderr
    assert "would point live at version 2" in dry.stdout
    assert ops(sandbox) == []

    run = lw("rollback", "orders", "--alias", "live", "-o", "json")
    assert run.code == 0, run.stderr
    doc = run.json()["rollback"]
    assert (doc["from_version"], doc["to_version"], doc["applied"]) == ("3", "2", True)
    assert ops(sandbox) == ["UpdateAlias"]
    assert alias_now(sandbox, "orders", "live") == ("2", {})


def test_rollback_without_an_earlier_version_is_one_line_exit_2(
    sandbox: SandboxHandle, lw: LW
) -> None:
    sandbox.create_function("solo")
    publish_versions(sandbox, "solo", 1)
    sandbox.client("lambda").create_alias(FunctionName="solo", Name="live", FunctionVersion="1")
    sandbox.sandbox.reset_calls()
    run = lw("rollback", "solo", "--alias", "live")
    assert run.code == ExitCode.USAGE
    assert run.stderr.count("\n") == 1 and "no earlier published version" in run.stderr
    assert run.stdout == "" and ops(sandbox) == []
    bad_to = lw("rollback", "solo", "--alias", "live", "--to", "7")
    assert bad_to.code == ExitCode.USAGE and "no such published version" in bad_to.stderr
    assert ops(sandbox) == []


def test_versions_lists_what_uses_each_version(sandbox: SandboxHandle, lw: LW) -> None:
    sandbox.create_function("catalog")
    publish_versions(sandbox, "catalog", 3)
    sandbox.client("lambda").create_alias(
        FunctionName="catalog",
        Name="live",
        FunctionVersion="2",
        RoutingConfig={"AdditionalVersionWeights": {"3": 0.25}},
    )
    run = lw("versions", "catalog", "-o", "json")
    assert run.code == 0, run.stderr
    rows = {row["version"]: row["aliases"] for row in run.json()["versions"]["versions"]}
    assert rows == {"3": ["live"], "2": ["live"], "1": []}
    text = lw("versions", "catalog")
    assert text.stdout.splitlines()[0].startswith("VERSION")
    assert lw("versions", "catalog", "--dry-run").code == ExitCode.USAGE


def test_init_then_deploy_dry_run_reports_no_change(
    sandbox: SandboxHandle,
    lw: LW,
    src: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = base_args("roundtrip", src, "--env", f"DB_PASSWORD={SECRET}", "--env", "MODE=a${x")
    made = lw("deploy", *args, "--memory-size", "256", "--tracing", "Active")
    assert made.code == 0, made.stderr
    spec = tmp_path / "function.json"

    printed = lw("init", "roundtrip")
    assert printed.code == 0, printed.stderr
    assert SECRET not in printed.stdout and SECRET not in printed.stderr
    assert json.loads(printed.stdout)["Environment"]["Variables"]["DB_PASSWORD"] == (
        "${DB_PASSWORD}"
    )
    written = lw("init", "roundtrip", "--spec-file", str(spec))
    assert written.code == 0 and written.stdout.startswith("roundtrip: spec written to")
    assert json.loads(spec.read_text())["Role"] == ROLE

    sandbox.sandbox.reset_calls()
    monkeypatch.setenv("DB_PASSWORD", SECRET)
    monkeypatch.setenv("MODE", "a${x")
    check = lw(
        "deploy", "--spec", str(spec), "--code-dir", str(src), "--dry-run", "--detailed-exitcode"
    )
    assert check.code == 0, check.stdout + check.stderr
    assert "code unchanged" in check.stdout and "configuration unchanged" in check.stdout
    assert ops(sandbox) == []

    monkeypatch.setenv("DB_PASSWORD", "rotated")
    drift = lw(
        "deploy", "--spec", str(spec), "--code-dir", str(src), "--dry-run", "--detailed-exitcode"
    )
    assert drift.code == ExitCode.CHANGES_PENDING, drift.stderr
    assert "Environment.Variables.DB_PASSWORD" in drift.stdout and "rotated" not in drift.stdout
    assert ops(sandbox) == []


def test_detailed_exitcode_without_dry_run_is_bad_input(lw: LW, src: Path) -> None:
    run = lw("deploy", *base_args("nope", src), "--detailed-exitcode")
    assert run.code == ExitCode.USAGE and "add --dry-run" in run.stderr


def test_prune_deletes_only_unused_versions(sandbox: SandboxHandle, lw: LW) -> None:
    sandbox.create_function("cart")
    publish_versions(sandbox, "cart", 5)
    lam = sandbox.client("lambda")
    lam.create_alias(FunctionName="cart", Name="live", FunctionVersion="5")
    lam.create_alias(
        FunctionName="cart",
        Name="beta",
        FunctionVersion="3",
        RoutingConfig={"AdditionalVersionWeights": {"4": 0.5}},
    )
    lam.put_provisioned_concurrency_config(
        FunctionName="cart", Qualifier="2", ProvisionedConcurrentExecutions=1
    )
    sandbox.sandbox.reset_calls()
    dry = lw("versions", "cart", "--prune", "--keep", "0", "--dry-run", "-o", "json")
    assert dry.code == 0, dry.stderr
    prune = dry.json()["versions"]["prune"]
    assert prune["delete"] == ["1"] and prune["kept"]["2"] == "provisioned concurrency"
    assert prune["kept"]["4"] == "alias beta" and ops(sandbox) == []
    done = lw("versions", "cart", "--prune", "--keep", "0")
    assert done.code == 0, done.stderr
    assert "prune --keep 0: deleted 1" in done.stdout
    deleted = [c.qualifier for c in sandbox.calls if c.operation == "DeleteFunction"]
    assert deleted == ["1"]
    left = [v["Version"] for v in lam.list_versions_by_function(FunctionName="cart")["Versions"]]
    assert left == ["$LATEST", "2", "3", "4", "5"]
    # The table is what is left, not what was there before the delete.
    shown = [line.split()[0] for line in done.stdout.splitlines()[1:] if line[:1].isdigit()]
    assert shown == ["5", "4", "3", "2"]
