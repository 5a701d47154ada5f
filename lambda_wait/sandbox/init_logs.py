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


def invoke_error_lines(function: str, version: str) -> list[str]:
    """What Lambda logs for an invocation of ``version`` that failed on demand."""
    return [
        f"START RequestId: 5a1f0c2e-sandbox Version: {version}",
        f"[ERROR] SandboxInjectedError: {function} version {version} fails on demand",
        "Traceback (most recent call last):",
        "END RequestId: 5a1f0c2e-sandbox",
        "REPORT RequestId: 5a1f0c2e-sandbox Duration: 3.10 ms Status: error",
    ]


def log_tail(function: str, version: str) -> str:
    """Invoke's ``LogResult`` (LogType=Tail): the base64 of the invocation's log."""
    import base64

    text = "\n".join(invoke_error_lines(function, version)) + "\n"
    return base64.b64encode(text.encode()).decode()


def ensure_invoke_log(region: str, name: str, version: str) -> None:
    """Write a failed invocation's lines to the version's stream, named as Lambda names
    it (``YYYY/MM/DD/[VERSION]<id>``), once per version: enough for the evidence."""
    from moto.logs.models import logs_backends

    backend = logs_backends[ACCOUNT][region]
    group = f"/aws/lambda/{name}"
    stream = time.strftime("%Y/%m/%d/", time.gmtime()) + f"[{version}]sandbox"
    with _LOCK:
        if group not in backend.groups:
            backend.create_log_group(group, {})
        if stream in backend.groups[group].streams:
            return
        backend.create_log_stream(group, stream)
        now = int(time.time() * 1000)
        lines = invoke_error_lines(name, version)
        backend.put_log_events(group, stream, [{"timestamp": now, "message": m} for m in lines])
