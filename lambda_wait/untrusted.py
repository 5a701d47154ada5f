"""Text that comes from AWS is untrusted. Pure (no boto3, botocore, click or rich).

A StateReason, an error message or any string field of an answer reaches a terminal,
a CI log or a GitHub workflow command. :func:`clean` makes it safe for all three, at
the point where it enters the tool: escape and control sequences are removed (an
``ESC[2J`` would clear the user's terminal), a line that would be read as a workflow
command (``::error::``, ``::add-mask::``, ...) is neutralised, and the length is
capped with a note.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import Any, TypeVar, cast

T = TypeVar("T")

MIN_SECRET = 8  # characters: shorter values are not scrubbed (see scrub)
MAX_AWS_TEXT = 2000  # characters kept of one AWS string (a reason can be a million lines)

# ANSI/VT sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \\), other ESC x.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\\\)?"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x1b[@-_]?"
)
# Any other control character but newline and tab (C0, DEL, C1), and the line and
# paragraph separators some terminals and log viewers break lines at.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
# A workflow command is a line starting with "::" (the runner trims leading blanks).
_WORKFLOW = re.compile(r"^(\s*):(?=:)", re.MULTILINE)
# The note a cut leaves, so that cleaning cleaned text again keeps it as it is.
_CUT = re.compile(r"\.\.\. \(\d+ more characters cut\)\Z")


def clean(text: str, limit: int = MAX_AWS_TEXT, *, single_line: bool = False) -> str:
    """``text`` safe to print anywhere: no escape or control sequences, no workflow
    command at a line start, at most ``limit`` characters (a note says how many more).
    ``single_line`` joins its lines with spaces (a field shown after a label: a line of
    its own could start anywhere in what the tool prints around it)."""
    text = _ESCAPES.sub("", str(text))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub("", text)
    if single_line:
        text = " ".join(part.strip() for part in text.splitlines() if part.strip())
    # "::x" -> ":<zero-width space>:x": reads the same, is no workflow command.
    text = _WORKFLOW.sub(lambda m: m.group(1) + ":\u200b", text)
    if len(text) > limit and not (_CUT.search(text) and len(text) <= limit + 60):
        text = text[:limit] + f"... ({len(text) - limit} more characters cut)"
    return text


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every known secret value replaced by ``***`` (an error message
    Lambda echoes back can quote the environment variables). Values under
    :data:`MIN_SECRET` characters are left alone: ``hello`` or ``prod`` is no secret,
    and replacing it would mangle names that contain it (``hello-vpc-errors``)."""
    values = sorted((v for v in secrets if len(v) >= MIN_SECRET), key=len, reverse=True)
    for value in values:
        text = text.replace(value, "***")
    return text


# The secret values this run knows (a deploy's environment values): every output mode
# scrubs them where it is produced (ui/envelope.py, ui/github.py), whatever field
# carries them, so a message Lambda quotes back is masked in JSON and summaries too.
_KNOWN: set[str] = set()
_KNOWN_LOCK = threading.Lock()


def remember_secrets(values: Iterable[str]) -> None:
    """Add values every output of this run must mask (see :func:`scrub_known`)."""
    with _KNOWN_LOCK:
        _KNOWN.update(v for v in values if len(v) >= MIN_SECRET)


def forget_secrets() -> None:
    """A new run starts (the CLI's options call it): nothing is known yet."""
    with _KNOWN_LOCK:
        _KNOWN.clear()


def scrub_known(value: T) -> T:
    """``value`` with every remembered secret masked in every string, at any depth of
    dicts, lists and tuples (a JSON document, a summary's text)."""
    with _KNOWN_LOCK:
        secrets = list(_KNOWN)
    return cast("T", _scrub_tree(value, secrets)) if secrets else value


def _scrub_tree(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, str):
        return scrub(value, secrets)
    if isinstance(value, dict):
        return {_scrub_tree(k, secrets): _scrub_tree(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_scrub_tree(v, secrets) for v in value)
    return value
