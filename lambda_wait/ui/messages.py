"""The fixed one-line messages of the error boundary, as plain strings (no rich, so
the CLI can print them before any output was set up)."""

from __future__ import annotations

from lambda_wait.errors import ExitCode


def internal_error_line(err: BaseException) -> str:
    """A bug (exit 70): what it was, and how to see more."""
    return (
        f"lambda-wait: internal error: {type(err).__name__}: {err} "
        "(run with --debug for the traceback, and please report it)"
    )


def interrupted_line(code: ExitCode) -> str:
    """Ctrl-C (130) or SIGTERM (143) during a command."""
    return f"lambda-wait: {code.label}; nothing more was sent to AWS."
