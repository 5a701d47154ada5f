"""All output of a command run, through one sink: progress arrives as typed events
(:mod:`lambda_wait.events`) and goes to the renderer of each of the run's two modes
(stderr's progress display, stdout's ``--output``: :mod:`lambda_wait.ui.modes`);
the result, a :class:`~lambda_wait.result.CommandResult`, goes to both at the end.
Commands never touch a console; nothing here parses what it was handed.

Environment variable values never reach this module: snapshots keep only the
variable names.
"""

from __future__ import annotations

import contextlib
import os
import threading
import traceback
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, NoReturn, TextIO

from lambda_wait.clock import Clock, SystemClock
from lambda_wait.errors import ExitCode, LambdaWaitError
from lambda_wait.events import Event, EvidenceGathered, ServingChanged, WaitSleeping, split_label
from lambda_wait.output_mode import OutputMode
from lambda_wait.result import CommandResult, DeployPayload
from lambda_wait.ui import theme
from lambda_wait.ui.adapt import from_step, from_wait
from lambda_wait.ui.display import resolve_display
from lambda_wait.ui.guard import lost_warning
from lambda_wait.ui.messages import internal_error_line, interrupted_line
from lambda_wait.ui.modes import progress_renderer, result_renderer
from lambda_wait.ui.progress import HEARTBEAT_SECONDS
from lambda_wait.ui.streams import Streams
from lambda_wait.ui.wrap import labelled_lines

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from lambda_wait.deploy.model import StepEvent
    from lambda_wait.evidence.model import Evidence
    from lambda_wait.result import FunctionReport
    from lambda_wait.states import Assessment
    from lambda_wait.ui.status_rows import StatusRows
    from lambda_wait.waiter import WaitEvent

__all__ = ["HEARTBEAT_SECONDS", "Output"]


class Output:
    """The sink of one command run: events in, each mode's renderer out.

    Progress takes the form that fits where the command runs (:mod:`lambda_wait.ui.display`):
    a live table at a terminal, timestamped lines in CI and pipes, and in GitHub Actions
    also a log group, annotations, the step summary and step outputs; with ``--output
    ndjson`` the events are JSON lines on stdout instead. Streams, the environment,
    terminal detection and the clock can be injected for tests.
    """

    def __init__(
        self,
        *,
        mode: OutputMode = OutputMode.TEXT,
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
        self.mode = mode
        self.quiet = quiet
        self.command = command
        self.env: Mapping[str, str] = os.environ if env is None else env
        self._clock: Clock = SystemClock() if clock is None else clock
        self.streams = Streams(
            stdout=stdout,
            stderr=stderr,
            env=self.env,
            terminal=terminal,
            width=width,
            no_color=no_color,
            clock=self._clock,
        )
        self.streams.before_result = self.end_progress
        self.display = resolve_display(
            ci_format, stderr_is_terminal=self.streams.err_is_terminal, env=self.env
        )
        self._progress = progress_renderer(
            self.display, self.streams, command=command, env=self.env, animate=animate
        )
        self._results = result_renderer(mode, self.streams)
        self._preparing: threading.Thread | None = None  # see _prepare_while_waiting
        self._rows: StatusRows | None = None  # status: the rows read so far, at a terminal

    @property
    def out(self) -> Console:
        """The stdout console (results)."""
        return self.streams.out

    @property
    def err(self) -> Console:
        """The stderr console (progress, errors)."""
        return self.streams.err

    # events -------------------------------------------------------------------------
    def emit(self, event: Event) -> None:
        """Show one event in every mode of the run (from any thread)."""
        if isinstance(event, WaitSleeping):
            self._prepare_while_waiting()
        if self.quiet:
            return
        if not self._results.owns_events:  # else (ndjson) the events are stdout's alone
            self._progress.event(event)
        self._results.event(event)

    def progress(self, event: WaitEvent) -> None:
        """The waiter's listener: its report, as a typed event."""
        typed = from_wait(event)
        if typed is not None:
            self.emit(typed)

    def step(self, event: StepEvent, function: str, *, several: bool = False) -> None:
        """The deploy ledger's report for ``function``, as a typed event; ``several``
        when more than one deploy runs at once (their lines then name their function)."""
        if several:
            self.streams.several_deploys = True
        typed = from_step(event, function)
        if typed is not None:
            self.emit(typed)

    def serving(self, label: str, verdict: Assessment) -> None:
        """What serves ``label`` changed (provisioned concurrency, mappings)."""
        function, qualifier = split_label(label)
        self.emit(
            ServingChanged(
                function=function,
                qualifier=qualifier,
                elapsed=self._clock.now() - self.streams.t0,
                phase=verdict.phase.value,
                done=verdict.done,
                summary=verdict.summary,
            )
        )

    def evidence(self, label: str, items: Sequence[Evidence]) -> None:
        """The evidence read about ``label``'s failure (usecases/evidence.py)."""
        function, qualifier = split_label(label)
        elapsed = self._clock.now() - self.streams.t0
        self.emit(
            EvidenceGathered(
                function=function,
                qualifier=qualifier,
                elapsed=elapsed,
                items=tuple(item.to_dict() for item in items),
            )
        )

    def _prepare_while_waiting(self) -> None:
        """At the waiter's first sleep, build the consoles and load the tables (rich) in
        the background, so that neither the first read (they are built on first use)
        nor the exit after the last read waits for them. Only for a stdout mode that
        prints through rich (text); a failure here is met again, and reported, on first use."""
        with self.streams.lock:
            if not self._results.uses_consoles or self._preparing is not None:
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

    def end_progress(self) -> None:
        """Stop the live view (its last frame is erased) or close the log group;
        idempotent. Called before any result reaches stdout, so the two never interleave."""
        self._progress.close()
        if self._rows is not None:
            self._rows.close()

    # errors and messages (stderr) -------------------------------------------------------
    def error(self, error: LambdaWaitError) -> None:
        from rich.text import Text

        self.err.print(Text("lambda-wait: error: ", style=theme.ERROR) + Text(error.one_line()))

    # the end of a run -------------------------------------------------------------------
    def result(self, command: str, result: CommandResult) -> None:
        """Show how the command ended: each failure once on stderr, the result on stdout
        (text, the JSON document, the last ndjson line) and, in GitHub mode, the
        annotations, the step summary and the step outputs."""
        self._failures(result)
        self._progress.show(command, result)
        self._results.show(command, result)
        self.end_progress()
        self._progress.end(command, result)
        self._results.end(command, result)
        self._stream_trouble(result)

    def _stream_trouble(self, result: CommandResult) -> None:
        """A result stdout could not take is one warning on stderr (if it can take
        one), never another outcome: the exit code stays the functions'."""
        warning = lost_warning(self.streams.stdout, result.exit_code)
        if warning is not None:
            self.streams.stderr.write(warning + "\n")
            self.streams.stderr.flush()

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
            traceback.print_exception(err, file=self.streams.stderr)
        self.err.print(internal_error_line(err))
        internal = LambdaWaitError(f"internal error: {type(err).__name__}")
        internal.exit_code = ExitCode.INTERNAL
        self.result(command, CommandResult.failed(internal))

    def _failures(self, result: CommandResult) -> None:
        """Each failure once, on stderr, in every output mode (stdout keeps the result):
        a deploy's as a block (what failed, the cause, what to do, what is live), any
        other function's own error as one line."""
        payload = result.payload
        if isinstance(payload, DeployPayload):
            from lambda_wait.ui.deploy_view import failure
            from lambda_wait.ui.evidence_view import evidence_lines

            for one in payload.results:
                if one.error is not None:
                    from rich.text import Text

                    head, rows = failure(one)
                    self.end_progress()
                    self.err.print(Text("lambda-wait: error: ", style=theme.ERROR) + Text(head))
                    for line in labelled_lines(rows, self.err.width):
                        self.err.print(Text(line))
                    for line in evidence_lines(one.evidence):  # under what it explains
                        self.err.print(Text(line))
            return
        for report in result.reports:
            if report.error is not None and report.error is not result.error:
                from rich.text import Text

                self.end_progress()
                self.err.print(
                    Text("lambda-wait: error: ", style=theme.ERROR)
                    + Text(f"{report.function}: {report.error.one_line()}")
                )

    # status -----------------------------------------------------------------------------
    def watch(
        self, read: Callable[[], CommandResult], interval: float, *, first: CommandResult
    ) -> NoReturn:
        """``status --watch``: show ``first``, then ``read()`` every ``interval`` seconds,
        until Ctrl-C: the error boundary ends the command (exit 130). Text mode only."""
        from lambda_wait.ui.results import TextResults

        TextResults(self.streams).watch(read, interval, first=first)

    def status_row(self, index: int, report: FunctionReport, total: int) -> None:
        """``status`` of several functions, text mode at a terminal: each row as its read
        comes back (``index`` in the order asked). Elsewhere nothing: a pipe gets the
        table once, in order."""
        if self.quiet or total < 2 or self.mode is not OutputMode.TEXT:
            return
        if not self.streams.out.is_terminal:
            return
        if self._rows is None:
            from lambda_wait.ui.status_rows import StatusRows

            self._rows = StatusRows(self.streams)
        self._rows.add(index, report)

    def status_view(self, result: CommandResult) -> list[RenderableType]:
        """``status``: the details of one function, or one line per function."""
        from lambda_wait.ui.results import TextResults

        return TextResults(self.streams).status_view(result)
