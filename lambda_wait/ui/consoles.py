"""The rich consoles of a command run, built by :class:`~lambda_wait.ui.output.Output`
on first use: a run that prints nothing through them (``--output json`` that
succeeds with stderr not a terminal) never imports rich, and one that does imports
it after its first read, not before (docs/performance.md, start-up)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TextIO

from rich.console import Console


class ResultConsole(Console):
    """stdout: printing a result first ends the progress display, so a live view on
    stderr never interleaves with the result on a terminal (whoever prints it)."""

    before_print: Callable[[], None] | None = None

    def print(self, *objects: Any, **kwargs: Any) -> None:
        if self.before_print is not None:
            self.before_print()
        super().print(*objects, **kwargs)


def make_console(
    stream: TextIO,
    color: bool,
    is_terminal: bool,
    width: int | None,
    cls: type[Console] = Console,
) -> Console:
    """A console on ``stream`` with every setting explicit."""
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
