"""Evidence for a release that rolled back, against the sandbox: a canary whose smoke
test fails shows the error lines of its Invoke's log tail (text and JSON), and a version
that fails its error-rate gate shows its own error lines from CloudWatch Logs (only its
``[N]`` streams). The exit code stays the rollback's."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from lambda_wait.errors import ExitCode
from lambda_wait.sandbox import SandboxHandle
from tests.deploy.conftest import Deploy, base_args
from tests.release.test_shift_sandbox import FN, _first_release


def _fails_on(sandbox: SandboxHandle, versions: str) -> None:
    lam = sandbox.client("lambda")
    arn = lam.get_function(FunctionName=FN)["Configuration"]["FunctionArn"]
    lam.tag_resource(Resource=arn, Tags={"lambda-wait-sandbox:errors": versions})


def _smoke(deploy: Deploy, src: Path, tmp_path: Path, *extra: str) -> object:
    payload = tmp_path / "event.json"
    payload.write_text(json.dumps({"ping": True}))
    return deploy(
        *base_args(FN, src), "--alias", "live", "--shift", "canary:10:1s",
        "--smoke-test", str(payload), *extra,
    )  # fmt: skip


def test_a_failed_smoke_test_shows_its_log_tail(
    deploy: Deploy, sandbox: SandboxHandle, src: Path, tmp_path: Path
) -> None:
    _first_release(deploy, src)
    _fails_on(sandbox, "2")
    run = _smoke(deploy, src, tmp_path)
    assert run.code == ExitCode.ROLLED_BACK, run.stderr  # type: ignore[attr-defined]
    err = run.stderr  # type: ignore[attr-defined]
    assert "error lines in the smoke test's log tail of version 2" in err
    assert "[ERROR] SandboxInjectedError: shop version 2 fails on demand" in err
    assert "lambda:Invoke (LogType=Tail)" in err


def test_json_carries_the_smoke_tests_evidence_and_the_same_exit_code(
    deploy: Deploy, sandbox: SandboxHandle, src: Path, tmp_path: Path
) -> None:
    _first_release(deploy, src)
    _fails_on(sandbox, "2")
    run = _smoke(deploy, src, tmp_path, "-o", "json")
    assert run.code == ExitCode.ROLLED_BACK  # type: ignore[attr-defined]
    doc = run.json()  # type: ignore[attr-defined]
    (item,) = doc["functions"][0]["evidence"]
    assert item["kind"] == "logs" and item["source"] == "lambda:Invoke (LogType=Tail)"
    assert any("SandboxInjectedError" in line for line in item["lines"])
    assert not any(line.startswith(("START", "END")) for line in item["lines"])
    off = _smoke(deploy, src, tmp_path, "-o", "json", "--evidence", "off")
    assert off.code == ExitCode.ROLLED_BACK  # type: ignore[attr-defined]
    assert off.json()["functions"][0]["evidence"] == []  # type: ignore[attr-defined]


def test_a_version_failing_its_error_rate_shows_its_own_log_lines(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    _first_release(deploy, src)
    _fails_on(sandbox, "2")
    lam = sandbox.client("lambda")
    stop = threading.Event()

    def traffic() -> None:  # callers of the alias while it shifts
        while not stop.is_set():
            lam.invoke(FunctionName=FN, Qualifier="live", Payload=b"{}")

    caller = threading.Thread(target=traffic, daemon=True)
    caller.start()
    try:
        run = deploy(
            *base_args(FN, src), "--alias", "live", "--shift", "canary:50:4s",
            "--max-error-rate", "20", "--min-invocations", "3", "-o", "json",
        )  # fmt: skip
    finally:
        stop.set()
        caller.join()
    assert run.code == ExitCode.ROLLED_BACK, run.stderr
    (item,) = run.json()["functions"][0]["evidence"]
    assert item["source"] == "logs:FilterLogEvents"
    assert item["facts"] == {"log_group": f"/aws/lambda/{FN}", "version": "2"}
    assert any("shop version 2 fails on demand" in line for line in item["lines"])


def test_the_github_step_summary_shows_the_smoke_tests_error_lines(
    deploy: Deploy,
    sandbox: SandboxHandle,
    src: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _first_release(deploy, src)
    _fails_on(sandbox, "2")
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    run = _smoke(deploy, src, tmp_path)
    assert run.code == ExitCode.ROLLED_BACK  # type: ignore[attr-defined]
    text = summary.read_text()
    assert "### Evidence" in text
    assert "`lambda:Invoke (LogType=Tail)`" in text
    assert "SandboxInjectedError: shop version 2 fails on demand" in text


def test_ndjson_streams_an_evidence_event_before_the_result(
    deploy: Deploy, sandbox: SandboxHandle, src: Path, tmp_path: Path
) -> None:
    _first_release(deploy, src)
    _fails_on(sandbox, "2")
    run = _smoke(deploy, src, tmp_path, "-o", "ndjson")
    assert run.code == ExitCode.ROLLED_BACK  # type: ignore[attr-defined]
    lines = [json.loads(line) for line in run.stdout.splitlines()]  # type: ignore[attr-defined]
    (event,) = [line for line in lines if line.get("type") == "evidence"]
    assert event["function"] == FN
    (item,) = event["items"]
    assert item["source"] == "lambda:Invoke (LogType=Tail)"
    assert item == lines[-1]["functions"][0]["evidence"][0]  # the result's, the same
