"""How long each function's operations took before, kept beside the cooldown memory.

One small JSON file (``history.json`` in the cache directory) records, per
function (keyed by Region and ARN, so the account is in it) and kind of
operation, the last few durations and outcomes. :meth:`HistoryStore.predict`
turns the successful ones into a :class:`~lambda_wait.schedule.Prediction`.

The file is bounded (:data:`MAX_FUNCTIONS` functions, :data:`PER_KIND` runs each),
written atomically under an exclusive ``flock`` (concurrent writers merge, none
loses the file), and a missing, empty, corrupt or oversized file reads as no
history: a wait never fails because of it.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lambda_wait.cooldown import cache_dir, read_cache_file
from lambda_wait.schedule import OperationKind, Prediction

HISTORY_FILE_NAME = "history.json"
NO_HISTORY_ENV = "LAMBDA_WAIT_NO_HISTORY"
MAX_FUNCTIONS = 500
PER_KIND = 5
MAX_FILE_BYTES = 4_000_000  # a full file is under 2 MB: anything bigger is not ours
# Runs repeated on the same function take about as long: assume +-10 % until they disagree.
MIN_RELATIVE_SPREAD = 0.10
MIN_SPREAD_SECONDS = 0.25

Entry = dict[str, Any]


def history_key(function_arn: str | None, function_name: str, region: str | None) -> str:
    """Region and ARN (which carries the account), like the cooldown memory's key."""
    return f"{region or '-'}|{function_arn or function_name}"


def history_disabled(environ: dict[str, str] | None = None) -> bool:
    """True when ``LAMBDA_WAIT_NO_HISTORY`` is set to anything but 0/false/empty."""
    value = (os.environ if environ is None else environ).get(NO_HISTORY_ENV, "")
    return value.strip().lower() not in ("", "0", "false", "no")


class HistoryStore:
    """Past operation durations, persisted in one JSON file; ``path=None`` keeps them in memory."""

    def __init__(self, path: Path | None, *, wall: Callable[[], float] = time.time) -> None:
        self.path = path
        self._wall = wall
        self._memory: dict[str, Entry] = {}

    @classmethod
    def default(cls) -> HistoryStore:
        return cls(cache_dir() / HISTORY_FILE_NAME)

    # reading ---------------------------------------------------------------
    def _load(self) -> dict[str, Entry]:
        if self.path is None:
            copy: dict[str, Entry] = json.loads(json.dumps(self._memory))  # as from disk
            return copy
        try:
            data = json.loads(read_cache_file(self.path, MAX_FILE_BYTES))
        except (OSError, ValueError):  # missing, corrupt, huge or not a file (a FIFO)
            return {}  # missing or corrupt: start afresh, never fail a wait for it
        functions = data.get("functions") if isinstance(data, dict) else None
        if not isinstance(functions, dict):
            return {}
        return {k: v for k, v in functions.items() if isinstance(k, str) and isinstance(v, dict)}

    def durations(self, key: str, kind: OperationKind) -> list[float]:
        """The recorded durations of successful ``kind`` operations of ``key``, oldest first."""
        entry = self._load().get(key) or {}
        runs = entry.get(str(kind))
        out: list[float] = []
        for run in runs if isinstance(runs, list) else []:
            try:
                seconds, outcome = float(run["seconds"]), str(run["outcome"])
            except (KeyError, TypeError, ValueError):
                continue
            if outcome == "ready" and 0 < seconds < 86_400:
                out.append(seconds)
        return out

    def predict(self, key: str, kind: OperationKind) -> Prediction | None:
        """What the last runs say this one will take, or None without a usable record."""
        runs = self.durations(key, kind)
        if not runs:
            return None
        median = statistics.median(runs)
        spread = max(
            MIN_RELATIVE_SPREAD * median, MIN_SPREAD_SECONDS, *(abs(r - median) for r in runs)
        )
        return Prediction(median, spread, samples=len(runs))

    # writing ---------------------------------------------------------------
    def record(self, key: str, kind: OperationKind, seconds: float, outcome: str) -> None:
        """Remember one observed operation (best effort: an unwritable cache is ignored)."""
        if kind is OperationKind.UNKNOWN or not 0 < seconds < 86_400:
            return
        with contextlib.suppress(OSError), self._locked() as functions:
            entry = functions.get(key)
            if not isinstance(entry, dict):
                entry = {}
            runs = entry.get(str(kind))
            runs = [r for r in runs if isinstance(r, dict)] if isinstance(runs, list) else []
            runs.append({"seconds": round(seconds, 3), "outcome": outcome, "at": self._wall()})
            entry[str(kind)] = runs[-PER_KIND:]
            entry["at"] = self._wall()
            functions[key] = entry
            if len(functions) > MAX_FUNCTIONS:  # forget the functions seen longest ago
                oldest = sorted(functions, key=lambda k: _at(functions[k]))
                for stale in oldest[: len(functions) - MAX_FUNCTIONS]:
                    del functions[stale]

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, Entry]]:
        if self.path is None:
            yield self._memory
            return
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                functions = self._load()
                yield functions
                payload = json.dumps({"version": 1, "functions": functions}, separators=(",", ":"))
                fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".history.")
                try:
                    with os.fdopen(fd, "w", encoding="utf-8") as handle:
                        handle.write(payload)
                    os.replace(tmp, self.path)
                except BaseException:
                    with contextlib.suppress(OSError):
                        os.unlink(tmp)
                    raise
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def _at(entry: Any) -> float:
    try:
        return float(entry.get("at", 0))
    except (AttributeError, TypeError, ValueError):
        return 0.0
