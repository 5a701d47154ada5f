"""The result blocks and tables of ``status`` and ``wait``, as rich renderables.
:class:`~lambda_wait.ui.output.Output` prints them; nothing here touches a stream."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from lambda_wait.errors import ExitCode, worst
from lambda_wait.reasons import DecodedReason
from lambda_wait.result import FunctionReport
from lambda_wait.serving.mappings import assess_mapping
from lambda_wait.serving.provisioned import assess_provisioned
from lambda_wait.serving.watch import ServingSnapshot
from lambda_wait.states import FunctionSnapshot, Phase
from lambda_wait.ui import theme


def status_block(report: FunctionReport) -> list[RenderableType]:
    """``status``: a head line (name, phase, timing) and the details of one function."""
    snap = report.snapshot
    if snap is None:
        return [
            Text(f"{report.function}: ", style=theme.NAME)
            + Text(report.error.one_line() if report.error else "no data", style=theme.BAD)
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
    return [head, _details(report, snap)]


def _details(report: FunctionReport, snap: FunctionSnapshot) -> Table:
    table = _grid()
    table.add_row("State", state_text(snap))
    if report.message or report.assessment:
        table.add_row(
            "Verdict", report.message or report.assessment.summary if report.assessment else ""
        )
    for label, decoded in (
        ("State reason", snap.state_decoded),
        ("Update reason", snap.update_decoded),
    ):
        if decoded is not None:
            reason_rows(table, label, decoded)
    kind = snap.package_type or "?"
    if snap.runtime:
        kind += f" {snap.runtime}"
    table.add_row("Package", kind)
    table.add_row("Last modified", snap.last_modified or "-")
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


def summary_table(reports: Sequence[FunctionReport]) -> list[RenderableType]:
    """``wait`` (at the end): one row per function, then the worst outcome if several."""
    table = Table(show_edge=False, box=None, pad_edge=False)
    for column in ("FUNCTION", "RESULT", "STATE", "UPDATE", "REASON", "TIME"):
        table.add_column(column)
    for report in reports:
        snap = report.snapshot
        reason = report.reason()
        style = theme.GOOD if report.exit_code is ExitCode.READY else theme.BAD
        table.add_row(
            report.function,
            Text(report.exit_code.label, style=style),
            (snap.state or "-") if snap else "-",
            (snap.last_update_status or "-") if snap else "-",
            (reason.code or "") if reason else "",
            f"{report.elapsed:.1f}s" if report.elapsed is not None else "",
        )
    shown: list[RenderableType] = [table]
    code = worst([report.exit_code for report in reports])
    if len(reports) > 1:
        shown.append(Text(f"exit {int(code)} ({code.label}): worst of {len(reports)}"))
    return shown


def explanation(report: FunctionReport) -> list[RenderableType]:
    """Why a function is not ready and what to do (nothing for a ready one)."""
    if report.exit_code is ExitCode.READY:
        return []
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
    """Provisioned concurrency (with --qualifier) and one compact line per mapping."""
    config = serving.provisioned
    if serving.provisioned_read:
        if config is None:
            table.add_row("Provisioned", Text("none on this qualifier", style=theme.QUIET))
        else:
            verdict = assess_provisioned(config)
            text = Text(config.status or "(no Status)", style=theme.PHASE_STYLE[verdict.phase])
            text.append(f"  {config.counts}")
            table.add_row("Provisioned", text)
            decoded = config.reason_decoded
            if decoded is not None:
                reason_rows(table, "  Status reason", decoded)
            if verdict.phase is Phase.FAILED:
                table.add_row("  Verdict", verdict.summary)
    if serving.mappings is None:
        return
    if not serving.mappings:
        table.add_row("Mappings", Text("none", style=theme.QUIET))
        return
    for index, mapping in enumerate(serving.mappings):
        verdict = assess_mapping(mapping)
        line = Text(f"{mapping.source}  ")
        line.append(mapping.state or "(no State)", style=theme.PHASE_STYLE[verdict.phase])
        if mapping.batch_size is not None:
            line.append(f"  batch {mapping.batch_size}")
        if mapping.state_transition_reason:
            line.append(f"  by {mapping.state_transition_reason}", style=theme.QUIET)
        if mapping.last_processing_result:
            line.append(f"  last: {mapping.last_processing_result}")
        table.add_row("Mappings" if index == 0 else "", line)
        if verdict.phase is Phase.FAILED and verdict.reason is not None:
            reason_rows(table, f"  {mapping.uuid[:8]}", verdict.reason)
