"""The result blocks and tables of ``status`` and ``wait``, as rich renderables.
:class:`~lambda_wait.ui.output.Output` prints them; nothing here touches a stream."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from lambda_wait.errors import ExitCode, worst
from lambda_wait.reasons import DecodedReason
from lambda_wait.result import FunctionReport
from lambda_wait.serving.watch import ServingSnapshot
from lambda_wait.states import FunctionSnapshot, Phase
from lambda_wait.targets.base import Span
from lambda_wait.ui import fit, theme


def status_block(report: FunctionReport, now: float | None = None) -> list[RenderableType]:
    """``status``: a head line (name, phase, timing) and the details of one function;
    ``now`` (wall-clock seconds) makes the last change relative (``4 min ago``)."""
    snap = report.snapshot
    if snap is None:  # the error itself is on stderr (Output._function_errors)
        return [
            Text(f"{report.function}  ", style=theme.NAME)
            + Text(report.exit_code.label.upper(), style=theme.BAD)
        ]
    phase = report.assessment.phase if report.assessment else Phase.OTHER
    head = Text(f"{snap.function_name or report.function}", style=theme.NAME)
    if snap.version and snap.version != "$LATEST":
        head.append(f":{snap.version}", style=theme.NAME)
    head.append("  ")
    label = "cooldown" if report.exit_code is ExitCode.COOLDOWN else phase.value
    head.append(label.upper(), style=theme.PHASE_STYLE[phase])
    if report.elapsed is not None and report.polls is not None:
        head.append(f"  after {report.elapsed:.1f}s, {report.polls} reads", style=theme.QUIET)
    return [head, _details(report, snap, now)]


def _details(report: FunctionReport, snap: FunctionSnapshot, now: float | None) -> Table:
    table = _grid()
    table.add_row("State", state_text(snap))
    verdict = report.message or (report.assessment.summary if report.assessment else "")
    if report.message or ":" in verdict:  # only when it says more than the State row
        table.add_row("Verdict", verdict)
    state_reason, update_reason = snap.state_decoded, snap.update_decoded
    if (
        state_reason is not None
        and update_reason is not None
        and (
            state_reason.code == update_reason.code
            and state_reason.aws_message == update_reason.aws_message
        )
    ):
        reason_rows(table, "Reason", state_reason)  # the same reason twice: once
    else:
        for label, decoded in (("State reason", state_reason), ("Update reason", update_reason)):
            if decoded is not None:
                reason_rows(table, label, decoded)
    kind = snap.package_type or "?"
    if snap.runtime:
        kind += f" {snap.runtime}"
    table.add_row("Package", kind)
    modified = snap.last_modified or "-"
    ago = relative_time(snap.last_modified, now)
    table.add_row("Last modified", f"{modified} ({ago})" if ago else modified)
    table.add_row("Version", snap.version or "-")
    table.add_row("CodeSha256", snap.code_sha256 or "-")
    table.add_row(
        "VPC", f"yes ({snap.vpc_id})" if snap.vpc_id else ("yes" if snap.in_vpc else "no")
    )
    if snap.environment_keys:
        table.add_row("Environment", ", ".join(snap.environment_keys) + " (values hidden)")
    if snap.function_arn:
        table.add_row("ARN", snap.function_arn)
    if report.serving is not None:
        serving_rows(table, report.serving)
    for note in report.notes:
        table.add_row("Note", note)
    return table


def outcome(report: FunctionReport) -> str:
    """A function's result in a table: its exit status, but "in-progress" for one read
    while still in progress (exit 3 without a wait that timed out: ``status``)."""
    if report.exit_code is ExitCode.TIMEOUT and not report.timed_out:
        return "in-progress"
    return report.exit_code.label


def status_table(
    reports: Sequence[FunctionReport],
    *,
    wide: bool = False,
    now: float | None = None,
    width: int = 100,
) -> list[RenderableType]:
    """``status`` of several functions: one line each (what it is doing, why, and
    the first words of what to do, cut to ``width``), then one line of totals.
    ``wide`` adds the package, the last change (relative) and the VPC."""
    header = ["FUNCTION", "RESULT", "STATE", "UPDATE", "REASON"]
    if wide:
        header += ["PACKAGE", "MODIFIED", "VPC"]
    header.append("WHAT TO DO")
    rows: list[list[str]] = []
    results: list[ExitCode] = []
    labels: list[str] = []
    seen: set[str] = set()
    for report in reports:
        if report.function in seen:
            continue  # named twice (or named and selected): one line
        seen.add(report.function)
        cells = _status_cells(report, wide, now)
        rows.append(cells)
        results.append(report.exit_code)
        labels.append(outcome(report))
    last = len(header) - 1
    # WHAT TO DO gives way first (whole in `status NAME`), left out rather than cut to
    # a stub; then the reason, the extra columns, the name (at its start); State and
    # LastUpdateStatus last: short words that are read whole.
    cut_order = [last, 4, *([7, 6, 5] if wide else []), 0, 3, 2]
    fitted = fit.widths([header, *rows], width, cut_order, droppable=last)
    shown: list[RenderableType] = [Text(fit.line(header, fitted), style=theme.LABEL)]
    for row, code in zip(rows, results, strict=True):
        text = Text(fit.line(row, fitted))
        start = fitted[0] + fit.GAP  # the RESULT column
        style = theme.GOOD if code is ExitCode.READY else theme.BAD
        text.stylize(theme.NAME, 0, min(fitted[0], len(row[0])))
        text.stylize(style, start, start + min(fitted[1], len(row[1])))
        shown.append(text)
    shown.append(_totals(results, labels))
    return shown


def _status_cells(report: FunctionReport, wide: bool, now: float | None) -> list[str]:
    """One function's row in ``status``'s table."""
    snap = report.snapshot
    reason = report.reason()
    cells = [
        report.function,
        outcome(report),
        (snap.state or "-") if snap else "-",
        (snap.last_update_status or "-") if snap else "-",
        (reason.code or "-") if reason else "-",
    ]
    if wide:
        kind = "-"
        if snap is not None:
            kind = " ".join(p for p in (snap.package_type, snap.runtime) if p) or "-"
        ago = relative_time(snap.last_modified, now) if snap else None
        vpc = ("yes" if snap.in_vpc or snap.vpc_id else "no") if snap else "-"
        cells += [kind, ago or "-", vpc]
    cells.append(_first_sentence(_todo(report)))
    return cells


def _totals(results: list[ExitCode], labels: list[str]) -> Text:
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    worst_code = worst(results)
    worst_label = labels[results.index(worst_code)] if results else worst_code.label
    tally = ", ".join(f"{n} {label}" for label, n in counts.items())
    return Text(f"{len(labels)} functions: {tally}; exit {int(worst_code)} ({worst_label})")


def _todo(report: FunctionReport) -> str:
    if report.exit_code is ExitCode.READY:
        return ""
    reason = report.reason()
    if reason is not None and reason.remedy:
        return reason.remedy
    if report.error is not None:  # the message is on stderr; the advice fits the table
        return report.error.hint or "see the error above"
    return report.summary() or ""


def _first_sentence(text: str) -> str:
    """The first sentence (the rest is in ``status NAME``), without a trailing period."""
    end = text.find(". ")
    return (text if end < 0 else text[:end]).rstrip(".")


def relative_time(timestamp: str | None, now: float | None) -> str | None:
    """``LastModified`` (``2026-01-01T00:00:00.000+0000``) as ``4 min ago``."""
    if not timestamp or now is None:
        return None
    try:
        then = datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
    except ValueError:
        try:
            then = datetime.fromisoformat(timestamp).timestamp()
        except ValueError:
            return None
    seconds = now - then
    if seconds < 0:
        return "in the future"
    for unit, size in (("day", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            count = int(seconds // size)
            label = f"{unit}s" if unit == "day" and count > 1 else unit
            return f"{count} {label} ago"
    return "just now"


def summary_table(reports: Sequence[FunctionReport], width: int = 100) -> list[RenderableType]:
    """``wait`` (at the end): one row per function, cut to ``width`` (REASON first, the
    name last and at its start), then the worst outcome if several."""
    header = ["FUNCTION", "RESULT", "STATE", "UPDATE", "REASON", "TIME"]
    rows: list[list[str]] = []
    for report in reports:
        snap = report.snapshot
        reason = report.reason()
        rows.append(
            [
                report.function,
                report.exit_code.label,
                (snap.state or "-") if snap else "-",
                (snap.last_update_status or "-") if snap else "-",
                (reason.code or "") if reason else "",
                duration_text(report.elapsed) if report.elapsed is not None else "",
            ]
        )
    fitted = fit.widths([header, *rows], width, [4, 0, 3, 2])
    table = Table(show_edge=False, box=None, pad_edge=False)
    for column, w in zip(header, fitted, strict=True):
        table.add_column(column, width=w, no_wrap=True, overflow="ellipsis")
    for report, row in zip(reports, rows, strict=True):
        style = theme.GOOD if report.exit_code is ExitCode.READY else theme.BAD
        cells = [fit.cut_start(row[0], fitted[0])]
        cells += [fit.cut_end(cell, w) for cell, w in zip(row[1:], fitted[1:], strict=True)]
        table.add_row(cells[0], Text(cells[1], style=style), *cells[2:])
    shown: list[RenderableType] = [table]
    code = worst([report.exit_code for report in reports])
    if len(reports) > 1:
        shown.append(Text(f"exit {int(code)} ({code.label}): worst of {len(reports)}"))
    return shown


def explanation(report: FunctionReport) -> list[RenderableType]:
    """Why a function is not ready and what to do (nothing for a ready one)."""
    if report.exit_code is ExitCode.READY or (report.error is not None and not report.notes):
        return []  # an error is said on stderr (Output._function_errors), not here
    text = Text(f"{report.function}: ", style=theme.NAME)
    text.append(report.message or (report.assessment.summary if report.assessment else ""))
    reason = report.reason()
    table = _grid()
    if reason is not None:
        reason_rows(table, "Reason", reason)
    for note in report.notes:
        table.add_row("Note", note)
    return [text, table] if reason is not None or report.notes else [text]


def reason_rows(table: Table, label: str, decoded: DecodedReason) -> None:
    """A decoded reason: code and title, AWS's words, meaning, remedy, caveats."""
    code = decoded.code or "-"
    title = decoded.title if decoded.known else "unknown reason code (shown verbatim)"
    table.add_row(label, Text(f"{code}: {title}"))
    if decoded.aws_message:
        table.add_row("  AWS says", decoded.aws_message)
    if decoded.info is not None:
        table.add_row("  Meaning", decoded.info.meaning)
        table.add_row("  What to do", decoded.info.remedy)
        flags = []
        if decoded.info.transient:
            flags.append("transient: retrying may succeed")
        if decoded.info.cooldown:
            flags.append("Lambda waits at least 5 minutes before it retries")
        if flags:
            table.add_row("  Note", "; ".join(flags))


def duration_text(seconds: float) -> str:
    """Seconds as people read them: ``3.0s``, ``1m 35s``, ``1h 02m``."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def state_text(snap: FunctionSnapshot) -> Text:
    text = Text(snap.state or "(no State)")
    if snap.last_update_status:
        text.append(f" / LastUpdateStatus {snap.last_update_status}")
    return text


def _grid() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style=theme.LABEL)
    table.add_column()
    return table


def serving_rows(table: Table, serving: ServingSnapshot) -> None:
    """Every serving target read (provisioned concurrency, mappings, ...): its rows,
    as the target gives them (:meth:`ServingTarget.rows`)."""
    for row in serving.rows():
        if row.reason is not None:
            reason_rows(table, row.label, row.reason)
        else:
            table.add_row(row.label, _spans(row.spans))


def _spans(spans: Sequence[Span]) -> Text:
    text = Text()
    for span in spans:
        if span.phase is not None:
            text.append(span.text, style=theme.PHASE_STYLE[span.phase])
        elif span.quiet:
            text.append(span.text, style=theme.QUIET)
        else:
            text.append(span.text)
    return text
