"""The 5-minute cooldown and its memory across runs.

When restoring an Inactive function fails with InsufficientRolePermissions or
SubnetOutOfIPAddresses, Lambda waits at least five minutes before it tries to
create another network interface. lambda-wait never triggers another attempt
earlier than five minutes after it *observed* the failure (it cannot see when
Lambda itself saw it), and records what it observed in a small JSON file under
the user's cache directory so a pipeline re-running inside the window is told
at once, without touching the function.

The file is shared by concurrent runs: updates take an exclusive ``flock`` and
replace the file atomically; a missing or corrupt file reads as empty.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lambda_wait.reasons import COOLDOWN_SECONDS, lookup

STATE_FILE_NAME = "cooldowns.json"


def cache_dir() -> Path:
    """``$LAMBDA_WAIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/lambda-wait``, else
    ``~/.cache/lambda-wait``."""
    explicit = os.environ.get("LAMBDA_WAIT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lambda-wait"


# A cache file bigger than this is not ours (cooldowns.json holds a few KB).
MAX_CACHE_FILE_BYTES = 4_000_000


def read_cache_file(path: Path, limit: int = MAX_CACHE_FILE_BYTES) -> str:
    """The text of a cache file, read without ever blocking: a FIFO, device or
    socket put where the cache file should be (or swapped in after a check) raises
    OSError instead of hanging the wait, and a file over ``limit`` bytes raises
    ValueError. Both mean "start afresh" to the callers."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path} is not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{path} is over {limit} bytes")
    return data.decode("utf-8")


def configured_cooldown_seconds() -> float:
    """300 s, unless LAMBDA_WAIT_COOLDOWN_SECONDS says otherwise.

    Only for rehearsals against the sandbox, whose clock is scaled (the demo sets
    it to match); against real AWS a lower value would hammer Lambda.
    """
    raw = os.environ.get("LAMBDA_WAIT_COOLDOWN_SECONDS")
    try:
        return float(raw) if raw else float(COOLDOWN_SECONDS)
    except ValueError:
        return float(COOLDOWN_SECONDS)


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
        return cls(cache_dir() / STATE_FILE_NAME)

    # reading ---------------------------------------------------------------
    def _load(self) -> dict[str, dict[str, Any]]:
        if self.path is None:
            return dict(self._memory)
        try:
            data = json.loads(read_cache_file(self.path))
        except (OSError, ValueError):
            return {}  # missing, corrupt or not a file: start afresh, never fail a wait
        if not isinstance(data, dict) or not isinstance(data.get("cooldowns"), dict):
            return {}
        return {k: v for k, v in data["cooldowns"].items() if isinstance(v, dict)}

    def get(self, key: str) -> Cooldown | None:
        """The cooldown in force for ``key``, or None when none is (or it has expired)."""
        entry = self._load().get(key)
        if entry is None:
            return None
        try:
            cooldown = Cooldown(
                key,
                str(entry["code"]),
                float(entry["observed_at_epoch"]),
                float(entry.get("seconds", COOLDOWN_SECONDS)),
            )
        except (KeyError, TypeError, ValueError):
            return None
        return cooldown if cooldown.remaining(self._now()) > 0 else None

    # writing ---------------------------------------------------------------
    def record(self, key: str, code: str, observed_at: float | None = None) -> Cooldown:
        """Record a failure observed now (or at ``observed_at``); keeps the later of two."""
        when = self._now() if observed_at is None else observed_at
        with self._locked() as entries:
            existing = entries.get(key)
            if existing is not None and _epoch(existing) >= when:
                when = _epoch(existing)
            entries[key] = {
                "code": code,
                "observed_at_epoch": when,
                "seconds": self.seconds,
                "observed_at": iso(when),
            }
        return Cooldown(key, code, when, self.seconds)

    def clear(self, key: str) -> None:
        """Forget ``key`` (the function was restored)."""
        with self._locked() as entries:
            entries.pop(key, None)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, dict[str, Any]]]:
        if self.path is None:
            yield self._memory
            return
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_suffix(".lock")
        with open(lock_path, "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                entries = self._load()
                now = self._now()
                # Drop entries long expired so the file never grows without bound.
                entries = {k: v for k, v in entries.items() if _epoch(v) + 2 * self.seconds > now}
                yield entries
                payload = json.dumps({"version": 1, "cooldowns": entries}, indent=1)
                fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".cooldowns.")
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(payload)
                os.replace(tmp, self.path)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def _epoch(entry: dict[str, Any]) -> float:
    try:
        return float(entry.get("observed_at_epoch", 0))
    except (TypeError, ValueError):
        return 0.0
