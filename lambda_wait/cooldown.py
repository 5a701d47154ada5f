"""The 5-minute cooldown and its memory across runs.

When restoring an Inactive function fails with InsufficientRolePermissions or
SubnetOutOfIPAddresses, Lambda waits at least five minutes before it tries to
create another network interface. lambda-wait never triggers another attempt
earlier than five minutes after it *observed* the failure (it cannot see when
Lambda itself saw it), and records what it observed in a small JSON file under
the user's cache directory so a pipeline re-running inside the window is told
at once, without touching the function.

The file is shared by concurrent runs: updates take an exclusive ``flock`` and
replace the file atomically; a missing or corrupt file reads as empty, and any
failure to use the cache is one warning and no change of outcome (:mod:`lambda_wait.cache`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lambda_wait import cache
from lambda_wait.reasons import COOLDOWN_SECONDS, lookup

STATE_FILE_NAME = "cooldowns.json"
MAX_SECONDS = 86_400.0  # a cooldown (or a duration) longer than a day is not one we wrote
LATEST_EPOCH = 4_102_444_800.0  # 2100-01-01: a later (or non-finite) time is not a time


def configured_cooldown_seconds() -> float:
    """300 s, unless LAMBDA_WAIT_COOLDOWN_SECONDS says otherwise.

    Only for rehearsals against the sandbox, whose clock is scaled (the demo sets
    it to match); against real AWS a lower value would hammer Lambda.
    """
    raw = os.environ.get("LAMBDA_WAIT_COOLDOWN_SECONDS")
    try:
        seconds = cache.number(float(raw), 0, MAX_SECONDS) if raw else None
    except ValueError:
        seconds = None
    return float(COOLDOWN_SECONDS) if seconds is None else seconds


def is_cooldown_code(code: str | None) -> bool:
    """True for the codes after which Lambda waits >= 5 minutes (both spellings)."""
    info = lookup(code)
    return info is not None and info.cooldown


def iso(epoch: float) -> str:
    """UTC ISO 8601 with a Z, second precision."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Cooldown:
    """A restore failure that started a cooldown."""

    key: str
    code: str
    observed_at: float  # epoch seconds
    seconds: float = COOLDOWN_SECONDS

    @property
    def retry_not_before(self) -> float:
        return self.observed_at + self.seconds

    def remaining(self, now: float) -> float:
        return max(0.0, self.retry_not_before - now)

    def to_dict(self, now: float) -> dict[str, Any]:
        return {
            "code": self.code,
            "observed_at": iso(self.observed_at),
            "retry_not_before": iso(self.retry_not_before),
            "remaining_seconds": round(self.remaining(now), 1),
        }


def cooldown_key(function_arn: str | None, function_name: str, region: str | None) -> str:
    """Functions are keyed by ARN (which carries account and region) and region."""
    return f"{region or '-'}|{function_arn or function_name}"


class CooldownStore:
    """Observed cooldowns, persisted in one JSON file; ``path=None`` keeps them in memory."""

    def __init__(
        self,
        path: Path | None,
        *,
        now: Callable[[], float] = time.time,
        seconds: float | None = None,
    ) -> None:
        self.path = path
        self._now = now
        self.seconds = seconds if seconds is not None else configured_cooldown_seconds()
        self._memory: dict[str, dict[str, Any]] = {}

    @classmethod
    def default(cls) -> CooldownStore:
        """The file in the cache directory, or memory when the cache is off or unusable."""
        return cls(cache.cache_file(STATE_FILE_NAME))

    # reading ---------------------------------------------------------------
    def _load(self) -> dict[str, dict[str, Any]]:
        if self.path is None:
            return dict(self._memory)
        return _entries(cache.read_json(self.path))

    def get(self, key: str) -> Cooldown | None:
        """The cooldown in force for ``key``, or None when none is (or it has expired)."""
        entry = self._load().get(key)
        cooldown = None if entry is None else _cooldown(key, entry)
        if cooldown is None:
            return None
        return cooldown if cooldown.remaining(self._now()) > 0 else None

    # writing ---------------------------------------------------------------
    def record(self, key: str, code: str, observed_at: float | None = None) -> Cooldown:
        """Record a failure observed now (or at ``observed_at``); keeps the later of two."""
        when = self._now() if observed_at is None else observed_at
        later: list[float] = [when]

        def change(entries: dict[str, dict[str, Any]]) -> None:
            existing = entries.get(key)
            if existing is not None and _epoch(existing) >= when:
                later[0] = _epoch(existing)
            entries[key] = {
                "code": code,
                "observed_at_epoch": later[0],
                "seconds": self.seconds,
                "observed_at": iso(later[0]),
            }

        self._update(change)
        return Cooldown(key, code, later[0], self.seconds)

    def clear(self, key: str) -> None:
        """Forget ``key`` (the function was restored)."""
        self._update(lambda entries: entries.pop(key, None))

    def _update(self, change: Callable[[dict[str, dict[str, Any]]], object]) -> None:
        """Apply ``change`` to the file under its lock; in memory when the cache is
        unusable (after the run's one warning), so this run still remembers it."""
        if self.path is not None:

            def apply(document: Any) -> dict[str, Any]:
                now = self._now()
                # Drop entries long expired so the file never grows without bound.
                entries = {
                    k: v
                    for k, v in _entries(document).items()
                    if _epoch(v) + 2 * self.seconds > now
                }
                change(entries)
                return {"version": 1, "cooldowns": entries}

            if cache.update_json(self.path, apply, limit=cache.MAX_CACHE_FILE_BYTES):
                return
            self.path = None  # go on without the cache for the rest of the run
        change(self._memory)


def _entries(document: Any) -> dict[str, dict[str, Any]]:
    """The well-formed entries of a cooldowns document (anything else reads as none)."""
    if not isinstance(document, dict) or not isinstance(document.get("cooldowns"), dict):
        return {}
    return {
        k: v
        for k, v in document["cooldowns"].items()
        if isinstance(k, str) and isinstance(v, dict) and _cooldown(k, v) is not None
    }


def _cooldown(key: str, entry: dict[str, Any]) -> Cooldown | None:
    """The entry as a Cooldown, or None when a value is missing, non-finite or absurd."""
    code = entry.get("code")
    observed = cache.number(entry.get("observed_at_epoch"), 0, LATEST_EPOCH)
    seconds = cache.number(entry.get("seconds", COOLDOWN_SECONDS), 0, MAX_SECONDS)
    if not isinstance(code, str) or len(code) > 200 or observed is None or seconds is None:
        return None
    return Cooldown(key, code, observed, seconds)


def _epoch(entry: dict[str, Any]) -> float:
    return cache.number(entry.get("observed_at_epoch"), 0, LATEST_EPOCH) or 0.0
