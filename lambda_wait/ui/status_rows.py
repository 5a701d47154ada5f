"""``status`` of several functions at a terminal: the rows read so far, drawn as their
reads come back, in the order asked; the whole table replaces them at the end (a pipe
gets only that table, once, in order)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from lambda_wait.ui.streams import Streams

if TYPE_CHECKING:
    from rich.live import Live

    from lambda_wait.result import FunctionReport


class StatusRows:
    """The rows so far, in a transient rich Live on the stdout console."""

    def __init__(self, streams: Streams) -> None:
        self._s = streams
        self._rows: dict[int, FunctionReport] = {}
        self._live: Live | None = None
        # Reentrant: the Live's own drawing passes the stdout console's before-result
        # hook, which calls close() on this thread while add() holds the lock.
        self._lock = threading.RLock()
        self._drawing = False

    def add(self, index: int, report: FunctionReport) -> None:
        from rich.console import Group
        from rich.live import Live

        from lambda_wait.ui import tables

        with self._lock:
            self._rows[index] = report
            rows = [self._rows[i] for i in sorted(self._rows)]
            now, width = self._s.clock.wall(), self._s.out.width
            view = Group(*tables.status_table(rows, now=now, width=width)[:-1])  # no totals
            self._drawing = True
            try:
                if self._live is None:
                    self._live = Live(view, console=self._s.out, auto_refresh=False, transient=True)
                    self._live.start()
                self._live.update(view, refresh=True)
            finally:
                self._drawing = False

    def close(self) -> None:
        """Erase the rows (the result's table comes next); idempotent."""
        with self._lock:
            if self._drawing:  # our own drawing, not a result: keep the rows
                return
            live, self._live = self._live, None
        if live is not None:
            live.stop()
