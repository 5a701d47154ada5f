"""How long each function's operations took before, kept beside the cooldown memory.

One small JSON file (``history.json`` in the cache directory) records, per
function (keyed by Region and ARN, so the account is in it) and kind of
operation, the last few durations and outcomes. :meth:`HistoryStore.predict`
turns the successful ones into a :class:`~lambda_wait.schedule.Prediction`.

The file is bounded (:data:`MAX_FUNCTIONS` functions, :data:`PER_KIND` runs each),
written atomically under an exclusive ``flock`` (concurrent writers merge, none
loses the file), and a missing, empty, corrupt or oversized file reads as no
history: a wait never fails because of it (:mod:`lambda_wait.cache`: one warning,
a corrupt file set aside, every value checked).
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lambda_wait import cache
from lambda_wait.schedule import OperationKind, Prediction

HISTORY_FILE_NAME = "history.json"
NO_HISTORY_ENV = "LAMBDA_WAIT_NO_HISTORY"
MAX_FUNCTIONS = 500
PER_KIND = 5
MAX_FILE_BYTES = 4_000_000  # a full file is under 2 MB: anything bigger is not ours
# Runs repeated on the same function take about as long: assume +-10 % until they disagree.
MIN_RELATIVE_SPREAD = 0.10
MIN_SPREAD_SECONDS = 0.25
MAX_SECONDS = 86_400.0  # an operation longer than a day is not one we recorded
LATEST_EPOCH = 4_102_444_800.0  # 2100-01-01: a later (or non-finite) time is not a time

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
        """The file in the cache directory, or memory when the cache is off or unusable."""
        return cls(cache.cache_file(HISTORY_FILE_NAME))

    # reading ---------------------------------------------------------------
    def _load(self) -> dict[str, Entry]:
        if self.path is None:
            copy: dict[str, Entry] = json.loads(json.dumps(self._memory))  # as from disk
            return copy
        return _functions(cache.read_json(self.path, MAX_FILE_BYTES))

    def durations(self, key: str, kind: OperationKind) -> list[float]:
        """The recorded durations of successful ``kind`` operations of ``key``, oldest first."""
        entry = self._load().get(key) or {}
        runs = entry.get(str(kind))
        out: list[float] = []
        for run in runs if isinstance(runs, list) else []:
            if not isinstance(run, dict) or run.get("outcome") != "ready":
                continue
            seconds = cache.number(run.get("seconds"), 0, MAX_SECONDS)
            if seconds is not None and seconds > 0:
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
        at = self._wall()

        def change(functions: dict[str, Entry]) -> None:
            entry = functions.get(key)
            if not isinstance(entry, dict):
                entry = {}
            runs = entry.get(str(kind))
            runs = [r for r in runs if isinstance(r, dict)] if isinstance(runs, list) else []
            runs.append({"seconds": round(seconds, 3), "outcome": outcome, "at": at})
            entry[str(kind)] = runs[-PER_KIND:]
            entry["at"] = at
            functions[key] = entry
            if len(functions) > MAX_FUNCTIONS:  # forget the functions seen longest ago
                oldest = sorted(functions, key=lambda k: _at(functions[k]))
                for stale in oldest[: len(functions) - MAX_FUNCTIONS]:
                    del functions[stale]

        if self.path is not None:

            def apply(document: Any) -> dict[str, Any]:
                functions = _functions(document)
                change(functions)
                return {"version": 1, "functions": functions}

            if cache.update_json(self.path, apply, limit=MAX_FILE_BYTES):
                return
            self.path = None  # go on without the cache for the rest of the run
        change(self._memory)


def _functions(document: Any) -> dict[str, Entry]:
    """The per-function entries of a history document (anything else reads as none)."""
    functions = document.get("functions") if isinstance(document, dict) else None
    if not isinstance(functions, dict):
        return {}
    return {k: v for k, v in functions.items() if isinstance(k, str) and isinstance(v, dict)}


def _at(entry: Any) -> float:
    """When ``entry`` was last written; 0 (forgotten first) when absent or absurd."""
    value = entry.get("at") if isinstance(entry, dict) else None
    return cache.number(value, 0, LATEST_EPOCH) or 0.0
