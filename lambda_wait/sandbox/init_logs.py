"""A function the sandbox fails at init (``lambda-wait-sandbox:create=fail:
FunctionError.*``) has its error in its log group, as Lambda writes it: the first read
of ``/aws/lambda/<name>`` finds the INIT lines (moto's CloudWatch Logs, written on
demand; the time is the wall clock, as a log's is)."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

ACCOUNT = "123456789012"  # moto's default account
STREAM = "sandbox/[$LATEST]init"
_LOCK = threading.Lock()
_ERRORS = {
    "FunctionError.RuntimeInitError": "Runtime.ImportModuleError: Unable to import module "
    "'index': No module named 'requests'",
    "FunctionError.InvalidEntryPoint": "Runtime.HandlerNotFound: index.handler is undefined "
    "or not exported",
    "FunctionError.InitTimeout": "Task timed out after 10.00 seconds (init)",
    "FunctionError.ExtensionInitError": "Extension.Crash: extension 'agent' exited during init",
}


def log_group_read(body: bytes) -> str | None:
    """The function a FilterLogEvents on its default log group is about, else None."""
    try:
        doc: Any = json.loads(body or b"{}")
    except ValueError:
        return None
    group = doc.get("logGroupName") if isinstance(doc, dict) else None
    prefix = "/aws/lambda/"
    if isinstance(group, str) and group.startswith(prefix) and len(group) > len(prefix):
        return group[len(prefix) :]
    return None


def init_lines(code: str, reason: str | None) -> list[str]:
    """What Lambda's log holds for an init that failed with ``code``."""
    error = _ERRORS.get(code) or f"{code}: {reason or 'the function failed to initialise'}"
    return [
        "INIT_START Runtime Version: python:3.12.v40",
        f"[ERROR] {error}",
        "Traceback (most recent call last):",
        "INIT_REPORT Init Duration: 215.42 ms Phase: init Status: error "
        f"Error Type: {error.split(':', 1)[0]}",
    ]


def ensure_init_log(region: str, name: str, code: str, reason: str | None) -> None:
    """Write the INIT error of ``name`` once (a group and stream moto's Logs holds)."""
    from moto.logs.models import logs_backends

    backend = logs_backends[ACCOUNT][region]
    group = f"/aws/lambda/{name}"
    with _LOCK:
        if group not in backend.groups:
            backend.create_log_group(group, {})
        if STREAM in backend.groups[group].streams:
            return
        backend.create_log_stream(group, STREAM)
        now = int(time.time() * 1000)
        events = [{"timestamp": now, "message": line} for line in init_lines(code, reason)]
        backend.put_log_events(group, STREAM, events)
