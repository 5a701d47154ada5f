"""Every output mode against the sandbox over HTTP: secrets never shown, no ANSI in
pipes, the GitHub files written, JSON alone on stdout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lambda_wait.cli import cli
from lambda_wait.sandbox.server import SandboxHandle

CANARY = "canary-5f0e-never-print-me"
FAIL_CREATE = {"lambda-wait-sandbox:create": "fail:SubnetOutOfIPAddresses"}


@pytest.fixture(autouse=True)
def _isolated(aws_env: None) -> None:
    pass


@pytest.fixture
def functions(sandbox: SandboxHandle) -> SandboxHandle:
    env = {"Variables": {"TOKEN": CANARY, "DB_PASSWORD": CANARY}}
    sandbox.create_function("ok-fn", vpc=True, Environment=env)
    sandbox.create_function("bad-fn", vpc=True, tags=FAIL_CREATE, Environment=env)
    return sandbox


def invoke(
    sandbox: SandboxHandle, *args: str, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args, "--endpoint-url", sandbox.endpoint_url], env=env or {})
    return result.exit_code, result.stdout, result.stderr


MODES = {
    "text": ((), {}),
    "plain": (("--ci-format", "plain"), {"CI": "true"}),
    "json": (("--output", "json"), {}),
    "ndjson": (("--output", "ndjson"), {}),
    "quiet": (("--quiet",), {}),
    "colour-forced": ((), {"FORCE_COLOR": "1"}),
}


@pytest.mark.parametrize("mode", [*MODES, "github", "github-json"])
def test_secrets_are_masked_in_every_mode(
    functions: SandboxHandle, mode: str, tmp_path: Path
) -> None:
    if mode.startswith("github"):
        flags: tuple[str, ...] = ("--output", "json") if mode == "github-json" else ()
        env = {
            "GITHUB_ACTIONS": "true",
            "GITHUB_OUTPUT": str(tmp_path / "out"),
            "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
        }
    else:
        flags, env = MODES[mode]
    code, out, err = invoke(
        functions, "wait", "ok-fn", "bad-fn", "--timeout", "30s", *flags, env=env
    )
    assert code == 1, out + err
    _, s_out, s_err = invoke(functions, "status", "ok-fn", "bad-fn", *flags, env=env)
    _, one_out, one_err = invoke(functions, "status", "ok-fn", *flags, env=env)  # details
    everything = out + err + s_out + s_err + one_out + one_err
    for name in ("out", "summary"):
        if (tmp_path / name).exists():
            everything += (tmp_path / name).read_text(encoding="utf-8")
    assert CANARY not in everything
    if mode == "ndjson":
        for stream in (out, s_out, one_out):
            [json.loads(line) for line in stream.splitlines()]  # every line one object
        s_out, out = s_out.splitlines()[-1], out.splitlines()[-1]  # the envelope
    if "json" in mode:
        doc = json.loads(s_out)
        assert doc["functions"][0]["snapshot"]["environment_variable_names"] == [
            "DB_PASSWORD",
            "TOKEN",
        ]
        json.loads(out)  # stdout is exactly one document
    elif mode != "quiet":
        assert "DB_PASSWORD, TOKEN (values hidden)" in one_out
    if mode != "colour-forced":
        assert "\x1b" not in everything  # CliRunner's streams are not terminals
    else:
        assert "\x1b[" in out


def test_github_mode_against_the_sandbox_writes_outputs_and_summary(
    functions: SandboxHandle, tmp_path: Path
) -> None:
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(tmp_path / "out"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }
    code, out, err = invoke(functions, "wait", "ok-fn", "bad-fn", "--timeout", "30s", env=env)
    assert code == 1
    outputs = dict(line.split("=", 1) for line in (tmp_path / "out").read_text().splitlines())
    assert outputs["exit-code"] == "1" and outputs["exit-status"] == "failed"
    assert outputs["ok-fn-state"] == "Active" and outputs["ok-fn-exit-status"] == "ready"
    assert outputs["bad-fn-state"] == "Failed" and outputs["bad-fn-exit-code"] == "1"
    assert outputs["ok-fn-function-arn"].endswith(":function:ok-fn")
    assert outputs["ok-fn-code-sha256"]
    assert [f["function"] for f in json.loads(outputs["functions-json"])] == ["ok-fn", "bad-fn"]
    summary = (tmp_path / "summary.md").read_text()
    assert "| `bad-fn` | ❌ failed | Failed |" in summary
    assert "What to do: Free addresses" in summary
    lines = err.splitlines()
    assert lines[0].startswith("::group::") and "::endgroup::" in lines
    assert any(line.startswith("::error title=lambda-wait wait%3A bad-fn failed") for line in lines)
    assert "FUNCTION" in out  # the human result stays on stdout


def test_single_function_outputs_are_also_unprefixed(
    functions: SandboxHandle, tmp_path: Path
) -> None:
    env = {"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(tmp_path / "out")}
    code, _, _ = invoke(functions, "wait", "ok-fn", "--timeout", "30s", env=env)
    assert code == 0
    outputs = dict(line.split("=", 1) for line in (tmp_path / "out").read_text().splitlines())
    assert outputs["state"] == "Active" and outputs["exit-status"] == "ready"
    assert outputs["function-arn"] == outputs["ok-fn-function-arn"]
    assert outputs["version"] == "$LATEST"


def test_a_command_wide_error_is_an_annotation_and_exit_outputs(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    env = {"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(tmp_path / "out")}
    code, out, err = invoke(sandbox, "status", "no-such-fn", "--output", "json", env=env)
    assert code == 4
    assert json.loads(out)["exit_status"] == "not-found"
    assert "::error title=lambda-wait status" in err
    assert "exit-code=4" in (tmp_path / "out").read_text()
