"""The deploy as people read it: a stderr line per step, the summary of one deploy
and the table of several (plain strings; :class:`~lambda_wait.ui.output.Output`
prints them). The data they read is the deploy's own result
(:class:`~lambda_wait.deploy.runner.DeployResult`); its JSON lives in
:mod:`lambda_wait.deploy.report`.

Nothing here can print a secret: environment values are masked in the plan,
snapshots keep variable names only, and presigned code URLs are never read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from lambda_wait.deploy.report import result_code
from lambda_wait.errors import worst

if TYPE_CHECKING:
    from lambda_wait.deploy.runner import DeployResult, StepEvent

_MARK = {
    "applied": "done",
    "skipped": "skipped",
    "failed": "FAILED",
    "unknown": "unfinished",
    "not-applied": "not applied",
}


def progress_line(event: StepEvent, function: str | None = None) -> str | None:
    """One stderr line for a step starting, ending or saying something; with several
    deploys at once, ``function`` prefixes it so interleaved lines stay readable."""
    at = f"[{event.elapsed:6.1f}s]" + (f" {function}:" if function else "")
    step = event.step
    if event.kind == "start":
        return f"{at} {step.name}: {step.action}"
    if event.kind == "end":
        detail = f": {step.detail}" if step.detail else ""
        mark = _MARK.get(step.status, step.status)
        return f"{at} {step.name}: {mark} in {step.seconds:.1f}s{detail}"
    if event.message:
        prefix = f"{step.name}: " if step.name != "deploy" else ""
        return f"{at} {prefix}{event.message}"
    return None


def summary_lines(result: DeployResult) -> list[str]:
    """The result for stdout: what was (or would be) done, and what is live."""
    snap = result.snapshot
    lines: list[str] = []
    if result.dry_run:
        lines.append(f"{result.function}: dry run, nothing was changed. The plan:")
        if result.plan is not None:
            lines.extend(f"  {line}" for line in result.plan.lines())
        return lines
    if result.error is None:
        verb = {
            "create": "created",
            "update": "updated",
            "none": "code and configuration already up to date",
        }.get(result.action, result.action)
        lines.append(f"{result.function}: {verb} in {result.elapsed:.1f}s")
    else:
        lines.append(f"{result.function}: deploy FAILED after {result.elapsed:.1f}s")
        lines.append(f"  Error       {result.error.one_line()}")
    rows: list[tuple[str, str]] = []
    if snap is not None and snap.function_arn:
        rows.append(("ARN", snap.function_arn))
    if result.version:
        rows.append(("Version", result.version))
    if result.alias and result.version:
        rows.append(("Alias", f"{result.alias} -> {result.version}"))
    if result.code_sha256:
        rows.append(("CodeSha256", result.code_sha256))
    rows.append(("Changed", ", ".join(result.changed) or "nothing"))
    steps = ", ".join(f"{s.name} {_MARK.get(s.status, s.status)}" for s in result.steps)
    if steps:
        rows.append(("Steps", steps))
    if result.error is not None:
        rows.append(("Not applied", ", ".join(result.not_applied) or "-"))
    if result.reason is not None and result.reason.code:
        rows.append(("Reason", f"{result.reason.code}: {result.reason.title}"))
    if result.live:
        rows.append(("Live now", result.live))
    lines.extend(f"  {label:<11} {value}" for label, value in rows)
    return lines


def table_lines(results: Sequence[DeployResult]) -> list[str]:
    """Several deploys: one row per function, then the worst outcome (the exit code)."""
    header = ("FUNCTION", "RESULT", "ACTION", "VERSION", "CHANGED", "TIME")
    rows: list[tuple[str, ...]] = [header]
    for result in results:
        action = f"dry run: {result.action}" if result.dry_run else result.action
        changed = ", ".join(result.changed) or ("-" if result.dry_run else "nothing")
        rows.append(
            (
                result.function,
                result_code(result).label,
                action,
                result.version or "-",
                changed,
                f"{result.elapsed:.1f}s",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    code = worst([result_code(r) for r in results])
    lines.append(f"exit {int(code)} ({code.label}): worst of {len(results)}")
    return lines
