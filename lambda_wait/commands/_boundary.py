"""The one error boundary: every way a command can end early (its own error, a
signal, a bug) is turned into one stderr line, the JSON envelope in JSON mode, the
GitHub annotation in GitHub mode, and the documented exit code, here and nowhere else.

:meth:`lambda_wait.cli.LazyGroup.invoke` runs every command inside
``interruptible()`` and ``sigterm_raises()`` and hands whatever stops it to
:meth:`Invocation.fail`; ``run_command`` (or ``_common.attach``, the demo's way in) tells
it, through :class:`Invocation` (the Click context's object), which output the command
prints through and whether ``--debug`` was given. Click
and the tool's own light modules only: ``lambda-wait --help`` imports this.
"""

from __future__ import annotations

import os
import sys
import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from lambda_wait.errors import ExitCode, LambdaWaitError
from lambda_wait.signals import exit_code
from lambda_wait.ui.messages import internal_error_line

if TYPE_CHECKING:
    from lambda_wait.clock import Clock
    from lambda_wait.ui.output import Output


@dataclass
class Invocation:
    """What the boundary needs to know about the command running."""

    command: str = "lambda-wait"
    debug: bool = False
    output: Output | None = None
    clock: Clock | None = None  # the run's one Clock (commands._common.run_clock)
    argv: tuple[str, ...] = ()  # the arguments as given (advice repeats a deploy with a flag)

    def fail(self, stop: BaseException) -> ExitCode:
        """Report why the command stopped; return its exit code. Interrupts (130/143),
        the tool's own errors (their code), anything else is a bug (70; the
        traceback only with --debug)."""
        if isinstance(stop, BrokenPipeError):  # `| head -1`: the reader has what it wanted
            silence_stdout()
            return ExitCode.READY
        if isinstance(stop, KeyboardInterrupt):  # Stopped: Ctrl-C or SIGTERM (signals.py)
            code = exit_code(stop)
            if self.output is not None:
                self.output.interrupted(self.command, code)
            else:
                click.echo(f"lambda-wait: {code.label}", err=True)
            return code
        if isinstance(stop, LambdaWaitError):
            if self.output is not None:
                self.output.failed(self.command, stop)
            else:
                click.echo(f"lambda-wait: error: {stop.one_line()}", err=True)
            return stop.exit_code
        if self.output is not None:
            self.output.internal_error(self.command, stop, debug=self.debug)
        else:
            if self.debug:
                traceback.print_exception(stop)
            click.echo(internal_error_line(stop), err=True)
        return ExitCode.INTERNAL


def silence_stdout() -> None:
    """Point stdout at /dev/null after its reader went away (``| head -1``, ``| true``),
    so nothing more written, nor Python's flush at exit, fails or prints a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (AttributeError, OSError, ValueError):  # no real file descriptor (tests)
        pass


def stdout_is_devnull() -> bool:
    """Whether stdout's file descriptor points at /dev/null (where rich and
    :func:`silence_stdout` put it once the reader of a pipe went away)."""
    try:
        here, null = os.fstat(sys.stdout.fileno()), os.stat(os.devnull)
    except (AttributeError, OSError, ValueError):
        return False
    return (here.st_dev, here.st_ino) == (null.st_dev, null.st_ino)


def current_invocation() -> Invocation:
    """The invocation of the command running (a fresh one outside ``lambda-wait``'s
    group, e.g. a command invoked on its own in a test)."""
    ctx = click.get_current_context(silent=True)
    found = None if ctx is None else ctx.find_object(Invocation)
    return Invocation() if found is None else found
