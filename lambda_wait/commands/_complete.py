"""Shell completion of names, as kubectl completes resource names: function names (one
ListFunctions, cached for a minute in the cache directory) and, for ``--alias``, the
aliases of the function given on the line (ListAliases). Best effort: any problem (no
credentials, no network, no region, a slow answer) completes nothing, silently; the
shell never sees a traceback or a warning.

Cheap to import (``options.py`` names it at start-up); AWS is imported only when a
completion runs.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import time
from typing import Any

import click
from click.shell_completion import CompletionItem

CACHE_NAME = "completion-functions.json"
CACHE_SECONDS = 60.0
TIME_LIMIT = 3.0  # seconds: a completion slower than this is not worth waiting for


def function_items(
    self: Any, ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """``shell_complete`` of the function parameter types: the Region's function names
    that start with what is typed."""
    names = _quietly(lambda: _function_names(ctx))
    return [CompletionItem(name) for name in names if name.startswith(incomplete)]


def alias_items(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    """``--alias``'s ``shell_complete``: the aliases of the function named on the line."""
    function = _function_on_line(ctx)
    if function is None:
        return []
    names = _quietly(lambda: [str(a.get("Name")) for a in _api(ctx).list_aliases(function)])
    return [name for name in names if name.startswith(incomplete)]


def _quietly(read: Any) -> list[str]:
    """``read()``, or nothing: whatever goes wrong, and whatever a library would print,
    stays out of the shell."""
    with contextlib.redirect_stderr(io.StringIO()):
        try:
            return list(read())
        except Exception:
            return []


def _function_on_line(ctx: click.Context) -> str | None:
    """The function named so far: its option or argument, as Click parsed it, else the
    word right after the command (Click leaves a positional argument unparsed while an
    option's value is being completed; every shell's script passes the words)."""
    params = ctx.params
    for key in ("function_name", "function", "functions", "function_names"):
        value = params.get(key)
        if isinstance(value, list | tuple):
            value = value[0] if value else None
        if value:
            return str(getattr(value, "given", value))
    words = os.environ.get("COMP_WORDS", "").split()
    if len(words) > 2 and words[1] == ctx.info_name and not words[2].startswith("-"):
        return words[2]
    return None


def _api(ctx: click.Context) -> Any:
    from lambda_wait.aws import AwsSettings, make_api
    from lambda_wait.clock import Deadline, SystemClock

    params = ctx.find_root().params | ctx.params
    settings = AwsSettings(params.get("region"), params.get("profile"), params.get("endpoint_url"))
    deadline = Deadline(SystemClock(), TIME_LIMIT)
    return make_api(settings, credentials_by=deadline).bounded_by(deadline)


def _function_names(ctx: click.Context) -> list[str]:
    """The Region's function names: from the cache when read within the last minute,
    else one ListFunctions (its pages), then cached."""
    from lambda_wait.cache import cache_file, read_json, write_atomic

    params = ctx.find_root().params | ctx.params
    key = "|".join(str(params.get(k) or "") for k in ("region", "profile", "endpoint_url"))
    path = cache_file(CACHE_NAME)
    cached = read_json(path) if path is not None and path.exists() else None
    entry = cached.get(key) if isinstance(cached, dict) else None
    now = time.time()
    if isinstance(entry, dict) and 0 <= now - float(entry.get("at", 0)) < CACHE_SECONDS:
        return [str(name) for name in entry.get("names") or []]
    names = sorted(str(f["FunctionName"]) for f in _api(ctx).list_functions())
    if path is not None:
        kept = {k: v for k, v in (cached or {}).items() if k != key} if cached else {}
        kept[key] = {"at": now, "names": names}
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, json.dumps(kept).encode())
    return names
