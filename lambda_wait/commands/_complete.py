"""``--alias``'s shell completion: the aliases of the function named on the line
(:mod:`lambda_wait.usecases.completion` reads them; best effort, silent)."""

from __future__ import annotations

import os

import click


def alias_items(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    """``--alias``'s ``shell_complete``: the aliases of the function named on the line."""
    function = _function_on_line(ctx)
    if function is None:
        return []
    from lambda_wait.usecases.completion import alias_names

    return alias_names(ctx.find_root().params | ctx.params, function, incomplete)


def _function_on_line(ctx: click.Context) -> str | None:
    """The function named so far: its option or argument, as Click parsed it, else the
    word right after the command (Click leaves a positional argument unparsed while an
    option's value is being completed; every shell's script passes the words)."""
    for key in ("function_name", "function", "functions", "function_names"):
        value = ctx.params.get(key)
        if isinstance(value, list | tuple):
            value = value[0] if value else None
        if value:
            return str(getattr(value, "given", value))
    words = os.environ.get("COMP_WORDS", "").split()
    if len(words) > 2 and words[1] == ctx.info_name and not words[2].startswith("-"):
        return words[2]
    return None
