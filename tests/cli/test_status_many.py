"""status for many functions: one line each and a line of totals; --wide; the
details for one function without repeats; relative times; --watch."""

from __future__ import annotations

import io
import itertools
import json
from typing import Any

import pytest
from click.testing import CliRunner

from lambda_wait.cli import cli
from lambda_wait.errors import ExitCode
from lambda_wait.result import CommandResult, FunctionReport, StatusPayload
from lambda_wait.states import FunctionSnapshot, assess
from lambda_wait.ui.output import Output
from lambda_wait.ui.tables import relative_time

ARN = "arn:aws:lambda:us-east-1:123456789012:function:"


def snapshot(name: str, failed: bool = False) -> FunctionSnapshot:
    doc: dict[str, Any] = {
        "FunctionName": name,
        "FunctionArn": ARN + name,
        "State": "Failed" if failed else "Active",
        "LastUpdateStatus": "Failed" if failed else "Successful",
        "LastModified": "2025-12-31T23:56:00.000+0000",
        "PackageType": "Zip",
        "Runtime": "python3.12",
    }
    if failed:
        message = "The subnet(s) have no available IP addresses."
        doc |= {
            "StateReasonCode": "SubnetOutOfIPAddresses",
            "StateReason": message,
            "LastUpdateStatusReasonCode": "SubnetOutOfIPAddresses",
            "LastUpdateStatusReason": message,
        }
    return FunctionSnapshot.from_configuration(doc)


def report(name: str, failed: bool = False) -> FunctionReport:
    snap = snapshot(name, failed)
    verdict = assess(snap)
    return FunctionReport(name, verdict.exit_code, snap, verdict)


def render(reports: list[FunctionReport], clock: Any, wide: bool = False) -> str:
    stdout = io.StringIO()
    output = Output(
        command="status", stdout=stdout, stderr=io.StringIO(), env={}, terminal=False,
        width=120, clock=clock,
    )  # fmt: skip
    code = ExitCode.FAILED if any(r.exit_code for r in reports) else ExitCode.READY
    output.result("status", CommandResult(code, reports, StatusPayload(wide=wide)))
    return stdout.getvalue()


def test_sixty_functions_are_sixty_lines_and_a_total(clock: Any) -> None:
    reports = [report(f"fleet-{i:02d}", failed=i in (7, 31)) for i in range(60)]
    lines = render(reports, clock).splitlines()
    assert len(lines) == 1 + 60 + 1  # header, one line each, the totals
    assert lines[0].split() == [
        "FUNCTION",
        "RESULT",
        "STATE",
        "UPDATE",
        "REASON",
        "WHAT",
        "TO",
        "DO",
    ]
    failed = next(line for line in lines if line.startswith("fleet-07"))
    assert "SubnetOutOfIPAddresses" in failed and "Free addresses in the subnets" in failed
    assert lines[-1] == "60 functions: 58 ready, 2 failed; exit 1 (failed)"
    assert all(len(line) <= 120 for line in lines)


def test_wide_adds_package_last_change_and_vpc(clock: Any) -> None:
    clock.advance(-100.0)  # 2026-01-01T00:00:00Z: four minutes after LastModified
    lines = render([report("a"), report("b")], clock, wide=True).splitlines()
    assert "PACKAGE" in lines[0] and "MODIFIED" in lines[0] and "VPC" in lines[0]
    assert "Zip python3.12" in lines[1] and "4 min ago" in lines[1]


def test_one_function_shows_its_details_once_each(clock: Any) -> None:
    out = render([report("broken", failed=True)], clock)
    assert out.count("SubnetOutOfIPAddresses") == 1  # State and update reason were the same
    assert out.count("Free addresses in the subnets") == 1
    assert "Reason" in out and "State reason" not in out
    assert "ago)" in out  # Last modified ... (N days ago)
    ready = render([report("fine")], clock)
    assert "Verdict" not in ready  # "Active and Successful" only restates State


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (5, "just now"),
        (240, "4 min ago"),
        (7300, "2 h ago"),
        (86400, "1 day ago"),
        (3 * 86400, "3 days ago"),
    ],
)
def test_relative_time(seconds: float, text: str) -> None:
    then = "2026-01-01T00:00:00.000+0000"
    assert relative_time(then, 1_767_225_600.0 + seconds) == text
    assert relative_time("not a time", 0.0) is None


def test_a_function_named_twice_is_read_once(moto_function: str) -> None:
    result = CliRunner().invoke(cli, ["status", "happy-fn", "happy-fn", "-o", "json"])
    assert [f["function"] for f in json.loads(result.stdout)["functions"]] == ["happy-fn"]


def test_watch_redraws_until_ctrl_c(moto_function: str, monkeypatch: pytest.MonkeyPatch) -> None:
    sleeps: list[float] = []

    def sleep(self: Any, seconds: float) -> None:
        if seconds < 1.0:  # the request budget pacing two quick reads, not a redraw
            return
        sleeps.append(seconds)
        if len(sleeps) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr("lambda_wait.clock.SystemClock.sleep", sleep)
    result = CliRunner().invoke(cli, ["status", "happy-fn", "--watch", "--interval", "2s"])
    assert result.exit_code == ExitCode.INTERRUPTED
    # Three redraws; their spacing (start to start) is the test below's, on a test clock.
    assert len(sleeps) == 3 and sleeps[0] == pytest.approx(2.0, abs=0.5)
    assert result.stdout.count("happy-fn  READY") == 3  # three frames (not a terminal)
    assert result.stdout.count("Ctrl-C stops") == 3
    assert result.stderr == "lambda-wait: interrupted; nothing more was sent to AWS.\n"


def test_watch_refuses_json() -> None:
    result = CliRunner().invoke(cli, ["status", "fn", "--watch", "-o", "json"])
    assert result.exit_code == ExitCode.USAGE


def test_watch_holds_its_interval_from_one_read_to_the_next() -> None:
    """A read of many functions takes seconds: "every 5s" is from start to start, not
    five seconds of sleep after each read (which redrew every 13 s)."""
    from lambda_wait.clock import ManualClock

    clock = ManualClock()
    starts: list[float] = []
    output = Output(
        command="status", stdout=io.StringIO(), stderr=io.StringIO(), env={},
        terminal=False, width=120, clock=clock,
    )  # fmt: skip
    first = CommandResult(ExitCode.READY, [report("fn")], StatusPayload())

    def read() -> CommandResult:
        starts.append(clock.now())
        if len(starts) == 4:
            raise KeyboardInterrupt
        clock.advance(3.0)  # the read itself takes 3 s
        return first

    with pytest.raises(KeyboardInterrupt):
        output.watch(read, 5.0, first=first)
    assert [b - a for a, b in itertools.pairwise(starts)] == [5.0, 5.0, 5.0]


def test_rows_appear_as_they_are_read_at_a_terminal_only() -> None:
    """At a terminal each row shows as its read comes back (the whole table replaces
    them at the end); a pipe gets the table once, in order."""
    from lambda_wait.clock import ManualClock

    reports = [report("fn-a"), report("fn-b"), report("fn-c")]
    for terminal in (True, False):
        stdout = io.StringIO()
        output = Output(
            command="status", stdout=stdout, stderr=io.StringIO(), env={},
            terminal=terminal, width=120, clock=ManualClock(),
        )  # fmt: skip
        output.status_row(1, reports[1], total=3)  # fn-b came back first
        shown_early = stdout.getvalue()
        output.result("status", CommandResult(ExitCode.READY, reports, StatusPayload()))
        if terminal:
            assert "fn-b" in shown_early and "fn-a" not in shown_early
        else:
            assert shown_early == ""
            rows = [line.split()[0] for line in stdout.getvalue().splitlines()[1:4]]
            assert rows == ["fn-a", "fn-b", "fn-c"]
