"""Labelled rows wrapped at word boundaries, as plain lines (no trailing spaces, no
word broken in two): ``  Label       value that goes on`` and continues aligned."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

LABEL_WIDTH = 11
INDENT = "  "
MIN_TEXT_WIDTH = 30  # a very narrow terminal still gets readable lines


def labelled_lines(rows: Sequence[tuple[str, str]], width: int) -> list[str]:
    """``rows`` as lines at most ``width`` wide (a word longer than that stays whole);
    a line break in a value starts a new line, aligned."""
    hang = " " * (len(INDENT) + LABEL_WIDTH + 1)
    text_width = max(MIN_TEXT_WIDTH, width - len(hang))
    lines = []
    for label, value in rows:
        wrapped = [
            line
            for paragraph in value.splitlines()
            for line in textwrap.wrap(
                paragraph, text_width, break_long_words=False, break_on_hyphens=False
            )
        ] or [""]
        lines.append(f"{INDENT}{label:<{LABEL_WIDTH}} {wrapped[0]}".rstrip())
        lines.extend(f"{hang}{rest}" for rest in wrapped[1:])
    return lines
