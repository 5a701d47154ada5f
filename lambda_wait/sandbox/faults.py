"""Fault injection and throttling: the unreliable-network half of the sandbox."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from lambda_wait.errors import UsageError

FaultKind = Literal["500", "503", "drop", "slow"]
FaultWhen = Literal["before", "after", "random"]
FAULT_KINDS: tuple[FaultKind, ...] = ("500", "503", "drop", "slow")
_WHENS: tuple[FaultWhen, ...] = ("before", "after", "random")


@dataclass(frozen=True)
class FaultConfig:
    """Which fraction of Lambda calls fail, how, and whether before or after moto applies them.

    ``when="before"``: the request never reaches moto (nothing applied);
    ``"after"``: moto applies it and the answer is lost or replaced; ``"random"``:
    either, per call. ``slow_seconds`` is real time (it must beat a client's read
    timeout), never scaled. ``operations`` limits faults to those operation names.
    """

    rate: float = 0.0
    kinds: tuple[FaultKind, ...] = ("500", "503", "drop")
    when: FaultWhen = "before"
    slow_seconds: float = 5.0
    seed: int | None = None
    operations: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise UsageError(f"fault rate must be between 0 and 1, got {self.rate!r}")
        for kind in self.kinds:
            if kind not in FAULT_KINDS:
                raise UsageError(
                    f"unknown fault kind {kind!r}; valid kinds: {', '.join(FAULT_KINDS)}"
                )
        if not self.kinds:
            raise UsageError("fault kinds must not be empty")
        if self.when not in _WHENS:
            raise UsageError(f"fault 'when' must be one of {', '.join(_WHENS)}, got {self.when!r}")
        if self.slow_seconds < 0:
            raise UsageError("fault slow_seconds must not be negative")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, where: str) -> FaultConfig:
        """Build from a scenario file's or the control API's JSON object.

        ``where`` prefixes error messages (for instance the file name).
        """
        allowed = {"rate", "kinds", "when", "slow_seconds", "seed", "operations"}
        for key in data:
            if key not in allowed:
                raise UsageError(
                    f"{where}: unknown key {key!r} in faults; valid keys: "
                    f"{', '.join(sorted(allowed))}"
                )
        kwargs: dict[str, Any] = {}
        try:
            if "rate" in data:
                kwargs["rate"] = _number(data["rate"])
            if "kinds" in data:
                kinds = data["kinds"]
                if isinstance(kinds, str | int):
                    kinds = [kinds]
                kwargs["kinds"] = tuple(str(k) for k in kinds)
            if "when" in data:
                kwargs["when"] = str(data["when"])
            if "slow_seconds" in data:
                kwargs["slow_seconds"] = _number(data["slow_seconds"])
            if "seed" in data:
                seed = data["seed"]
                if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
                    raise TypeError("seed must be an integer")
                kwargs["seed"] = seed
            if data.get("operations") is not None:
                kwargs["operations"] = frozenset(str(o) for o in data["operations"])
            return cls(**kwargs)
        except (TypeError, ValueError) as exc:
            raise UsageError(f"{where}: faults: {exc}") from None
        except UsageError as exc:
            raise UsageError(f"{where}: {exc.message}") from None


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a number, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class FaultDecision:
    """One injected fault: its kind and whether it hits before or after moto."""

    kind: FaultKind
    when: Literal["before", "after"]


@dataclass
class FaultInjector:
    """Decides, call by call and reproducibly for a seed, which calls get a fault."""

    config: FaultConfig = field(default_factory=FaultConfig)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.config.seed)

    def decide(self, operation: str) -> FaultDecision | None:
        """Return the fault for this call, or None. Not thread-safe: call under a lock."""
        cfg = self.config
        if cfg.rate <= 0.0:
            return None
        if cfg.operations is not None and operation not in cfg.operations:
            return None
        # Draw all three numbers every time so one seed gives one sequence of faults.
        hit, kind_draw, when_draw = self._rng.random(), self._rng.random(), self._rng.random()
        if hit >= cfg.rate:
            return None
        kind = cfg.kinds[min(int(kind_draw * len(cfg.kinds)), len(cfg.kinds) - 1)]
        when: Literal["before", "after"] = (
            ("before" if when_draw < 0.5 else "after") if cfg.when == "random" else cfg.when
        )
        return FaultDecision(kind, when)


class TokenBucket:
    """A token bucket refilling ``rate`` tokens per second, holding at most ``capacity``.

    Lambda's control-plane quotas are real-time rates, so the sandbox's time scale
    never applies here; the clock is injectable only so tests can be deterministic.
    """

    def __init__(self, rate: float, capacity: float, clock: Callable[[], float]) -> None:
        self.rate = rate
        self.capacity = capacity
        self._clock = clock
        self._tokens = capacity
        self._stamp = clock()

    def take(self) -> float | None:
        """Take a token: None if granted, else the seconds until one is available."""
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return None
        return (1.0 - self._tokens) / self.rate

    def refill(self) -> None:
        """Fill the bucket (used when throttling is switched back on)."""
        self._tokens = self.capacity
        self._stamp = self._clock()


def retry_after_header(wait: float) -> str:
    """Retry-After in whole seconds, at least 1 (HTTP allows only integers)."""
    return str(max(1, math.ceil(wait)))


# --- chaos: any chosen operation answered with a chosen status, body, delay or truncation ---

ChaosWhen = Literal["before", "after"]
_CHAOS_KEYS = (
    "operation",
    "function",
    "status",
    "body",
    "headers",
    "delay",
    "truncate",
    "when",
    "times",
)
# The error code an answer of a status gets when the rule names none (x-amzn-ErrorType).
_STATUS_CODES = {
    400: "InvalidParameterValueException",
    403: "AccessDeniedException",
    404: "ResourceNotFoundException",
    409: "ResourceConflictException",
    429: "TooManyRequestsException",
    500: "ServiceException",
    502: "EC2UnexpectedException",
    503: "ServiceUnavailableException",
}


@dataclass(frozen=True)
class ChaosRule:
    """Answer calls of ``operation`` (a Lambda operation name, ``*`` for all; or a
    CloudWatch one, ``DescribeAlarms``, ``GetMetricData``: never matched by ``*``)
    as chosen. Invoke is a Lambda operation like the others.

    ``status`` (and ``body``, ``headers``) replace the answer: ``when="before"``
    the call never reaches the state machine (not applied), ``"after"`` it is
    applied and its answer replaced. ``delay`` waits that many real seconds
    (not scaled) before answering. ``truncate`` sends the headers with the full
    Content-Length but only the first N bytes of the body, then closes the
    connection. ``times`` limits the rule to that many matching calls;
    ``function`` to calls about that function.
    """

    operation: str = "*"
    function: str | None = None
    status: int | None = None
    body: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    truncate: int | None = None
    when: ChaosWhen = "before"
    times: int | None = None

    def __post_init__(self) -> None:
        if self.status is not None and not 100 <= self.status <= 599:
            raise UsageError(f"chaos: status must be an HTTP status (100-599), got {self.status!r}")
        if not self.delay >= 0:
            raise UsageError("chaos: delay must be seconds >= 0")
        if self.truncate is not None and self.truncate < 0:
            raise UsageError("chaos: truncate must be a number of bytes >= 0")
        if self.times is not None and self.times < 1:
            raise UsageError("chaos: times must be 1 or more")
        if self.when not in ("before", "after"):
            raise UsageError(f"chaos: 'when' must be before or after, got {self.when!r}")
        if self.status is None and self.body is None and not self.delay and self.truncate is None:
            raise UsageError("chaos: a rule needs at least one of status, body, delay, truncate")

    @property
    def replaces(self) -> bool:
        """True when the rule replaces the answer (status or body given)."""
        return self.status is not None or self.body is not None

    def matches(self, operation: str, function: str | None) -> bool:
        """True for a call this rule is about."""
        if self.operation not in ("*", operation):
            return False
        return self.function is None or self.function == function

    def answer(self) -> tuple[int, list[tuple[str, str]], bytes]:
        """(status, headers, body) of the replacing answer."""
        status = self.status if self.status is not None else 200
        headers = [("Content-Type", "application/json"), *self.headers]
        names = {k.lower() for k, _ in headers}
        if self.body is not None:
            return status, headers, self.body.encode()
        if status < 400:
            return status, headers, b"{}"
        code = _STATUS_CODES.get(status, "ServiceException" if status >= 500 else "ChaosException")
        if "x-amzn-errortype" not in names:
            headers.append(("x-amzn-ErrorType", code))
        kind = "User" if status < 500 else "Service"
        body = f'{{"Type": "{kind}", "message": "sandbox chaos: HTTP {status}"}}'
        return status, headers, body.encode()

    @classmethod
    def from_mapping(cls, data: Any, *, where: str) -> ChaosRule:
        """From a scenario file's or the control API's JSON object."""
        if not isinstance(data, Mapping):
            raise UsageError(f"{where}: a chaos rule must be an object")
        unknown = sorted(set(data) - set(_CHAOS_KEYS))
        if unknown:
            raise UsageError(
                f"{where}: unknown chaos key {unknown[0]!r}; valid keys: {', '.join(_CHAOS_KEYS)}"
            )
        try:
            headers = data.get("headers") or {}
            if not isinstance(headers, Mapping):
                raise TypeError("headers must be an object of strings")
            return cls(
                operation=str(data.get("operation", "*")),
                function=None if data.get("function") is None else str(data["function"]),
                status=_optional_int(data.get("status"), "status"),
                body=None if data.get("body") is None else str(data["body"]),
                headers=tuple((str(k), str(v)) for k, v in headers.items()),
                delay=_number(data.get("delay", 0)),
                truncate=_optional_int(data.get("truncate"), "truncate"),
                when=data.get("when", "before"),
                times=_optional_int(data.get("times"), "times"),
            )
        except (TypeError, ValueError) as exc:
            raise UsageError(f"{where}: chaos: {exc}") from None
        except UsageError as exc:
            raise UsageError(f"{where}: {exc.message}") from None

    def to_dict(self) -> dict[str, Any]:
        """JSON form (control API)."""
        return {
            "operation": self.operation,
            "function": self.function,
            "status": self.status,
            "body": self.body,
            "headers": dict(self.headers),
            "delay": self.delay,
            "truncate": self.truncate,
            "when": self.when,
            "times": self.times,
        }


def _optional_int(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    return value


class ChaosTable:
    """The chaos rules in force; the first matching rule answers (call under a lock)."""

    def __init__(self, rules: tuple[ChaosRule, ...] = ()) -> None:
        self.rules = rules
        self._left = [rule.times for rule in rules]

    def take(
        self, operation: str, function: str | None, *, named_only: bool = False
    ) -> ChaosRule | None:
        """The rule for this call, counting it against the rule's ``times``.
        ``named_only``: only rules naming ``operation`` (not ``*``): another service's
        calls (CloudWatch's) meet only the rules written for them."""
        for i, rule in enumerate(self.rules):
            left = self._left[i]
            if left == 0 or not rule.matches(operation, function):
                continue
            if named_only and rule.operation != operation:
                continue
            if left is not None:
                self._left[i] = left - 1
            return rule
        return None


def cloudwatch_answer(rule: ChaosRule) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body) of a chaos rule's answer to a CloudWatch call: the rule's
    body (an HTML page from a proxy, say) or none; the error code from its
    ``x-amzn-ErrorType`` header, else one for the status (400: ``Throttling``)."""
    from lambda_wait.sandbox.cloudwatch import cloudwatch_error_headers

    status = rule.status if rule.status is not None else 200
    given = {k.lower(): v for k, v in rule.headers}
    code = given.pop("x-amzn-errortype", None)
    headers = [*cloudwatch_error_headers(status, code), *((k, v) for k, v in rule.headers)]
    if rule.body is not None:
        headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
        headers.append(("Content-Type", "text/html"))
        return status, headers, rule.body.encode()
    return status, headers, b""
