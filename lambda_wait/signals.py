"""SIGTERM handled like Ctrl-C: it unwinds the command so it can report what it did.

Python turns SIGINT into KeyboardInterrupt by itself. :func:`sigterm_raises` makes
SIGTERM raise :class:`Terminated`, a KeyboardInterrupt subclass, so every place
that already stops cleanly on Ctrl-C (the deploy's step report, the error
boundary in :mod:`lambda_wait.commands._boundary`) stops cleanly on SIGTERM too,
with exit code 143 instead of 130. Blocking sleeps and socket reads in the main
thread are interrupted at once (PEP 475: a handler that raises ends the call).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

from lambda_wait.errors import ExitCode


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived (a CI job cancelled, a container stopped)."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` in the main thread.

    Outside the main thread (tests calling commands in-process from a worker)
    signal handlers cannot be installed and nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def exit_code(interrupt: BaseException) -> ExitCode:
    """130 for Ctrl-C (SIGINT), 143 for SIGTERM."""
    return ExitCode.TERMINATED if isinstance(interrupt, Terminated) else ExitCode.INTERRUPTED
