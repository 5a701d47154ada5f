"""The shift's ports over the real APIs: one alias through :class:`LambdaApi`,
the gates through :class:`CloudWatchApi`, and the smoke test's one invocation.

No boto3 here: the typed adapters in :mod:`lambda_wait.aws` and
:mod:`lambda_wait.cloudwatch` send the requests.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable
from typing import Any

from lambda_wait.clock import Clock
from lambda_wait.errors import (
    AwsUnavailableError,
    ConflictError,
    LambdaWaitError,
    ThrottledError,
)
from lambda_wait.release.executor import AliasState
from lambda_wait.release.gates import AlarmReading, ErrorCounts
from lambda_wait.release.outcome import routing_weights
from lambda_wait.release.ports import AliasApi, InvokeApi, MetricsApi

ATTEMPTS = 5


class LambdaAlias:
    """:class:`~lambda_wait.release.executor.AliasPort` for one alias of one function.

    Every move carries the RevisionId of the last read (a concurrent change is a
    conflict, never overwritten), is retried on throttling and 5xx after a re-read
    shows it was not applied, and is confirmed by a read before it returns.
    """

    def __init__(
        self,
        api: AliasApi,
        function: str,
        alias: str,
        clock: Clock,
        *,
        rng: random.Random | None = None,
    ) -> None:
        self.api = api
        self.function = function
        self.alias = alias
        self.clock = clock
        self.rng = rng or random.Random()
        self._revision: str | None = None
        self.moves: list[tuple[str, dict[str, float]]] = []

    def read(self) -> AliasState:
        answer = self._retry(lambda: self.api.get_alias(self.function, self.alias))
        self._revision = answer.get("RevisionId")
        return AliasState(str(answer.get("FunctionVersion")), routing_weights(answer))

    def route(self, version: str, weights: dict[str, float], *, rollback: bool = False) -> None:
        if self._revision is None:
            self.read()
        # Undoing must not be stopped by --timeout (it is bounded by ATTEMPTS); only this
        # thread's requests are exempt, the other deploys sharing the API stay bounded.
        with self.api.past_deadline() if rollback else contextlib.nullcontext():
            self._move(version, weights)

    def _move(self, version: str, weights: dict[str, float]) -> None:
        wanted = AliasState(version, {k: round(v, 4) for k, v in weights.items()})
        for attempt in range(1, ATTEMPTS + 1):
            params: dict[str, Any] = {
                "FunctionName": self.function,
                "Name": self.alias,
                "FunctionVersion": version,
                # Always sent: an empty map clears the weights (leaving it out keeps them).
                "RoutingConfig": {"AdditionalVersionWeights": dict(wanted.weights)},
            }
            if self._revision:
                params["RevisionId"] = self._revision
            try:
                self.api.update_alias(**params)
                break
            except (ThrottledError, AwsUnavailableError) as err:
                if attempt == ATTEMPTS:
                    raise
                delay = getattr(err, "retry_after", None) or min(8.0, 0.5 * 2**attempt)
                self.clock.sleep(delay * self.rng.uniform(0.8, 1.2))
                if self.read() == wanted:  # the lost answer had been applied
                    break
        self.moves.append((version, dict(wanted.weights)))
        now = self.read()
        if now != wanted:
            raise ConflictError(
                f"alias {self.alias} reads {now.version} {now.weights or ''} after the move "
                f"to {version}: someone else changed it"
            )

    def _retry(self, read: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return read()
            except (ThrottledError, AwsUnavailableError) as err:
                if attempt == ATTEMPTS:
                    raise
                delay = getattr(err, "retry_after", None) or min(8.0, 0.5 * 2**attempt)
                self.clock.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover


class CloudWatchGates:
    """:class:`~lambda_wait.release.executor.GatePort` over CloudWatch for one alias."""

    def __init__(self, cloudwatch: MetricsApi, function: str, alias: str, clock: Clock):
        self.cloudwatch = cloudwatch
        self.function = function
        self.alias = alias
        self.clock = clock

    def alarms(self, names: tuple[str, ...]) -> list[AlarmReading]:
        return self.cloudwatch.describe_alarms(names)

    def error_counts(self, version: str, since_wall: float) -> ErrorCounts:
        return self.cloudwatch.version_error_counts(
            self.function, self.alias, version, since_wall, self.clock.wall()
        )


def smoke_test(api: InvokeApi, function: str, version: str, payload: bytes) -> str | None:
    """Invoke ``version`` once with ``payload``: None when it answered without a
    function error, else why not (the response payload is never shown)."""
    try:
        answer = api.invoke(
            FunctionName=function,
            Qualifier=version,
            InvocationType="RequestResponse",
            Payload=payload,
        )
    except LambdaWaitError as err:
        return f"the smoke test could not invoke version {version}: {err.one_line()}"
    error = answer.get("FunctionError")
    if error:
        return f"the smoke test invocation of version {version} failed ({error})"
    status = int(answer.get("StatusCode") or 200)
    if status >= 300:
        return f"the smoke test invocation of version {version} answered HTTP {status}"
    return None
