"""The GitHub Action's one writer for the job log and its step outputs.

Everything the action itself puts in the log (the echoed command line, its notes,
the child's result, its annotations) goes through :func:`lambda_wait.untrusted.clean`
line by line: an input's newline never starts a line with ``::error``,
``::add-mask::`` or ``::stop-commands::``. The only workflow commands at a line start
are the ones built here. ``exit-code``, ``exit-status`` and ``result-json`` are
written on every path: bad input, a child that printed no JSON (a usage error Click
rejected), a child killed by a signal (mapped to 130/143, or 70 naming the signal).
"""

from __future__ import annotations

import contextlib
import json
import signal
from collections.abc import Mapping
from typing import Any, TextIO

from lambda_wait import __version__
from lambda_wait.errors import ExitCode
from lambda_wait.ui import github
from lambda_wait.untrusted import clean

MAX_LOG_TEXT = 1_000_000  # characters of the child's result echoed (it is also result-json)
TITLE = "lambda-wait action"


class ActionLog:
    """Writes the action's lines to the job log and its outputs to ``$GITHUB_OUTPUT``."""

    def __init__(self, stdout: TextIO, stderr: TextIO, output_file: str | None) -> None:
        self.stdout, self.stderr, self.output_file = stdout, stderr, output_file

    def _write(self, stream: TextIO, text: str) -> None:
        with contextlib.suppress(OSError, ValueError):  # a closed log is no reason to fail
            stream.write(text + "\n")
            stream.flush()

    def note(self, text: str) -> None:
        """A line (or lines) of text on stderr, cleaned: never a workflow command."""
        self._write(self.stderr, clean(text, MAX_LOG_TEXT))

    def error(self, message: str, title: str = f"{TITLE}: error") -> None:
        """One stderr line and one ``::error`` annotation."""
        self.note(f"{TITLE}: error: {message}")
        self._write(self.stderr, github.command("error", message, title=title))

    def folded(self, title: str, body: str) -> None:
        """``body`` (cleaned) inside a collapsed log group on stdout."""
        self._write(self.stdout, github.command("group", title))
        if body.strip():
            self._write(self.stdout, clean(body.rstrip("\n"), MAX_LOG_TEXT))
        self._write(self.stdout, github.command("endgroup", ""))

    def outputs(self, code: ExitCode, result_json: str) -> None:
        """The three outputs every run writes (after lambda-wait's own: these win)."""
        pairs = {"exit-code": str(int(code)), "exit-status": code.label}
        pairs["result-json"] = result_json
        try:
            github.append(self.output_file, github.format_outputs(pairs))
        except OSError as err:
            self.note(f"{TITLE}: warning: cannot write $GITHUB_OUTPUT: {err}")


def step_exit(returncode: int) -> tuple[ExitCode, str | None]:
    """The step's documented exit code for the child's return code, and what to say
    when it is not one lambda-wait exits with (a signal, a crash)."""
    if returncode < 0:  # killed by a signal (Popen's convention)
        signum = -returncode
        if signum == signal.SIGINT:
            return ExitCode.INTERRUPTED, None
        if signum == signal.SIGTERM:
            return ExitCode.TERMINATED, None
        return ExitCode.INTERNAL, f"lambda-wait was killed by {_signal_name(signum)}"
    if returncode in set(ExitCode):
        return ExitCode(returncode), None
    if returncode > 128:  # a shell's 128+N
        return ExitCode.INTERNAL, f"lambda-wait was killed by {_signal_name(returncode - 128)}"
    return ExitCode.INTERNAL, f"lambda-wait exited {returncode}, not a documented exit code"


def _signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def result_json(stdout: str, command: str, code: ExitCode, problem: str | None) -> str:
    """The child's JSON document when it printed one, else one in the same envelope
    saying what happened (docs/json-output.md's keys, no functions)."""
    text = stdout.strip()
    with contextlib.suppress(ValueError):
        if problem is None and isinstance(json.loads(text), dict):
            return text
    message = problem or (
        f"lambda-wait exited {int(code)} ({code.label}) without a result: its error is "
        "in the log above"
    )
    doc: dict[str, Any] = {
        "schema_version": 1,
        "tool": {"name": "lambda-wait", "version": __version__},
        "command": command,
        "exit_code": int(code),
        "exit_status": code.label,
        "functions": [],
        "error": {"type": "ActionError", "exit_code": int(code), "message": message, "hint": None},
    }
    return json.dumps(doc, separators=(",", ":"))


def command_of(environ: Mapping[str, str]) -> str:
    """The command input as result-json names it (``deploy`` when not given)."""
    return clean(environ.get("INPUT_COMMAND", "").strip() or "deploy", 40, single_line=True)
