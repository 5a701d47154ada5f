"""Tables fitted to the terminal (issue 28): at 80 and 120 columns no row of status,
wait, deploy or versions wraps; the least telling column is cut first, and a cut
function name keeps its end, so two rows never print as one."""

from __future__ import annotations

import io
from functools import partial

import pytest
from rich.cells import cell_len

from lambda_wait.clock import ManualClock
from lambda_wait.deploy.model import DeployResult, Step, StepStatus
from lambda_wait.errors import ExitCode
from lambda_wait.release.actions import VersionsResult
from lambda_wait.release.prune import VersionRow
from lambda_wait.result import (
    CommandResult,
    DeployPayload,
    FunctionReport,
    ReleasePayload,
    StatusPayload,
    WaitPayload,
)
from lambda_wait.states import Target, assess
from lambda_wait.ui.fit import versions_lines
from lambda_wait.ui.output import Output

from .scenario import snapshot

STEM = "orders-" + "x" * 38 + "-service-handler"  # 61 characters
NAMES = [f"{STEM}-0{i}" for i in range(2)]  # 64 characters, Lambda's longest, apart at the end


def _output(width: int, terminal: bool = True) -> tuple[Output, io.StringIO]:
    stdout = io.StringIO()
    output = Output(
        stdout=stdout,
        stderr=io.StringIO(),
        env={},
        terminal=terminal,
        width=None if not terminal else width,
        clock=ManualClock(),
        animate=False,
        no_color=True,
    )
    output.quiet = True
    return output, stdout


def _reports(names: list[str] = NAMES) -> list[FunctionReport]:
    reports = []
    for name in names:
        snap = snapshot(name, "Failed", "Failed", "SubnetOutOfIPAddresses")
        reports.append(
            FunctionReport(name, ExitCode.FAILED, snap, assess(snap, Target.READY), elapsed=3.0)
        )
    return reports


def _deploy() -> CommandResult:
    results = []
    for name in NAMES:
        step = Step("config", "update", True, StepStatus.APPLIED, changed="Environment " * 8)
        results.append(DeployResult(name, ExitCode.READY, "update", False, [step], 1.5))
    return CommandResult(ExitCode.READY, [], DeployPayload(results, 60, many=True))


def _versions() -> CommandResult:
    rows = [
        VersionRow(
            str(v), ("live", "canary-" + "x" * 30), 2, 123456, "2026-01-01T00:00:00.000+0000"
        )
        for v in range(1, 4)
    ]
    result = VersionsResult("fn", rows)
    at_width = partial(versions_lines, result)
    payload = ReleasePayload("versions", result.lines(), result.to_dict(), at_width=at_width)
    return CommandResult(ExitCode.READY, [], payload)


RESULTS = {
    "status": lambda: CommandResult(ExitCode.FAILED, _reports(), StatusPayload()),
    "status --wide": lambda: CommandResult(ExitCode.FAILED, _reports(), StatusPayload(wide=True)),
    "wait": lambda: CommandResult(ExitCode.FAILED, _reports(), WaitPayload(60)),
    "deploy": _deploy,
    "versions": _versions,
}


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("command", list(RESULTS))
def test_no_row_wraps_and_names_stay_apart(command: str, width: int) -> None:
    output, stdout = _output(width)
    output.result(command.split(maxsplit=1)[0], RESULTS[command]())
    text = stdout.getvalue().splitlines()
    start = next(i for i, line in enumerate(text) if line.startswith(("FUNCTION", "VERSION")))
    lines = text[start:]  # the table (wait's explanations above it are prose)
    table = [
        line for line in lines if "SubnetOutOf" in line or "…" in line or "Environment" in line
    ]
    too_wide = [line for line in lines if cell_len(line) > width]
    assert not too_wide, "\n".join(too_wide)
    if command != "versions":
        rows = [line for line in lines if "…" in line.split("  ")[0] or STEM[:20] in line]
        firsts = [row.split()[0] for row in rows if row.split()[0].endswith(("00", "01"))]
        assert len(firsts) == 2 and firsts[0] != firsts[1], stdout.getvalue()
        assert firsts[0].endswith("-00") and firsts[1].endswith("-01")
    assert table or command == "versions"


def test_the_least_telling_column_is_cut_first() -> None:
    names = ["orders-api", "payments"]
    output, stdout = _output(80)
    output.result("status", CommandResult(ExitCode.FAILED, _reports(names), StatusPayload()))
    row = next(line for line in stdout.getvalue().splitlines() if "orders-api" in line)
    assert row.startswith("orders-api  failed")  # the name is whole
    assert "SubnetOutOfIPAddresses" in row  # the reason too
    assert row.endswith("…") and len(row) == 80  # WHAT TO DO gave way, and only it


def test_a_qualified_name_keeps_its_qualifier_when_cut() -> None:
    reports = _reports()
    reports[1] = FunctionReport(
        f"{NAMES[0]}:live", reports[1].exit_code, reports[1].snapshot, reports[1].assessment
    )
    output, stdout = _output(80)
    output.result("status", CommandResult(ExitCode.FAILED, reports, StatusPayload()))
    firsts = [line.split()[0] for line in stdout.getvalue().splitlines()[1:3]]
    assert firsts[0].startswith("…") and firsts[0].endswith("-00")
    assert firsts[1].startswith("…") and firsts[1].endswith("-00:live")


@pytest.mark.parametrize("command", list(RESULTS))
def test_without_a_terminal_nothing_is_cut(command: str) -> None:
    output, stdout = _output(80, terminal=False)
    output.result(command.split(maxsplit=1)[0], RESULTS[command]())
    assert "…" not in stdout.getvalue()
    if command != "versions":
        assert NAMES[0] in stdout.getvalue() and NAMES[1] in stdout.getvalue()


def test_what_to_do_is_left_out_rather_than_cut_to_a_stub() -> None:
    snap = snapshot("x", "Active", "InProgress")
    names = [f"bench-orders-service-handler-0{i}" for i in range(2)]
    reports = [
        FunctionReport(name, ExitCode.TIMEOUT, snap, assess(snap, Target.READY)) for name in names
    ]
    output, stdout = _output(80)
    output.result("status", CommandResult(ExitCode.TIMEOUT, reports, StatusPayload()))
    header, row = stdout.getvalue().splitlines()[:2]
    assert "WHAT TO DO" not in header and header.rstrip().endswith("REASON")
    assert row.startswith(names[0]) and "  Active  InProgress  " in row  # whole words
    wide, wide_out = _output(120)
    wide.result("status", CommandResult(ExitCode.TIMEOUT, reports, StatusPayload()))
    assert "WHAT TO DO" in wide_out.getvalue().splitlines()[0]
