"""The one JSON document a command prints with ``--output json`` (also on failure),
and each event's object with ``--output ndjson``. Their keys are a contract
(docs/json-output.md, tests/test_contract.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from lambda_wait import __version__
from lambda_wait.events import EVENT_SCHEMA_VERSION, Event
from lambda_wait.result import CommandResult, error_dict
from lambda_wait.untrusted import scrub_known

SCHEMA_VERSION = 1


def envelope(command: str, result: CommandResult) -> dict[str, Any]:
    """The versioned envelope: exit code, one object per function, the command's
    error, and what only this command adds (``timeout_seconds``, ``deploy(s)``)."""
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "lambda-wait", "version": __version__},
        "command": command,
        "exit_code": int(result.exit_code),
        "exit_status": result.exit_code.label,
        "functions": [report.to_dict() for report in result.reports],
        "error": error_dict(result.error),
    }
    doc.update(result.payload.to_json())
    return scrub_known(doc)  # a secret Lambda quoted back, in any field (detail too)


def event_document(event: Event, wall: float) -> dict[str, Any]:
    """One event of ``--output ndjson`` (docs/json-output.md, "Event stream"): what
    every event carries, then what its type adds, scrubbed as the envelope is.
    ``wall`` is when it was shown."""
    stamp = datetime.fromtimestamp(wall, tz=UTC).isoformat(timespec="milliseconds")
    doc: dict[str, Any] = {
        "schema_version": EVENT_SCHEMA_VERSION,
        "type": event.type,
        "timestamp": stamp.replace("+00:00", "Z"),
        "function": event.function,
        "qualifier": event.qualifier,
        "elapsed": round(event.elapsed, 3),
    }
    doc.update(event.data())
    return scrub_known(doc)
