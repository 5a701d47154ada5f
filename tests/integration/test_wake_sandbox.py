"""Inactive functions, waking and the cooldown against the sandbox (scaled clock).

The sandbox's call log proves what lambda-wait sent: no invocation without
--wake, exactly one per attempt, and none inside the cooldown window.
"""

from __future__ import annotations

import json

import pytest

from lambda_wait.errors import ExitCode
from lambda_wait.sandbox.server import SandboxHandle

from .conftest import COOLDOWN, Run

RESTORE = "lambda-wait-sandbox:restore"


def invokes(sandbox: SandboxHandle, name: str) -> list[float]:
    return [c.time for c in sandbox.calls if c.operation == "Invoke" and c.function == name]


def make_inactive(sandbox: SandboxHandle, lw: Run, name: str, **tags: str) -> None:
    sandbox.create_function(name, vpc=True, tags=tags or None)
    assert lw("wait", name)[0] == 0
    sandbox.sandbox.make_inactive(name)


def test_inactive_without_wake_exits_7_and_sends_no_invocation(
    sandbox: SandboxHandle, lw: Run
) -> None:
    make_inactive(sandbox, lw, "idle-fn")
    code, out, _ = lw("wait", "idle-fn", "--timeout", "60s")
    assert code == ExitCode.INACTIVE
    assert "--wake" in out
    assert invokes(sandbox, "idle-fn") == []
    code, out, _ = lw("status", "idle-fn")
    assert code == ExitCode.INACTIVE and "Idle" in out


def test_wake_restores_with_exactly_one_invocation(sandbox: SandboxHandle, lw: Run) -> None:
    make_inactive(sandbox, lw, "wake-fn")
    code, out, err = lw("wait", "wake-fn", "--wake", "--timeout", "60s")
    assert code == ExitCode.READY, out + err
    assert len(invokes(sandbox, "wake-fn")) == 1
    assert "Restoring" in err or "Pending" in err


@pytest.mark.parametrize("cooldown_code", ["SubnetOutOfIPAddresses", "InsufficientRolePermissions"])
def test_restore_failing_with_a_cooldown_code_exits_6_when_the_timeout_is_shorter(
    sandbox: SandboxHandle, lw: Run, cooldown_code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A window far longer than the runs (not the scaled 3 s): on a loaded machine the
    # re-run below could otherwise start after the window closed and rightly wake again.
    monkeypatch.setenv("LAMBDA_WAIT_COOLDOWN_SECONDS", "120")
    make_inactive(sandbox, lw, "cool-fn", **{RESTORE: f"fail:{cooldown_code}"})
    # --timeout 5s: shorter than the 120 s cooldown, which is what is under test, with room
    # on a loaded machine for the wake and a read after it. (With 1s, once in CI, the first
    # read after the wake came after the restore failed and was taken for "restore
    # requested" until the deadline: exit 3. tests/test_wake.py pins that edge.)
    code, out, err = lw("wait", "cool-fn", "--wake", "--timeout", "5s", "-o", "json")
    assert code == ExitCode.COOLDOWN, err
    fn = json.loads(out)["functions"][0]
    assert fn["cooldown"]["code"] == cooldown_code
    assert fn["cooldown"]["retry_not_before"].endswith("Z")
    assert len(invokes(sandbox, "cool-fn")) == 1
    # A re-run inside the window is told at once, and sends no invocation. 5s, still far
    # under the cooldown: --timeout counts from the command's start (one Deadline), and on
    # a loaded machine the set-up alone once took over 1.5 s, so a 1s run had no read left.
    code, out, _ = lw("wait", "cool-fn", "--wake", "--timeout", "5s")
    assert code == ExitCode.COOLDOWN
    assert len(invokes(sandbox, "cool-fn")) == 1
    code, out, _ = lw("status", "cool-fn")
    assert code == ExitCode.COOLDOWN and "will not retry before" in " ".join(out.split())


def test_a_long_enough_timeout_waits_out_the_cooldown_and_retries_once(
    sandbox: SandboxHandle, lw: Run
) -> None:
    # The first restore fails with a cooldown code, the second succeeds.
    make_inactive(sandbox, lw, "retry-fn", **{RESTORE: "fail:SubnetOutOfIPAddresses@1"})
    code, out, err = lw("wait", "retry-fn", "--wake", "--timeout", "60s")
    assert code == ExitCode.READY, out + err
    times = invokes(sandbox, "retry-fn")
    assert len(times) == 2
    assert "cooldown" in err  # the countdown is visible
    restore = 30 * 0.01
    assert times[1] - times[0] >= COOLDOWN + restore - 0.05  # nothing inside the window


def test_a_non_cooldown_restore_failure_is_not_retried_blindly(
    sandbox: SandboxHandle, lw: Run
) -> None:
    make_inactive(sandbox, lw, "eni-fn", **{RESTORE: "fail:EniLimitExceeded"})
    code, out, _ = lw("wait", "eni-fn", "--wake", "--timeout", "30s", "-o", "json")
    assert code == ExitCode.INACTIVE
    fn = json.loads(out)["functions"][0]
    assert fn["cooldown"] is None
    assert fn["reason"]["code"] == "EniLimitExceeded"
    assert len(invokes(sandbox, "eni-fn")) == 1
