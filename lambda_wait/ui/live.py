"""The terminal's live view: one row per function, redrawn in place on stderr.

The waiter calls :meth:`LiveView.update` from worker threads (several functions
wait at once), and rich refreshes from its own thread: every access to the rows
holds one lock. Time comes from the run's :class:`~lambda_wait.clock.Clock`, so a
frame can be pinned in tests.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass

from rich.console import Console, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text

from lambda_wait.clock import Clock
from lambda_wait.events import (
    CooldownHeld,
    Event,
    EvidenceGathered,
    Retrying,
    ServingChanged,
    ShiftProgressed,
    StepEnded,
    StepNote,
    StepStarted,
    UploadProgressed,
    WaitNote,
    WaitPolled,
    WaitSleeping,
)
from lambda_wait.result import CommandResult
from lambda_wait.states import Phase
from lambda_wait.ui import theme
from lambda_wait.ui.lines import deploy_line
from lambda_wait.ui.streams import Streams
from lambda_wait.ui.tables import duration_text

WaitEvent = WaitPolled | WaitSleeping | WaitNote | CooldownHeld | Retrying

SPINNER_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
SPINNER_FPS = 12.5
MIN_ROWS = 5  # a terminal shorter than this still shows five rows
FRAME_MARGIN = 3  # the header, the cursor's line and one to spare


@dataclass
class Row:
    """What the live view knows about one function."""

    function: str
    started: float  # clock.now() when its wait started
    state: str = "-"
    update: str = "-"
    reason: str = ""
    phase: Phase | None = None
    done: bool = False
    ended: float | None = None  # clock.now() when the verdict came: elapsed stops there
    next_poll_at: float | None = None
    message: str = ""


class LiveView:
    """A rich Live table on ``console`` (stderr), fed with a wait's events."""

    def __init__(
        self,
        console: Console,
        *,
        clock: Clock,
        auto_refresh: bool = True,
    ) -> None:
        self._console = console
        self._clock = clock
        self._rows: dict[str, Row] = {}
        self._lock = threading.RLock()  # guards the rows; never held while calling rich
        self._live_lock = threading.Lock()  # guards starting and stopping the Live
        self._live: Live | None = None
        self._auto_refresh = auto_refresh
        self._stopped = False

    # feeding ------------------------------------------------------------------
    def update(self, event: WaitEvent) -> None:
        """Record one wait event; starts the display on the first one."""
        with self._lock:
            if self._stopped:
                return
            now = self._clock.now()
            row = self._rows.get(event.label)
            if row is None:
                row = self._rows[event.label] = Row(event.label, now - event.elapsed)
            _feed(row, event, now)
        self._show()

    def _show(self) -> None:
        # Lock order: live lock, then rich's own lock, then the rows lock (in render).
        with self._live_lock:
            if self._stopped:
                return
            if self._live is None:
                self._live = Live(
                    get_renderable=self.render,
                    console=self._console,
                    auto_refresh=self._auto_refresh,
                    refresh_per_second=SPINNER_FPS,
                    transient=True,  # the result on stdout replaces the last frame
                    redirect_stdout=False,  # stdout carries the result; never draw on it
                    redirect_stderr=False,
                )
                self._live.start()
            elif not self._auto_refresh:
                self._live.refresh()

    def stop(self) -> None:
        """Erase the live frame (the result that follows replaces it: one final
        summary, not two); later events are ignored."""
        with self._live_lock:
            with self._lock:
                self._stopped = True
                for row in self._rows.values():
                    row.next_poll_at = None
            if self._live is not None:
                self._live.stop()
                self._live = None

    # drawing ------------------------------------------------------------------
    def render(self) -> Table:
        """The current frame: unfinished rows first; when the console is too short for
        every row, finished rows are collapsed into one line that counts them."""
        with self._lock:
            now = self._clock.now()
            unfinished = [r for r in self._rows.values() if not r.done]
            finished = [r for r in self._rows.values() if r.done]
            room = max(MIN_ROWS, self._console.height - FRAME_MARGIN)
            hidden: list[Row] = []
            if len(unfinished) + len(finished) > room:
                keep = max(0, room - len(unfinished) - 1)  # one line for the count
                finished, hidden = finished[:keep], finished[keep:]
            rows = unfinished + finished
            # Every column but the reason keeps its full width; the reason gets what is left.
            name_width = max([len("FUNCTION"), *(len(r.function) for r in rows)])
            state_width = max([len("STATE"), *(len(r.state) for r in rows)])
            update_width = max([len("UPDATE"), *(len(r.update) for r in rows)])
            table = Table(box=None, pad_edge=False, show_edge=False, expand=False)
            table.add_column("", width=1, no_wrap=True)
            table.add_column("FUNCTION", min_width=name_width, no_wrap=True)
            table.add_column("ELAPSED", justify="right", min_width=7, no_wrap=True)
            table.add_column("STATE", min_width=state_width, no_wrap=True)
            table.add_column("UPDATE", min_width=update_width, no_wrap=True)
            fixed = 1 + name_width + 7 + state_width + update_width + 9 + 6 * 2  # 6 gaps
            table.add_column(
                "REASON / NOTE",
                overflow="ellipsis",
                no_wrap=True,
                max_width=max(12, self._console.width - fixed - 1),
            )
            table.add_column("NEXT POLL", justify="right", min_width=9, no_wrap=True)
            for row in rows:
                table.add_row(*self._cells(row, now))
            if hidden:
                ready = sum(1 for r in hidden if r.phase is Phase.READY)
                table.add_row(
                    Text("✓", style=theme.GOOD) if ready == len(hidden) else Text("…"),
                    Text(
                        f"+ {len(hidden)} finished ({ready} ready, {len(hidden) - ready} not)",
                        style=theme.QUIET,
                    ),
                )
            return table

    def _cells(self, row: Row, now: float) -> list[RenderableType]:
        style = theme.PHASE_STYLE.get(row.phase, "") if row.phase else ""
        if row.done:
            ready = row.phase is Phase.READY
            mark = Text("✓", theme.GOOD) if ready else Text("✗", theme.BAD)
        elif self._stopped:
            mark = Text("·", theme.QUIET)  # stopped unfinished: no spinner frozen mid-turn
        else:
            frame = int((now - row.started) * SPINNER_FPS) % len(SPINNER_FRAMES)
            mark = Text(SPINNER_FRAMES[frame], style=theme.SPINNER)
        next_poll = ""
        if row.next_poll_at is not None and not row.done:
            next_poll = f"{max(0.0, row.next_poll_at - now):.1f}s"
        elapsed = (row.ended if row.ended is not None else now) - row.started
        return [
            mark,
            Text(row.function, style=theme.NAME),
            duration_text(elapsed),
            Text(row.state, style=style),
            Text(row.update, style=style),
            Text(row.message or row.reason, style=theme.QUIET if row.message else ""),
            next_poll,
        ]


def _feed(row: Row, event: WaitEvent, now: float) -> None:
    """What one wait event changes in its function's row."""
    if isinstance(event, WaitPolled):
        snap = event.snapshot
        row.state = snap.state or "(no State)"
        row.update = snap.last_update_status or "-"
        row.next_poll_at = None
        row.message = ""
        row.phase = event.assessment.phase
        row.done = event.assessment.done
        row.ended = now if row.done else None
        reason = event.assessment.reason
        row.reason = _reason_text(reason.code, reason.title) if reason else ""
        if snap.state == "Active" and snap.last_update_status == "InProgress":
            # AWS may say "Creating" for an update: it is an update all the same
            code = reason.code if reason is not None else None
            row.reason = f"update in progress ({code})" if code else "update in progress"
    elif isinstance(event, WaitSleeping | CooldownHeld):
        row.next_poll_at = now + event.seconds
        if isinstance(event, CooldownHeld) and event.message:
            row.message = event.message
    elif isinstance(event, Retrying):
        row.message = f"retrying: {event.message}"
    elif event.message:
        row.message = event.message


class LiveRenderer:
    """The live mode: wait events feed the table; a deploy's steps and the serving
    changes are lines above it."""

    owns_events = False  # see ui/modes.py's Renderer
    uses_consoles = False

    def __init__(self, streams: Streams, *, animate: bool = True) -> None:
        self._s = streams
        self._animate = animate
        self._view: LiveView | None = None  # built with the first wait event
        self._ended = False

    def event(self, event: Event) -> None:
        """Show one event (from any thread)."""
        self.on(event)

    @functools.singledispatchmethod
    def on(self, event: object) -> None:
        raise TypeError(f"{type(self).__name__} cannot show {type(event).__name__}")

    @on.register
    def _(self, event: WaitPolled | WaitSleeping | WaitNote | CooldownHeld | Retrying) -> None:
        view = self._live_view()
        if view is not None:
            view.update(event)

    @on.register
    def _(
        self, event: StepStarted | StepEnded | StepNote | ShiftProgressed | UploadProgressed
    ) -> None:
        self.say(deploy_line(event, several=self._s.several_deploys))

    @on.register
    def _(self, event: ServingChanged) -> None:
        self.say(f"{event.label}: {event.summary}")

    @on.register
    def _(self, event: EvidenceGathered) -> None:
        pass  # the live view says nothing more: the items show under the failure

    def say(self, message: str) -> None:
        """A line above the table (no timestamp: the terminal is watched live)."""
        with self._s.lock:
            self._s.say(message)

    def _live_view(self) -> LiveView | None:
        """The live view, built with the first wait event (none once progress ended,
        as a stopped view ignores events)."""
        with self._s.lock:
            if self._view is None and not self._ended:
                self._view = LiveView(self._s.err, clock=self._s.clock, auto_refresh=self._animate)
            return self._view

    def close(self) -> None:
        """Stop the live view: its frame is erased, the result replaces it (idempotent)."""
        with self._s.lock:  # no live view is built from here on
            self._ended = True
            view = self._view
        if view is not None:
            view.stop()

    def show(self, command: str, result: CommandResult) -> None:
        """Results are stdout's: nothing here."""

    def end(self, command: str, result: CommandResult) -> None:
        """Nothing more to say."""


def _reason_text(code: str | None, title: str) -> str:
    return f"{code}: {title}" if code else ""
