"""Fitting a table's columns to the terminal, as gh and kubectl do: the least telling
columns are cut first (with an ellipsis at their end), and the FUNCTION column, when it
must be cut at all, keeps its end (``…service-handler-00:live``), which tells rows
apart. Without a terminal the width is unbounded and nothing is cut."""

from __future__ import annotations

from collections.abc import Sequence, Set
from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size

if TYPE_CHECKING:
    from lambda_wait.release.actions import VersionsResult

GAP = 2  # cells between two columns
FLOOR = 6  # no column is cut below this (nor below its header)


def widths(
    rows: Sequence[Sequence[str]],
    width: int,
    cut_order: Sequence[int],
    droppable: int | None = None,
) -> list[int]:
    """Each column's width so that a row fits ``width`` cells: the columns of
    ``cut_order`` give up cells in that order (the first is cut first), each down to
    its floor; the rest keep their natural width. ``droppable`` (first in
    ``cut_order``) is left out (width 0) rather than cut below its floor."""
    natural = [max(cell_len(row[i]) for row in rows) for i in range(len(rows[0]))]
    fitted = list(natural)
    excess = sum(fitted) + GAP * (len(fitted) - 1) - width
    for column in cut_order:
        if excess <= 0:
            break
        floor = min(natural[column], max(FLOOR, cell_len(rows[0][column])))
        give = min(excess, fitted[column] - floor)
        fitted[column] -= give
        excess -= give
        if column == droppable and excess > 0:
            excess -= fitted[column] + GAP
            fitted[column] = 0
    return fitted


def cut_end(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, cut at its end with an ellipsis."""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, max(0, width - 1)).rstrip() + "…"


def cut_start(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, cut at its start with an ellipsis: for a
    function name, whose end (a number, a ``:qualifier``) tells it from its siblings."""
    if cell_len(text) <= width:
        return text
    keep = text
    while keep and cell_len(keep) > width - 1:
        keep = keep[1:]
    return "…" + keep


def line(
    cells: Sequence[str], fitted: Sequence[int], name_column: int = 0, right: Set[int] = frozenset()
) -> str:
    """One row: each cell cut to its column (the name keeps its end) and padded (on the
    left for the columns of ``right``); a column of width 0 is left out."""
    shown = []
    for i, (cell, w) in enumerate(zip(cells, fitted, strict=True)):
        if w == 0:
            continue  # a column left out
        cut = cut_start(cell, w) if i == name_column else cut_end(cell, w)
        pad = " " * (w - cell_len(cut))
        shown.append(pad + cut if i in right else cut + pad)
    return (" " * GAP).join(shown).rstrip()


def versions_lines(result: VersionsResult, width: int) -> list[str]:
    """``versions`` in ``width`` cells: LAST MODIFIED gives way first, then the image
    digest, then the aliases."""
    rows = result.table()
    last = len(rows[0]) - 1
    fitted = widths(rows, width, [last, *([4] if last == 5 else []), 1, 0])
    return result.lines([line(cells, fitted, right={2, 3}) for cells in rows])
