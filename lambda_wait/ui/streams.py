"""The two streams of a command run and what every renderer shares: stdout and stderr,
their rich consoles (built on first use), the run's clock and start, and one lock.

:class:`~lambda_wait.ui.output.Output` builds one; the renderers of the run's output
modes write through it and nowhere else. It is also the one place where a stream
that fails (a reader gone, EPIPE; a descriptor closed, ``>&-``; a full disk, ENOSPC)
is handled: the write is dropped and remembered (:class:`Guarded`), the run goes on,
and its exit code still says what happened to the functions (docs/reliability.md).
"""

from __future__ import annotations

import errno
import os
import sys
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TextIO, cast

from lambda_wait.clock import Clock
from lambda_wait.ui.display import color_enabled

if TYPE_CHECKING:
    from rich.console import Console


class Guarded:
    """A text stream whose failures are recorded instead of raised. After the first,
    its descriptor points at /dev/null (so Python's own flush at exit cannot fail
    again) and what follows is dropped."""

    def __init__(self, raw: TextIO | None, name: str) -> None:
        self.raw = raw
        self.name = name
        self.failure: str | None = None if raw is not None else "closed"
        self.reader_left = False  # EPIPE: the reader has what it wanted (`| head -1`)

    def write(self, text: str) -> int:
        if self.raw is not None and self.failure is None:
            try:
                return self.raw.write(text)
            except (OSError, ValueError) as err:
                self._failed(err)
        return len(text)

    def flush(self) -> None:
        if self.raw is not None and self.failure is None:
            try:
                self.raw.flush()
            except (OSError, ValueError) as err:
                self._failed(err)

    def isatty(self) -> bool:
        if self.raw is None or self.failure is not None:
            return False
        try:
            return self.raw.isatty()
        except (AttributeError, OSError, ValueError):  # closed or not a real stream
            return False

    def fileno(self) -> int:
        if self.raw is None:
            raise OSError(errno.EBADF, "closed")
        return self.raw.fileno()

    @property
    def encoding(self) -> str:
        return str(getattr(self.raw, "encoding", None) or "utf-8")

    def _failed(self, err: OSError | ValueError) -> None:
        self.reader_left = isinstance(err, BrokenPipeError)
        self.failure = (
            os.strerror(err.errno) if isinstance(err, OSError) and err.errno else str(err)
        )
        try:  # what is still buffered goes nowhere, quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.fileno())
            os.close(devnull)
        except (AttributeError, OSError, ValueError):  # no real descriptor (tests)
            pass


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
        self.stdout = Guarded(sys.stdout if stdout is None else stdout, "stdout")
        self.stderr = Guarded(sys.stderr if stderr is None else stderr, "stderr")
        out_tty = self.stdout.isatty() if terminal is None else terminal
        self.err_is_terminal = self.stderr.isatty() if terminal is None else terminal
        self._out_settings = (
            color_enabled(no_color=no_color, is_terminal=out_tty, env=env),
            out_tty,
            width,
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

    def trouble(self) -> str | None:
        """Why stdout lost part of the result (None when it did not, or when its reader
        left on purpose, ``| head -1``), for one warning on stderr."""
        self.stdout.flush()
        out = self.stdout
        if out.failure is None or out.reader_left:
            return None
        return f"stdout: {out.failure}"


def _io(stream: Guarded) -> TextIO:
    """A guarded stream where rich expects a text file (it uses write, flush, isatty,
    fileno and encoding, which :class:`Guarded` has)."""
    return cast(TextIO, stream)
