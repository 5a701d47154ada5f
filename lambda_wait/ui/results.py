"""The text and JSON modes of stdout: the result for people (the blocks and tables of
``status`` and ``wait``, a deploy's summary, the lines of ``rollback``, ``versions``
and ``init``), or the one JSON document (:mod:`lambda_wait.ui.envelope`). Neither
prints events: stdout carries the result only."""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, NoReturn

from lambda_wait.events import Event
from lambda_wait.result import (
    CommandResult,
    DeployPayload,
    ReleasePayload,
    StatusPayload,
    WaitPayload,
)
from lambda_wait.ui import theme
from lambda_wait.ui.envelope import envelope
from lambda_wait.ui.streams import Streams

if TYPE_CHECKING:
    from rich.console import RenderableType


class TextResults:
    """``--output text``: the result for people, on the stdout console."""

    owns_events = False  # see ui/modes.py's Renderer
    uses_consoles = True

    def __init__(self, streams: Streams) -> None:
        self._s = streams

    def event(self, event: Event) -> None:
        self.on(event)

    @functools.singledispatchmethod
    def on(self, event: object) -> None:
        raise TypeError(f"{type(self).__name__} cannot show {type(event).__name__}")

    @on.register
    def _(self, event: Event) -> None:
        """Progress is stderr's: every event is the progress mode's to show."""

    def close(self) -> None:
        """No progress to end."""

    def show(self, command: str, result: CommandResult) -> None:
        """The result: tables, a deploy's summary, or a command's lines."""
        payload = result.payload
        if isinstance(payload, DeployPayload):
            self._deploys(payload)
        elif isinstance(payload, WaitPayload):
            from lambda_wait.ui import tables
            from lambda_wait.ui.evidence_view import evidence_lines

            for report in result.reports:
                self._print(tables.explanation(report))
                self._lines(evidence_lines(report.evidence))  # what the account showed
            self._print(tables.summary_table(result.reports, self._s.out.width))
        elif isinstance(payload, ReleasePayload):
            if payload.document is not None:
                self._s.write_out(payload.document)
                for line in payload.lines:  # the document owns stdout: the rest is stderr
                    self._s.say(line)
            elif payload.at_width is not None:
                self._lines(list(payload.at_width(self._s.out.width)))
            else:
                self._lines(list(payload.lines))
        elif isinstance(payload, StatusPayload):
            self._print(self.status_view(result))

    def end(self, command: str, result: CommandResult) -> None:
        """Nothing after the text."""

    def status_view(self, result: CommandResult) -> list[RenderableType]:
        """``status``: the details of one function, or one line per function."""
        from lambda_wait.ui import tables

        now = self._s.clock.wall()
        payload = result.payload
        wide = isinstance(payload, StatusPayload) and payload.wide
        if len(result.reports) == 1:
            return tables.status_block(result.reports[0], now)
        if not result.reports:
            return []
        return tables.status_table(result.reports, wide=wide, now=now, width=self._s.out.width)

    def watch(
        self, read: Callable[[], CommandResult], interval: float, *, first: CommandResult
    ) -> NoReturn:
        """``status --watch``: ``first``, then ``read()`` every ``interval`` seconds,
        redrawn in place at a terminal (one frame after another elsewhere)."""
        from rich.console import Group
        from rich.live import Live
        from rich.text import Text

        def frame(result: CommandResult) -> Group:
            stamp = time.strftime("%H:%M:%S", time.localtime(self._s.clock.wall()))
            hint = Text(f"{stamp}, every {interval:g}s; Ctrl-C stops", style=theme.QUIET)
            return Group(*self.status_view(result), hint)

        clock = self._s.clock

        def again(started: float) -> tuple[float, CommandResult]:
            # The interval runs from one read's start to the next's: a read of many
            # functions takes seconds, and "every 5s" must stay every 5 s.
            due = started + interval
            clock.sleep(max(0.0, due - clock.now()))
            return max(due, clock.now()), read()

        out, result, started = self._s.out, first, clock.now()
        if not out.is_terminal:
            while True:
                out.print(frame(result))
                out.print()
                started, result = again(started)
        with Live(frame(result), console=out, auto_refresh=False) as live:
            while True:
                started, result = again(started)
                live.update(frame(result), refresh=True)

    def _deploys(self, payload: DeployPayload) -> None:
        """The summary of one deploy, or of several (dry-run plans and failures first),
        then the table."""
        from lambda_wait.ui.deploy_view import summary_lines, table_lines

        if not payload.many:
            self._lines(summary_lines(payload.results[0]))
            return
        for one in payload.results:  # the plans of a dry run, the details of a failure
            if one.dry_run or one.error is not None:
                self._lines(summary_lines(one))
                self._s.out.print()
        self._lines(table_lines(payload.results, self._s.out.width))

    def _print(self, renderables: list[RenderableType]) -> None:
        for renderable in renderables:
            self._s.out.print(renderable)

    def _lines(self, lines: list[str]) -> None:
        from rich.text import Text

        for line in lines:
            self._s.out.print(Text(line))


class JsonResults(TextResults):
    """``--output json``: exactly one JSON document on stdout, at the end."""

    owns_events = False  # see ui/modes.py's Renderer
    uses_consoles = False

    def show(self, command: str, result: CommandResult) -> None:
        """No text: stdout is the document."""

    def end(self, command: str, result: CommandResult) -> None:
        self._s.write_out(json.dumps(envelope(command, result), indent=2) + "\n")
