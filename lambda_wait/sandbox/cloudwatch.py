"""CloudWatch for the sandbox: Lambda's invocation metrics, and alarms flipped on cue.

moto serves CloudWatch (PutMetricAlarm, DescribeAlarms, GetMetricData,
GetMetricStatistics); the sandbox writes into moto's in-process store what
Lambda would publish for every invocation it answers, and flips alarms at the
moment a knob chose. Metrics carry wall-clock timestamps (CloudWatch queries
are in wall time); flips are on the sandbox's scaled clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from lambda_wait.errors import UsageError

NAMESPACE = "AWS/Lambda"
ALARM_STATES = ("OK", "ALARM", "INSUFFICIENT_DATA")
Trigger = Literal["now", "start", "weighted"]
TRIGGERS: tuple[Trigger, ...] = ("now", "start", "weighted")


@dataclass(frozen=True)
class AlarmFlip:
    """Set alarm ``name`` to ``state`` ``after`` seconds (scaled) after its trigger.

    ``trigger``: ``now`` (when the knob is set), ``start`` (when the sandbox
    started or was reset), ``weighted`` (when an alias first gets routing weights).
    """

    name: str
    state: str = "ALARM"
    after: float = 0.0
    reason: str | None = None
    trigger: Trigger = "now"

    def __post_init__(self) -> None:
        if self.state not in ALARM_STATES:
            raise UsageError(
                f"alarm {self.name!r}: state must be one of {', '.join(ALARM_STATES)}, "
                f"got {self.state!r}"
            )
        if not self.after >= 0:
            raise UsageError(f"alarm {self.name!r}: 'after' must be seconds >= 0")
        if self.trigger not in TRIGGERS:
            raise UsageError(
                f"alarm {self.name!r}: 'when' must be one of {', '.join(TRIGGERS)}, "
                f"got {self.trigger!r}"
            )

    @classmethod
    def from_mapping(cls, data: Any, *, where: str, default_trigger: Trigger) -> AlarmFlip:
        """From a scenario file's or the control API's JSON object."""
        allowed = ("name", "state", "after", "reason", "when")
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            raise UsageError(f'{where}: an alarm needs at least {{"name": ALARM_NAME}}')
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise UsageError(
                f"{where}: unknown alarm key {unknown[0]!r}; valid keys: {', '.join(allowed)}"
            )
        after = data.get("after", 0)
        if isinstance(after, bool) or not isinstance(after, int | float):
            raise UsageError(f"{where}: alarm 'after' must be seconds >= 0")
        reason = data.get("reason")
        try:
            return cls(
                name=data["name"],
                state=str(data.get("state", "ALARM")),
                after=float(after),
                reason=None if reason is None else str(reason),
                trigger=data.get("when", default_trigger),
            )
        except UsageError as exc:
            raise UsageError(f"{where}: {exc.message}") from None


@dataclass
class _Pending:
    flip: AlarmFlip
    due: float | None  # None: waiting for its trigger (an alias with weights)


class CloudWatch:
    """Lambda's metrics and the scheduled alarm flips (call under the sandbox lock)."""

    def __init__(self, account: str) -> None:
        self.account = account
        self._pending: list[_Pending] = []
        self.flipped: list[tuple[str, str]] = []  # (alarm, state) in the order they happened

    def schedule(self, flip: AlarmFlip, now: float, scaled_after: float, start: float) -> None:
        """Add a flip; its due time follows from its trigger."""
        if flip.trigger == "weighted":
            due: float | None = None
        else:
            due = (now if flip.trigger == "now" else start) + scaled_after
        self._pending.append(_Pending(flip, due))

    def clear(self) -> None:
        """Forget pending flips (a reset)."""
        self._pending.clear()
        self.flipped.clear()

    def weights_seen(self, now: float, scale: float) -> None:
        """An alias got routing weights: start the clocks of flips waiting for that."""
        for pending in self._pending:
            if pending.due is None:
                pending.due = now + pending.flip.after * scale

    def apply_due(self, now: float, region: str = "us-east-1") -> None:
        """Flip every alarm whose moment has come and that exists (others keep waiting)."""
        if not self._pending:
            return
        backend = self._backend(region)
        for pending in list(self._pending):
            if pending.due is None or now < pending.due or pending.flip.name not in backend.alarms:
                continue
            flip = pending.flip
            reason = flip.reason or f"Threshold Crossed: sandbox knob set {flip.state}"
            backend.set_alarm_state(flip.name, reason, None, flip.state)
            self._pending.remove(pending)
            self.flipped.append((flip.name, flip.state))

    def record_invocation(
        self,
        region: str,
        function: str,
        qualifier: str | None,
        executed_version: str,
        *,
        error: bool,
    ) -> None:
        """Publish Invocations and Errors (0 or 1) of one invocation.

        One datum with the most specific dimensions: FunctionName, plus Resource
        (``fn:qualifier``) when qualified, plus ExecutedVersion for an alias. moto
        matches the dimensions of a query as a subset, so a query by FunctionName,
        by FunctionName+Resource, or by all three each sums what Lambda would.
        """
        dims = [{"Name": "FunctionName", "Value": function}]
        if qualifier and qualifier != "$LATEST":
            dims.append({"Name": "Resource", "Value": f"{function}:{qualifier}"})
            if not qualifier.isdigit():
                dims.append({"Name": "ExecutedVersion", "Value": executed_version})
        dimension_sets = [dims]
        stamp = datetime.now(UTC).replace(tzinfo=None)  # moto compares naive UTC times
        data = [
            {
                "MetricName": name,
                "Dimensions": dims,
                "Value": value,
                "Unit": "Count",
                "Timestamp": stamp,
            }
            for dims in dimension_sets
            for name, value in (("Invocations", 1.0), ("Errors", 1.0 if error else 0.0))
        ]
        self._backend(region).put_metric_data(NAMESPACE, data)

    def _backend(self, region: str) -> Any:
        from moto.cloudwatch.models import cloudwatch_backends

        return cloudwatch_backends[self.account][region]


# --- chaos for CloudWatch: the same rules as Lambda's, named by CloudWatch's operations ---

CLOUDWATCH_SERVICE = "monitoring"  # CloudWatch's SigV4 signing name
_TARGET = "GraniteServiceVersion20100801."


def cloudwatch_operation(environ: dict[str, Any], body: bytes) -> str | None:
    """The CloudWatch operation of a request, in any of its protocols: rpc-v2-cbor
    (``/service/GraniteServiceVersion20100801/operation/DescribeAlarms``), JSON
    (``X-Amz-Target``) or query (``Action=`` in the form body)."""
    path = str(environ.get("PATH_INFO") or "")
    if "/operation/" in path:
        return path.rsplit("/operation/", 1)[1].strip("/") or None
    target = str(environ.get("HTTP_X_AMZ_TARGET") or "")
    if target.startswith(_TARGET):
        return target[len(_TARGET) :]
    from urllib.parse import parse_qs

    action = parse_qs(body.decode("utf-8", "replace")).get("Action")
    return action[0] if action else None


def cloudwatch_error_headers(status: int, code: str | None) -> list[tuple[str, str]]:
    """Headers of an error answer botocore reads as CloudWatch's (rpc-v2-cbor with the
    query-compatible error code, e.g. ``Throttling``)."""
    if code is None:
        code = {400: "Throttling", 403: "AccessDenied", 500: "InternalServiceError"}.get(
            status, "ServiceUnavailable"
        )
    kind = "Sender" if status < 500 else "Receiver"
    return [
        ("Content-Type", "application/cbor"),
        ("smithy-protocol", "rpc-v2-cbor"),
        ("x-amzn-query-error", f"{code};{kind}"),
    ]
