"""The two streams of a command run and what every renderer shares: stdout and stderr,
their rich consoles (built on first use), the run's clock and start, and one lock.

:class:`~lambda_wait.ui.output.Output` builds one; the renderers of the run's output
modes write through it and nowhere else. Both streams are guarded
(:mod:`lambda_wait.ui.guard`): a write that fails is dropped and remembered, and the
run goes on.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TextIO, cast

from lambda_wait.clock import Clock
from lambda_wait.ui.display import color_enabled
from lambda_wait.ui.guard import Guarded, guarded

if TYPE_CHECKING:
    from rich.console import Console


UNCUT_WIDTH = 100_000  # stdout's width without a terminal: wider than any line we print


class Streams:
    """stdout (results) and stderr (progress, errors) of one run."""

    def __init__(
        self,
        *,
        stdout: TextIO | None,
        stderr: TextIO | None,
        env: Mapping[str, str],
        terminal: bool | None,
        width: int | None,
        no_color: bool,
        clock: Clock,
    ) -> None:
        self.stdout = guarded(sys.stdout if stdout is None else stdout, "stdout")
        self.stderr = guarded(sys.stderr if stderr is None else stderr, "stderr")
        out_tty = self.stdout.isatty() if terminal is None else terminal
        self.err_is_terminal = self.stderr.isatty() if terminal is None else terminal
        self._out_settings = (
            color_enabled(no_color=no_color, is_terminal=out_tty, env=env),
            out_tty,
            # Without a terminal nothing is cut: a pipe or a file gets whole ARNs and
            # names (rich would otherwise cut the results at 80 columns with an ellipsis).
            width if width is not None or out_tty else UNCUT_WIDTH,
        )
        self._err_settings = (
            color_enabled(no_color=no_color, is_terminal=self.err_is_terminal, env=env),
            self.err_is_terminal,
            width,
        )
        self._out: Console | None = None
        self._err: Console | None = None
        self._consoles_lock = threading.Lock()  # builds each console once
        self.lock = threading.RLock()  # the waiter reports from several threads
        self.clock = clock
        self.t0 = clock.now()
        # Called before anything is printed on the stdout console (ends the progress).
        self.before_result: Callable[[], None] | None = None
        self.several_deploys = False  # step lines then name their function

    @property
    def built(self) -> tuple[Console | None, Console | None]:
        """The consoles built so far (stdout, stderr)."""
        return self._out, self._err

    @property
    def out(self) -> Console:
        """The stdout console (results)."""
        if self._out is None:
            from lambda_wait.ui.consoles import ResultConsole, make_console

            with self._consoles_lock:
                if self._out is None:
                    out = make_console(_io(self.stdout), *self._out_settings, cls=ResultConsole)
                    assert isinstance(out, ResultConsole)
                    out.before_print = self._before_result
                    self._out = out
        return self._out

    @property
    def err(self) -> Console:
        """The stderr console (progress, errors)."""
        if self._err is None:
            from lambda_wait.ui.consoles import make_console

            with self._consoles_lock:
                if self._err is None:
                    self._err = make_console(_io(self.stderr), *self._err_settings)
        return self._err

    def _before_result(self) -> None:
        if self.before_result is not None:
            self.before_result()

    def say(self, line: str) -> None:
        """One line on stderr, as text (never read as rich markup)."""
        from rich.text import Text

        self.err.print(Text(line))

    def raw(self, line: str) -> None:
        """A line exactly as given (workflow commands): no styling, no wrapping."""
        self.err.file.write(line + "\n")
        self.err.file.flush()

    def write_out(self, text: str) -> None:
        """Text exactly as given on stdout (machine documents), flushed."""
        self.stdout.write(text)
        self.stdout.flush()


def _io(stream: Guarded) -> TextIO:
    """A guarded stream where rich expects a text file (it uses write, flush, isatty,
    fileno and encoding, which :class:`Guarded` has)."""
    return cast(TextIO, stream)
