"""The call log: every Lambda request as the sandbox saw it and answered it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Call:
    """One Lambda request as the sandbox saw it (the call log)."""

    time: float  # the sandbox clock (monotonic by default)
    operation: str
    function: str | None
    qualifier: str | None
    status: int  # 0 when the connection was dropped without an answer
    mutating: bool
    applied: bool  # the mutation took effect (accepted), whatever the client saw
    rejected: bool  # answered by the state machine (409/502) without reaching moto
    throttled: bool
    fault: str | None  # "500", "503", "drop", "slow", or "chaos" (a chaos rule answered)
    fault_when: str | None  # "before" (not applied) or "after" (applied, answer lost)
    restore_started: bool
    error_code: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (control API)."""
        return asdict(self)


@dataclass
class CallInfo:
    """What is known about a call while it is being answered (becomes a :class:`Call`)."""

    operation: str
    name: str | None
    qualifier: str | None
    mutating: bool
    applied: bool = False
    rejected: bool = False
    throttled: bool = False
    fault: str | None = None
    fault_when: str | None = None
    restore_started: bool = False

    def to_call(self, time: float, status: int, error_code: str | None) -> Call:
        """The log entry for this call, answered with ``status`` (0: dropped)."""
        return Call(
            time=time,
            operation=self.operation,
            function=self.name,
            qualifier=self.qualifier,
            status=status,
            mutating=self.mutating,
            applied=self.mutating and self.applied,
            rejected=self.rejected,
            throttled=self.throttled,
            fault=self.fault,
            fault_when=self.fault_when,
            restore_started=self.restore_started,
            error_code=error_code,
        )


class CallLog:
    """Thread-safe list of calls, with an optional listener (the CLI prints each call)."""

    def __init__(self, on_call: Callable[[Call], None] | None = None) -> None:
        self.on_call = on_call
        self._lock = threading.Lock()
        self._calls: list[Call] = []

    def append(self, call: Call) -> None:
        """Record a call and tell the listener."""
        with self._lock:
            self._calls.append(call)
        if self.on_call is not None:
            self.on_call(call)

    def all(self) -> list[Call]:
        """A copy of the log, oldest first."""
        with self._lock:
            return list(self._calls)

    def clear(self) -> None:
        """Empty the log."""
        with self._lock:
            self._calls.clear()
