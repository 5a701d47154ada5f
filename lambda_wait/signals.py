"""Ctrl-C and SIGTERM: the one place that catches an interrupt.

Python turns SIGINT into KeyboardInterrupt by itself. :func:`sigterm_raises` makes
SIGTERM raise :class:`Terminated`, a KeyboardInterrupt subclass, so SIGTERM stops a
command as cleanly as Ctrl-C, with exit code 143 instead of 130. Blocking sleeps and
socket reads in the main thread are interrupted at once (PEP 475: a handler that
raises ends the call).

:func:`interruptible` is the only code that catches KeyboardInterrupt: around a piece
of work, it cancels the run's clock and API on the first interrupt (so every thread
stops at its next sleep or request, with :class:`~lambda_wait.errors.Interrupted`)
and lets the interrupt out as one typed :class:`Stopped` carrying the exit code,
which the caller turns into its result: the deploy (:meth:`Deployer.run`), several
deploys (``deploy.many.run_all``), the traffic shift's rollback and, for everything
else, the error boundary (:mod:`lambda_wait.commands._boundary`).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Protocol

from lambda_wait.errors import ExitCode


class Stopped(KeyboardInterrupt):
    """A signal stopped the run: Ctrl-C (exit 130) or SIGTERM (143, :class:`Terminated`).

    Still a KeyboardInterrupt, so a caller of the Python API that catches Ctrl-C
    keeps catching it."""

    exit_code = ExitCode.INTERRUPTED

    @property
    def signal_name(self) -> str:
        return "SIGTERM" if self.exit_code is ExitCode.TERMINATED else "SIGINT"


class Terminated(Stopped):
    """SIGTERM arrived (a CI job cancelled, a container stopped)."""

    exit_code = ExitCode.TERMINATED


class Cancellable(Protocol):
    """What :func:`interruptible` cancels: a Clock, a LambdaApi."""

    def cancel(self) -> None: ...


@contextlib.contextmanager
def interruptible(*targets: Cancellable) -> Iterator[None]:
    """Run the block; if it ends by an exception, cancel ``targets`` (every thread
    sharing them stops at its next sleep or request). A KeyboardInterrupt leaves as
    :class:`Stopped` (chained from it), carrying 130 or 143; anything else as it came.

    The one ``except KeyboardInterrupt`` of lambda-wait: callers handle ``Stopped``.
    """
    try:
        yield
    except BaseException as stop:
        for target in targets:
            target.cancel()
        if isinstance(stop, KeyboardInterrupt) and not isinstance(stop, Stopped):
            raise Stopped() from stop
        raise


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
    return interrupt.exit_code if isinstance(interrupt, Stopped) else ExitCode.INTERRUPTED
