"""The one theme: every style lambda-wait's output uses, by what it means.
Style strings only (rich parses them), so this module imports no rich."""

from __future__ import annotations

from lambda_wait.states import Phase

PHASE_STYLE = {
    Phase.READY: "green",
    Phase.IN_PROGRESS: "yellow",
    Phase.FAILED: "bold red",
    Phase.UPDATE_FAILED: "bold red",
    Phase.INACTIVE: "magenta",
    Phase.DELETING: "red",
    Phase.OTHER: "yellow",
}

ERROR = "bold red"  # the "lambda-wait: error:" prefix
GOOD = "green"  # a ready result, a finished row's mark
BAD = "red"  # any other result, a failed row's mark
NAME = "bold"  # a function's name
LABEL = "dim"  # the label column of a detail block
QUIET = "dim"  # notes, timings
SPINNER = "cyan"
HEADING = "bold"  # a section of the demo's narration
COMMAND = "cyan"  # a command line shown as typed
