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
