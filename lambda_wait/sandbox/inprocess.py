"""The in-process side of :class:`~lambda_wait.sandbox.app.Sandbox`: its configuration
and the control API tests and demos call directly (the HTTP one is :mod:`.control`).

A mixin: the Sandbox's ``__init__`` sets the state declared below; the request path
stays in :mod:`.app`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from lambda_wait.sandbox.calls import Call, CallLog
from lambda_wait.sandbox.cloudwatch import AlarmFlip, Trigger
from lambda_wait.sandbox.context import Context
from lambda_wait.sandbox.faults import (
    ChaosRule,
    ChaosTable,
    FaultConfig,
    FaultInjector,
    TokenBucket,
)
from lambda_wait.sandbox.scenario import Scenario


class SandboxControls:
    """The Sandbox's configuration and in-process control API."""

    _ctx: Context
    _log: CallLog
    _lock: threading.RLock
    _throttling: bool
    _get_bucket: TokenBucket
    _plane_bucket: TokenBucket
    _faults: FaultInjector
    _chaos: ChaosTable

    # --- configuration -----------------------------------------------------------------

    @property
    def scenario(self) -> Scenario:
        """The scenario in force."""
        return self._ctx.scenario

    @property
    def time_scale(self) -> float:
        """The factor every delay and the cooldown are multiplied by."""
        return self._ctx.time_scale

    @property
    def clock(self) -> Callable[[], float]:
        """The sandbox clock (seconds, monotonic)."""
        return self._ctx.clock

    @property
    def auto_create_roles(self) -> bool:
        """Whether CreateFunction creates a missing role in moto's IAM."""
        return self._ctx.auto_create_roles

    @property
    def on_call(self) -> Callable[[Call], None] | None:
        """Called with every logged call (the CLI prints them)."""
        return self._log.on_call

    @on_call.setter
    def on_call(self, listener: Callable[[Call], None] | None) -> None:
        self._log.on_call = listener

    # --- in-process control API --------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """A copy of the call log, oldest first."""
        return self._log.all()

    def reset_calls(self) -> None:
        """Empty the call log."""
        self._log.clear()

    def mutating_calls(self, name: str | None = None, *, applied_only: bool = True) -> list[Call]:
        """Mutating calls (for ``name`` if given) that took effect, or all of them."""
        return [
            c
            for c in self.calls
            if c.mutating
            and (name is None or c.function == name)
            and (c.applied or not applied_only)
        ]

    def set_throttling(self, enabled: bool) -> None:
        """Switch the 100/s GetFunction and 15/s control-plane quotas on or off."""
        with self._lock:
            if enabled and not self._throttling:
                self._get_bucket.refill()
                self._plane_bucket.refill()
            self._throttling = enabled

    @property
    def throttling(self) -> bool:
        """Whether the quotas are enforced."""
        return self._throttling

    def set_faults(self, faults: FaultConfig | None = None, **kwargs: Any) -> FaultConfig:
        """Replace the fault configuration (a FaultConfig, or its fields as keywords).

        ``set_faults()`` switches faults off. The RNG restarts from the seed.
        """
        config = faults if faults is not None else FaultConfig(**kwargs)
        with self._lock:
            self._faults = FaultInjector(config)
        return config

    @property
    def faults(self) -> FaultConfig:
        """The fault configuration in force."""
        return self._faults.config

    def set_chaos(self, *rules: ChaosRule) -> tuple[ChaosRule, ...]:
        """Replace the chaos rules (none: switch chaos off); counts of ``times`` restart."""
        with self._lock:
            self._chaos = ChaosTable(tuple(rules))
        return tuple(rules)

    @property
    def chaos(self) -> tuple[ChaosRule, ...]:
        """The chaos rules in force."""
        return self._chaos.rules

    def make_inactive(self, name: str, region: str = "us-east-1") -> None:
        """Put a function in State Inactive (StateReasonCode Idle), as if idle for weeks.

        Raises :class:`~lambda_wait.sandbox.errors.UnknownFunctionError` for an unknown name.
        """
        with self._lock:
            record = self._ctx.require(name, region)
            now = self.clock()
            self._ctx.settle(record, now)
            if record.create.running(now):
                record.create.end = now
                self._ctx.settle(record, now)
            record.inactive = True
            record.restore = None
            record.cooldown_until = None

    def function_state(self, name: str, region: str = "us-east-1") -> dict[str, Any]:
        """The state fields of $LATEST plus the layer's bookkeeping (for tests and demos).

        Raises :class:`~lambda_wait.sandbox.errors.UnknownFunctionError` for an unknown name.
        """
        with self._lock:
            record = self._ctx.require(name, region)
            now = self.clock()
            self._ctx.settle(record, now)
            view = {k: v for k, v in record.view(now).items() if v is not None}
            view.update(
                FunctionName=record.name,
                Updates=record.updates,
                Restores=record.restores,
                CooldownRemaining=max(0.0, (record.cooldown_until or now) - now),
                Versions={v: r.view(now).get("State") for v, r in record.versions.items()},
                Provisioned={q: c.status(now) for q, c in record.provisioned.items()},
            )
            return view

    def set_alarm(
        self,
        name: str,
        state: str = "ALARM",
        *,
        after: float = 0.0,
        reason: str | None = None,
        when: Trigger = "now",
    ) -> AlarmFlip:
        """Flip CloudWatch alarm ``name`` to ``state`` ``after`` seconds (scaled) from ``when``.

        ``when``: ``"now"``, ``"start"`` (of the sandbox) or ``"weighted"`` (when an alias
        first gets routing weights). An alarm that does not exist yet flips once it does.
        """
        flip = AlarmFlip(name, state, after, reason, when)
        self.schedule_alarm(flip)
        return flip

    def schedule_alarm(self, flip: AlarmFlip) -> None:
        """Schedule an alarm flip (see :meth:`set_alarm`)."""
        with self._lock:
            self._ctx.schedule_alarm(flip)

    @property
    def alarm_flips(self) -> list[tuple[str, str]]:
        """The alarm flips done so far, as (alarm name, state)."""
        with self._lock:
            return list(self._ctx.cloudwatch.flipped)

    def reset(self) -> None:
        """Forget every function, the call log and moto's stored resources."""
        with self._lock:
            self._ctx.clear()
            self._log.clear()
            self._ctx.moto.reset()

    def scaled(self, seconds: float) -> float:
        """``seconds`` after the time scale."""
        return self._ctx.scaled(seconds)
