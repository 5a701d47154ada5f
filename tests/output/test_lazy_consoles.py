"""The consoles (rich) are built on first use, or in the background while the waiter
sleeps, never before the first read (tests/cli/test_startup_imports.py pins that for
whole processes); what is printed does not change (the golden files of test_modes)."""

from __future__ import annotations

import json

from lambda_wait.clock import ManualClock
from lambda_wait.errors import ExitCode
from lambda_wait.output_mode import OutputMode
from lambda_wait.result import CommandResult, FunctionReport, WaitPayload
from lambda_wait.waiter import WaitEvent

from .scenario import make_output

SLEEP = WaitEvent("sleep", "orders-api", 0.4, sleep_seconds=1.0)


def ready(name: str) -> CommandResult:
    return CommandResult(ExitCode.READY, [FunctionReport(name, ExitCode.READY)], WaitPayload(60))


def test_text_mode_builds_its_consoles_while_the_waiter_sleeps() -> None:
    output, stdout, stderr = make_output(ManualClock())
    output.quiet = True
    assert output.streams.built == (None, None)  # nothing built at the start
    output.progress(SLEEP)
    assert output._preparing is not None
    output._preparing.join(timeout=30)
    assert None not in output.streams.built
    output.progress(SLEEP)  # once per run
    output.result("wait", ready("orders-api"))
    assert "orders-api" in stdout.getvalue()
    assert stderr.getvalue() == ""


def test_json_mode_builds_no_console_for_a_success() -> None:
    output, stdout, _ = make_output(ManualClock(), mode=OutputMode.JSON)
    output.quiet = True
    output.progress(SLEEP)
    assert output._preparing is None
    output.result("wait", ready("orders-api"))
    assert json.loads(stdout.getvalue())["exit_code"] == 0
    assert output.streams.built == (None, None)
