"""GitHub Actions: workflow commands, the step summary and step outputs. Pure strings
and file appends: no rich, no click, no boto3.

Workflow commands (``::error::``, ``::group::``) are read by the runner from
stdout and stderr alike; lambda-wait writes them to stderr so that stdout stays
the result (and stays one JSON document with ``--output json``).
"""

from __future__ import annotations

import json
import os
import re
import stat
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lambda_wait.errors import ExitCode
from lambda_wait.result import FunctionReport
from lambda_wait.untrusted import clean, scrub_known

if TYPE_CHECKING:
    from lambda_wait.deploy.model import DeployResult

MAX_LOG_TEXT = 20_000  # characters of one annotation or summary line (GitHub cuts them too)

# Per-function output keys; the single-function run also writes them unprefixed.
FUNCTION_OUTPUT_KEYS = (
    "function-arn",
    "version",
    "code-sha256",
    "state",
    "last-update-status",
    "function-url",
    "exit-code",
    "exit-status",
)


def escape_data(value: str) -> str:
    """Escape a workflow command's message (GitHub's rules: %, CR, LF)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a workflow command property value: the message rules plus ``:`` and ``,``."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str) -> str:
    """One workflow command line, e.g. ``::error title=...::message``; the message and
    properties cleaned (no escape sequences) and escaped (one line, whatever they hold)."""
    props = ",".join(
        f"{key}={escape_property(scrub_known(clean(value, MAX_LOG_TEXT, single_line=True)))}"
        for key, value in properties.items()
    )
    message = scrub_known(clean(message, MAX_LOG_TEXT))
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


@dataclass(frozen=True)
class FunctionOutcome:
    """What GitHub needs to know about one function's result."""

    function: str
    exit_code: ExitCode
    function_arn: str | None = None
    version: str | None = None
    code_sha256: str | None = None
    state: str | None = None
    last_update_status: str | None = None
    reason_code: str | None = None
    reason_title: str | None = None
    remedy: str | None = None
    summary: str | None = None
    elapsed: float | None = None
    function_url: str | None = None  # deploy --function-url: the URL in place

    def tells_reason(self) -> bool:
        """The summary already names the reason code (no separate Reason line then)."""
        return bool(self.reason_code and self.summary and self.reason_code in self.summary)

    def outputs(self) -> dict[str, str]:
        values = {
            "function-arn": self.function_arn,
            "version": self.version,
            "code-sha256": self.code_sha256,
            "state": self.state,
            "last-update-status": self.last_update_status,
            "function-url": self.function_url,
            "exit-code": str(int(self.exit_code)),
            "exit-status": self.exit_code.label,
        }
        return {key: values[key] or "" for key in FUNCTION_OUTPUT_KEYS}


def outcome(report: FunctionReport, deploy: DeployResult | None = None) -> FunctionOutcome:
    """What GitHub's annotations, step summary and outputs say about one report; a
    deploy's published version, ARN and CodeSha256 win over the last state read."""
    snap = report.snapshot
    reason = report.reason()
    ours = deploy if deploy is not None and deploy.function == report.function else None
    deployed_arn = None
    if ours is not None and ours.snapshot is not None:
        deployed_arn = ours.snapshot.function_arn
    remedy = reason.remedy if reason is not None else None
    if remedy is None and report.error is not None:
        remedy = report.error.hint
    summary = report.summary()
    if summary is None and report.error is not None:
        summary = report.error.message
    if ours is not None and ours.error is not None:  # the same words as the terminal's
        from lambda_wait.ui.deploy_view import failure

        head, rows = failure(ours)
        summary = head.removeprefix(f"{report.function}: ")
        remedy = dict(rows).get("What to do", remedy)
    return FunctionOutcome(
        function=report.function,
        exit_code=report.exit_code,
        function_arn=deployed_arn or (snap.function_arn if snap else None),
        version=(ours.version if ours else None) or (snap.version if snap else None),
        code_sha256=(ours.code_sha256 if ours else None) or (snap.code_sha256 if snap else None),
        state=snap.state if snap else None,
        last_update_status=snap.last_update_status if snap else None,
        reason_code=reason.code if reason is not None else None,
        reason_title=reason.title if reason is not None else None,
        remedy=remedy,
        summary=summary,
        elapsed=report.elapsed,
        function_url=ours.function_url if ours else None,
    )


def output_key(function: str) -> str:
    """The prefix of a function's step outputs: its name (an ARN's function part,
    ``:qualifier`` kept), every character GitHub does not allow in an output name
    replaced by ``_``."""
    name = function
    if name.startswith("arn:") and ":function:" in name:
        name = name.split(":function:", 1)[1]
    name = re.sub(r"[^A-Za-z0-9_-]", "_", name)
    return name if re.match(r"[A-Za-z_]", name) else f"_{name}"


def step_outputs(exit_code: ExitCode, outcomes: Sequence[FunctionOutcome]) -> dict[str, str]:
    """Every step output: the overall ``exit-code``/``exit-status``, ``functions-json``,
    ``<function>-<key>`` per function, and the unprefixed keys for a single function."""
    pairs: dict[str, str] = {
        "exit-code": str(int(exit_code)),
        "exit-status": exit_code.label,
    }
    if len(outcomes) == 1:
        single = outcomes[0].outputs()
        pairs.update({k: v for k, v in single.items() if k not in pairs})
        pairs["function-exit-code"] = single["exit-code"]
    table = []
    for outcome in outcomes:
        prefix = output_key(outcome.function)
        values = outcome.outputs()
        for key, value in values.items():
            pairs[f"{prefix}-{key}"] = value
        table.append({"function": outcome.function, **values})
    pairs["functions-json"] = json.dumps(table, separators=(",", ":"))
    return pairs


def format_outputs(pairs: Mapping[str, str]) -> str:
    """$GITHUB_OUTPUT text: ``key=value``, or a heredoc with a random delimiter for
    a value with a line break (so a value can never inject another output)."""
    lines = []
    for key, value in pairs.items():
        if "\n" in value or "\r" in value:
            delimiter = f"ghadelimiter_{uuid.uuid4()}"
            lines.append(f"{key}<<{delimiter}\n{value}\n{delimiter}")
        else:
            lines.append(f"{key}={value}")
    return "\n".join(lines) + "\n"


def error_annotations(command_name: str, outcomes: Sequence[FunctionOutcome]) -> list[str]:
    """An ``::error`` annotation per function that did not end ready, carrying the
    decoded reason and its remedy."""
    lines = []
    for outcome in outcomes:
        if outcome.exit_code is ExitCode.READY:
            continue
        title = f"lambda-wait {command_name}: {outcome.function} {outcome.exit_code.label}"
        if outcome.reason_code:
            title += f" ({outcome.reason_code})"
        parts = [outcome.summary or f"exit {int(outcome.exit_code)} ({outcome.exit_code.label})"]
        if outcome.reason_code and not outcome.tells_reason():
            parts.append(f"Reason: {outcome.reason_code}: {outcome.reason_title or ''}".rstrip())
        if outcome.remedy:
            parts.append(f"What to do: {outcome.remedy}")
        lines.append(command("error", "\n".join(parts), title=title))
    return lines


def error_annotation(command_name: str, message: str) -> str:
    """An ``::error`` annotation for a failure of the whole command (no function read)."""
    return command("error", message, title=f"lambda-wait {command_name} failed")


def _cell(value: str | None) -> str:
    text = clean(value or "", MAX_LOG_TEXT, single_line=True).replace("|", "\\|")
    return text or " "


def step_summary(
    command_name: str,
    exit_code: ExitCode,
    outcomes: Sequence[FunctionOutcome],
    error: str | None = None,
) -> str:
    """The markdown appended to $GITHUB_STEP_SUMMARY: a table and the remedies."""
    mark = "✅" if exit_code is ExitCode.READY else "❌"
    lines = [
        f"### {mark} lambda-wait {command_name}: {exit_code.label} (exit {int(exit_code)})",
        "",
    ]
    if error:
        lines += [_cell(error), ""]
    if outcomes:
        lines += [
            "| Function | Result | State | LastUpdateStatus | Reason | Version | Time |",
            "|---|---|---|---|---|---|---|",
        ]
        for o in outcomes:
            result = ("✅ " if o.exit_code is ExitCode.READY else "❌ ") + o.exit_code.label
            time_cell = _duration(o.elapsed) if o.elapsed is not None else ""
            cells = (
                f"`{o.function}`",
                result,
                o.state,
                o.last_update_status,
                f"`{o.reason_code}`" if o.reason_code else "",
                o.version,
                time_cell,
            )
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        lines.append("")
    for o in outcomes:
        if o.exit_code is ExitCode.READY:
            continue
        lines.append(f"**`{o.function}`**: {_cell(o.summary)}")
        if o.reason_code and not o.tells_reason():
            lines.append(f"- Reason: `{o.reason_code}`: {_cell(o.reason_title)}")
        if o.remedy and "\n" in o.remedy:  # numbered steps stay a list
            lines.append("- What to do:")
            lines.extend(f"  {_cell(step)}" for step in o.remedy.splitlines())
        elif o.remedy:
            lines.append(f"- What to do: {_cell(o.remedy)}")
        lines.append("")
    return scrub_known("\n".join(lines) + "\n")


def _duration(seconds: float) -> str:
    """``3.0s``, ``1m 35s`` (as the terminal's tables say it)."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m {secs:02d}s"


def append(path: str | None, text: str) -> None:
    """Append to a GitHub-provided file (no-op when the variable is unset or empty)."""
    if not path:
        return
    # Never block: a FIFO without a reader fails to open (ENXIO) and one with a reader
    # is refused like any other special file, an OSError the caller reports as a warning.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK, 0o666)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path} is not a regular file")
        os.set_blocking(fd, True)
        handle.write(text)
