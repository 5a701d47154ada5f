"""All terminal output: a stdout console for results, a stderr console for
progress and errors, and the versioned JSON envelope for ``--output json``.

Environment variable values never reach this module: snapshots keep only the
variable names.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from lambda_wait import __version__
from lambda_wait.errors import ExitCode, LambdaWaitError, worst
from lambda_wait.reasons import DecodedReason
from lambda_wait.states import Assessment, FunctionSnapshot, Phase
from lambda_wait.waiter import WaitEvent

SCHEMA_VERSION = 1

_PHASE_STYLE = {
    Phase.READY: "green",
    Phase.IN_PROGRESS: "yellow",
    Phase.FAILED: "bold red",
    Phase.UPDATE_FAILED: "bold red",
    Phase.INACTIVE: "magenta",
    Phase.DELETING: "red",
    Phase.OTHER: "yellow",
}


@dataclass
class FunctionReport:
    """What one command learned about one function, for every output mode."""

    function: str
    exit_code: ExitCode
    snapshot: FunctionSnapshot | None = None
    assessment: Assessment | None = None
    error: LambdaWaitError | None = None
    target: str | None = None
    elapsed: float | None = None
    polls: int | None = None
    timed_out: bool = False
    message: str | None = None
    notes: list[str] = field(default_factory=list)
    cooldown: dict[str, Any] | None = None

    def reason(self) -> DecodedReason | None:
        return None if self.assessment is None else self.assessment.reason

    def to_dict(self) -> dict[str, Any]:
        reason = self.reason()
        return {
            "function": self.function,
            "exit_code": int(self.exit_code),
            "exit_status": self.exit_code.label,
            "target": self.target,
            "phase": None if self.assessment is None else self.assessment.phase.value,
            "summary": self.message
            or (None if self.assessment is None else self.assessment.summary),
            "timed_out": self.timed_out,
            "elapsed_seconds": None if self.elapsed is None else round(self.elapsed, 3),
            "polls": self.polls,
            "snapshot": None if self.snapshot is None else self.snapshot.to_dict(),
            "reason": None if reason is None else reason.to_dict(),
            "error": error_dict(self.error),
            "notes": list(self.notes),
            "cooldown": self.cooldown,
        }


def error_dict(error: LambdaWaitError | None) -> dict[str, Any] | None:
    if error is None:
        return None
    return {
        "type": type(error).__name__,
        "exit_code": int(error.exit_code),
        "message": error.message,
        "hint": error.hint,
    }


def envelope(
    command: str,
    exit_code: ExitCode,
    functions: Sequence[FunctionReport],
    error: LambdaWaitError | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The one JSON document a command prints with ``--output json``."""
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "lambda-wait", "version": __version__},
        "command": command,
        "exit_code": int(exit_code),
        "exit_status": exit_code.label,
        "functions": [report.to_dict() for report in functions],
        "error": error_dict(error),
    }
    doc.update(extra)
    return doc


def _color_allowed(no_color: bool) -> bool:
    return not no_color and "NO_COLOR" not in os.environ


class Output:
    """Renders results to stdout and progress/errors to stderr for one command run."""

    def __init__(
        self, *, json_mode: bool = False, quiet: bool = False, no_color: bool = False
    ) -> None:
        self.json_mode = json_mode
        self.quiet = quiet
        color = _color_allowed(no_color)
        self.out = Console(file=sys.stdout, highlight=False, no_color=not color, soft_wrap=True)
        self.err = Console(file=sys.stderr, highlight=False, no_color=not color, soft_wrap=True)
        self._t0 = time.monotonic()

    # errors and messages (stderr) -------------------------------------------
    def error(self, error: LambdaWaitError) -> None:
        self.err.print(Text("lambda-wait: error: ", style="bold red") + Text(error.one_line()))

    def info(self, message: str) -> None:
        if not self.quiet:
            self.err.print(Text(message))

    # progress (stderr): one line per state change, not per poll ---------------
    def progress(self, event: WaitEvent) -> None:
        if self.quiet:
            return
        if event.kind == "poll" and event.changed and event.snapshot and event.assessment:
            snap = event.snapshot
            line = Text(f"[{event.elapsed:6.1f}s] {event.function}: ")
            line.append(_state_text(snap))
            reason = event.assessment.reason
            if reason is not None and reason.code:
                line.append(f" ({reason.code})", style="dim")
            self.err.print(line)
        elif event.kind in ("note", "cooldown") and event.message:
            self.err.print(Text(f"[{event.elapsed:6.1f}s] {event.function}: {event.message}"))
        elif event.kind == "retry" and event.error is not None:
            self.err.print(
                Text(f"[{event.elapsed:6.1f}s] {event.function}: retrying: ", style="dim")
                + Text(event.error.message, style="dim")
            )

    # results (stdout) --------------------------------------------------------
    def emit_json(self, doc: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(doc, indent=2, sort_keys=False) + "\n")
        sys.stdout.flush()

    def status_reports(self, reports: Sequence[FunctionReport]) -> None:
        for index, report in enumerate(reports):
            if index:
                self.out.print()
            self._status_block(report)

    def _status_block(self, report: FunctionReport) -> None:
        snap = report.snapshot
        if snap is None:
            self.out.print(
                Text(f"{report.function}: ", style="bold")
                + Text(report.error.one_line() if report.error else "no data", style="red")
            )
            return
        phase = report.assessment.phase if report.assessment else Phase.OTHER
        head = Text(f"{snap.function_name or report.function}", style="bold")
        if snap.version and snap.version != "$LATEST":
            head.append(f":{snap.version}", style="bold")
        head.append("  ")
        label = "cooldown" if report.exit_code is ExitCode.COOLDOWN else phase.value
        head.append(label.upper(), style=_PHASE_STYLE[phase])

        if report.elapsed is not None and report.polls is not None:
            head.append(f"  after {report.elapsed:.1f}s, {report.polls} reads", style="dim")
        self.out.print(head)
        table = Table.grid(padding=(0, 2))
        table.add_column(style="dim")
        table.add_column()
        table.add_row("State", _state_text(snap))
        if report.message or report.assessment:
            table.add_row(
                "Verdict", report.message or report.assessment.summary if report.assessment else ""
            )
        for label, decoded in (
            ("State reason", snap.state_decoded),
            ("Update reason", snap.update_decoded),
        ):
            if decoded is not None:
                _reason_rows(table, label, decoded)
        kind = snap.package_type or "?"
        if snap.runtime:
            kind += f" {snap.runtime}"
        table.add_row("Package", kind)
        table.add_row("Last modified", snap.last_modified or "-")
        table.add_row("Version", snap.version or "-")
        table.add_row("CodeSha256", snap.code_sha256 or "-")
        table.add_row(
            "VPC", f"yes ({snap.vpc_id})" if snap.vpc_id else ("yes" if snap.in_vpc else "no")
        )
        if snap.environment_keys:
            table.add_row("Environment", ", ".join(snap.environment_keys) + " (values hidden)")
        if snap.function_arn:
            table.add_row("ARN", snap.function_arn)
        for note in report.notes:
            table.add_row("Note", note)
        self.out.print(table)

    def summary_table(self, reports: Sequence[FunctionReport]) -> None:
        """One row per function; used by wait (and deploy) at the end."""
        table = Table(show_edge=False, box=None, pad_edge=False)
        for column in ("FUNCTION", "RESULT", "STATE", "UPDATE", "REASON", "TIME"):
            table.add_column(column)
        for report in reports:
            snap = report.snapshot
            reason = report.reason()
            style = "green" if report.exit_code is ExitCode.READY else "red"
            table.add_row(
                report.function,
                Text(report.exit_code.label, style=style),
                (snap.state or "-") if snap else "-",
                (snap.last_update_status or "-") if snap else "-",
                (reason.code or "") if reason else "",
                f"{report.elapsed:.1f}s" if report.elapsed is not None else "",
            )
        self.out.print(table)
        code = worst([report.exit_code for report in reports])
        if len(reports) > 1:
            self.out.print(Text(f"exit {int(code)} ({code.label}): worst of {len(reports)}"))

    def explain(self, report: FunctionReport) -> None:
        """Why a function is not ready and what to do (stdout: part of the result)."""
        if report.exit_code is ExitCode.READY:
            return
        text = Text(f"{report.function}: ", style="bold")
        text.append(report.message or (report.assessment.summary if report.assessment else ""))
        self.out.print(text)
        reason = report.reason()
        table = Table.grid(padding=(0, 2))
        table.add_column(style="dim")
        table.add_column()
        if reason is not None:
            _reason_rows(table, "Reason", reason)
        for note in report.notes:
            table.add_row("Note", note)
        if reason is not None or report.notes:
            self.out.print(table)


def _reason_rows(table: Table, label: str, decoded: DecodedReason) -> None:
    code = decoded.code or "-"
    title = decoded.title if decoded.known else "unknown reason code (shown verbatim)"
    table.add_row(label, Text(f"{code}: {title}"))
    if decoded.aws_message:
        table.add_row("  AWS says", decoded.aws_message)
    if decoded.info is not None:
        table.add_row("  Meaning", decoded.info.meaning)
        table.add_row("  What to do", decoded.info.remedy)
        flags = []
        if decoded.info.transient:
            flags.append("transient: retrying may succeed")
        if decoded.info.cooldown:
            flags.append("Lambda waits at least 5 minutes before it retries")
        if flags:
            table.add_row("  Note", "; ".join(flags))


def _state_text(snap: FunctionSnapshot) -> Text:
    text = Text(snap.state or "(no State)")
    if snap.last_update_status:
        text.append(f" / LastUpdateStatus {snap.last_update_status}")
    return text
