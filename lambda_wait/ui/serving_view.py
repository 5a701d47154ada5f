"""Rows for what serves a function's traffic: its provisioned concurrency config and its
event source mappings, added to the ``status`` details grid."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from lambda_wait.serving.mappings import assess_mapping
from lambda_wait.serving.provisioned import assess_provisioned
from lambda_wait.serving.watch import ServingSnapshot
from lambda_wait.states import Phase
from lambda_wait.ui import theme
from lambda_wait.ui.tables import reason_rows


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
