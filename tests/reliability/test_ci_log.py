"""One writer for CI logs (issue 24, class 3): whatever an Action input holds, no line
the action writes starts a workflow command it did not build, and exit-code,
exit-status and result-json are written on every path (bad input, a child that
printed no JSON, a child killed by a signal)."""

from __future__ import annotations

import io
import json
import re
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambda_wait.commands import action
from lambda_wait.commands._action_log import step_exit
from lambda_wait.errors import ExitCode
from tests.test_action_sandbox import read_outputs

# What the action itself may start a line with: its group, its end, its annotation.
OURS = re.compile(r"::(group|endgroup)::|::error title=lambda-wait action[^:]*::")
HOSTILE = [
    "x\n::error::pwned",
    "x\n::add-mask::hunter2",
    "x\n::stop-commands::token",
    "x\r::warning::cr",
    "x\u2028::error::ls",
    "x\n  ::set-output name=a::b",
    "\x1b[2J::error::after an escape",
    "x\n::error::'quoted'\n",
]


@dataclass
class FakeChild:
    """A lambda-wait that prints ``stdout`` and ends with ``returncode``."""

    stdout: str
    returncode: int

    def communicate(self) -> tuple[str, None]:
        return self.stdout, None

    def send_signal(self, signum: int) -> None:
        pass


def run_action(
    monkeypatch: pytest.MonkeyPatch, tmp: Path, inputs: dict[str, str], child: FakeChild
) -> tuple[int, str, dict[str, str]]:
    """action.main with ``inputs``, the child replaced; (code, log, outputs)."""
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(action.sys, "stdout", out)
    monkeypatch.setattr(action.sys, "stderr", err)
    started: list[list[str]] = []

    def start(args: list[str], environ: Any) -> FakeChild:
        started.append(args)
        return child

    monkeypatch.setattr(action, "_start", start)
    output = tmp / "output"
    output.unlink(missing_ok=True)
    environ = {action.env_name(k): v for k, v in inputs.items()} | {"GITHUB_OUTPUT": str(output)}
    code = action.main(environ)
    return code, out.getvalue() + err.getvalue(), read_outputs(output)


def assert_clean(log: str) -> None:
    for line in log.splitlines():
        stripped = line.lstrip()
        if stripped.startswith("::"):
            assert OURS.match(stripped), f"a workflow command from an input: {line!r}"
    for separator in ("\r", "\u2028", "\u2029", "\x85"):
        assert separator not in log


def assert_outputs(outputs: dict[str, str], code: int) -> None:
    assert outputs["exit-code"] == str(code)
    assert outputs["exit-status"] == ExitCode(code).label
    result = json.loads(outputs["result-json"])
    assert result["exit_code"] == code and result["schema_version"] == 1


names = st.sampled_from([i.name for i in action.INPUTS])
values = st.text() | st.sampled_from(HOSTILE) | st.builds("".join, st.lists(st.sampled_from(
    ["\n", "::", "error", "add-mask", "stop-commands", "::x", " ", "'", '"', "\r", "%0A", "{"]
)))  # fmt: skip


def make_child(kind: str, returncode: int) -> FakeChild:
    """A child printing nothing, garbage, or lambda-wait's envelope for its exit code."""
    if kind == "envelope" and returncode in set(ExitCode):
        doc = {"schema_version": 1, "exit_code": returncode, "command": "x", "functions": []}
        return FakeChild(json.dumps(doc, indent=2), returncode)
    return FakeChild("::error::from the child\nnot json" if kind == "garbage" else "", returncode)


children = st.builds(
    make_child,
    st.sampled_from(["envelope", "garbage", "nothing"]),
    st.sampled_from([0, 1, 2, 3, 70, 130, 143, -9, -15, -2, -11, 137, 255, 99]),
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    command=st.sampled_from(["deploy", "wait", "status"]),
    inputs=st.dictionaries(names, values, max_size=4),
    child=children,
)
def test_no_input_yields_a_workflow_command_and_outputs_are_always_written(
    command: str,
    inputs: dict[str, str],
    child: FakeChild,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    inputs = {"command": command, "function-name": "fn", **inputs}
    code, log, outputs = run_action(monkeypatch, tmp_path, inputs, child)
    assert_clean(log)
    assert_outputs(outputs, code)
    assert code in set(ExitCode)


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("name", ["version-description", "function-description", "alias"])
def test_a_newline_in_a_deploy_input_stays_on_the_echoed_line(
    name: str, value: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    inputs = {"function-name": "fn", name: value}
    code, log, outputs = run_action(monkeypatch, tmp_path, inputs, FakeChild('{"a": 1}', 0))
    assert_clean(log)
    assert [line for line in log.splitlines() if line.startswith("$ lambda-wait deploy")]
    assert (code, outputs["exit-code"], outputs["result-json"]) == (0, "0", '{"a": 1}')


@pytest.mark.parametrize(
    ("returncode", "code", "named"),
    [
        (-signal.SIGKILL, 70, "SIGKILL"),
        (-signal.SIGSEGV, 70, "SIGSEGV"),
        (-signal.SIGINT, 130, None),
        (-signal.SIGTERM, 143, None),
        (137, 70, "SIGKILL"),
        (130, 130, None),
        (143, 143, None),
        (2, 2, None),
        (99, 70, "exited 99"),
    ],
)
def test_a_child_killed_by_a_signal_is_a_documented_code_with_outputs(
    returncode: int, code: int, named: str | None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert step_exit(returncode)[0] == code
    inputs = {"command": "wait", "function-name": "fn"}
    got, log, outputs = run_action(monkeypatch, tmp_path, inputs, FakeChild("", returncode))
    assert got == code
    assert_outputs(outputs, code)
    if named:
        assert named in log and named in json.loads(outputs["result-json"])["error"]["message"]
        assert "::error title=lambda-wait action" in log


def test_a_bug_in_the_action_is_exit_70_with_its_outputs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(environ: Any) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(action, "main", broken)
    output = tmp_path / "output"
    err = io.StringIO()
    monkeypatch.setattr(action.sys, "stderr", err)
    code = action.entry({"INPUT_COMMAND": "wait", "GITHUB_OUTPUT": str(output)})
    assert code == 70
    assert_outputs(read_outputs(output), 70)
    assert "RuntimeError: boom" in err.getvalue() and "Traceback" not in err.getvalue()
