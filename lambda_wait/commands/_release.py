"""deploy's release options (--shift and the health gates), validated into the
:class:`~lambda_wait.release.executor.ShiftOptions` the alias step runs. Click only
at the top; AWS clients are built lazily, after every input was checked."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import click

from lambda_wait.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Callable

    from lambda_wait.aws import LambdaApi
    from lambda_wait.options import CommonOptions
    from lambda_wait.release.executor import ShiftOptions
    from lambda_wait.release.gates import GatePolicy
    from lambda_wait.release.shift import ShiftSpec

F = TypeVar("F", bound="Callable[..., Any]")


@dataclass(frozen=True)
class ReleaseFlags:
    """--shift, --alarm, --max-error-rate, --min-invocations, --smoke-test as given."""

    shift: str | None = None
    alarms: tuple[str, ...] = ()
    max_error_rate: float | None = None
    min_invocations: int = 10
    smoke_test: str | None = None
    require_traffic: bool = False

    @property
    def given(self) -> bool:
        return bool(
            self.shift
            or self.alarms
            or self.max_error_rate is not None
            or self.smoke_test
            or self.require_traffic
        )


@dataclass(frozen=True)
class CheckedRelease:
    """The flags, validated offline (before any AWS call)."""

    spec: ShiftSpec
    policy: GatePolicy
    payload: bytes | None


_OPTIONS = [
    click.option(
        "--shift",
        metavar="SPEC",
        help="With --alias: move traffic gradually. all-at-once (default), "
        "canary:PERCENT:INTERVAL, linear:PERCENT:INTERVAL, or a CodeDeploy name "
        "(Canary10Percent5Minutes, Linear10PercentEvery1Minute, ...).",
    ),
    click.option(
        "--alarm",
        "alarms",
        multiple=True,
        metavar="NAME",
        help="CloudWatch alarm watched while traffic shifts; ALARM rolls back (repeatable).",
    ),
    click.option(
        "--max-error-rate",
        type=float,
        metavar="PCT",
        help="Roll back when the new version's Errors/Invocations passes PCT percent.",
    ),
    click.option(
        "--min-invocations",
        type=int,
        default=10,
        show_default=True,
        help="Invocations of the new version before --max-error-rate judges.",
    ),
    click.option(
        "--require-traffic",
        is_flag=True,
        help="With --max-error-rate: a step that ends with fewer than --min-invocations "
        "invocations of the new version fails the gate (and rolls back).",
    ),
    click.option(
        "--smoke-test",
        type=click.Path(dir_okay=False, path_type=str),
        metavar="PAYLOAD_FILE",
        help="Invoke the new version once with this JSON before any traffic moves; "
        "a function error rolls back.",
    ),
]


def release_options(func: F) -> F:
    """Add the release options; the command gets them as ``release: ReleaseFlags``."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        flags = ReleaseFlags(
            shift=kwargs.pop("shift"),
            alarms=kwargs.pop("alarms"),
            max_error_rate=kwargs.pop("max_error_rate"),
            min_invocations=kwargs.pop("min_invocations"),
            smoke_test=kwargs.pop("smoke_test"),
            require_traffic=kwargs.pop("require_traffic"),
        )
        return func(*args, release=flags, **kwargs)

    wrapped: Any = wrapper
    for decorator in reversed(_OPTIONS):
        wrapped = decorator(wrapped)
    return wrapped  # type: ignore[no-any-return]


def check_release(flags: ReleaseFlags, alias: str | None, specs: int) -> CheckedRelease | None:
    """Validate the flags offline; None when none was given. Bad input: UsageError."""
    if not flags.given:
        return None
    import dataclasses

    from lambda_wait.release.gates import check_gate_options
    from lambda_wait.release.shift import parse_shift

    if alias is None:
        raise UsageError(
            "--shift, --alarm, --max-error-rate and --smoke-test move an alias: add --alias NAME."
        )
    if specs > 1:
        raise UsageError("--shift releases one function at a time: give one --spec.")
    spec = parse_shift(flags.shift or "all-at-once")
    policy = check_gate_options(
        flags.alarms, flags.max_error_rate, flags.min_invocations, flags.require_traffic
    )
    if policy.watches_anything and not spec.gradual:
        raise UsageError(
            "--alarm and --max-error-rate are watched while traffic shifts: give --shift "
            "canary:PERCENT:INTERVAL or linear:PERCENT:INTERVAL."
        )
    if spec.gradual:  # check at least once per step
        policy = dataclasses.replace(
            policy, check_every=min(policy.check_every, max(1.0, spec.interval / 5))
        )
    payload = None if flags.smoke_test is None else _payload(flags.smoke_test)
    return CheckedRelease(spec, policy, payload)


INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024  # Lambda's limit for a synchronous Invoke payload


def _payload(path: str) -> bytes:
    import json
    from pathlib import Path

    from lambda_wait.deploy.reading import read_file

    where = f"--smoke-test {path!r}"
    # Invoke takes at most 6 MB; a FIFO or /dev/zero would hang or never end.
    data = read_file(Path(path), where, INVOKE_PAYLOAD_BYTES, what="a JSON payload file")
    try:
        json.loads(data)
    except ValueError:
        raise UsageError(f"{where} is not JSON: Invoke takes a JSON payload.") from None
    return data


def shift_options(
    checked: CheckedRelease, opts: CommonOptions, api: LambdaApi, function: str, alias: str
) -> ShiftOptions:
    """Build the gates (checking that every alarm exists: exit 2 before any change)."""
    from lambda_wait.cloudwatch import CloudWatchApi
    from lambda_wait.release.adapters import CloudWatchGates, smoke_test
    from lambda_wait.release.executor import ShiftOptions
    from lambda_wait.release.gates import missing_alarms

    gates = None
    policy = checked.policy
    if policy.watches_anything:
        cloudwatch = CloudWatchApi.beside(api)  # the function's session and Region
        # The deploy's clock and deadline: a signal or --timeout cuts the gates' retries.
        gates = CloudWatchGates(cloudwatch, function, alias, api.clock, deadline=api.deadline)
        if policy.alarms:
            found = [a.name for a in gates.alarms(policy.alarms)]
            missing = missing_alarms(policy.alarms, found)
            if missing:
                raise UsageError(
                    f"alarm {', '.join(missing)} does not exist in {api.region}: check --alarm "
                    "(names are case-sensitive) and --region; nothing was changed."
                )
    payload = checked.payload
    smoke: Callable[[str], str | None] | None = None
    if payload is not None:
        smoke = lambda version: smoke_test(  # noqa: E731
            api, function, version, payload, clock=api.clock, deadline=api.deadline
        )
    return ShiftOptions(checked.spec, policy, gates, smoke)
