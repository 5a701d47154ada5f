"""All terminal output of a command run: a stdout console for results, a stderr
console for progress and errors, and (with ``--output json``) the one JSON document.
Commands hand their :class:`~lambda_wait.result.CommandResult` to :meth:`Output.result`
and never touch a console; nothing here parses what it was handed.

Environment variable values never reach this module: snapshots keep only the
variable names.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, NoReturn, TextIO

from lambda_wait.clock import Clock, SystemClock
from lambda_wait.errors import ExitCode, LambdaWaitError
from lambda_wait.result import (
    CommandResult,
    DeployPayload,
    ReleasePayload,
    StatusPayload,
    WaitPayload,
)
from lambda_wait.ui import github, theme
from lambda_wait.ui.display import Display, color_enabled, resolve_display
from lambda_wait.ui.envelope import envelope
from lambda_wait.ui.messages import internal_error_line, interrupted_line
from lambda_wait.ui.wrap import labelled_lines

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from lambda_wait.deploy.model import StepEvent
    from lambda_wait.ui.live import LiveView
    from lambda_wait.waiter import WaitEvent

HEARTBEAT_SECONDS = 30.0
"""Plain and GitHub modes print a 'still waiting' line after this long without output."""


class Output:
    """Renders results to stdout and progress/errors to stderr for one command run.

    Progress takes the form that fits where the command runs (:mod:`lambda_wait.ui.display`):
    a live table at a terminal, timestamped lines in CI and pipes, and in GitHub Actions
    also a log group, annotations, the step summary and step outputs. Streams, the
    environment, terminal detection and the clock can be injected for tests.
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
        clock: Clock | None = None,
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
        # The consoles (and rich) are built on first use: see lambda_wait/ui/consoles.py.
        self._out_settings = (
            color_enabled(no_color=no_color, is_terminal=out_tty, env=self.env),
            out_tty,
            width,
        )
        self._err_settings = (
            color_enabled(no_color=no_color, is_terminal=err_tty, env=self.env),
            err_tty,
            width,
        )
        self._out: Console | None = None
        self._err: Console | None = None
        self._clock: Clock = SystemClock() if clock is None else clock
        self._t0 = self._clock.now()
        self._lock = threading.RLock()  # the waiter reports from several threads
        self._consoles_lock = threading.Lock()  # builds each console once
        self._live: LiveView | None = None  # built with the first progress event
        self._animate = animate
        self._preparing: threading.Thread | None = None  # see _prepare_while_waiting
        self._group_open = False
        self._progress_ended = False
        self._last_line_at = self._t0
        self._waiting: dict[str, tuple[float, str]] = {}  # function -> (started, state text)
        self._last_retry: dict[str, str] = {}

    @property
    def out(self) -> Console:
        """The stdout console (results)."""
        if self._out is None:
            from lambda_wait.ui.consoles import ResultConsole, make_console

            with self._consoles_lock:
                if self._out is None:
                    out = make_console(self._stdout, *self._out_settings, cls=ResultConsole)
                    assert isinstance(out, ResultConsole)
                    out.before_print = self.end_progress
                    self._out = out
        return self._out

    @property
    def err(self) -> Console:
        """The stderr console (progress, errors)."""
        if self._err is None:
            from lambda_wait.ui.consoles import make_console

            with self._consoles_lock:
                if self._err is None:
                    self._err = make_console(self._stderr, *self._err_settings)
        return self._err

    # errors and messages (stderr) -------------------------------------------
    def error(self, error: LambdaWaitError) -> None:
        from rich.text import Text

        self.err.print(Text("lambda-wait: error: ", style=theme.ERROR) + Text(error.one_line()))

    def info(self, message: str) -> None:
        if not self.quiet:
            from rich.text import Text

            with self._lock:
                self.err.print(Text(self._stamp(message)))
                self._last_line_at = self._clock.now()

    # progress (stderr) --------------------------------------------------------
    def progress(self, event: WaitEvent) -> None:
        """Show one waiter event: the live table, or a line per state change (not per
        poll), retry, note or cooldown, with a heartbeat during long quiet waits."""
        if event.kind == "sleep":
            self._prepare_while_waiting()
        if self.quiet:
            return
        if self.display is Display.LIVE:
            live = self._live_view()
            if live is not None:
                live.update(event)
            return
        from rich.text import Text

        with self._lock:
            if self._progress_ended:
                return
            if self.display is Display.GITHUB and not self._group_open:
                self._raw(github.command("group", f"lambda-wait {self.command}: waiting".strip()))
                self._group_open = True
            line = self._plain_line(event)
            if line is not None:
                self.err.print(Text(self._stamp(line, event.elapsed)))
                self._last_line_at = self._clock.now()
            elif self._clock.now() - self._last_line_at >= HEARTBEAT_SECONDS:
                self._heartbeat()

    def _prepare_while_waiting(self) -> None:
        """At the waiter's first sleep, build the consoles and load the tables (rich) in
        the background, so that neither the first read (they are built on first use)
        nor the exit after the last read waits for them. Not in JSON mode, whose
        stdout needs no rich; a failure here is met again, and reported, on first use."""
        with self._lock:
            if self.json_mode or self._preparing is not None:
                return
            self._preparing = threading.Thread(
                target=self._prepare, name="lambda-wait-output", daemon=True
            )
        # No thread to spare (a pids limit in a container): built on first use instead.
        with contextlib.suppress(RuntimeError):
            self._preparing.start()

    def _prepare(self) -> None:
        try:
            _ = (self.out, self.err)  # built here, off the waiting path
            from lambda_wait.ui import tables  # noqa: F401 - loaded for the result
        except Exception:  # met again, and reported, where they are first used
            pass

    def _live_view(self) -> LiveView | None:
        """The terminal's live view, built with the first progress event (none once
        progress has ended, as a stopped view ignores events)."""
        with self._lock:
            if self._live is None and not self._progress_ended:
                from lambda_wait.ui.live import LiveView

                self._live = LiveView(self.err, clock=self._clock, auto_refresh=self._animate)
            return self._live

    def _plain_line(self, event: WaitEvent) -> str | None:
        name = event.function
        if name not in self._waiting:
            self._waiting[name] = (self._clock.now() - event.elapsed, "starting")
        started = self._waiting[name][0]
        if event.kind == "poll" and event.snapshot is not None and event.assessment is not None:
            from lambda_wait.ui import tables

            self._last_retry.pop(name, None)
            state = tables.state_text(event.snapshot).plain
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
        from rich.text import Text

        now = self._clock.now()
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
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self._clock.wall()))
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
        with self._lock:  # no live view is built from here on (_live_view)
            self._progress_ended = True
            live = self._live
        if live is not None:
            live.stop()
        with self._lock:
            if self._group_open:
                self._raw("::endgroup::")
                self._group_open = False

    def step(self, event: StepEvent, function: str | None = None) -> None:
        """Show one deploy step event (``function`` names it when several deploy at once)."""
        from lambda_wait.ui.deploy_view import progress_line

        line = progress_line(event, function)
        if line is not None:
            self.info(line)

    # the end of a run -----------------------------------------------------------
    def result(self, command: str, result: CommandResult) -> None:
        """Show how the command ended: the result on stdout (text, or the JSON document)
        and, in GitHub mode, the annotations, the step summary and the step outputs."""
        self._show(result)
        self._finish(command, result)
        if self.json_mode:
            self._stdout.write(json.dumps(envelope(command, result), indent=2) + "\n")
            self._stdout.flush()

    def failed(self, command: str, error: LambdaWaitError) -> None:
        """The command stopped with ``error`` before it had a result."""
        self.end_progress()
        self.error(error)
        self.result(command, CommandResult.failed(error))

    def interrupted(self, command: str, code: ExitCode) -> None:
        """Ctrl-C (130) or SIGTERM (143) stopped the command."""
        self.end_progress()
        self.err.print(interrupted_line(code))
        interrupted = LambdaWaitError(code.label)
        interrupted.exit_code = code
        self.result(command, CommandResult.failed(interrupted))

    def internal_error(self, command: str, err: BaseException, *, debug: bool) -> None:
        """A bug (exit 70): one line, and the traceback only with --debug."""
        self.end_progress()
        if debug:
            traceback.print_exception(err)
        self.err.print(internal_error_line(err))
        internal = LambdaWaitError(f"internal error: {type(err).__name__}")
        internal.exit_code = ExitCode.INTERNAL
        self.result(command, CommandResult.failed(internal))

    def _show(self, result: CommandResult) -> None:
        payload = result.payload
        if not isinstance(payload, DeployPayload):
            self._function_errors(result)
        if isinstance(payload, DeployPayload):
            self._deploys(payload)
        elif self.json_mode:
            return  # stdout is the JSON document
        elif isinstance(payload, WaitPayload):
            from lambda_wait.ui import tables

            for report in result.reports:
                self._print(tables.explanation(report))
            self._print(tables.summary_table(result.reports))
        elif isinstance(payload, ReleasePayload):
            if payload.document is not None:
                from rich.text import Text

                self._stdout.write(payload.document)
                self._stdout.flush()
                for line in payload.lines:  # the document owns stdout: the rest is stderr
                    self.err.print(Text(line))
            else:
                self._lines(list(payload.lines))
        elif isinstance(payload, StatusPayload):
            self._print(self.status_view(result))

    def _function_errors(self, result: CommandResult) -> None:
        """A function's own error, one line each on stderr, in every output mode: stdout
        keeps the result (the JSON document, the table with each function's outcome)."""
        for report in result.reports:
            if report.error is not None and report.error is not result.error:
                from rich.text import Text

                self.end_progress()
                self.err.print(
                    Text("lambda-wait: error: ", style=theme.ERROR)
                    + Text(f"{report.function}: {report.error.one_line()}")
                )

    def watch(
        self, read: Callable[[], CommandResult], interval: float, *, first: CommandResult
    ) -> NoReturn:
        """``status --watch``: show ``first``, then ``read()`` every ``interval`` seconds,
        redrawn in place at a terminal (one frame after another elsewhere), until
        Ctrl-C: the error boundary ends the command (exit 130)."""
        from rich.console import Group
        from rich.live import Live
        from rich.text import Text

        def frame(result: CommandResult) -> Group:
            stamp = time.strftime("%H:%M:%S", time.localtime(self._clock.wall()))
            hint = Text(f"{stamp}, every {interval:g}s; Ctrl-C stops", style=theme.QUIET)
            return Group(*self.status_view(result), hint)

        result = first
        if not self.out.is_terminal:
            while True:
                self.out.print(frame(result))
                self.out.print()
                self._clock.sleep(interval)
                result = read()
        with Live(frame(result), console=self.out, auto_refresh=False) as live:
            while True:
                self._clock.sleep(interval)
                live.update(frame(read()), refresh=True)

    def status_view(self, result: CommandResult) -> list[RenderableType]:
        """``status``: the details of one function, or one line per function."""
        from lambda_wait.ui import tables

        now = self._clock.wall()
        payload = result.payload
        wide = isinstance(payload, StatusPayload) and payload.wide
        if len(result.reports) == 1:
            return tables.status_block(result.reports[0], now)
        if not result.reports:
            return []
        return tables.status_table(result.reports, wide=wide, now=now, width=self.out.width)

    def _print(self, renderables: list[RenderableType]) -> None:
        for renderable in renderables:
            self.out.print(renderable)

    def _deploys(self, payload: DeployPayload) -> None:
        """Each failure once, on stderr (also with --output json): what failed, the
        cause, what to do, what is live. In text mode, the result on stdout: the
        summary of one deploy, or of several (dry-run plans and failures first),
        then the table."""
        from lambda_wait.ui.deploy_view import failure, summary_lines, table_lines

        for one in payload.results:
            if one.error is not None:
                self._failure(*failure(one))
        if self.json_mode:
            return
        if not payload.many:
            self._lines(summary_lines(payload.results[0]))
            return
        for one in payload.results:  # the plans of a dry run, the details of a failure
            if one.dry_run or one.error is not None:
                self._lines(summary_lines(one))
                self.out.print()
        self._lines(table_lines(payload.results))

    def _failure(self, head: str, rows: list[tuple[str, str]]) -> None:
        """One failure as one block on stderr, wrapped at word boundaries."""
        from rich.text import Text

        self.end_progress()
        self.err.print(Text("lambda-wait: error: ", style=theme.ERROR) + Text(head))
        for line in labelled_lines(rows, self.err.width):
            self.err.print(Text(line))

    def _lines(self, lines: list[str]) -> None:
        from rich.text import Text

        for line in lines:
            self.out.print(Text(line))

    def _finish(self, command: str, result: CommandResult) -> None:
        """End progress and, in GitHub mode, write the annotations, the step summary
        ($GITHUB_STEP_SUMMARY) and the step outputs ($GITHUB_OUTPUT)."""
        self.end_progress()
        if self.display is not Display.GITHUB:
            return
        deploys = result.payload if isinstance(result.payload, DeployPayload) else None
        outcomes = [
            github.outcome(r, None if deploys is None else deploys.result_for(r.function))
            for r in result.reports
        ]
        error = result.error
        if error is not None and any(r.error is error for r in result.reports):
            error = None  # a function's own failure: its annotation and row tell it once
        lines = github.error_annotations(command, outcomes)
        if error is not None:
            lines.append(github.error_annotation(command, error.one_line()))
        with self._lock:
            for line in lines:
                self._raw(line)
        code = result.exit_code
        files = (
            (
                "GITHUB_STEP_SUMMARY",
                github.step_summary(
                    command, code, outcomes, None if error is None else error.one_line()
                ),
            ),
            ("GITHUB_OUTPUT", github.format_outputs(github.step_outputs(code, outcomes))),
        )
        for variable, text in files:
            try:
                github.append(self.env.get(variable), text)
            except OSError as err:  # the result stands; say why the file is missing
                from rich.text import Text

                self.err.print(Text(f"lambda-wait: warning: cannot write ${variable}: {err}"))


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or not a real stream
        return False


def _duration(seconds: float) -> str:
    """Whole seconds as people read them (``45s``, ``1m 35s``): heartbeats are coarse."""
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"
