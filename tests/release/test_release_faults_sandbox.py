"""Releases on a bad day, against the sandbox: one test per class of issue 23's "Why".

Faults come from the sandbox's chaos rules, which answer CloudWatch's and Invoke's
calls too; an operator's ``update-alias`` and a deleted alarm are sent by a thread
started when the sandbox logs the call that opens the window. Every printed hint
that is a command is run, and must work."""

from __future__ import annotations

import shlex
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from lambda_wait.errors import ExitCode
from lambda_wait.sandbox import SandboxHandle
from lambda_wait.sandbox.faults import ChaosRule
from tests.deploy.conftest import Deploy, base_args
from tests.release.conftest import LW, alias_now, record_alias_moves
from tests.release.test_shift_sandbox import FN, _first_release, _signal_after_first_weight

HTML_503 = "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>"


def _alarm(sandbox: SandboxHandle, name: str = "shop-errors") -> None:
    cw = sandbox.client("cloudwatch")
    cw.put_metric_alarm(
        AlarmName=name, MetricName="Errors", Namespace="AWS/Lambda", Statistic="Sum",
        Period=60, EvaluationPeriods=1, Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )  # fmt: skip
    cw.set_alarm_state(AlarmName=name, StateValue="OK", StateReason="quiet")


def _after_first_weight(sandbox: SandboxHandle, act: Any) -> list[tuple[str, dict[str, float]]]:
    """Run ``act`` in a thread once the first weighted UpdateAlias is applied."""
    moves = record_alias_moves(sandbox, FN, "live")
    listener = sandbox.sandbox.on_call

    def on_call(call: Any) -> None:
        assert listener is not None
        listener(call)
        if call.operation == "UpdateAlias" and len(moves) == 1 and call.applied:
            threading.Thread(target=act, daemon=True).start()

    sandbox.sandbox.on_call = on_call
    return moves


def _hint(lw: LW, line: str) -> int:
    """Run a printed ``lambda-wait ...`` hint as pasted (the part in backticks, if
    any); it must succeed."""
    start = line.index("lambda-wait ")
    end = line.index("`", start) if "`" in line[start:] else len(line)
    command = line[start:end].rstrip(".")
    args = shlex.split(command)[1:]
    run = lw(*args)
    assert run.code == 0, (command, run.stderr)
    return run.code


@pytest.mark.parametrize(
    "rule",
    [
        ChaosRule("DescribeAlarms", status=400, times=1),  # Throttling
        ChaosRule("DescribeAlarms", status=503, body=HTML_503, times=2),  # a proxy's page
        ChaosRule("DescribeAlarms", status=503, times=2),
    ],
    ids=["throttled", "html-503", "503"],
)
def test_a_cloudwatch_fault_mid_canary_is_ridden_out(
    deploy: Deploy, sandbox: SandboxHandle, src: Path, rule: ChaosRule
) -> None:
    _alarm(sandbox)
    _first_release(deploy, src)
    sandbox.sandbox.set_chaos(rule)
    run = deploy(
        *base_args(FN, src), "--alias", "live", "--shift", "canary:10:2s", "--alarm",
        "shop-errors", "-o", "json",
    )  # fmt: skip
    assert run.code == 0, run.stderr
    shift = run.json()["deploy"]["shift"]
    assert shift is not None and shift["outcome"] == "completed"
    assert alias_now(sandbox, FN, "live") == ("2", {})


def test_a_throttled_metric_query_is_ridden_out(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    _first_release(deploy, src)
    sandbox.sandbox.set_chaos(ChaosRule("GetMetricData", status=400, times=2))
    run = deploy(
        *base_args(FN, src), "--alias", "live", "--shift", "canary:10:2s",
        "--max-error-rate", "5", "-o", "json",
    )  # fmt: skip
    assert run.code == 0, run.stderr
    assert run.json()["deploy"]["shift"]["outcome"] == "completed"


def test_an_operator_move_after_an_ambiguous_503_is_kept_exit_9(
    deploy: Deploy, sandbox: SandboxHandle, src: Path, lw: LW
) -> None:
    _first_release(deploy, src)
    lam = sandbox.client("lambda")

    def operator() -> None:  # the on-call pins the alias while our answer is lost
        lam.update_alias(
            FunctionName=FN, Name="live", FunctionVersion="1",
            RoutingConfig={"AdditionalVersionWeights": {}}, Description="pinned by on-call",
        )  # fmt: skip

    def on_call(call: Any) -> None:
        if call.operation == "UpdateAlias" and call.fault == "chaos":
            threading.Thread(target=operator, daemon=True).start()

    sandbox.sandbox.on_call = on_call
    # The first weighted move is applied, then its answer lost (a 503 after the fact);
    # lambda-wait waits about a second before it reads back: the operator moves first.
    sandbox.sandbox.set_chaos(ChaosRule("UpdateAlias", status=503, when="after", times=1))
    run = deploy(*base_args(FN, src), "--alias", "live", "--shift", "canary:10:1s", "-o", "json")
    assert run.code == ExitCode.CONFLICT, run.stderr
    shift = run.json()["deploy"]["shift"]
    assert shift["outcome"] == "concurrent-change" and shift["live_version"] == "1"
    assert alias_now(sandbox, FN, "live") == ("1", {})
    assert lam.get_alias(FunctionName=FN, Name="live")["Description"] == "pinned by on-call"
    _hint(lw, shift["go_back"])  # `lambda-wait versions shop`


def test_an_alarm_deleted_during_the_hold_fails_the_gate(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    _alarm(sandbox)
    _first_release(deploy, src)
    cw = sandbox.client("cloudwatch")
    moves = _after_first_weight(sandbox, lambda: cw.delete_alarms(AlarmNames=["shop-errors"]))
    run = deploy(
        *base_args(FN, src), "--alias", "live", "--shift", "canary:10:4s", "--alarm",
        "shop-errors", "-o", "json",
    )  # fmt: skip
    assert run.code == ExitCode.ROLLED_BACK, run.stderr
    shift = run.json()["deploy"]["shift"]
    assert shift["cause"] == "alarm" and "no longer exists" in shift["detail"]
    assert moves[-1] == ("1", {}) and alias_now(sandbox, FN, "live") == ("1", {})


def test_rollback_goes_to_the_version_that_last_served_even_after_prune(
    deploy: Deploy, sandbox: SandboxHandle, src: Path, lw: LW
) -> None:
    _alarm(sandbox)
    _first_release(deploy, src)
    sandbox.sandbox.set_alarm("shop-errors", "ALARM", when="weighted")
    rejected = deploy(
        *base_args(FN, src), "--alias", "live", "--shift", "canary:10:3s", "--alarm",
        "shop-errors",
    )  # fmt: skip
    assert rejected.code == ExitCode.ROLLED_BACK, rejected.stderr  # version 2 rejected
    sandbox.client("cloudwatch").set_alarm_state(
        AlarmName="shop-errors", StateValue="OK", StateReason="fixed"
    )
    (src / "app.py").write_text("def handler(event, context):\n    return 3\n")
    clean = deploy(*base_args(FN, src), "--alias", "live", "--shift", "canary:10:1s")
    assert clean.code == 0, clean.stderr
    assert alias_now(sandbox, FN, "live") == ("3", {})
    pruned = lw("versions", FN, "--prune", "--keep", "0")
    assert pruned.code == 0, pruned.stderr
    assert "deleted 2" in pruned.stdout and "kept 1: alias live's rollback target" in pruned.stdout
    back = lw("rollback", FN, "--alias", "live")
    assert back.code == 0, back.stderr
    assert alias_now(sandbox, FN, "live") == ("1", {})
    forward = next(line for line in back.stdout.splitlines() if "go forward" in line)
    _hint(lw, forward)
    assert alias_now(sandbox, FN, "live") == ("3", {})


def test_one_429_on_the_smoke_test_is_not_blamed_on_the_version(
    deploy: Deploy, sandbox: SandboxHandle, src: Path, tmp_path: Path
) -> None:
    _first_release(deploy, src)
    payload = tmp_path / "event.json"
    payload.write_text("{}")
    sandbox.sandbox.set_chaos(ChaosRule("Invoke", status=429, times=1))
    run = deploy(
        *base_args(FN, src), "--alias", "live", "--shift", "canary:10:1s",
        "--smoke-test", str(payload),
    )  # fmt: skip
    assert run.code == 0, run.stderr
    assert alias_now(sandbox, FN, "live") == ("2", {})


def test_sigterm_while_the_rollback_gets_503s_exits_within_7s_with_a_working_hint(
    deploy: Deploy, sandbox: SandboxHandle, src: Path, lw: LW
) -> None:
    import os
    import signal

    _first_release(deploy, src)
    sent: list[float] = []

    def terminate() -> None:  # once: from now on every UpdateAlias answers 503
        if not sent:
            sandbox.sandbox.set_chaos(ChaosRule("UpdateAlias", status=503))
            sent.append(time.monotonic())
            os.kill(os.getpid(), signal.SIGTERM)

    _signal_after_first_weight(sandbox, terminate)
    run = deploy(*base_args(FN, src), "--alias", "live", "--shift", "canary:10:30s", "-o", "json")
    ended = time.monotonic()
    assert sent and ended - sent[0] < 7.0, ended - sent[0]
    assert run.code == ExitCode.FAILED, run.stderr
    shift = run.json()["deploy"]["shift"]
    assert shift["outcome"] == "rollback-failed" and shift["live_confirmed"], shift["detail"]
    assert (shift["live_version"], shift["live_weights"]) == alias_now(sandbox, FN, "live")
    sandbox.sandbox.set_chaos()
    _hint(lw, shift["go_back"])
    assert alias_now(sandbox, FN, "live") == ("1", {})


def test_the_go_forward_hint_after_rolling_back_a_weighted_alias_works(
    deploy: Deploy, sandbox: SandboxHandle, src: Path, lw: LW
) -> None:
    _first_release(deploy, src)
    assert deploy(*base_args(FN, src)).code == 0  # publishes nothing; make version 2:
    lam = sandbox.client("lambda")
    two = str(lam.publish_version(FunctionName=FN)["Version"])
    lam.update_alias(
        FunctionName=FN, Name="live", FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {two: 0.5}},
    )  # fmt: skip
    back = lw("rollback", FN, "--alias", "live")
    assert back.code == 0, back.stderr
    assert alias_now(sandbox, FN, "live") == ("1", {})
    forward = next(line for line in back.stdout.splitlines() if "go forward" in line)
    assert f"--to {two}" in forward
    _hint(lw, forward)
    assert alias_now(sandbox, FN, "live") == (two, {})


def test_a_second_signal_exits_within_1s_saying_what_it_last_read(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    import os
    import signal

    _first_release(deploy, src)
    sent: list[float] = []

    def terminate() -> None:  # SIGTERM, then SIGINT 1.5 s later while the rollback retries
        if not sent:
            sandbox.sandbox.set_chaos(ChaosRule("UpdateAlias", status=503))
            sent.append(time.monotonic())
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1.5)
            sent.append(time.monotonic())
            os.kill(os.getpid(), signal.SIGINT)

    _signal_after_first_weight(sandbox, lambda: threading.Thread(target=terminate).start())
    run = deploy(*base_args(FN, src), "--alias", "live", "--shift", "canary:10:30s", "-o", "json")
    ended = time.monotonic()
    assert len(sent) == 2 and ended - sent[1] < 1.0, ended - sent[1]
    assert run.code == ExitCode.FAILED, run.stderr
    shift = run.json()["deploy"]["shift"]
    assert shift["outcome"] == "rollback-failed" and not shift["live_confirmed"]
    assert "a second signal stopped the rollback" in shift["detail"]
    assert (shift["live_version"], shift["live_weights"]) == ("1", {"2": 0.1})
    assert "as last read" in run.stderr


def test_the_hints_after_a_completed_and_a_rolled_back_shift_work(
    deploy: Deploy, sandbox: SandboxHandle, src: Path, lw: LW
) -> None:
    _alarm(sandbox)
    _first_release(deploy, src)
    done = deploy(*base_args(FN, src), "--alias", "live", "--shift", "canary:10:1s", "-o", "json")
    assert done.code == 0, done.stderr
    _hint(lw, done.json()["deploy"]["shift"]["go_back"])  # back to 1
    assert alias_now(sandbox, FN, "live") == ("1", {})
    (src / "app.py").write_text("def handler(event, context):\n    return 3\n")
    sandbox.sandbox.set_alarm("shop-errors", "ALARM", when="weighted")
    undone = deploy(
        *base_args(FN, src), "--alias", "live", "--shift", "canary:10:3s", "--alarm",
        "shop-errors", "-o", "json",
    )  # fmt: skip
    assert undone.code == ExitCode.ROLLED_BACK, undone.stderr
    go_back = undone.json()["deploy"]["shift"]["go_back"]
    assert "`lambda-wait versions shop --prune`" in go_back
    _hint(lw, go_back)


# A request that never answers: UpdateAlias hangs (20 s, then a 503 that was never
# applied) for the rollback sent after the signal. Its read time-out is clamped to the
# stop time, so the hang cannot outlive the 7 s (docs/deploy.md, point 7).
HANG = ChaosRule("UpdateAlias", status=503, delay=20.0, times=1)


@pytest.mark.parametrize(
    ("rules", "confirmed"),
    [
        ((HANG,), True),  # the last read (after the stop time, 1 s more) is answered
        ((HANG, ChaosRule("GetAlias", status=503, delay=20.0)), False),  # nothing is
    ],
    ids=["update-alias-hangs", "every-alias-call-hangs"],
)
def test_sigterm_while_the_rollback_hangs_exits_within_7s_saying_what_it_read(
    deploy: Deploy,
    sandbox: SandboxHandle,
    src: Path,
    lw: LW,
    rules: tuple[ChaosRule, ...],
    confirmed: bool,
) -> None:
    import os
    import signal

    _first_release(deploy, src)
    sent: list[float] = []

    def terminate() -> None:
        if not sent:
            sandbox.sandbox.set_chaos(*rules)
            sent.append(time.monotonic())
            os.kill(os.getpid(), signal.SIGTERM)

    _signal_after_first_weight(sandbox, terminate)
    run = deploy(*base_args(FN, src), "--alias", "live", "--shift", "canary:10:30s", "-o", "json")
    ended = time.monotonic()
    assert sent and ended - sent[0] < 7.0, ended - sent[0]
    assert run.code == ExitCode.FAILED, run.stderr
    shift = run.json()["deploy"]["shift"]
    assert shift["outcome"] == "rollback-failed", shift["detail"]
    assert shift["live_confirmed"] is confirmed, shift["detail"]
    assert "stop time after a signal ran out" in shift["detail"], shift["detail"]
    assert "--timeout" not in shift["detail"]  # none was given
    assert (shift["live_version"], shift["live_weights"]) == ("1", {"2": 0.1})  # as last read
    sandbox.sandbox.set_chaos()
    assert alias_now(sandbox, FN, "live") == ("1", {"2": 0.1})  # and as it is
    _hint(lw, shift["go_back"])
    assert alias_now(sandbox, FN, "live") == ("1", {})


def test_a_second_signal_while_the_rollback_hangs_exits_within_1s(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    import os
    import signal

    _first_release(deploy, src)
    sent: list[float] = []

    def terminate() -> None:  # SIGTERM, then SIGINT 1.5 s later while UpdateAlias hangs
        if not sent:
            sandbox.sandbox.set_chaos(HANG)
            sent.append(time.monotonic())
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1.5)
            sent.append(time.monotonic())
            os.kill(os.getpid(), signal.SIGINT)

    _signal_after_first_weight(sandbox, lambda: threading.Thread(target=terminate).start())
    run = deploy(*base_args(FN, src), "--alias", "live", "--shift", "canary:10:30s", "-o", "json")
    ended = time.monotonic()
    assert len(sent) == 2 and ended - sent[1] < 1.0, ended - sent[1]
    assert run.code == ExitCode.FAILED, run.stderr
    shift = run.json()["deploy"]["shift"]
    assert shift["outcome"] == "rollback-failed" and not shift["live_confirmed"]
    assert "a second signal stopped the rollback" in shift["detail"]
    assert (shift["live_version"], shift["live_weights"]) == ("1", {"2": 0.1})
    assert "as last read" in run.stderr
