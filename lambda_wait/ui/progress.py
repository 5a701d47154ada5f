"""The plain and GitHub progress modes on stderr: one timestamped line per state
change, retry, note or deploy step (not per read), a heartbeat during long quiet
waits; in GitHub mode inside a log group, and at the end the annotations, the step
summary ($GITHUB_STEP_SUMMARY) and the step outputs ($GITHUB_OUTPUT)."""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping

from lambda_wait.events import (
    CooldownHeld,
    Event,
    EvidenceGathered,
    Retrying,
    ServingChanged,
    ShiftProgressed,
    StepEnded,
    StepNote,
    StepStarted,
    UploadProgressed,
    WaitNote,
    WaitPolled,
    WaitSleeping,
)
from lambda_wait.result import CommandResult, DeployPayload
from lambda_wait.ui import github
from lambda_wait.ui.lines import deploy_line
from lambda_wait.ui.streams import Streams

HEARTBEAT_SECONDS = 30.0
"""Plain and GitHub modes print a 'still waiting' line after this long without output."""


class PlainRenderer:
    """Timestamped lines on stderr, for CI logs and pipes."""

    owns_events = False  # see ui/modes.py's Renderer
    uses_consoles = False

    def __init__(self, streams: Streams, command: str) -> None:
        self._s = streams
        self._command = command
        self._ended = False
        self._last_line_at = streams.t0
        self._waiting: dict[str, tuple[float, str]] = {}  # function -> (started, state text)
        self._last_retry: dict[str, str] = {}

    # events ---------------------------------------------------------------------
    def event(self, event: Event) -> None:
        """Show one event (from any thread)."""
        with self._s.lock:
            self.on(event)

    @functools.singledispatchmethod
    def on(self, event: object) -> None:
        raise TypeError(f"{type(self).__name__} cannot show {type(event).__name__}")

    @on.register
    def _(self, event: WaitPolled) -> None:
        from lambda_wait.ui import tables

        name = event.label
        started = self._started(event)
        self._last_retry.pop(name, None)
        state = tables.state_text(event.snapshot).plain
        if event.assessment.done:
            self._waiting.pop(name, None)
        else:
            self._waiting[name] = (started, state)
        line = None
        if event.changed:
            reason = event.assessment.reason
            code = f" ({reason.code})" if reason is not None and reason.code else ""
            line = f"{name}: {state}{code}"
        self._wait_line(event, line)

    @on.register
    def _(self, event: WaitSleeping) -> None:
        self._started(event)
        self._wait_line(event, None)

    @on.register
    def _(self, event: WaitNote | CooldownHeld) -> None:
        self._started(event)
        self._wait_line(event, f"{event.label}: {event.message}" if event.message else None)

    @on.register
    def _(self, event: Retrying) -> None:
        self._started(event)
        line = None
        if self._last_retry.get(event.label) != event.message:  # else: the heartbeat says it
            self._last_retry[event.label] = event.message
            line = f"{event.label}: retrying: {event.message}"
        self._wait_line(event, line)

    @on.register
    def _(
        self, event: StepStarted | StepEnded | StepNote | ShiftProgressed | UploadProgressed
    ) -> None:
        self.say(deploy_line(event, several=self._s.several_deploys))

    @on.register
    def _(self, event: ServingChanged) -> None:
        self.say(f"{event.label}: {event.summary}")

    @on.register
    def _(self, event: EvidenceGathered) -> None:
        self.say(event.line())  # the items themselves show under the failure

    def _started(self, event: Event) -> float:
        """When ``event``'s function started waiting (remembered from its first event)."""
        if event.label not in self._waiting:
            self._waiting[event.label] = (self._s.clock.now() - event.elapsed, "starting")
        return self._waiting[event.label][0]

    def _wait_line(self, event: Event, line: str | None) -> None:
        """A wait's line, if it has one; else a heartbeat when it is time for one."""
        with self._s.lock:
            if self._ended:
                return
            self._open_group()
            if line is not None:
                self._s.say(self._stamp(line, event.elapsed))
                self._last_line_at = self._s.clock.now()
            elif self._s.clock.now() - self._last_line_at >= HEARTBEAT_SECONDS:
                self._heartbeat()

    def _open_group(self) -> None:
        """GitHub mode's log group (plain mode has none)."""

    def say(self, message: str) -> None:
        """A line of its own (a deploy step, a note), timestamped."""
        with self._s.lock:
            self._s.say(self._stamp(message))
            self._last_line_at = self._s.clock.now()

    def _heartbeat(self) -> None:
        now = self._s.clock.now()
        waiting = ", ".join(
            f"{name} {state} ({_duration(now - started)})"
            for name, (started, state) in sorted(self._waiting.items())
        )
        if waiting:
            self._s.say(self._stamp(f"still waiting: {waiting}", now - self._s.t0))
            self._last_line_at = now

    def _stamp(self, message: str, elapsed: float | None = None) -> str:
        """Plain lines carry a UTC timestamp (and the elapsed time of their wait)."""
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self._s.clock.wall()))
        if elapsed is None or message.startswith("["):
            return f"{stamp} {message}"
        return f"{stamp} [{elapsed:6.1f}s] {message}"

    # the end of a run ---------------------------------------------------------------
    def close(self) -> None:
        """No more wait lines (idempotent)."""
        with self._s.lock:
            self._ended = True

    def show(self, command: str, result: CommandResult) -> None:
        """Results are stdout's: nothing here."""

    def end(self, command: str, result: CommandResult) -> None:
        """Nothing more to say in plain mode."""


class GithubRenderer(PlainRenderer):
    """Plain lines inside a log group; then annotations, the step summary and outputs."""

    def __init__(self, streams: Streams, command: str, env: Mapping[str, str]) -> None:
        super().__init__(streams, command)
        self._env = env
        self._group_open = False

    def _open_group(self) -> None:
        if not self._group_open:
            self._s.raw(github.command("group", f"lambda-wait {self._command}: waiting".strip()))
            self._group_open = True

    def close(self) -> None:
        super().close()
        with self._s.lock:
            if self._group_open:
                self._s.raw("::endgroup::")
                self._group_open = False

    def end(self, command: str, result: CommandResult) -> None:
        """The annotations, the step summary and the step outputs."""
        deploys = result.payload if isinstance(result.payload, DeployPayload) else None
        outcomes = [
            github.outcome(r, None if deploys is None else deploys.result_for(r.function))
            for r in result.reports
        ]
        error = result.error
        if error is not None and any(r.error is error for r in result.reports):
            error = None  # a function's own failure: its annotation and row tell it once
        lines = github.error_annotations(command, outcomes)
        if error is not None:
            lines.append(github.error_annotation(command, error.one_line()))
        with self._s.lock:
            for line in lines:
                self._s.raw(line)
        code = result.exit_code
        from lambda_wait.ui.evidence_view import evidence_summary

        summary = github.step_summary(
            command, code, outcomes, None if error is None else error.one_line()
        ) + evidence_summary(result.reports)
        files = (
            ("GITHUB_STEP_SUMMARY", summary),
            ("GITHUB_OUTPUT", github.format_outputs(github.step_outputs(code, outcomes))),
        )
        for variable, text in files:
            try:
                github.append(self._env.get(variable), text)
            except OSError as err:  # the result stands; say why the file is missing
                self._s.say(f"lambda-wait: warning: cannot write ${variable}: {err}")


def _duration(seconds: float) -> str:
    """Whole seconds as people read them (``45s``, ``1m 35s``): heartbeats are coarse."""
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"
