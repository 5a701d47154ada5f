"""What stdout carries: ``--output``'s modes; and ``--ci-format``'s choices for stderr's
progress display. Pure and light (the CLI reads it for ``--help``); each mode's renderer
is registered in :mod:`lambda_wait.ui.modes`, each display is chosen in
:mod:`lambda_wait.ui.display`."""

from __future__ import annotations

from enum import StrEnum

# --ci-format: auto (decided by ui.display.resolve_display), or a display by name.
CI_FORMATS = ("auto", "plain", "github")


class OutputMode(StrEnum):
    """What stdout carries (``--output``); each value's help is :data:`OUTPUT_HELP`'s."""

    TEXT = "text"  # the result for people: a summary, a table
    JSON = "json"  # exactly one JSON document, at the end (docs/json-output.md)
    NDJSON = "ndjson"  # one JSON object per event as it happens, then that document


OUTPUT_HELP = {
    OutputMode.TEXT: "the result for people",
    OutputMode.JSON: "exactly one JSON document on stdout (also on failure)",
    OutputMode.NDJSON: "one JSON line per event as it happens, then that document "
    "(no progress on stderr)",
}


def output_help() -> str:
    """``--output``'s help: one clause per mode."""
    return "; ".join(f"{mode.value}: {OUTPUT_HELP[mode]}" for mode in OutputMode) + "."
