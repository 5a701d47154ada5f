"""Which progress display fits where the command runs, and whether to colour.
Pure: decided from the environment and whether stderr is a terminal. Each
display's renderer is registered in :mod:`lambda_wait.ui.modes` (stdout's modes,
``--output``, are :class:`lambda_wait.output_mode.OutputMode`).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from lambda_wait.output_mode import CI_FORMATS

__all__ = ["CI_FORMATS", "Display", "color_enabled", "resolve_display"]


class Display(StrEnum):
    """How progress is shown on stderr."""

    LIVE = "live"  # a rich live table, redrawn in place (stderr is a terminal, not CI)
    PLAIN = "plain"  # timestamped lines, one per state change, and a heartbeat
    GITHUB = "github"  # plain, inside ::group::, plus annotations and the GitHub files


def _set(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "") not in ("", "0", "false", "False")


def resolve_display(ci_format: str, *, stderr_is_terminal: bool, env: Mapping[str, str]) -> Display:
    """``--ci-format github`` or GITHUB_ACTIONS=true: GitHub; ``plain``, CI set or stderr
    not a terminal: plain lines; otherwise the live view."""
    if ci_format == "github" or (ci_format == "auto" and env.get("GITHUB_ACTIONS") == "true"):
        return Display.GITHUB
    if ci_format == "plain" or _set(env, "CI") or not stderr_is_terminal:
        return Display.PLAIN
    return Display.LIVE


def color_enabled(*, no_color: bool, is_terminal: bool, env: Mapping[str, str]) -> bool:
    """Colour only for a terminal (or when FORCE_COLOR asks), never with --no-color or
    NO_COLOR (https://no-color.org: any non-empty value)."""
    if no_color or env.get("NO_COLOR", ""):
        return False
    return is_terminal or _set(env, "FORCE_COLOR")
