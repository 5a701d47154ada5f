"""``--output ndjson``: one JSON object per line on stdout, each event as it happens,
then the result: the document ``--output json`` prints, on one line. Every line is
built in :mod:`lambda_wait.ui.envelope`, which scrubs the run's known secrets from
every string field, as for ``--output json`` (docs/json-output.md, "Event stream")."""

from __future__ import annotations

import functools
import json
from typing import Any

from lambda_wait.events import Event
from lambda_wait.result import CommandResult
from lambda_wait.ui.envelope import envelope, event_document
from lambda_wait.ui.streams import Streams


class NdjsonResults:
    """Events and the result as JSON lines; no progress on stderr."""

    owns_events = True  # see ui/modes.py's Renderer
    uses_consoles = False

    def __init__(self, streams: Streams) -> None:
        self._s = streams
        self._ended = False  # the envelope is the last line: nothing after it

    def event(self, event: Event) -> None:
        self.on(event)

    @functools.singledispatchmethod
    def on(self, event: object) -> None:
        raise TypeError(f"{type(self).__name__} cannot show {type(event).__name__}")

    @on.register
    def _(self, event: Event) -> None:
        """Every event is one object: its ``type`` and ``data()`` say what it is."""
        self._line(event_document(event, self._s.clock.wall()))

    def _line(self, doc: dict[str, Any], *, last: bool = False) -> None:
        text = json.dumps(doc, separators=(",", ":"))
        with self._s.lock:  # one line at a time from every thread
            if self._ended:
                return  # a straggler after the result (a worker stopped by Ctrl-C)
            self._ended = last
            self._s.write_out(text + "\n")

    def close(self) -> None:
        """No progress display to end."""

    def show(self, command: str, result: CommandResult) -> None:
        """No text: stdout is the stream."""

    def end(self, command: str, result: CommandResult) -> None:
        """The last line: the result envelope."""
        self._line(envelope(command, result), last=True)
