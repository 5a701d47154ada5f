"""What the release use cases need from AWS, as Protocols (pure: no boto3 here).

:class:`~lambda_wait.aws.LambdaApi` and :class:`~lambda_wait.cloudwatch.CloudWatchApi`
satisfy them (mypy checks that at the end of :mod:`lambda_wait.cloudwatch`); fakes
do too, and drift from the real adapters fails type checking.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any, Protocol

from lambda_wait.release.gates import AlarmReading, ErrorCounts


class AliasApi(Protocol):
    """Reading and moving an alias (the deploy's port has these too)."""

    def past_deadline(
        self, stop_at: float | None = None
    ) -> contextlib.AbstractContextManager[None]:
        """Inside, this thread's requests are sent even past the run's deadline, but no
        request is sent, or waited for, past ``stop_at`` (the clock's time; None: none)."""
        ...

    def get_alias(self, name: str, alias: str) -> dict[str, Any]: ...

    def update_alias(self, **params: Any) -> dict[str, Any]: ...


class InvokeApi(Protocol):
    """One synchronous invocation (the smoke test)."""

    def invoke(self, **params: Any) -> dict[str, Any]: ...


class ReleaseApi(AliasApi, Protocol):
    """Everything ``rollback``, ``versions`` and ``init`` read and change."""

    def list_versions(self, name: str) -> list[dict[str, Any]]: ...

    def list_aliases(self, name: str) -> list[dict[str, Any]]: ...

    def list_provisioned_concurrency_configs(self, name: str) -> list[dict[str, Any]]: ...

    def delete_version(self, name: str, version: str) -> None: ...

    def get_function(self, name: str, qualifier: str | None = None) -> dict[str, Any]: ...

    def get_function_image_uri(self, name: str) -> str | None: ...

    def download_code(self, name: str, *, timeout: float = 60.0) -> bytes: ...


class MetricsApi(Protocol):
    """The CloudWatch reads the gates make."""

    def describe_alarms(self, names: Sequence[str]) -> list[AlarmReading]: ...

    def version_error_counts(
        self, function: str, alias: str, version: str, since_wall: float, until_wall: float
    ) -> ErrorCounts: ...
