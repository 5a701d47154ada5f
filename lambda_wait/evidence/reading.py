"""What one failure's evidence reads share: the failure, and the function's
configuration read at most once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lambda_wait.aws import LambdaApi
    from lambda_wait.states import FunctionSnapshot


@dataclass
class Failure:
    """What failed: the function (name or ARN, with its qualifier), the reason code,
    what the wait last read, and since when (wall seconds) its logs are worth reading."""

    function: str
    code: str | None
    qualifier: str | None = None
    snapshot: FunctionSnapshot | None = None
    since_wall: float | None = None


@dataclass
class Reading:
    """One failure's reads: the APIs (bounded by the evidence's own deadline) and the
    function's configuration, read at most once whichever source asks first."""

    api: LambdaApi
    failure: Failure
    _function: dict[str, Any] | None = field(default=None, init=False)

    def function(self) -> dict[str, Any]:
        """GetFunction's answer (configuration and code location, never a presigned URL)."""
        if self._function is None:
            self._function = self.api.get_function(self.failure.function, self.failure.qualifier)
        return self._function

    def configuration(self) -> dict[str, Any]:
        config = self.function().get("Configuration")
        return config if isinstance(config, dict) else {}
