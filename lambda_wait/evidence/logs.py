"""CloudWatch Logs' typed read: the function's recent error lines (FilterLogEvents on
its log group, or on the group its LoggingConfig names)."""

from __future__ import annotations

import re
from typing import Any

from lambda_wait.evidence.services import LOGS, ServiceReads, listed

MAX_EVENTS = 200  # the newest events read, at most (one request)
ERROR_LINE = re.compile(
    r"error|exception|traceback|task timed out|runtime exited|init_report|status: error"
    r"|unable to import|cannot find module|errno|fatal|panic",
    re.IGNORECASE,
)


def log_group(configuration: dict[str, Any], name: str) -> str:
    """Where the function logs: its LoggingConfig's group, else ``/aws/lambda/<name>``."""
    logging = configuration.get("LoggingConfig") or {}
    group = logging.get("LogGroup") if isinstance(logging, dict) else None
    return group if isinstance(group, str) and group else f"/aws/lambda/{name}"


class LogsReads(ServiceReads):
    """FilterLogEvents."""

    service = LOGS

    def error_lines(self, group: str, since_ms: int, version: str | None = None) -> list[str]:
        """The messages since ``since_ms`` (epoch milliseconds) that read as errors,
        oldest first (one page: the evidence needs the first lines, not all); with
        ``version``, only its streams' (Lambda names them ``YYYY/MM/DD/[VERSION]<id>``)."""
        page = self._call(
            "filter_log_events", logGroupName=group, startTime=since_ms, limit=MAX_EVENTS
        )
        mark = None if version is None else f"[{version}]"
        lines: list[str] = []
        for event in listed(page, "events"):
            if mark is not None and mark not in str(event.get("logStreamName", "")):
                continue
            lines += error_only(str(event.get("message", "")).splitlines())
        return lines


def error_only(lines: list[str] | tuple[str, ...]) -> list[str]:
    """The lines that read as errors, stripped."""
    return [line.strip() for line in lines if ERROR_LINE.search(line)]
