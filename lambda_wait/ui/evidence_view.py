"""Evidence under a failure: a short block in text, a section in GitHub's step summary.
Pure strings (the JSON form is each item's ``to_dict``, in ``result.py``)."""

from __future__ import annotations

from collections.abc import Sequence

from lambda_wait.evidence.model import Evidence
from lambda_wait.result import FunctionReport
from lambda_wait.untrusted import scrub_known

_INDENT = " " * 14  # under the value column of a failure's rows (ui/wrap.py)


def evidence_lines(items: Sequence[Evidence]) -> list[str]:
    """The block shown under a failure (empty without evidence)."""
    lines: list[str] = []
    for item in items:
        lines.append(f"  {'Evidence':<10}  {item.summary}  [{item.source}]")
        if item.unread and item.denied:
            lines.append(_INDENT + item.unread)
        lines += [_INDENT + line for line in item.shown]
    return [scrub_known(line) for line in lines]


def evidence_summary(reports: Sequence[FunctionReport]) -> str:
    """The step summary's evidence section (empty when no report has any)."""
    shown = [r for r in reports if r.evidence]
    if not shown:
        return ""
    out = ["", "### Evidence", ""]
    for report in shown:
        out.append(f"**{_md(report.function)}**")
        out.append("")
        for item in report.evidence:
            out.append(f"- {_md(item.summary)} (`{item.source}`)")
            if item.unread and item.denied:
                out.append(f"  - {_md(item.unread)}")
            out += [f"  - `{_code(line)}`" for line in item.shown]
        out.append("")
    return scrub_known("\n".join(out) + "\n")


def _md(text: str) -> str:
    """Text safe in Markdown: no HTML, no stray emphasis or table pipes."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def _code(text: str) -> str:
    """Text inside one inline code span (a backtick would end it)."""
    return text.replace("`", "'")
