"""Which renderer shows each output mode: the progress modes of stderr
(:class:`~lambda_wait.ui.display.Display`) and the result modes of stdout
(:class:`~lambda_wait.ui.display.OutputMode`). A run has one of each;
:class:`~lambda_wait.ui.output.Output` hands every event and the result to both.

A new mode is a member in :mod:`lambda_wait.ui.display`, its renderer module, and
one line here (docs/architecture.md, "A new output mode").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from lambda_wait.events import Event
from lambda_wait.output_mode import OutputMode
from lambda_wait.result import CommandResult
from lambda_wait.ui.display import Display
from lambda_wait.ui.streams import Streams


class Renderer(Protocol):
    """One output mode. ``event`` shows an event as it happens (any thread);
    ``close`` ends the progress display; ``show`` prints the result for people,
    ``end`` what follows once progress has ended (a document, GitHub's files).
    A stdout mode that ``owns_events`` takes them from stderr's progress display;
    one that ``uses_consoles`` prints through rich (built while the waiter sleeps)."""

    @property
    def owns_events(self) -> bool: ...

    @property
    def uses_consoles(self) -> bool: ...

    def event(self, event: Event) -> None: ...

    def close(self) -> None: ...

    def show(self, command: str, result: CommandResult) -> None: ...

    def end(self, command: str, result: CommandResult) -> None: ...


def progress_renderer(
    display: Display, streams: Streams, *, command: str, env: Mapping[str, str], animate: bool
) -> Renderer:
    """The renderer of stderr's progress mode."""
    if display is Display.LIVE:
        from lambda_wait.ui.live import LiveRenderer

        return LiveRenderer(streams, animate=animate)
    from lambda_wait.ui.progress import GithubRenderer, PlainRenderer

    if display is Display.GITHUB:
        return GithubRenderer(streams, command, env)
    return PlainRenderer(streams, command)


def result_renderer(mode: OutputMode, streams: Streams) -> Renderer:
    """The renderer of stdout's mode."""
    from lambda_wait.ui.results import JsonResults, TextResults

    if mode is OutputMode.NDJSON:
        from lambda_wait.ui.ndjson import NdjsonResults

        return NdjsonResults(streams)
    return JsonResults(streams) if mode is OutputMode.JSON else TextResults(streams)
