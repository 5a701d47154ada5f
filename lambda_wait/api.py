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
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from lambda_wait.aws import LambdaApi
from lambda_wait.cooldown import CooldownStore, cooldown_key, iso
from lambda_wait.errors import ExitCode, LambdaWaitError
from lambda_wait.inputs import FunctionRef, parse_function
from lambda_wait.states import Assessment, FunctionSnapshot, Phase, Target, assess
from lambda_wait.waiter import Listener, PollPolicy, WaitResult
from lambda_wait.wake import InactiveAwareWait

__all__ = [
    "PollPolicy",
    "StatusResult",
    "Target",
    "WaitResult",
    "get_status",
    "wait_for_function",
    "wait_for_functions",
]


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
    if isinstance(client, LambdaApi):
        return client
    if client is None:
        import boto3  # only when the caller gave no client

        client = boto3.client("lambda")
    elif hasattr(client, "client") and not hasattr(client, "get_function_configuration"):
        client = client.client("lambda")  # a boto3 Session
    return LambdaApi(client)


def _reader(api: LambdaApi, ref: FunctionRef, poll_api: str) -> Callable[[], FunctionSnapshot]:
    def read() -> FunctionSnapshot:
        if poll_api == "get-function":
            doc = api.get_function(ref.api_name, ref.qualifier)
        else:
            doc = api.get_function_configuration(ref.api_name, ref.qualifier)
        return FunctionSnapshot.from_configuration(doc)

    return read


def get_status(
    function: str,
    *,
    client: Any = None,
    qualifier: str | None = None,
    target: Target | str = Target.READY,
    cooldown_store: CooldownStore | None = None,
) -> StatusResult:
    """Read ``function`` once; raises :class:`~lambda_wait.errors.LambdaWaitError` on API errors.

    An Inactive function with a cooldown remembered from an earlier run (or showing a
    cooldown code now) reports exit 6 with the earliest retry time; status never
    records anything itself.
    """
    ref = parse_function(function, qualifier)
    api = _api(client)
    snap = _reader(api, ref, "get-function-configuration")()
    assessment = assess(snap, Target(target))
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
        hint = "Inactive (idle): `lambda-wait wait --wake` restores it with one invocation"
        return StatusResult(ref.label, snap, assessment, assessment.exit_code, notes=(hint,))
    return StatusResult(ref.label, snap, assessment, assessment.exit_code)


def wait_for_function(
    function: str,
    *,
    client: Any = None,
    target: Target | str = Target.READY,
    timeout: float = 600.0,
    qualifier: str | None = None,
    wake: bool = False,
    policy: PollPolicy | None = None,
    listener: Listener | None = None,
    poll_api: str = "get-function-configuration",
    cooldown_store: CooldownStore | None = None,
    clock: Callable[[], float] = time.monotonic,
    wall: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
) -> WaitResult:
    """Wait until ``function`` reaches ``target`` (ready, active or updated).

    Returns a :class:`WaitResult` for every state outcome (ready, failed, timed
    out, inactive, cooldown), with the exit code the CLI would use. Raises the
    tool's own errors (not found, credentials, permission, unavailable) for API
    failures. ``client`` is a boto3 Lambda client, a boto3 Session, or None for
    the default. With ``wake=True`` an Inactive function is invoked once to start
    its restore (see docs/inactive-and-cooldown.md); cooldowns are remembered in
    ``cooldown_store`` (default: a file under the user's cache directory).
    """
    ref = parse_function(function, qualifier)
    api = _api(client)
    return InactiveAwareWait(
        api,
        ref,
        target=Target(target),
        timeout=timeout,
        wake=wake,
        store=cooldown_store,
        policy=policy,
        listener=listener,
        poll_api=poll_api,
        clock=clock,
        wall=wall,
        sleep=sleep,
        rng=rng,
    ).run()


def result_from_error(
    function: str, target: Target, error: LambdaWaitError, elapsed: float = 0.0
) -> WaitResult:
    """A WaitResult for a function whose wait ended in an API error."""
    return WaitResult(function, target, error.exit_code, None, None, elapsed, 0, error=error)


def wait_for_functions(
    functions: Sequence[str],
    *,
    client: Any = None,
    target: Target | str = Target.READY,
    timeout: float = 600.0,
    qualifier: str | None = None,
    policy: PollPolicy | None = None,
    listener: Listener | None = None,
    poll_api: str = "get-function-configuration",
    wake: bool = False,
    cooldown_store: CooldownStore | None = None,
    max_workers: int = 32,
) -> list[WaitResult]:
    """Wait for several functions at once under one request budget; never raises
    for a single function's API error (it becomes that function's result)."""
    api = _api(client)
    target = Target(target)

    def one(name: str) -> WaitResult:
        try:
            return wait_for_function(
                name,
                client=api,
                target=target,
                timeout=timeout,
                qualifier=qualifier,
                policy=policy,
                listener=listener,
                poll_api=poll_api,
                wake=wake,
                cooldown_store=cooldown_store,
            )
        except LambdaWaitError as err:
            return result_from_error(name, target, err)

    if len(functions) == 1:
        return [one(functions[0])]
    with ThreadPoolExecutor(max_workers=min(max_workers, len(functions))) as pool:
        return list(pool.map(one, functions))
