"""Names for shell completion, as kubectl completes resource names: the Region's
function names (one ListFunctions, cached for a minute in the cache directory) and a
function's alias names (ListAliases). Best effort: any problem (no credentials, no
network, no region, an answer slower than :data:`TIME_LIMIT`) gives no names, silently;
the shell never sees a traceback or a warning. Without Click: the parsed options in,
names out (``options.py`` and ``commands/_complete.py`` are the Click side)."""

from __future__ import annotations

import contextlib
import io
import json
import time
from collections.abc import Callable, Mapping
from typing import Any

CACHE_NAME = "completion-functions.json"
CACHE_SECONDS = 60.0
TIME_LIMIT = 3.0  # seconds: a completion slower than this is not worth waiting for


def function_names(params: Mapping[str, Any], incomplete: str) -> list[str]:
    """The Region's function names that start with ``incomplete``."""
    names = _quietly(lambda: _function_names(params))
    return [name for name in names if name.startswith(incomplete)]


def alias_names(params: Mapping[str, Any], function: str, incomplete: str) -> list[str]:
    """``function``'s alias names that start with ``incomplete``."""
    names = _quietly(lambda: [str(a.get("Name")) for a in _api(params).list_aliases(function)])
    return [name for name in names if name.startswith(incomplete)]


def _quietly(read: Callable[[], list[str]]) -> list[str]:
    """``read()``, or nothing: whatever goes wrong, and whatever a library would print,
    stays out of the shell."""
    with contextlib.redirect_stderr(io.StringIO()):
        try:
            return list(read())
        except Exception:
            return []


def _api(params: Mapping[str, Any]) -> Any:
    from lambda_wait.aws import AwsSettings, make_api
    from lambda_wait.clock import Deadline, SystemClock

    settings = AwsSettings(params.get("region"), params.get("profile"), params.get("endpoint_url"))
    deadline = Deadline(SystemClock(), TIME_LIMIT)
    return make_api(settings, credentials_by=deadline).bounded_by(deadline)


def _function_names(params: Mapping[str, Any]) -> list[str]:
    """From the cache when listed within the last minute (for the same region, profile
    and endpoint), else one ListFunctions (its pages), then cached."""
    from lambda_wait.cache import begin_run, cache_file, read_json, write_atomic

    begin_run(disabled=bool(params.get("no_cache")))  # a completion is a run of its own
    key = "|".join(str(params.get(k) or "") for k in ("region", "profile", "endpoint_url"))
    path = cache_file(CACHE_NAME)
    cached = read_json(path) if path is not None else None
    entries = cached if isinstance(cached, dict) else {}
    entry = entries.get(key)
    now = time.time()
    if isinstance(entry, dict) and 0 <= now - float(entry.get("at", 0)) < CACHE_SECONDS:
        return [str(name) for name in entry.get("names") or []]
    names = sorted(str(f["FunctionName"]) for f in _api(params).list_functions())
    if path is not None:
        entries = {**entries, key: {"at": now, "names": names}}
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, json.dumps(entries).encode())
    return names
