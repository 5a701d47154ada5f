"""Shared helpers for the sandbox tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError

from lambda_wait.clock import ManualClock
from lambda_wait.sandbox import SandboxHandle

PENDING_MSG = (
    "The operation cannot be performed at this time. "
    "The function is currently in the following state: Pending"
)


def in_progress_msg(arn: str) -> str:
    """AWS's 409 message while an update is in progress."""
    return (
        "The operation cannot be performed at this time. "
        f"An update is in progress for resource: {arn}"
    )


@dataclass
class Manual:
    """A sandbox driven by a manual clock at time scale 1 (advance in real AWS seconds)."""

    handle: SandboxHandle
    clock: ManualClock
    lam: Any

    def advance(self, seconds: float) -> None:
        """Move the sandbox clock."""
        self.clock.advance(seconds)

    def config(self, name: str, **kwargs: Any) -> dict[str, Any]:
        """GetFunctionConfiguration over HTTP."""
        return dict(self.lam.get_function_configuration(FunctionName=name, **kwargs))


def client_error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    """(code, message, HTTP status) of a botocore ClientError."""
    resp: Any = excinfo.value.response
    return (
        resp["Error"]["Code"],
        resp["Error"]["Message"],
        resp["ResponseMetadata"]["HTTPStatusCode"],
    )
