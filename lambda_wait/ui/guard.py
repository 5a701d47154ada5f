"""The one place a failing stream is handled: a reader gone (EPIPE, ``| head -1``), a
descriptor closed (EBADF, ``>&-``, where Python's ``sys.stdout`` is None), a full disk
(ENOSPC, /dev/full). :func:`guarding` puts every write of the process, Click's and
rich's included, through a :class:`Guarded` stream, which remembers the failure
instead of raising it; the run goes on, and its exit code still says what happened
to the functions. :func:`lost_warning` is the one warning when a result was lost
(docs/reliability.md). Standard library only: the CLI imports it before any command.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from lambda_wait.errors import ExitCode


class Guarded:
    """A text stream whose failures are recorded instead of raised. After the first,
    its descriptor points at /dev/null (so Python's own flush at exit cannot fail
    again) and what follows is dropped."""

    def __init__(self, raw: TextIO | None, name: str) -> None:
        self.raw = raw
        self.name = name
        self.failure: str | None = None if raw is not None else "closed"
        self.reader_left = False  # EPIPE: the reader has what it wanted (`| head -1`)
        self.warned = False  # the loss was said once (lost_warning)

    def __getattr__(self, name: str) -> Any:
        """What else a text stream has (``errors``, ``buffer``, ``name``...), as the
        wrapped stream has it: Click and rich inspect their streams."""
        if self.raw is None:
            raise AttributeError(name)
        return getattr(self.raw, name)

    def writable(self) -> bool:
        return True  # writes never fail here: they are dropped

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


def guarded(stream: TextIO | Guarded | None, name: str) -> Guarded:
    """``stream`` guarded (itself when it already is)."""
    return stream if isinstance(stream, Guarded) else Guarded(stream, name)


@contextlib.contextmanager
def guarding() -> Iterator[tuple[Guarded, Guarded]]:
    """``sys.stdout`` and ``sys.stderr`` guarded while the block runs (restored after)."""
    saved = sys.stdout, sys.stderr
    out, err = guarded(sys.stdout, "stdout"), guarded(sys.stderr, "stderr")
    sys.stdout, sys.stderr = out, err
    try:
        yield out, err
    finally:
        out.flush()
        err.flush()
        sys.stdout, sys.stderr = saved


def lost_warning(out: Guarded, code: ExitCode) -> str | None:
    """The one warning when stdout lost part of the result (None when it did not, when
    its reader left on purpose, ``| head -1``, or when it was said already)."""
    out.flush()
    if out.failure is None or out.reader_left or out.warned:
        return None
    out.warned = True
    return (
        f"lambda-wait: warning: the result was not fully written (stdout: {out.failure}); "
        f"exit {int(code)} ({code.label}) is the command's outcome."
    )
