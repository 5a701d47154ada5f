"""The shift's ports over the real APIs: one alias through :class:`LambdaApi`,
the gates through :class:`CloudWatchApi`, and the smoke test's one invocation.

Every call is retried by time on transient errors (:mod:`lambda_wait.release.patience`).
No boto3 here: the typed adapters in :mod:`lambda_wait.aws` and
:mod:`lambda_wait.cloudwatch` send the requests.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable
from typing import Any, TypeVar

from lambda_wait.clock import Clock, Deadline
from lambda_wait.errors import DeadlineReachedError, LambdaWaitError, RevisionMismatchError
from lambda_wait.release.executor import AliasState
from lambda_wait.release.gates import SMOKE_UNREACHABLE, AlarmReading, ErrorCounts
from lambda_wait.release.outcome import ConcurrentChangeError, routing_weights
from lambda_wait.release.patience import (
    Limits,
    OutOfTimeError,
    Patience,
    ambiguous,
    patiently,
    transient,
)
from lambda_wait.release.ports import AliasApi, InvokeApi, MetricsApi

T = TypeVar("T")


class LambdaAlias:
    """:class:`~lambda_wait.release.executor.AliasPort` for one alias of one function.

    Every move is conditional on the RevisionId last read. A 429 or 409 (never
    applied) is re-sent as it was; after an ambiguous failure (5xx, a time-out, a
    proxy's page) the alias is read back: what was sent means done, the RevisionId
    sent means not applied (re-sent, same RevisionId), anything else is someone
    else's change (:class:`ConcurrentChangeError`, never overwritten). A 412 is
    someone else's change too, unless an earlier ambiguous attempt put what was sent
    there. Every move is confirmed by a read before it returns.
    """

    def __init__(
        self,
        api: AliasApi,
        function: str,
        alias: str,
        clock: Clock,
        *,
        rng: random.Random | None = None,
        deadline: Deadline | None = None,
        patience: Patience | None = None,
    ) -> None:
        self.api = api
        self.function = function
        self.alias = alias
        self.clock = clock
        self.rng = rng or random.Random()
        self.deadline = deadline
        self.patience = patience or Patience()
        self._revision: str | None = None  # the RevisionId every write is conditional on
        self._in_flight: AliasState | None = None  # sent, not known to be applied or not
        self.last: AliasState | None = None  # the alias as last read (or confirmed)
        self.moves: list[tuple[str, dict[str, float]]] = []

    def read(self, *, rollback: bool = False, stop_at: float | None = None) -> AliasState:
        limits = Limits(None if rollback else self.deadline, stop_at)
        with self._exempt(rollback, stop_at):
            return self._read(limits)

    def route(
        self,
        version: str,
        weights: dict[str, float],
        *,
        rollback: bool = False,
        description: str | None = None,
        stop_at: float | None = None,
    ) -> None:
        wanted = AliasState(version, {k: round(v, 4) for k, v in weights.items()})
        # The rollback is not stopped by --timeout (only by its patience and a stop time);
        # only this thread's requests are exempt, other deploys sharing the API stay bounded.
        limits = Limits(None if rollback else self.deadline, stop_at)
        with self._exempt(rollback, stop_at):
            if self._revision is None or self._in_flight is not None:
                self._read(limits)  # a write left in flight (a signal) is settled first
            self._send(wanted, description, limits)
            self.moves.append((version, dict(wanted.weights)))
            now = self._read(limits)
        if now != wanted:
            raise ConcurrentChangeError(self.alias, now.version, now.weights)

    def _exempt(
        self, rollback: bool, stop_at: float | None
    ) -> contextlib.AbstractContextManager[None]:
        """A rollback's requests pass the deadline, never ``stop_at``: a request that
        hangs after a signal is cut off there (its read time-out is clamped to it)."""
        return self.api.past_deadline(stop_at) if rollback else contextlib.nullcontext()

    def _read(self, limits: Limits) -> AliasState:
        """Read the alias. Its RevisionId moves only by our writes: any other move (since
        the first read) is someone else's change, raised, never written over."""
        answer = patiently(
            lambda: self.api.get_alias(self.function, self.alias),
            clock=self.clock,
            what=f"lambda:GetAlias of {self.alias}",
            patience=self.patience,
            limits=limits,
            rng=self.rng,
        )
        revision = answer.get("RevisionId")
        description = answer.get("Description")
        now = self.last = AliasState(
            str(answer.get("FunctionVersion")),
            routing_weights(answer),
            description if isinstance(description, str) else "",
        )
        known, flight = self._revision, self._in_flight
        if known is not None and revision != known and (flight is None or now != flight):
            raise ConcurrentChangeError(self.alias, now.version, now.weights)
        self._revision, self._in_flight = revision, None  # the write in flight is settled
        return now

    def _send(self, wanted: AliasState, description: str | None, limits: Limits) -> None:
        what = f"lambda:UpdateAlias of {self.alias}"
        sent = self._revision
        params: dict[str, Any] = {
            "FunctionName": self.function,
            "Name": self.alias,
            "FunctionVersion": wanted.version,
            # Always sent: an empty map clears the weights (leaving it out keeps them).
            "RoutingConfig": {"AdditionalVersionWeights": dict(wanted.weights)},
        }
        if sent:
            params["RevisionId"] = sent
        if description is not None:
            params["Description"] = description
        started, attempt, unsure = self.clock.now(), 0, False
        while True:
            attempt += 1
            limits.check(self.clock, what)
            self._in_flight = wanted
            try:
                answer = self.api.update_alias(**params)
            except RevisionMismatchError:
                now = self._read(limits)  # someone else's change raises; ours settles
                if unsure and now == wanted:  # an earlier attempt was applied after all
                    return
                raise ConcurrentChangeError(self.alias, now.version, now.weights) from None
            except LambdaWaitError as err:
                if not transient(err):
                    raise
                unsure = unsure or ambiguous(err)
                pause = self.patience.delay(attempt, self.rng, err)
                if self.clock.now() + pause - started > self.patience.seconds:
                    err.message = f"{what} kept failing: {err.message}"
                    err.args = (err.message,)
                    raise
                self.clock.sleep(limits.fit(self.clock, pause, what))
                if ambiguous(err) and self._applied(sent, limits):
                    return
                continue
            revision = answer.get("RevisionId")
            self._revision, self._in_flight = (str(revision) if revision else None), None
            return

    def _applied(self, sent: str | None, limits: Limits) -> bool:
        """After an ambiguous failure: True when the alias shows what was sent; False
        when it is as it was (send again); someone else's change raises."""
        self._read(limits)
        return self._revision != sent


class CloudWatchGates:
    """:class:`~lambda_wait.release.executor.GatePort` over CloudWatch for one alias;
    every read ridden out through transient errors, bounded by the run's deadline."""

    def __init__(
        self,
        cloudwatch: MetricsApi,
        function: str,
        alias: str,
        clock: Clock,
        *,
        deadline: Deadline | None = None,
        patience: Patience | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.cloudwatch = cloudwatch
        self.function = function
        self.alias = alias
        self.clock = clock
        self.deadline = deadline
        self.patience = patience or Patience()
        self.rng = rng or random.Random()

    def _patiently(self, call: Callable[[], T], what: str) -> T:
        return patiently(
            call,
            clock=self.clock,
            what=what,
            patience=self.patience,
            limits=Limits(self.deadline),
            rng=self.rng,
        )

    def alarms(self, names: tuple[str, ...]) -> list[AlarmReading]:
        return self._patiently(
            lambda: self.cloudwatch.describe_alarms(names), "cloudwatch:DescribeAlarms"
        )

    def error_counts(self, version: str, since_wall: float) -> ErrorCounts:
        return self._patiently(
            lambda: self.cloudwatch.version_error_counts(
                self.function, self.alias, version, since_wall, self.clock.wall()
            ),
            "cloudwatch:GetMetricData",
        )


def smoke_test(
    api: InvokeApi,
    function: str,
    version: str,
    payload: bytes,
    *,
    clock: Clock,
    deadline: Deadline | None = None,
    patience: Patience | None = None,
    rng: random.Random | None = None,
) -> str | None:
    """Invoke ``version`` once with ``payload`` (transient errors ridden out): None when
    it answered without a function error, else why not (the payload is never shown)."""
    try:
        answer = patiently(
            lambda: api.invoke(
                FunctionName=function,
                Qualifier=version,
                InvocationType="RequestResponse",
                Payload=payload,
                LogType="Tail",  # the log's last 4 KB: the evidence of a failure
            ),
            clock=clock,
            what=f"lambda:Invoke of version {version}",
            patience=patience or Patience(),
            limits=Limits(deadline),
            rng=rng or random.Random(),
        )
    except LambdaWaitError as err:
        if isinstance(err, DeadlineReachedError | OutOfTimeError):
            raise  # the deadline or a signal: the shift rolls back for that, not the test
        return f"{SMOKE_UNREACHABLE} version {version}: {err.one_line()}"
    error = answer.get("FunctionError")
    if error:
        why = f"the smoke test invocation of version {version} failed ({error})"
        return SmokeFailure(why, log_tail=decode_tail(answer.get("LogResult")))
    status = int(answer.get("StatusCode") or 200)
    if status >= 300:
        return f"the smoke test invocation of version {version} answered HTTP {status}"
    return None


class SmokeFailure(str):
    """Why a smoke test failed, with the invocation's log tail (Invoke's ``LogResult``,
    decoded; untrusted text: the evidence cleans and scrubs it before showing it)."""

    log_tail: tuple[str, ...]

    def __new__(cls, why: str, *, log_tail: tuple[str, ...] = ()) -> SmokeFailure:
        made = super().__new__(cls, why)
        made.log_tail = log_tail
        return made


def decode_tail(result: object) -> tuple[str, ...]:
    """The lines of Invoke's base64 ``LogResult`` (none when absent or not base64)."""
    import base64
    import binascii

    if not isinstance(result, str) or not result:
        return ()
    try:
        text = base64.b64decode(result, validate=True).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return ()
    return tuple(line for line in text.splitlines() if line.strip())
