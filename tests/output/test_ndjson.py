"""``--output ndjson`` against the sandbox over HTTP, for every command it serves:
every stdout line is one JSON object, each event carries the common fields
(docs/json-output.md, "Event stream"), the last line is the ``--output json``
envelope, and no secret reaches any line."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from lambda_wait.events import EVENT_SCHEMA_VERSION, event_types
from lambda_wait.sandbox import SandboxHandle
from tests.deploy.conftest import SECRET, base_args
from tests.deploy.test_many import _spec
from tests.release.conftest import (
    LW,
    lw,  # noqa: F401 - the fixture
    publish_versions,
    src,  # noqa: F401 - the fixture
)
from tests.test_contract import ENVELOPE_KEYS

COMMON = {"schema_version", "type", "timestamp", "function", "qualifier", "elapsed"}
TYPES = {cls.type for cls in event_types()}


def lines_of(stdout: str, command: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every line parsed (each must be one JSON object); the events and the envelope."""
    assert stdout.endswith("\n")
    parsed = [json.loads(line) for line in stdout.splitlines()]
    assert all(isinstance(doc, dict) for doc in parsed)
    *events, last = parsed
    assert set(last) >= ENVELOPE_KEYS and "type" not in last, last
    assert last["command"] == command and last["schema_version"] == 1
    for event in events:
        assert set(event) >= COMMON, event
        assert event["type"] in TYPES and event["schema_version"] == EVENT_SCHEMA_VERSION
        assert event["timestamp"].endswith("Z")
        assert datetime.fromisoformat(event["timestamp"].replace("Z", "+00:00")).tzinfo
        assert isinstance(event["elapsed"], int | float) and event["elapsed"] >= 0
        assert isinstance(event["function"], str) and event["function"]
    return events, last


def test_status_is_the_envelope_on_one_line(sandbox: SandboxHandle, lw: LW) -> None:  # noqa: F811
    sandbox.create_function("ndj-status")
    publish_versions(sandbox, "ndj-status", 1)
    run = lw("status", "ndj-status:1", "-o", "ndjson")
    assert run.code == 0, run.stderr
    events, last = lines_of(run.stdout, "status")
    assert events == [] and last["functions"][0]["function"] == "ndj-status:1"
    assert run.stderr == ""  # no progress on stderr in ndjson mode


def test_wait_streams_its_reads_then_the_envelope(sandbox: SandboxHandle, lw: LW) -> None:  # noqa: F811
    env = {"Variables": {"TOKEN": SECRET}}
    sandbox.create_function("ndj-wait", vpc=True, Environment=env)
    publish_versions(sandbox, "ndj-wait", 1)
    run = lw("wait", "ndj-wait", "ndj-wait:1", "--timeout", "60s", "-o", "ndjson")
    assert run.code == 0, run.stderr
    events, last = lines_of(run.stdout, "wait")
    polls = [e for e in events if e["type"] == "wait.poll"]
    assert {(e["function"], e["qualifier"]) for e in polls} == {
        ("ndj-wait", None),
        ("ndj-wait", "1"),
    }
    assert all(set(e) == COMMON | {"state", "last_update_status", "phase", "done",
                                   "changed", "summary", "reason_code"} for e in polls)  # fmt: skip
    assert [e["done"] for e in polls if e["qualifier"] is None][-1] is True
    assert last["exit_status"] == "ready" and last["timeout_seconds"] == 60
    assert SECRET not in run.stdout + run.stderr


def test_deploy_streams_each_step_and_keeps_its_secrets(
    sandbox: SandboxHandle,
    lw: LW,  # noqa: F811
    src: Path,  # noqa: F811
) -> None:
    args = base_args("ndj-deploy", src, "--env", f"DB_PASSWORD={SECRET}", "--alias", "live")
    run = lw("deploy", *args, "-o", "ndjson")
    assert run.code == 0, run.stderr
    events, last = lines_of(run.stdout, "deploy")
    starts = [e["step"] for e in events if e["type"] == "deploy.step.start"]
    ends = {e["step"]: e["status"] for e in events if e["type"] == "deploy.step.end"}
    assert starts and set(starts) <= set(ends) and "create" in starts
    assert ends["create"] == "applied"
    assert {e["function"] for e in events} == {"ndj-deploy"}
    assert last["deploy"]["function"] == "ndj-deploy" and last["exit_code"] == 0
    assert SECRET not in run.stdout + run.stderr
    assert run.stderr == ""


def test_a_shift_streams_its_progress_as_data(
    sandbox: SandboxHandle,
    lw: LW,  # noqa: F811
    src: Path,  # noqa: F811
) -> None:
    assert lw("deploy", *base_args("ndj-shift", src), "--alias", "live").code == 0
    (src / "app.py").write_text("def handler(event, context):\n    return 2\n")
    args = [*base_args("ndj-shift", src), "--alias", "live", "--shift", "canary:10:1s"]
    run = lw("deploy", *args, "-o", "ndjson")
    assert run.code == 0, run.stderr
    events, last = lines_of(run.stdout, "deploy")
    shifts = [e for e in events if e["type"] == "shift.progress"]
    assert shifts and shifts[-1]["phase"] == "completed" and shifts[-1]["percent"] == 100
    assert any(e["phase"] == "holding" and e["percent"] == 10 for e in shifts)
    assert last["deploy"]["shift"]["outcome"] == "completed"


def test_several_specs_stream_every_function(
    sandbox: SandboxHandle,
    lw: LW,  # noqa: F811
    tmp_path: Path,
) -> None:
    directory = tmp_path / "functions"
    for name in ("ndj-a", "ndj-b"):
        _spec(directory, name, Environment={"Variables": {"API_KEY": SECRET}})
    run = lw("deploy", "--spec", str(directory), "-o", "ndjson")
    assert run.code == 0, run.stderr
    events, last = lines_of(run.stdout, "deploy")
    ends = {(e["function"], e["step"]) for e in events if e["type"] == "deploy.step.end"}
    assert {("ndj-a", "create"), ("ndj-b", "create")} <= ends
    assert [d["function"] for d in last["deploys"]] == ["ndj-a", "ndj-b"]
    assert SECRET not in run.stdout + run.stderr


def test_rollback_and_versions_end_in_their_envelope(sandbox: SandboxHandle, lw: LW) -> None:  # noqa: F811
    sandbox.create_function("ndj-release")
    publish_versions(sandbox, "ndj-release", 2)
    lam = sandbox.client("lambda")
    lam.create_alias(FunctionName="ndj-release", Name="live", FunctionVersion="2")
    run = lw("rollback", "ndj-release", "--alias", "live", "-o", "ndjson")
    assert run.code == 0, run.stderr
    _, last = lines_of(run.stdout, "rollback")
    assert (last["rollback"]["from_version"], last["rollback"]["to_version"]) == ("2", "1")
    listed = lw("versions", "ndj-release", "-o", "ndjson")
    assert listed.code == 0, listed.stderr
    _, last = lines_of(listed.stdout, "versions")
    assert {row["version"] for row in last["versions"]["versions"]} == {"1", "2"}


def test_a_failure_still_ends_in_the_envelope(sandbox: SandboxHandle, lw: LW) -> None:  # noqa: F811
    run = lw("status", "ndj-missing", "-o", "ndjson")
    assert run.code == 4
    _, last = lines_of(run.stdout, "status")
    assert last["exit_status"] == "not-found"


def test_wait_streams_what_serves_the_function_as_it_changes(
    sandbox: SandboxHandle,
    lw: LW,  # noqa: F811
) -> None:
    from tests.integration.test_serving_sandbox import _alias_with_config

    _alias_with_config(sandbox, "ndj-serving", tags={"lambda-wait-sandbox:delay:provisioned": "30"})
    run = lw("wait", "ndj-serving", "--qualifier", "live", "-o", "ndjson")
    assert run.code == 0, run.stderr
    events, last = lines_of(run.stdout, "wait")
    changes = [e for e in events if e["type"] == "serving.change"]
    assert changes and {(e["function"], e["qualifier"]) for e in changes} == {
        ("ndj-serving", "live")
    }
    assert changes[-1]["done"] is True and changes[-1]["phase"] == "ready"
    assert "provisioned concurrency READY" in changes[-1]["summary"]
    assert last["functions"][0]["provisioned_concurrency"]["status"] == "READY"
