"""The public Python API (semantic versioning applies to the names in ``__all__``).

The CLI is a client of these functions, so a deploy script, a CDK app or a
pytest fixture can wait without shelling out::

    import boto3
    from lambda_wait.api import wait_for_function

    result = wait_for_function("my-function", client=boto3.client("lambda"), timeout=300)
    if not result.ready:
        raise SystemExit(result.exit_code)
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from lambda_wait.aws import LambdaApi, api_for
from lambda_wait.clock import Clock, Deadline, SystemClock
from lambda_wait.cooldown import CooldownStore, cooldown_key, iso
from lambda_wait.errors import ExitCode, LambdaWaitError, UsageError
from lambda_wait.history import HistoryStore, history_disabled
from lambda_wait.inputs import FunctionRef, PollApi, as_ref
from lambda_wait.peers import Peers
from lambda_wait.schedule import LatenessBound, PollSchedule
from lambda_wait.selecting import Selection, list_selection
from lambda_wait.serving.watch import (
    ServingCheck,
    ServingSnapshot,
    ServingWait,
    read_serving,
    wait_serving,
)
from lambda_wait.signals import interruptible
from lambda_wait.states import Assessment, FunctionSnapshot, Phase, Target
from lambda_wait.targets.function import FUNCTION_STATE
from lambda_wait.waiter import Listener, PollPolicy, WaitResult
from lambda_wait.wake import InactiveAwareWait

__all__ = [
    "HistoryStore",
    "LatenessBound",
    "PollPolicy",
    "PollSchedule",
    "Selection",
    "ServingCheck",
    "ServingSnapshot",
    "ServingWait",
    "StatusResult",
    "Target",
    "WaitResult",
    "get_serving",
    "get_status",
    "select_functions",
    "wait_for_function",
    "wait_for_functions",
    "wait_for_serving",
]

# One thread per function, up to this many: each sleeps most of the time, the shared
# request budget decides who reads when (FIFO), so every function is waited on at once.
MAX_WAIT_THREADS = 1000


@dataclass(frozen=True)
class StatusResult:
    """One read of a function, judged against a target."""

    function: str
    snapshot: FunctionSnapshot | None
    assessment: Assessment | None
    exit_code: ExitCode
    error: LambdaWaitError | None = None
    notes: tuple[str, ...] = ()
    cooldown: dict[str, Any] | None = None

    @property
    def ready(self) -> bool:
        return self.exit_code is ExitCode.READY


def _api(client: Any) -> LambdaApi:
    return api_for(client)  # the call path builds every client (lambda_wait.aws_path)


def history_store(history: bool | HistoryStore) -> HistoryStore | None:
    """The store ``history`` asks for: True means the default file in the cache
    directory, unless ``LAMBDA_WAIT_NO_HISTORY`` is set; False means none."""
    if isinstance(history, HistoryStore):
        return history
    if not history or history_disabled():
        return None
    return HistoryStore.default()


def get_status(
    function: str | FunctionRef,
    *,
    client: Any = None,
    qualifier: str | None = None,
    target: Target | str = Target.READY,
    cooldown_store: CooldownStore | None = None,
    poll_api: PollApi | str = PollApi.GET_FUNCTION_CONFIGURATION,
    configuration: Mapping[str, Any] | None = None,
) -> StatusResult:
    """Read ``function`` once; raises :class:`~lambda_wait.errors.LambdaWaitError` on API errors.

    An Inactive function with a cooldown remembered from an earlier run (or showing a
    cooldown code now) reports exit 6 with the earliest retry time; status never
    records anything itself. ``poll_api`` picks the read (GetFunctionConfiguration
    or GetFunction); ``configuration`` is an answer of either read made just before
    (e.g. by :func:`select_functions`), used instead of reading again.
    """
    ref = as_ref(function, qualifier)
    api = _api(client)
    if configuration is not None:
        snap = FunctionSnapshot.from_configuration(configuration)
    else:
        snap = FUNCTION_STATE.read(api, ref, PollApi(poll_api))
    assessment = FUNCTION_STATE.judge(snap, Target(target))
    if assessment.phase is Phase.INACTIVE:
        store = cooldown_store if cooldown_store is not None else CooldownStore.default()
        cooldown = store.get(cooldown_key(snap.function_arn, snap.function_name, api.region))
        if cooldown is not None:
            now = time.time()
            return StatusResult(
                ref.label,
                snap,
                assessment,
                ExitCode.COOLDOWN,
                notes=(
                    f"cooldown in effect ({cooldown.code}): Lambda will not retry before "
                    f"{iso(cooldown.retry_not_before)} (UTC)",
                ),
                cooldown=cooldown.to_dict(now),
            )
        hint = f"Inactive (idle): `lambda-wait wait {ref.label} --wake` restores it (one invoke)"
        return StatusResult(ref.label, snap, assessment, assessment.exit_code, notes=(hint,))
    return StatusResult(ref.label, snap, assessment, assessment.exit_code)


def wait_for_function(
    function: str | FunctionRef,
    *,
    client: Any = None,
    target: Target | str = Target.READY,
    timeout: float = 600.0,
    qualifier: str | None = None,
    wake: bool = False,
    policy: PollPolicy | None = None,
    listener: Listener | None = None,
    poll_api: PollApi | str = PollApi.GET_FUNCTION_CONFIGURATION,
    cooldown_store: CooldownStore | None = None,
    clock: Clock | None = None,
    rng: random.Random | None = None,
    schedule: PollSchedule | None = None,
    history: bool | HistoryStore = True,
) -> WaitResult:
    """Wait until ``function`` reaches ``target`` (ready, active or updated).

    Returns a :class:`WaitResult` for every state outcome (ready, failed, timed
    out, inactive, cooldown), with the exit code the CLI would use. Raises the
    tool's own errors (not found, credentials, permission, unavailable) for API
    failures. ``client`` is a boto3 Lambda client, a boto3 Session, or None for
    the default. With ``wake=True`` an Inactive function is invoked once to start
    its restore (see docs/inactive-and-cooldown.md); cooldowns are remembered in
    ``cooldown_store`` (default: a file under the user's cache directory).

    ``schedule`` tunes when to read (:class:`PollSchedule`: the lateness bound, the
    price of a read); ``policy`` replaces it with a fixed schedule. ``history``
    (default on) remembers how long this function's operations took and reads
    densely around the expected end next time: False turns it off, a
    :class:`HistoryStore` puts it elsewhere (docs/performance.md).

    ``clock`` is a :class:`~lambda_wait.clock.Clock` (default: the client's).
    """
    ref = as_ref(function, qualifier)
    api = _api(client)
    one_clock = clock if clock is not None else api.clock
    return InactiveAwareWait(
        api,
        ref,
        target=Target(target),
        deadline=Deadline(one_clock, timeout),  # the wait's one bound, made here at the edge
        wake=wake,
        store=cooldown_store,
        policy=policy,
        listener=listener,
        poll_api=PollApi(poll_api),
        clock=one_clock,
        rng=rng,
        schedule=schedule,
        history=history_store(history),
    ).run()


def result_from_error(
    function: str, target: Target, error: LambdaWaitError, elapsed: float = 0.0
) -> WaitResult:
    """A WaitResult for a function whose wait ended in an API error."""
    return WaitResult(function, target, error.exit_code, None, None, elapsed, 0, error=error)


def wait_for_functions(
    functions: Sequence[str | FunctionRef],
    *,
    client: Any = None,
    target: Target | str = Target.READY,
    timeout: float = 600.0,
    deadline: Deadline | None = None,
    qualifier: str | None = None,
    policy: PollPolicy | None = None,
    listener: Listener | None = None,
    poll_api: PollApi | str = PollApi.GET_FUNCTION_CONFIGURATION,
    wake: bool = False,
    cooldown_store: CooldownStore | None = None,
    max_workers: int | None = None,
    schedule: PollSchedule | None = None,
    history: bool | HistoryStore = True,
) -> list[WaitResult]:
    """Wait for several functions at once under one request budget per Region; never
    raises for a single function's API error (it becomes that function's result).

    Every function is waited on at once (one sleeping thread each, up to
    ``max_workers``, default :data:`MAX_WAIT_THREADS`). When the budget is short,
    it serves first the reads most likely to see a function that has just finished
    (the schedule's model says which); none starves. Functions named by ARN in
    another Region use that Region's own budget (Lambda's quotas are per account
    and Region). Results come back in the order of ``functions``. ``deadline`` (the
    run's) bounds every wait; without one, ``timeout`` seconds from now do.
    """
    api = _api(client)
    fleet = _Fleet(
        api,
        Target(target),
        deadline if deadline is not None else Deadline(api.clock, timeout),
        qualifier,
        wake=wake,
        store=cooldown_store,
        policy=policy,
        listener=listener,
        poll_api=PollApi(poll_api),
        schedule=schedule,
        history=history_store(history),
        # The functions' operations are evidence about each other (lambda_wait.peers).
        peers=Peers(),
    )
    if len(functions) == 1:
        return [fleet.wait(functions[0])]
    workers = min(max_workers or MAX_WAIT_THREADS, len(functions))
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lambda-wait")
    try:
        # Ctrl-C or SIGTERM in the main thread (or a bug): stop every sleeping or queued
        # worker now, so the process exits within a second instead of after their sleeps.
        with interruptible(api):
            return list(pool.map(fleet.wait, functions))
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


@dataclass(frozen=True)
class _Fleet:
    """What every function of one :func:`wait_for_functions` shares."""

    api: LambdaApi
    target: Target
    deadline: Deadline
    qualifier: str | None
    wake: bool
    store: CooldownStore | None
    policy: PollPolicy | None
    listener: Listener | None
    poll_api: PollApi
    schedule: PollSchedule | None
    history: HistoryStore | None
    peers: Peers

    def wait(self, function: str | FunctionRef) -> WaitResult:
        """One function's wait; its API error becomes its result (with the time it took)."""
        started = self.deadline.clock.now()
        try:
            ref = as_ref(function, self.qualifier)
            # Functions named by ARN in another Region read through that Region's budget.
            regional = self.api.in_region(ref.region)
            return InactiveAwareWait(
                regional,
                ref,
                target=self.target,
                deadline=self.deadline,
                clock=regional.clock,
                wake=self.wake,
                store=self.store,
                policy=self.policy,
                listener=self.listener,
                poll_api=self.poll_api,
                schedule=self.schedule,
                history=self.history,
                peers=self.peers,
            ).run()
        except LambdaWaitError as err:
            label = function.label if isinstance(function, FunctionRef) else function
            return result_from_error(label, self.target, err, self.deadline.clock.now() - started)


def select_functions(
    *,
    client: Any = None,
    prefix: str | None = None,
    tags: Mapping[str, str | None] | None = None,
    poll_api: PollApi | str = PollApi.GET_FUNCTION_CONFIGURATION,
) -> Selection:
    """The functions whose name starts with ``prefix`` and that carry every tag in
    ``tags`` (a None value matches any value), sorted by name.

    One paginated ListFunctions (50 a page) lists the region; only when ``tags`` is
    given is each candidate read once more, through the shared request budget:
    with GetFunction when ``poll_api`` is ``get-function`` (its own 100 req/s quota;
    the answer doubles as the status read, see :attr:`Selection.documents`),
    otherwise with ListTags (IAM ``lambda:ListTags``). ListFunctions does not carry
    the function states, so a status still needs a read of each function.
    """
    return list_selection(_api(client), prefix, tags, PollApi(poll_api))


# --- what serves traffic: provisioned concurrency and event source mappings ----------------


def get_serving(
    function: str,
    *,
    client: Any = None,
    qualifier: str | None = None,
    event_source_mappings: bool = True,
) -> ServingSnapshot:
    """One read of a function's provisioned concurrency config (of ``qualifier``; none
    without one) and of its event source mappings."""
    ref = as_ref(function, qualifier)
    check = ServingCheck(qualifier=ref.qualifier, mappings=event_source_mappings)
    return read_serving(_api(client), ref.api_name, check)


def wait_for_serving(
    function: str,
    *,
    client: Any = None,
    qualifier: str | None = None,
    provisioned: str = "auto",
    event_source_mappings: bool = False,
    timeout: float | None = 600.0,
    clock: Clock | None = None,
    on_change: Callable[[ServingSnapshot, Assessment], None] | None = None,
) -> ServingWait:
    """Wait until what serves ``function`` is settled: the provisioned concurrency config
    of ``qualifier`` READY ("auto": when it has one; "require": it must have one, else
    UsageError; "off": not read) and, with ``event_source_mappings``, every mapping out
    of its transitional state. A FAILED config or a mapping Lambda disabled (or that
    reports a problem) ends the wait at once; ``result.exit_code`` is what the CLI exits
    with. Call it after :func:`wait_for_function` to wait on both.
    """
    if provisioned not in ("auto", "require", "off"):
        raise UsageError(f"provisioned must be 'auto', 'require' or 'off', not {provisioned!r}")
    ref = as_ref(function, qualifier)
    if provisioned == "require" and ref.qualifier in (None, "$LATEST"):
        raise UsageError(
            "waiting for provisioned concurrency needs a qualifier (an alias or a version)"
        )
    clock = clock if clock is not None else SystemClock()
    deadline = Deadline(clock, timeout)  # the wait's one deadline, every request's too
    api = _api(client)
    if timeout is not None:
        api = api.bounded_by(deadline)
    check = ServingCheck(
        qualifier=ref.qualifier, provisioned=provisioned, mappings=event_source_mappings
    )
    return wait_serving(
        api,
        ref.api_name,
        check,
        clock=clock,
        deadline=deadline,
        on_change=on_change,
    )
