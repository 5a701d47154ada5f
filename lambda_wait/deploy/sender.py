"""Sending changes without applying them twice, and the one wait-act-wait helper.

Every step changes the function through :meth:`Sender.wait_act_wait` (as lambroll's
deploy.go does): wait until no update is in progress, act, wait until Lambda has
finished the change, re-read, and judge the outcome (a transient failure of an update
is retried; any other failure raises :class:`DeployFailedError`).

Acting goes through :meth:`Sender.mutate`, which retries only where that cannot apply
a change twice: 429s and requests rejected with a 409 were not applied; after a 5xx
or a lost answer the function is re-read first, and the change counts as done when
it is already in place. Reads are retried on throttling and 5xx. Every retry, pause
and wait ends at the deploy's deadline.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lambda_wait.clock import Clock, Deadline, deadline_lifted
from lambda_wait.deploy.model import (
    Config,
    DeployFailedError,
    DeployTimeoutError,
    Ledger,
    Step,
)
from lambda_wait.deploy.port import LambdaPort
from lambda_wait.errors import (
    AwsUnavailableError,
    ConflictError,
    DeadlineReachedError,
    ExitCode,
    FunctionNotFoundError,
    RevisionMismatchError,
    ThrottledError,
)
from lambda_wait.history import HistoryStore, history_key
from lambda_wait.peers import Peers
from lambda_wait.schedule import Operation, OperationKind, Prediction
from lambda_wait.states import FunctionSnapshot, Phase, Target
from lambda_wait.waiter import Listener, PollPolicy, Waiter, WaitResult

Answer = dict[str, Any]
# Whether a re-read configuration (None: the function does not exist) already shows the change.
AlreadyDone = Callable[[Config | None], bool]


@dataclass(frozen=True)
class RetryPolicy:
    """How long and how often the deploy retries (all bounded by --timeout too)."""

    # IAM role propagation on create: up to 15 minutes, as terraform-provider-aws waits
    # after AWS Support said it can take that long (hashicorp/terraform-provider-aws#44517).
    role_propagation_seconds: float = 900.0
    role_note_every: float = 60.0  # while it waits: one progress line a minute, not per try
    role_initial: float = 2.0
    role_max: float = 20.0
    initial: float = 1.0
    max_interval: float = 10.0
    max_attempts: int = 6  # per mutation (throttling, 409s, 5xx, lost answers)
    transient_update_retries: int = 1  # an update that Failed with a transient reason

    def backoff(self, attempt: int, rng: random.Random, *, role: bool = False) -> float:
        first, cap = (
            (self.role_initial, self.role_max) if role else (self.initial, self.max_interval)
        )
        base = min(cap, first * 2.0 ** max(0, attempt - 1))
        return float(base * rng.uniform(0.8, 1.2))


def busy(current: Config) -> bool:
    """An update (or the create) of this configuration is still in progress."""
    return current.get("State") == "Pending" or current.get("LastUpdateStatus") == "InProgress"


class Sender:
    """One deploy's line to one function: reads, waits and changes, all bounded.

    ``current`` is the last configuration read; steps build their requests from it
    (its RevisionId guards each change against a concurrent deployer).
    """

    def __init__(
        self,
        api: LambdaPort,
        name: str,
        *,
        clock: Clock,
        deadline: Deadline,
        timeout: float,
        ledger: Ledger,
        retry: RetryPolicy,
        poll: PollPolicy | None = None,
        rng: random.Random | None = None,
        wait_listener: Listener | None = None,
        history: HistoryStore | None = None,
        peers: Peers | None = None,
    ) -> None:
        self.api = api
        self.history = history
        self.peers = peers
        self.name = name
        self.clock = clock
        self.deadline = deadline
        self.timeout = timeout  # the --timeout asked for, as messages quote it
        self.ledger = ledger
        self.retry = retry
        self.poll = poll
        self.rng = rng or random.Random()
        self._wait_listener = wait_listener
        self.current: Config | None = None
        self.version: str | None = None  # the version this deploy published or reused

    # --- reads -------------------------------------------------------------------------
    def with_read_retries(self, read: Callable[[], Any]) -> Any:
        """``read()``, retried on throttling and 5xx within the policy and the deadline."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return read()
            except ThrottledError as err:
                if attempt >= self.retry.max_attempts * 2:
                    raise
                self.pause(err.retry_after or self.retry.backoff(attempt, self.rng))
            except AwsUnavailableError:
                if attempt >= self.retry.max_attempts:
                    raise
                self.pause(self.retry.backoff(attempt, self.rng))

    def fetch(self, qualifier: str | None = None) -> Config:
        """One read of the configuration. GetFunction, not GetFunctionConfiguration: it
        has its own 100 req/s quota, so polling leaves the shared 15 req/s to the changes."""
        config: Config = dict(
            self.api.get_function(self.name, qualifier).get("Configuration") or {}
        )
        return config

    def read(self, qualifier: str | None = None) -> Config:
        """The configuration, read with retries."""
        result: Config = self.with_read_retries(lambda: self.fetch(qualifier))
        return result

    def read_or_none(self) -> Config | None:
        """The configuration, or None when the function does not exist."""
        try:
            return self.read()
        except FunctionNotFoundError:
            return None

    def settled_read(self, step: Step) -> Config | None:
        """Re-read; when an update is running, wait for it first (it may be ours)."""
        current = self.read_or_none()
        if current is not None and busy(current):
            self.wait(step)
            current = self.read_or_none()
        return current

    def pause(self, seconds: float) -> None:
        """Sleep before a retry; the deploy times out instead if that passes the deadline
        (not inside ``api.past_deadline()``: a rollback, bounded by its attempts)."""
        remaining = None if deadline_lifted() else self.deadline.remaining()
        if remaining is not None and (remaining <= 0 or seconds > remaining):
            raise DeployTimeoutError(
                f"the deploy's --timeout ({self.timeout:.0f}s) ran out while retrying",
                hint=f"Check the function with `lambda-wait status {self.name}` and re-run.",
            )
        self.clock.sleep(seconds)

    # --- waits -------------------------------------------------------------------------
    def wait(
        self,
        step: Step | None,
        *,
        qualifier: str | None = None,
        recent_create: bool = False,
        operation: Operation | None = None,
    ) -> WaitResult:
        """Poll until the function (or version ``qualifier``) is ready or fails.

        ``operation`` is what this deploy just started (its kind, and when the mutating
        call was sent): the schedule counts from there. How long it took goes to the
        history, so the next deploy of this function reads around the expected end.
        """
        remaining = self.deadline.remaining()
        what = step.name if step is not None else "the previous update"
        if remaining is not None and remaining <= 0:
            raise self.timeout_error(what, None)

        def read() -> FunctionSnapshot:
            return FunctionSnapshot.from_configuration(self.fetch(qualifier))

        label = f"{self.name}:{qualifier}" if qualifier else self.name
        result = Waiter(
            label,
            read,
            target=Target.READY,
            timeout=self.timeout if remaining is None else remaining,
            policy=self.poll,
            clock=self.clock,
            deadline=self.deadline,
            rng=self.rng,
            listener=self._wait_listener,
            expect_recent_create=recent_create,
            operation=operation,
            server_clock=self.api.server_clock,
            predict=self._predict,
            peers=self.peers,
        ).run()
        self._remember(result)
        if result.error is not None:
            raise result.error
        if result.timed_out:
            raise self.timeout_error(what, result)
        return result

    def _key(self, snap: FunctionSnapshot) -> str:
        return history_key(snap.function_arn, snap.function_name or self.name, self.api.region)

    def _predict(self, kind: OperationKind, snap: FunctionSnapshot) -> Prediction | None:
        return None if self.history is None else self.history.predict(self._key(snap), kind)

    def _remember(self, result: WaitResult) -> None:
        op, snap = result.operation, result.snapshot
        if self.history is None or op is None or snap is None or result.duration is None:
            return
        if result.exit_code is ExitCode.READY or result.exit_code is ExitCode.FAILED:
            seconds = result.duration / self.api.server_clock.time_scale  # AWS's seconds
            outcome = "ready" if result.ready else "failed"
            self.history.record(self._key(snap), op.kind, seconds, outcome)

    def timeout_error(self, what: str, result: WaitResult | None) -> DeployTimeoutError:
        still = f", still {result.assessment.summary}" if result and result.assessment else ""
        return DeployTimeoutError(
            f"the deploy's --timeout ({self.timeout:.0f}s) ran out waiting for {what}{still}",
            hint=f"AWS may still finish it: `lambda-wait wait {self.name}`, then re-run deploy.",
        )

    # --- changes -----------------------------------------------------------------------
    def wait_act_wait(
        self,
        step: Step,
        act: Callable[[], Answer | None],
        *,
        label: str,
        wait_for: Callable[[Answer | None], str] | None = None,
        recent_create: bool = False,
        reread: bool = True,
        transient_retries: int = 0,
        kind: OperationKind = OperationKind.UNKNOWN,
    ) -> Answer | None:
        """Wait out an update in progress, ``act``, wait for the change, judge it.

        ``wait_for`` names the version to wait for from the answer (default: $LATEST);
        ``reread`` refreshes :attr:`current` afterwards. An update that Failed for a
        transient reason is acted again up to ``transient_retries`` times; any other
        outcome but ready raises ``{label} failed: <reason>`` (``{qualifier}`` in the
        label is the version waited for). ``kind`` says what ``act`` starts (the
        schedule's prior; UNKNOWN: read from the first answer).
        """
        attempt = 0
        while True:
            if self.current is not None and busy(self.current):
                self.wait(step)
                self.current = self.read()
            sent = self.clock.now()  # the operation starts when the mutating call is sent
            answer = act()
            qualifier = wait_for(answer) if wait_for is not None else None
            started = Operation(kind, started_at=sent, anchored=True) if answer else None
            result = self.wait(
                step, qualifier=qualifier, recent_create=recent_create, operation=started
            )
            if reread:
                self.current = self.read()
            assessment = result.assessment
            if assessment is None or assessment.phase is Phase.READY:
                return answer
            failed = label.format(qualifier=qualifier)
            reason = assessment.reason
            if (
                assessment.phase is Phase.UPDATE_FAILED
                and reason is not None
                and reason.transient
                and attempt < transient_retries
            ):
                self.ledger.note(
                    step, f"{failed} failed with {reason.code} (transient); retrying it"
                )
                attempt += 1
                continue
            raise DeployFailedError.ended(failed, assessment)

    def mutate(  # noqa: PLR0912 -- each answer to a mutation is handled where it is read
        self,
        step: Step,
        send: Callable[[], Answer],
        *,
        already_done: AlreadyDone,
        conflict_is_final: bool = False,
        refresh: Callable[[Config], bool] | None = None,
    ) -> Answer | None:
        """Send one mutation, retrying only where that cannot apply it twice.

        Returns the answer, or None when a re-read showed the change already in place.
        A 5xx, a dropped connection or a read time-out leaves it unknown whether Lambda
        applied the request (it may even apply it later): the function is re-read before
        anything is sent again, and a 412 or 409 after such an attempt is checked
        against the function (it may be our own earlier attempt) before it stops the
        deploy. ``refresh`` may adopt the fresh RevisionId and return True to send again.
        """
        attempt = 0
        ambiguous = False  # an earlier attempt may have been applied
        note = self.ledger.note
        while True:
            attempt += 1
            try:
                return send()
            except ThrottledError as err:  # a 429 is never applied
                if attempt >= self.retry.max_attempts * 2:
                    raise
                note(step, f"throttled; retrying in {err.retry_after or 0:.1f}s")
                self.pause(err.retry_after or self.retry.backoff(attempt, self.rng))
            except RevisionMismatchError as err:
                if not ambiguous or attempt >= self.retry.max_attempts * 2:
                    raise
                if self._ours_after_all(step, err, already_done, refresh):
                    return None
            except ConflictError as err:  # 409: not applied; something else is running
                if ambiguous and conflict_is_final and already_done(self.settled_read(step)):
                    note(step, "an earlier attempt was applied after all")
                    return None
                if conflict_is_final or attempt >= self.retry.max_attempts:
                    raise
                note(step, f"409 from Lambda ({err.message}); waiting, then retrying")
                self.wait(step)
                if already_done(self.read_or_none()):
                    return None
                # The same RevisionId again: if the other change touched the function,
                # Lambda answers 412 and the deploy stops instead of overwriting it.
            except DeadlineReachedError:
                raise
            except AwsUnavailableError as err:
                ambiguous = True
                if attempt >= self.retry.max_attempts:
                    raise
                note(step, f"{err.message}; checking whether it was applied")
                self.pause(self.retry.backoff(attempt, self.rng))
                if already_done(self.settled_read(step)):
                    return None

    def _ours_after_all(
        self,
        step: Step,
        mismatch: RevisionMismatchError,
        already_done: AlreadyDone,
        refresh: Callable[[Config], bool] | None,
    ) -> bool:
        """A 412 after an ambiguous attempt: True when that attempt was applied after all;
        False when ``refresh`` adopted the fresh RevisionId (send again); else the 412
        stands (someone else changed the function)."""
        current = self.settled_read(step)
        if already_done(current):
            self.ledger.note(step, "an earlier attempt was applied after all (RevisionId moved)")
            return True
        if current is None or refresh is None or not refresh(current):
            raise mismatch
        return False
