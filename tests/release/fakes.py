"""A typed fake of everything a release talks to: one alias (with RevisionId,
RoutingConfig and Description), the smoke test's Invoke and CloudWatch's alarms and
metrics, on a ManualClock, with a fault schedule on every call.

``ReleaseWorld`` satisfies :class:`~lambda_wait.release.ports.ReleaseApi`,
:class:`~lambda_wait.release.ports.InvokeApi` and
:class:`~lambda_wait.release.ports.MetricsApi` (mypy checks it at the end of this
file). Faults are scheduled by call number (``faults``), by time (``outages``);
an operator's ``update-alias`` and signals (Ctrl-C, SIGTERM) by call number or by
time (the clock's sleep raises them, as a signal handler would in the main thread).
Everything the release did is logged in ``events`` for the contract checks.
"""

from __future__ import annotations

import contextlib
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from lambda_wait.clock import Deadline, ManualClock, deadline_lifted, past_deadline
from lambda_wait.errors import (
    AwsUnavailableError,
    DeadlineReachedError,
    FunctionNotFoundError,
    LambdaWaitError,
    RevisionMismatchError,
    ThrottledError,
    UnexpectedAnswerError,
)
from lambda_wait.release.gates import AlarmReading, ErrorCounts
from lambda_wait.signals import Terminated

FaultKind = Literal["throttle", "5xx", "timeout", "html"]
Service = Literal["lambda", "cloudwatch", "invoke"]
SignalKind = Literal["SIGINT", "SIGTERM"]
TIMEOUT_COST = 1.0  # seconds a read time-out takes (the client's clamp in the model)
READS = ("get_alias", "list_versions", "list_aliases", "describe_alarms", "metrics")
SERVICE = {
    "get_alias": "lambda",
    "update_alias": "lambda",
    "list_versions": "lambda",
    "list_aliases": "lambda",
    "delete_version": "lambda",
    "list_provisioned_concurrency_configs": "lambda",
    "invoke": "invoke",
    "describe_alarms": "cloudwatch",
    "metrics": "cloudwatch",
}


@dataclass(frozen=True)
class ScheduledFault:
    kind: FaultKind
    applied: bool  # a write took effect before the error (an ambiguous failure)


@dataclass(frozen=True)
class Outage:
    service: Service
    start: float  # clock time
    seconds: float


@dataclass
class Event:
    """One thing that happened: a call's outcome, a write applied, a signal."""

    kind: str  # "call", "write", "operator", "signal", "alarm-read", "metrics-read", "invoke"
    at: float
    detail: dict[str, Any] = field(default_factory=dict)


def signal_error(kind: SignalKind) -> KeyboardInterrupt:
    return Terminated() if kind == "SIGTERM" else KeyboardInterrupt()


class SignalClock(ManualClock):
    """A ManualClock whose sleep is cut short by a signal due at a point in time."""

    def __init__(self, start: float = 100.0) -> None:
        super().__init__(start)
        self.signals: list[tuple[float, SignalKind]] = []  # (due at, kind), sorted
        self.on_signal: Any = None  # called with the kind when one fires

    def sleep(self, seconds: float) -> None:
        if self.signals and self.now() + seconds >= self.signals[0][0]:
            due, kind = self.signals.pop(0)
            self.advance(max(0.0, due - self.now()))
            if self.on_signal is not None:
                self.on_signal(kind, "sleep")
            raise signal_error(kind)
        super().sleep(seconds)


class ReleaseWorld:
    """One function ``fn`` with alias ``live``, its versions, alarms and metrics."""

    def __init__(self, clock: SignalClock, *, versions: int = 3) -> None:
        self.clock = clock
        self.deadline: Deadline = Deadline.never(clock)
        self.function = "fn"
        self._revisions = itertools.count(1)
        self.versions = [str(n) for n in range(1, versions + 1)]
        self.alias: dict[str, Any] = {
            "Name": "live",
            "FunctionVersion": self.versions[-1],
            "RoutingConfig": {"AdditionalVersionWeights": {}},
            "Description": "",
            "RevisionId": self._revision(),
        }
        self.alarms: dict[str, str] = {"errors": "OK", "latency": "OK"}
        self.broken: set[str] = set()  # versions whose invocations fail
        self.traffic = 50.0  # invocations of the new version per metrics read
        self.calls = 0
        self.faults: dict[int, ScheduledFault] = {}  # call number -> fault
        self.outages: list[Outage] = []
        self.operator_at: int | None = None  # call number before which the operator moves
        self.operator_state: tuple[str, dict[str, float]] | None = None
        self.signals_at: dict[int, SignalKind] = {}  # call number -> signal raised in it
        self.alarm_changes: list[tuple[float, str, str | None]] = []  # (at, name, state|None)
        self.events: list[Event] = []
        self.faults_injected = 0
        self.rate = 0.0  # chance of a random fault on any call ("weather")
        self.rng = random.Random(0)

    # --- the model's own view -------------------------------------------------------
    def state(self) -> tuple[str, dict[str, float]]:
        weights = self.alias["RoutingConfig"]["AdditionalVersionWeights"]
        return str(self.alias["FunctionVersion"]), {k: float(v) for k, v in weights.items()}

    def publish(self, *, broken: bool = False) -> str:
        number = str(int(self.versions[-1]) + 1 if self.versions else 1)
        self.versions.append(number)
        if broken:
            self.broken.add(number)
        return number

    def log(self, kind: str, **detail: Any) -> None:
        self.events.append(Event(kind, self.clock.now(), detail))

    def _revision(self) -> str:
        return f"rev-{next(self._revisions)}"

    def _alarms_due(self) -> None:
        now = self.clock.now()
        for change in [c for c in self.alarm_changes if c[0] <= now]:
            self.alarm_changes.remove(change)
            _, name, state = change
            if state is None:
                self.alarms.pop(name, None)
            else:
                self.alarms[name] = state

    def _operator(self) -> None:
        if self.operator_at is None or self.calls < self.operator_at:
            return
        self.operator_at = None
        version = self.versions[0]
        self.alias.update(
            FunctionVersion=version,
            RoutingConfig={"AdditionalVersionWeights": {}},
            Description="pinned by the on-call",
            RevisionId=self._revision(),
        )
        self.operator_state = self.state()
        self.log("operator", state=self.state())

    def _enter(self, operation: str) -> ScheduledFault | None:
        """Count the call; raise what happens before the request reaches AWS."""
        self.calls += 1
        number = self.calls
        self._alarms_due()
        self._operator()
        signal = self.signals_at.pop(number, None)
        due = self.clock.signals
        if signal is None and due and due[0][0] <= self.clock.now():
            signal = due.pop(0)[1]
        if signal is not None:
            if self.clock.on_signal is not None:
                self.clock.on_signal(signal, operation)
            else:
                self.log("signal", signal=signal, operation=operation)
            raise signal_error(signal)
        remaining = None if deadline_lifted() else self.deadline.remaining()
        if remaining is not None and remaining <= 0:
            raise DeadlineReachedError(f"the --timeout ran out before {operation}")
        fault = self.faults.pop(number, None)
        if fault is None and self.rate and self.rng.random() < self.rate:
            kinds: tuple[FaultKind, ...] = ("throttle", "5xx", "timeout", "html")
            fault = ScheduledFault(self.rng.choice(kinds), self.rng.random() < 0.5)
        now = self.clock.now()
        for outage in self.outages:
            if outage.service == SERVICE[operation] and outage.start <= now < outage.start + (
                outage.seconds
            ):
                fault = fault or ScheduledFault("5xx", applied=False)
        if fault is None:
            return None
        self.faults_injected += 1
        if operation in READS or operation == "invoke" or not fault.applied:
            self._raise(fault, operation)
        return fault

    def _raise(self, fault: ScheduledFault, operation: str) -> None:
        self.log("call", operation=operation, error=fault.kind, applied=fault.applied)
        if fault.kind == "throttle":
            raise ThrottledError(f"Rate exceeded ({operation})", retry_after=1.0)
        if fault.kind == "timeout":
            self.clock.advance(TIMEOUT_COST)
            raise AwsUnavailableError(f"Read timeout on endpoint ({operation})")
        if fault.kind == "html":
            raise UnexpectedAnswerError(f"the answer to {operation} is an HTML page (a proxy)")
        raise AwsUnavailableError(f"ServiceUnavailableException ({operation})")

    # --- AliasApi / ReleaseApi -----------------------------------------------------------
    def past_deadline(
        self, stop_at: float | None = None
    ) -> contextlib.AbstractContextManager[None]:
        return past_deadline(stop_at)

    def get_alias(self, name: str, alias: str) -> dict[str, Any]:
        self._enter("get_alias")
        self.log("call", operation="get_alias", state=self.state())
        if alias != "live":
            raise FunctionNotFoundError(f"alias {alias} not found")
        return {**self.alias, "RoutingConfig": _copy_routing(self.alias)}

    def update_alias(self, **params: Any) -> dict[str, Any]:
        fault = self._enter("update_alias")
        if fault is not None and fault.kind == "throttle":  # a 429 is never applied
            self._raise(fault, "update_alias")
        given = params.get("RevisionId")
        if given is not None and given != self.alias["RevisionId"]:
            self.log("call", operation="update_alias", error="412")
            raise RevisionMismatchError("The RevisionId provided does not match the latest")
        routing = params.get("RoutingConfig")
        if routing is not None:
            weights = dict(routing.get("AdditionalVersionWeights") or {})
            self.alias["RoutingConfig"] = {"AdditionalVersionWeights": weights}
        self.alias["FunctionVersion"] = str(params["FunctionVersion"])
        if "Description" in params:
            self.alias["Description"] = params["Description"]
        self.alias["RevisionId"] = self._revision()
        self.log("write", state=self.state(), revision=given, description=params.get("Description"))
        if fault is not None:
            self._raise(fault, "update_alias")
        return {**self.alias, "RoutingConfig": _copy_routing(self.alias)}

    def list_versions(self, name: str) -> list[dict[str, Any]]:
        self._enter("list_versions")
        return [{"Version": "$LATEST"}] + [{"Version": v} for v in self.versions]

    def list_aliases(self, name: str) -> list[dict[str, Any]]:
        self._enter("list_aliases")
        return [{**self.alias, "RoutingConfig": _copy_routing(self.alias)}]

    def list_provisioned_concurrency_configs(self, name: str) -> list[dict[str, Any]]:
        self._enter("list_provisioned_concurrency_configs")
        return []

    def delete_version(self, name: str, version: str) -> None:
        self._enter("delete_version")
        self.versions.remove(version)

    def get_function(self, name: str, qualifier: str | None = None) -> dict[str, Any]:
        raise NotImplementedError

    def get_function_image_uri(self, name: str) -> str | None:
        raise NotImplementedError

    def download_code(self, name: str, *, timeout: float = 60.0) -> bytes:
        raise NotImplementedError

    # --- InvokeApi -------------------------------------------------------------------------
    def invoke(self, **params: Any) -> dict[str, Any]:
        self._enter("invoke")
        version = str(params.get("Qualifier"))
        ok = version not in self.broken
        self.log("invoke", version=version, ok=ok)
        return {"StatusCode": 200, **({} if ok else {"FunctionError": "Unhandled"})}

    # --- MetricsApi ------------------------------------------------------------------------
    def describe_alarms(self, names: Sequence[str]) -> list[AlarmReading]:
        self._enter("describe_alarms")
        found = [AlarmReading(n, self.alarms[n]) for n in names if n in self.alarms]
        clean = len(found) == len(names) and all(a.state != "ALARM" for a in found)
        self.log("alarm-read", clean=clean)
        return found

    def version_error_counts(
        self, function: str, alias: str, version: str, since_wall: float, until_wall: float
    ) -> ErrorCounts:
        self._enter("metrics")
        minutes = max(1.0, (until_wall - since_wall) / 60.0)
        invocations = self.traffic * minutes
        errors = invocations / 2 if version in self.broken else 0.0
        self.log("metrics-read", healthy=version not in self.broken, invocations=invocations)
        return ErrorCounts(errors, invocations)


def _copy_routing(alias: dict[str, Any]) -> dict[str, Any]:
    weights = alias["RoutingConfig"]["AdditionalVersionWeights"]
    return {"AdditionalVersionWeights": dict(weights)}


def _checks(world: ReleaseWorld) -> None:  # mypy: the fake satisfies the release's ports
    from lambda_wait.release.ports import InvokeApi, MetricsApi, ReleaseApi

    api: ReleaseApi = world
    invoke: InvokeApi = world
    metrics: MetricsApi = world
    del api, invoke, metrics


__all__ = ["LambdaWaitError", "Outage", "ReleaseWorld", "ScheduledFault", "SignalClock"]
