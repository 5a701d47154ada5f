"""All terminal output: a stdout console for results, a stderr console for
progress and errors, and the versioned JSON envelope for ``--output json``.

Environment variable values never reach this module: snapshots keep only the
variable names.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from lambda_wait import __version__, github
from lambda_wait.display import Display, color_enabled, resolve_display
from lambda_wait.errors import ExitCode, LambdaWaitError, worst
from lambda_wait.reasons import DecodedReason
from lambda_wait.states import Assessment, FunctionSnapshot, Phase
from lambda_wait.waiter import WaitEvent

if TYPE_CHECKING:
    from lambda_wait.live import LiveView

SCHEMA_VERSION = 1

PHASE_STYLE = {
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


HEARTBEAT_SECONDS = 30.0
"""Plain and GitHub modes print a 'still waiting' line after this long without output."""


class Output:
    """Renders results to stdout and progress/errors to stderr for one command run.

    Progress takes the form that fits where the command runs (:mod:`lambda_wait.display`):
    a live table at a terminal, timestamped lines in CI and pipes, and in GitHub Actions
    also a log group, annotations, the step summary and step outputs. Streams, the
    environment, terminal detection and both clocks can be injected for tests.
    """

    def __init__(
        self,
        *,
        json_mode: bool = False,
        quiet: bool = False,
        no_color: bool = False,
        ci_format: str = "auto",
        command: str = "",
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        env: Mapping[str, str] | None = None,
        terminal: bool | None = None,
        width: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        animate: bool = True,
    ) -> None:
        self.json_mode = json_mode
        self.quiet = quiet
        self.command = command
        self.env: Mapping[str, str] = os.environ if env is None else env
        self._stdout = sys.stdout if stdout is None else stdout
        self._stderr = sys.stderr if stderr is None else stderr
        out_tty = _isatty(self._stdout) if terminal is None else terminal
        err_tty = _isatty(self._stderr) if terminal is None else terminal
        self.display = resolve_display(ci_format, stderr_is_terminal=err_tty, env=self.env)
        self.out = _console(
            self._stdout,
            color_enabled(no_color=no_color, is_terminal=out_tty, env=self.env),
            out_tty,
            width,
            _ResultConsole,
        )
        self.err = _console(
            self._stderr,
            color_enabled(no_color=no_color, is_terminal=err_tty, env=self.env),
            err_tty,
            width,
        )
        self._clock = clock
        self._wall = wall
        self._t0 = clock()
        self._lock = threading.RLock()  # the waiter reports from several threads
        self._live: LiveView | None = None
        if self.display is Display.LIVE and not quiet:
            from lambda_wait.live import LiveView

            self._live = LiveView(self.err, clock=clock, auto_refresh=animate)
        if isinstance(self.out, _ResultConsole):
            self.out.before_print = self.end_progress
        self._group_open = False
        self._progress_ended = False
        self._last_line_at = self._t0
        self._waiting: dict[str, tuple[float, str]] = {}  # function -> (started, state text)
        self._last_retry: dict[str, str] = {}

    # errors and messages (stderr) -------------------------------------------
    def error(self, error: LambdaWaitError) -> None:
        self.err.print(Text("lambda-wait: error: ", style="bold red") + Text(error.one_line()))

    def info(self, message: str) -> None:
        if not self.quiet:
            with self._lock:
                self.err.print(Text(self._stamp(message)))
                self._last_line_at = self._clock()

    # progress (stderr) --------------------------------------------------------
    def progress(self, event: WaitEvent) -> None:
        """Show one waiter event: the live table, or a line per state change (not per
        poll), retry, note or cooldown, with a heartbeat during long quiet waits."""
        if self.quiet:
            return
        if self._live is not None:
            self._live.update(event)
            return
        with self._lock:
            if self._progress_ended:
                return
            if self.display is Display.GITHUB and not self._group_open:
                self._raw(github.command("group", f"lambda-wait {self.command}: waiting".strip()))
                self._group_open = True
            line = self._plain_line(event)
            if line is not None:
                self.err.print(Text(self._stamp(line, event.elapsed)))
                self._last_line_at = self._clock()
            elif self._clock() - self._last_line_at >= HEARTBEAT_SECONDS:
                self._heartbeat()

    def _plain_line(self, event: WaitEvent) -> str | None:
        name = event.function
        if name not in self._waiting:
            self._waiting[name] = (self._clock() - event.elapsed, "starting")
        started = self._waiting[name][0]
        if event.kind == "poll" and event.snapshot is not None and event.assessment is not None:
            self._last_retry.pop(name, None)
            state = _state_text(event.snapshot).plain
            if event.assessment.done:
                self._waiting.pop(name, None)
            else:
                self._waiting[name] = (started, state)
            if not event.changed:
                return None
            reason = event.assessment.reason
            code = f" ({reason.code})" if reason is not None and reason.code else ""
            return f"{name}: {state}{code}"
        if event.kind in ("note", "cooldown") and event.message:
            return f"{name}: {event.message}"
        if event.kind == "retry" and event.error is not None:
            if self._last_retry.get(name) == event.error.message:
                return None  # the same trouble again: the heartbeat says we are still here
            self._last_retry[name] = event.error.message
            return f"{name}: retrying: {event.error.message}"
        return None

    def _heartbeat(self) -> None:
        now = self._clock()
        waiting = ", ".join(
            f"{name} {state} ({_duration(now - started)})"
            for name, (started, state) in sorted(self._waiting.items())
        )
        if waiting:
            self.err.print(Text(self._stamp(f"still waiting: {waiting}", now - self._t0)))
            self._last_line_at = now

    def _stamp(self, message: str, elapsed: float | None = None) -> str:
        """Plain lines carry a UTC timestamp (and the elapsed time of their wait)."""
        if self.display is Display.LIVE:
            return message
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self._wall()))
        if elapsed is None or message.startswith("["):
            return f"{stamp} {message}"
        return f"{stamp} [{elapsed:6.1f}s] {message}"

    def _raw(self, line: str) -> None:
        """A line exactly as given (workflow commands): no styling, no wrapping."""
        self.err.file.write(line + "\n")
        self.err.file.flush()

    def end_progress(self) -> None:
        """Stop the live view (its last frame stays) or close the log group; idempotent.
        Called before any result reaches stdout, so the two never interleave."""
        if self._live is not None:
            self._live.stop()
        with self._lock:
            self._progress_ended = True
            if self._group_open:
                self._raw("::endgroup::")
                self._group_open = False

    # the end of a run -----------------------------------------------------------
    def finish(
        self,
        command: str,
        exit_code: ExitCode,
        reports: Sequence[FunctionReport],
        error: LambdaWaitError | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        """End progress and, in GitHub mode, write the annotations, the step summary
        ($GITHUB_STEP_SUMMARY) and the step outputs ($GITHUB_OUTPUT)."""
        self.end_progress()
        if self.display is not Display.GITHUB:
            return
        outcomes = [github_outcome(r, _deploy_of(r.function, extra)) for r in reports]
        lines = github.error_annotations(command, outcomes)
        if error is not None and not any(r.error is error for r in reports):
            lines.append(github.error_annotation(command, error.one_line()))
        with self._lock:
            for line in lines:
                self._raw(line)
        files = (
            (
                "GITHUB_STEP_SUMMARY",
                github.step_summary(
                    command, exit_code, outcomes, None if error is None else error.one_line()
                ),
            ),
            ("GITHUB_OUTPUT", github.format_outputs(github.step_outputs(exit_code, outcomes))),
        )
        for variable, text in files:
            try:
                github.append(self.env.get(variable), text)
            except OSError as err:  # the result stands; say why the file is missing
                self.err.print(Text(f"lambda-wait: warning: cannot write ${variable}: {err}"))

    # results (stdout) --------------------------------------------------------
    def emit_json(self, doc: dict[str, Any]) -> None:
        self._stdout.write(json.dumps(doc, indent=2, sort_keys=False) + "\n")
        self._stdout.flush()

    def status_reports(self, reports: Sequence[FunctionReport]) -> None:
        if self.json_mode:
            return  # stdout is the JSON document
        self.end_progress()
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
        head.append(label.upper(), style=PHASE_STYLE[phase])

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
        if self.json_mode:
            return
        self.end_progress()
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
        if report.exit_code is ExitCode.READY or self.json_mode:
            return
        self.end_progress()
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


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or not a real stream
        return False


class _ResultConsole(Console):
    """stdout: printing a result first ends the progress display, so a live view on
    stderr never interleaves with the result on a terminal (whoever prints it)."""

    before_print: Callable[[], None] | None = None

    def print(self, *objects: Any, **kwargs: Any) -> None:
        if self.before_print is not None:
            self.before_print()
        super().print(*objects, **kwargs)


def _console(
    stream: TextIO,
    color: bool,
    is_terminal: bool,
    width: int | None,
    cls: type[Console] = Console,
) -> Console:
    # Explicit settings, so rich's own environment guesses cannot add escapes to a pipe:
    # no colour system means no ANSI styling at all, not even bold.
    return cls(
        file=stream,
        highlight=False,
        soft_wrap=True,
        force_terminal=is_terminal or color,
        color_system="auto" if color else None,
        no_color=not color,
        width=width,
    )


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def _deploy_of(function: str, extra: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """A deploy's JSON object for ``function``: from ``deploys`` (one per function) or
    the single ``deploy``."""
    deploys = (extra or {}).get("deploys")
    if isinstance(deploys, list):
        for one in deploys:
            if isinstance(one, Mapping) and one.get("function") == function:
                return one
    deploy = (extra or {}).get("deploy")
    return deploy if isinstance(deploy, Mapping) else None


def github_outcome(
    report: FunctionReport, deploy: Mapping[str, Any] | None = None
) -> github.FunctionOutcome:
    """What GitHub's annotations, step summary and outputs say about one report; a
    deploy's published version, ARN and CodeSha256 win over the last state read."""
    snap = report.snapshot
    reason = report.reason()
    ours = (
        deploy if deploy is not None and deploy.get("function") in (None, report.function) else {}
    )
    remedy = reason.remedy if reason is not None else None
    if remedy is None and report.error is not None:
        remedy = report.error.hint
    summary = report.to_dict()["summary"]
    if summary is None and report.error is not None:
        summary = report.error.message
    return github.FunctionOutcome(
        function=report.function,
        exit_code=report.exit_code,
        function_arn=ours.get("function_arn") or (snap.function_arn if snap else None),
        version=ours.get("version") or (snap.version if snap else None),
        code_sha256=ours.get("code_sha256") or (snap.code_sha256 if snap else None),
        state=snap.state if snap else None,
        last_update_status=snap.last_update_status if snap else None,
        reason_code=reason.code if reason is not None else None,
        reason_title=reason.title if reason is not None else None,
        remedy=remedy,
        summary=summary,
        elapsed=report.elapsed,
    )
