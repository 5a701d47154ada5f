"""deploy --alias --shift against the sandbox: the UpdateAlias sequence and weights,
and every rollback (alarm, error rate, smoke test, SIGINT, SIGTERM, --timeout) ending
with the alias on the old version and no weights. Intervals are 1 s (the minimum)."""

from __future__ import annotations

import json
import os
import signal
import threading
from pathlib import Path
from typing import Any

import pytest

from lambda_wait.errors import ExitCode
from lambda_wait.sandbox import SandboxHandle
from tests.deploy.conftest import Deploy, base_args, ops
from tests.release.conftest import alias_now, record_alias_moves

FN = "shop"


def _first_release(deploy: Deploy, src: Path) -> None:
    """Version 1 behind alias live; the source then changes, so the next deploy makes 2."""
    assert deploy(*base_args(FN, src), "--alias", "live").code == 0
    (src / "app.py").write_text("def handler(event, context):\n    return 2\n")


def _rolled_back(sandbox: SandboxHandle, moves: list[tuple[str, dict[str, float]]]) -> None:
    assert moves[-1] == ("1", {}), moves
    assert alias_now(sandbox, FN, "live") == ("1", {})


def test_canary_sends_one_weighted_step_then_the_move(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    _first_release(deploy, src)
    moves = record_alias_moves(sandbox, FN, "live")
    run = deploy(*base_args(FN, src), "--alias", "live", "--shift", "canary:10:1s", "-o", "json")
    assert run.code == 0, run.stderr
    assert moves == [("1", {"2": 0.1}), ("2", {})]
    shift = run.json()["deploy"]["shift"]
    assert shift["outcome"] == "completed" and shift["applied_percent"] == [10, 100]
    assert "new version 10% (step 1/1); next step in" in run.stderr


def test_linear_sends_every_share_in_order(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    _first_release(deploy, src)
    moves = record_alias_moves(sandbox, FN, "live")
    run = deploy(*base_args(FN, src), "--alias", "live", "--shift", "linear:40:1s")
    assert run.code == 0, run.stderr
    assert moves == [("1", {"2": 0.4}), ("1", {"2": 0.8}), ("2", {})]
    assert [c.operation for c in sandbox.calls if c.mutating][-3:] == ["UpdateAlias"] * 3


def test_an_alarm_rolls_back(deploy: Deploy, sandbox: SandboxHandle, src: Path) -> None:
    cw = sandbox.client("cloudwatch")
    cw.put_metric_alarm(
        AlarmName="shop-errors", MetricName="Errors", Namespace="AWS/Lambda", Statistic="Sum",
        Period=60, EvaluationPeriods=1, Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )  # fmt: skip
    cw.set_alarm_state(AlarmName="shop-errors", StateValue="OK", StateReason="quiet")
    _first_release(deploy, src)
    sandbox.sandbox.set_alarm("shop-errors", "ALARM", when="weighted", reason="5 errors")
    moves = record_alias_moves(sandbox, FN, "live")
    run = deploy(
        *base_args(FN, src), "--alias", "live", "--shift", "canary:10:5s", "--alarm",
        "shop-errors", "-o", "json",
    )  # fmt: skip
    assert run.code == ExitCode.ROLLED_BACK, run.stderr
    assert moves[0] == ("1", {"2": 0.1})
    _rolled_back(sandbox, moves)
    doc = run.json()["deploy"]
    assert doc["shift"]["cause"] == "alarm" and "shop-errors" in doc["shift"]["detail"]
    assert doc["version"] == "2" and "rolled back (alarm)" in run.stderr


def test_the_error_rate_rolls_back(deploy: Deploy, sandbox: SandboxHandle, src: Path) -> None:
    _first_release(deploy, src)
    lam = sandbox.client("lambda")
    arn = lam.get_function(FunctionName=FN)["Configuration"]["FunctionArn"]
    lam.tag_resource(Resource=arn, Tags={"lambda-wait-sandbox:errors": "2"})
    moves = record_alias_moves(sandbox, FN, "live")
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
    assert run.json()["deploy"]["shift"]["cause"] == "error-rate"
    _rolled_back(sandbox, moves)


def test_a_failing_smoke_test_moves_no_traffic(
    deploy: Deploy, sandbox: SandboxHandle, src: Path, tmp_path: Path
) -> None:
    _first_release(deploy, src)
    lam = sandbox.client("lambda")
    arn = lam.get_function(FunctionName=FN)["Configuration"]["FunctionArn"]
    lam.tag_resource(Resource=arn, Tags={"lambda-wait-sandbox:errors": "2"})
    payload = tmp_path / "event.json"
    payload.write_text(json.dumps({"ping": True}))
    sandbox.sandbox.reset_calls()
    run = deploy(
        *base_args(FN, src), "--alias", "live", "--shift", "canary:10:1s",
        "--smoke-test", str(payload),
    )  # fmt: skip
    assert run.code == ExitCode.ROLLED_BACK, run.stderr
    assert "smoke test invocation of version 2 failed (Unhandled)" in run.stderr
    assert "UpdateAlias" not in ops(sandbox)
    assert [c.qualifier for c in sandbox.calls if c.operation == "Invoke"] == ["2"]
    assert alias_now(sandbox, FN, "live") == ("1", {})


def _signal_after_first_weight(sandbox: SandboxHandle, send: Any) -> list[Any]:
    moves = record_alias_moves(sandbox, FN, "live")
    listener = sandbox.sandbox.on_call

    def on_call(call: Any) -> None:
        assert listener is not None
        listener(call)
        if call.operation == "UpdateAlias" and len(moves) == 1:
            threading.Timer(0.2, send).start()

    sandbox.sandbox.on_call = on_call
    return moves


@pytest.mark.parametrize(
    ("send", "code"),
    [
        (lambda: os.kill(os.getpid(), signal.SIGINT), ExitCode.INTERRUPTED),
        (lambda: os.kill(os.getpid(), signal.SIGTERM), ExitCode.TERMINATED),
    ],
    ids=["SIGINT", "SIGTERM"],
)
def test_a_signal_mid_shift_rolls_back(
    deploy: Deploy, sandbox: SandboxHandle, src: Path, send: Any, code: ExitCode
) -> None:
    _first_release(deploy, src)
    moves = _signal_after_first_weight(sandbox, send)
    run = deploy(*base_args(FN, src), "--alias", "live", "--shift", "canary:10:10s", "-o", "json")
    assert run.code == code, run.stderr
    _rolled_back(sandbox, moves)
    assert run.json()["deploy"]["shift"]["outcome"] == "rolled-back"


def test_the_timeout_rolls_back(deploy: Deploy, sandbox: SandboxHandle, src: Path) -> None:
    _first_release(deploy, src)
    moves = record_alias_moves(sandbox, FN, "live")
    run = deploy(
        *base_args(FN, src), "--alias", "live", "--shift", "linear:10:1m", "--timeout", "3s",
        "-o", "json",
    )  # fmt: skip
    assert run.code == ExitCode.TIMEOUT, run.stderr
    _rolled_back(sandbox, moves)
    assert run.json()["deploy"]["shift"]["cause"] == "timeout"
    assert "the shift holds 540s in all but the --timeout leaves" in run.stderr
    # A rerun starts over cleanly from the old version.
    moves.clear()
    again = deploy(*base_args(FN, src), "--alias", "live", "--shift", "canary:20:1s")
    assert again.code == 0, again.stderr
    assert moves == [("1", {"2": 0.2}), ("2", {})]


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--shift", "canary:10:5m"], "add --alias NAME"),
        (["--alias", "live", "--shift", "canary:150:5m"], "1-99"),
        (["--alias", "live", "--shift", "linear:10:2h"], "1s to 1h"),
        (["--alias", "live", "--shift", "blue-green"], "not a known shift"),
        (["--alias", "live", "--alarm", "x"], "give --shift canary"),
        (["--alias", "live", "--shift", "canary:10:1s", "--alarm", "nope"], "does not exist"),
        (["--alias", "live", "--shift", "canary:10:1s", "--require-traffic"], "--max-error-rate"),
    ],
)
def test_bad_release_input_is_one_line_exit_2_nothing_changed(
    deploy: Deploy, sandbox: SandboxHandle, src: Path, extra: list[str], says: str
) -> None:
    _first_release(deploy, src)
    sandbox.sandbox.reset_calls()
    run = deploy(*base_args(FN, src), *extra)
    assert run.code == ExitCode.USAGE, run.stderr
    assert says in run.stderr and run.stderr.count("\n") == 1
    assert ops(sandbox) == []
