"""`deploy` with several specs: concurrent, one budget, worst exit code, all input first."""

from __future__ import annotations

import json
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from lambda_wait.deploy.package import pack_directory
from lambda_wait.sandbox import SandboxHandle
from tests.deploy.conftest import ROLE, Deploy, ops
from tests.test_contract import DEPLOY_KEYS, ENVELOPE_KEYS


def _spec(directory: Path, name: str, **extra: Any) -> Path:
    """A spec file deploying ``name`` from a zip next to it."""
    directory.mkdir(exist_ok=True)
    zip_path = directory / f"{name}.zip"
    if not zip_path.exists():
        source = directory / f"src-{name}"
        source.mkdir()
        (source / "app.py").write_text(f"def handler(event, context):\n    return {name!r}\n")
        zip_path.write_bytes(pack_directory(source))
    doc = {
        "FunctionName": name,
        "Role": ROLE,
        "Runtime": "python3.12",
        "Handler": "app.handler",
        "Code": {"ZipFile": f"fileb://{name}.zip", "S3Bucket": None},
        **extra,
    }
    path = directory / f"{name}.json"
    path.write_text(json.dumps(doc))
    return path


def _table(stdout: str) -> dict[str, str]:
    """The summary table's rows: function -> result."""
    cells = [line.split() for line in stdout.splitlines()]
    return {c[0]: c[1] for c in cells if c and c[0].startswith("many-") and ":" not in c[0]}


@pytest.fixture
def specs(tmp_path: Path) -> Path:
    """A directory with three specs (and their zips, which are not *.json)."""
    directory = tmp_path / "functions"
    for name in ("many-a", "many-b", "many-c"):
        _spec(directory, name)
    return directory


def test_three_specs_in_a_directory_deploy_concurrently_then_redeploy_changes_nothing(
    deploy: Deploy, sandbox: SandboxHandle, specs: Path
) -> None:
    run = deploy("--spec", str(specs), "-o", "json")
    assert run.code == 0, run.stderr
    doc = run.json()
    assert [f["function"] for f in doc["functions"]] == ["many-a", "many-b", "many-c"]
    assert all(f["exit_status"] == "ready" for f in doc["functions"])
    assert [d["function"] for d in doc["deploys"]] == ["many-a", "many-b", "many-c"]
    assert all(d["action"] == "create" and d["changed"] == ["created"] for d in doc["deploys"])
    assert set(doc) == ENVELOPE_KEYS | {"deploys"} and doc["error"] is None
    assert all(set(d) == DEPLOY_KEYS for d in doc["deploys"])
    assert sorted(ops(sandbox)) == ["CreateFunction"] * 3
    for name in ("many-a", "many-b", "many-c"):
        assert sandbox.state(name)["State"] == "Active"
        assert f"{name}: create: CreateFunction" in run.stderr  # prefixed progress lines

    sandbox.sandbox.reset_calls()
    again = deploy("--spec", str(specs))
    assert again.code == 0, again.stderr
    assert sandbox.sandbox.mutating_calls(applied_only=False) == []
    assert "exit 0 (ready): worst of 3" in again.stdout
    for name in ("many-a", "many-b", "many-c"):
        assert any(line.startswith(name) and "none" in line for line in again.stdout.splitlines())


def test_one_of_three_fails_the_others_succeed_exit_1(
    deploy: Deploy, sandbox: SandboxHandle, specs: Path
) -> None:
    _spec(specs, "many-b", Tags={"lambda-wait-sandbox:create": "fail:InvalidSubnet"})
    run = deploy("--spec", str(specs / "many-a.json"), "--spec", str(specs / "many-b.json"),
                 "--spec", str(specs / "many-c.json"))  # fmt: skip
    assert run.code == 1, run.stderr
    rows = _table(run.stdout)
    assert rows == {"many-a": "ready", "many-b": "failed", "many-c": "ready"}
    assert "many-b: deploy FAILED" in run.stdout
    assert "exit 1 (failed): worst of 3" in run.stdout
    # the failure, told once on stderr: what failed and why
    assert "lambda-wait: error: many-b: create failed (InvalidSubnet" in run.stderr
    assert sandbox.state("many-a")["State"] == "Active"


def test_json_of_a_partial_failure(deploy: Deploy, specs: Path) -> None:
    _spec(specs, "many-c", Tags={"lambda-wait-sandbox:create": "fail:InvalidSubnet"})
    doc = deploy("--spec", str(specs), "-o", "json").json()
    assert doc["exit_code"] == 1
    by_name = {d["function"]: d for d in doc["deploys"]}
    assert by_name["many-c"]["not_applied"] == ["create"] and by_name["many-c"]["live"]
    assert by_name["many-a"]["applied"] == ["create"]
    statuses = {f["function"]: f["exit_status"] for f in doc["functions"]}
    assert statuses == {"many-a": "ready", "many-b": "ready", "many-c": "failed"}


def test_dry_run_of_several_prints_each_plan_and_changes_nothing(
    deploy: Deploy, sandbox: SandboxHandle, specs: Path
) -> None:
    run = deploy("--spec", str(specs), "--dry-run")
    assert run.code == 0, run.stderr
    assert run.stdout.count("dry run, nothing was changed") == 3
    assert ops(sandbox) == []


def _bad_spec(directory: Path) -> None:
    (directory / "many-b.json").write_text(json.dumps({"FunctionName": "many-b", "Colour": 1}))


def _bad_json(directory: Path) -> None:
    (directory / "many-b.json").write_text("{")


def _missing_zip(directory: Path) -> None:
    (directory / "many-b.zip").unlink()


def _same_function(directory: Path) -> None:
    doc = json.loads((directory / "many-c.json").read_text())
    (directory / "z-copy.json").write_text(json.dumps({**doc, "FunctionName": "many-a"}))


BAD: dict[str, tuple[Any, list[str], str]] = {
    "unknown key": (_bad_spec, [], "many-b.json"),
    "not json": (_bad_json, [], "many-b.json"),
    "missing zip": (_missing_zip, [], "many-b.zip"),
    "same function twice": (_same_function, [], "both deploy function 'many-a'"),
    "--function-name": (None, ["--function-name", "x"], "--function-name cannot be used"),
    "--zip-file": (None, ["--zip-file", "a.zip"], "--zip-file cannot be used with 3 spec"),
    "--image-uri": (None, ["--image-uri", "repo:1"], "--image-uri cannot be used"),
    "bad --env": (None, ["--env", "1X=y"], "invalid environment variable name"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_in_any_spec_is_exit_2_before_any_call(
    case: str, deploy: Deploy, sandbox: SandboxHandle, specs: Path
) -> None:
    change, flags, expected = BAD[case]
    if change is not None:
        change(specs)
    run = deploy("--spec", str(specs), *flags)
    assert run.code == 2, (run.stdout, run.stderr)
    assert expected in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert sandbox.calls == []


def test_the_same_spec_file_twice_is_the_same_function_twice(
    deploy: Deploy, sandbox: SandboxHandle, specs: Path
) -> None:
    one = str(specs / "many-a.json")
    run = deploy("--spec", one, "--spec", one)
    assert run.code == 2 and "both deploy function 'many-a'" in run.stderr
    assert sandbox.calls == []


def test_an_empty_spec_directory_is_exit_2(deploy: Deploy, tmp_path: Path) -> None:
    run = deploy("--spec", str(tmp_path))
    assert run.code == 2 and "has no *.json file" in run.stderr


def test_a_directory_with_one_spec_is_a_single_deploy(
    deploy: Deploy, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    _spec(tmp_path / "one", "many-solo")
    run = deploy("--spec", str(tmp_path / "one"), "-o", "json")
    assert run.code == 0, run.stderr
    doc = run.json()
    assert doc["deploy"]["function"] == "many-solo" and doc["deploys"] == [doc["deploy"]]


def test_shared_flags_apply_to_every_function(
    deploy: Deploy, sandbox: SandboxHandle, specs: Path
) -> None:
    run = deploy("--spec", str(specs), "--memory-size", "256", "--alias", "live", "-o", "json")
    assert run.code == 0, run.stderr
    for one in run.json()["deploys"]:
        assert one["version"] == "1" and one["changed"] == ["created", "version", "alias"]
    for name in ("many-a", "many-b", "many-c"):
        config = sandbox.client().get_function_configuration(FunctionName=name)
        assert config["MemorySize"] == 256


def test_sigterm_cancels_every_deploy_at_once_and_reports_the_applied_steps(
    deploy: Deploy, sandbox: SandboxHandle, specs: Path
) -> None:
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach only the main thread")
    slow = {"lambda-wait-sandbox:delay:create": "1000"}  # 10 s at the tests' time scale
    _spec(specs, "many-b", Tags=slow)
    _spec(specs, "many-c", Tags=slow)

    def terminate_once_both_slow_creates_were_sent() -> None:
        limit = time.monotonic() + 5
        while time.monotonic() < limit:
            creates = {c.function for c in sandbox.calls if c.operation == "CreateFunction"}
            if {"many-b", "many-c"} <= creates and sandbox.state("many-a")["State"] == "Active":
                time.sleep(0.3)  # many-a's deploy finishes meanwhile
                signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGTERM)
                return
            time.sleep(0.02)

    killer = threading.Thread(target=terminate_once_both_slow_creates_were_sent)
    started = time.monotonic()
    killer.start()
    run = deploy("--spec", str(specs))
    killer.join()
    assert time.monotonic() - started < 4  # not the 10 s the creates take
    assert run.code == 143, (run.stdout, run.stderr)
    rows = _table(run.stdout)
    assert rows == {"many-a": "ready", "many-b": "terminated", "many-c": "terminated"}
    assert "many-b: deploy FAILED" in run.stdout and "Steps       create unfinished" in run.stdout
    # what is live: in the failure block on stderr (told once)
    assert "create was under way: AWS may still be finishing it" in run.stderr
    assert "exit 143 (terminated): worst of 3" in run.stdout


def test_github_outputs_carry_each_functions_published_version(
    deploy: Deploy, specs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = tmp_path / "github-output"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_OUTPUT", str(outputs))
    run = deploy("--spec", str(specs), "--publish")
    assert run.code == 0, run.stderr
    text = outputs.read_text()
    for name in ("many-a", "many-b", "many-c"):
        assert f"{name}-version=1" in text, text


def test_the_deploys_of_one_run_share_their_peers(
    deploy: Deploy, specs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each deploy's waits are evidence for the others' (lambda_wait.peers): one Peers per run.
    from lambda_wait.deploy import runner
    from lambda_wait.peers import Peers

    seen: list[Peers | None] = []
    original = runner.Deployer.__init__

    def recording(self: runner.Deployer, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        seen.append(self.peers)

    monkeypatch.setattr(runner.Deployer, "__init__", recording)
    run = deploy("--spec", str(specs), "--dry-run", "-o", "json")
    assert run.code == 0, run.stderr
    assert len(seen) == 3 and seen[0] is not None
    assert all(peers is seen[0] for peers in seen)
