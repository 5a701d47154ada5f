"""The part of the Lambda API a deploy uses, as a Protocol.

:class:`~lambda_wait.aws.LambdaApi` satisfies it (mypy checks that below), and so does
the fake the deploy tests run the steps against (tests/deploy/fakes.py): a fake that
drifts from the real API fails type checking instead of passing tests it should not.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, Protocol

from lambda_wait.anchor import ServerClock
from lambda_wait.clock import Deadline

if TYPE_CHECKING:
    from lambda_wait.aws import LambdaApi


class LambdaPort(Protocol):
    """Reads and mutations of one deploy; every failure raises a lambda-wait error."""

    # The run's one Deadline: no request is sent or answered past it (never: no --timeout).
    deadline: Deadline
    # AWS's clock and pace, learnt from the answers (the waits anchor and scale on it).
    server_clock: ServerClock

    @property
    def region(self) -> str | None: ...

    def past_deadline(
        self, stop_at: float | None = None
    ) -> contextlib.AbstractContextManager[None]:
        """Inside, this thread's requests are sent even past the deadline (a rollback),
        never past ``stop_at`` (the clock's time; None: no such limit)."""
        ...

    def get_function(self, name: str, qualifier: str | None = None) -> dict[str, Any]: ...

    def get_function_image_uri(self, name: str) -> str | None: ...

    def get_alias(self, name: str, alias: str) -> dict[str, Any]: ...

    def create_function(self, **params: Any) -> dict[str, Any]: ...

    def delete_function(self, name: str) -> None: ...

    def list_tags(self, arn: str) -> dict[str, str]: ...

    def tag_resource(self, arn: str, tags: dict[str, str]) -> None: ...

    def update_function_code(self, **params: Any) -> dict[str, Any]: ...

    def update_function_configuration(self, **params: Any) -> dict[str, Any]: ...

    def publish_version(self, **params: Any) -> dict[str, Any]: ...

    def create_alias(self, **params: Any) -> dict[str, Any]: ...

    def update_alias(self, **params: Any) -> dict[str, Any]: ...

    # provisioned concurrency (deploy --provisioned-concurrency)
    def get_provisioned_concurrency_config(
        self, name: str, qualifier: str
    ) -> dict[str, Any] | None: ...

    def put_provisioned_concurrency_config(
        self, name: str, qualifier: str, count: int
    ) -> dict[str, Any]: ...

    def delete_provisioned_concurrency_config(self, name: str, qualifier: str) -> None: ...

    def get_function_concurrency(self, name: str) -> int | None: ...

    def get_unreserved_concurrency(self) -> int | None: ...

    # any other Lambda operation, typed where it is read (a function URL and its
    # permissions: lambda_wait.targets.url, lambda_wait.deploy.steps.url)
    def call(self, operation: str, **params: Any) -> dict[str, Any]: ...

    # event source mappings (read by the serving waits)
    def list_event_source_mappings(self, name: str) -> list[dict[str, Any]]: ...


if TYPE_CHECKING:

    def _lambda_api_is_a_port(api: LambdaApi) -> LambdaPort:
        return api  # mypy fails here if LambdaApi stops satisfying LambdaPort
