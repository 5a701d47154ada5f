"""What a sandbox function does: its timings, failures and mapping outcomes (data).

Scenario rules and function tags (:mod:`lambda_wait.sandbox.scenario`) each give a
:class:`Behaviour`; layered, they resolve to the :class:`Resolved` one in force.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from lambda_wait.sandbox.codes import reason_for


@dataclass(frozen=True)
class Timings:
    """Seconds each asynchronous operation takes before time scaling (realistic defaults)."""

    create: float = 3.0
    vpc_create: float = 60.0
    update: float = 2.0
    vpc_update: float = 45.0
    publish: float = 0.0  # AWS: a version of an idle function is Active at once
    snapstart_publish: float = 120.0
    restore: float = 30.0
    cooldown: float = 300.0
    provisioned: float = 60.0  # provisioned concurrency IN_PROGRESS -> READY or FAILED
    mapping: float = 15.0  # an event source mapping's Creating/Enabling/Updating/... state

    def with_overrides(self, overrides: Mapping[str, float]) -> Timings:
        """A copy with some delays replaced."""
        return replace(self, **dict(overrides)) if overrides else self


DELAY_KEYS: tuple[str, ...] = tuple(f.name for f in fields(Timings))


@dataclass(frozen=True)
class Failure:
    """An operation that ends in failure with ``code``; ``nth`` limits it to those attempts."""

    code: str
    reason: str | None = None
    nth: frozenset[int] | None = None

    def applies(self, attempt: int) -> bool:
        """True if the ``attempt``-th operation (1-based) of this kind fails."""
        return self.nth is None or attempt in self.nth

    @property
    def text(self) -> str:
        """The StateReason / LastUpdateStatusReason shown with the code."""
        return self.reason or reason_for(self.code)


@dataclass(frozen=True)
class MappingOutcome:
    """How an event source mapping ends: Disabled by Lambda, or Enabled with a problem."""

    disable: str | None = None  # StateTransitionReason, e.g. EVENT_SOURCE_AUTHN_ERROR
    problem: str | None = None  # LastProcessingResult after "PROBLEM: "


# Operations that fail with a reason code (scenario keys and tags of the same names).
FAILURE_OPS = ("create", "update", "publish", "restore", "provisioned")


@dataclass(frozen=True)
class Behaviour:
    """What a rule or a function's tags ask for; None means "not set here"."""

    delays: Mapping[str, float] = field(default_factory=dict)
    create: Failure | None = None
    update: Failure | None = None
    publish: Failure | None = None
    restore: Failure | None = None
    provisioned: Failure | None = None
    mapping: MappingOutcome | None = None
    errors: Mapping[str, float] | None = None  # version -> share of invocations that error
    start_inactive: bool | None = None
    # Set when the rule/tags explicitly asked for success, to override an earlier failure.
    cleared: frozenset[str] = frozenset()

    def over(self, base: Behaviour) -> Behaviour:
        """This behaviour layered on top of ``base``."""
        merged: dict[str, Any] = {"delays": {**base.delays, **self.delays}}
        for name in (*FAILURE_OPS, "mapping", "errors"):
            mine = getattr(self, name)
            merged[name] = mine if mine is not None or name in self.cleared else getattr(base, name)
        merged["start_inactive"] = (
            self.start_inactive if self.start_inactive is not None else base.start_inactive
        )
        return Behaviour(**merged)


@dataclass(frozen=True)
class Resolved:
    """The behaviour in force for one function: timings (unscaled) and failures."""

    timings: Timings
    create: Failure | None
    update: Failure | None
    publish: Failure | None
    restore: Failure | None
    start_inactive: bool
    provisioned: Failure | None = None
    mapping: MappingOutcome | None = None
    errors: Mapping[str, float] | None = None


# create and publish failures set State Failed (StateReasonCode); update and restore
# failures set LastUpdateStatus Failed (LastUpdateStatusReasonCode).
# provisioned failures set the config's Status FAILED with a StatusReason code.
_CODE_KIND = {
    "create": "state",
    "publish": "state",
    "update": "update",
    "restore": "update",
    "provisioned": "provisioned",
}
