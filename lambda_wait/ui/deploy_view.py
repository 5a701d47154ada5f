"""The deploy as people read it: a stderr line per step, the summary of one deploy
and the table of several (plain strings; :class:`~lambda_wait.ui.output.Output`
prints them). The data they read is the deploy's own result
(:class:`~lambda_wait.deploy.model.DeployResult`); its JSON lives in
:mod:`lambda_wait.deploy.report`.

Nothing here can print a secret: environment values are masked in the plan,
snapshots keep variable names only, and presigned code URLs are never read.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from typing import TYPE_CHECKING

from lambda_wait.errors import worst
from lambda_wait.ui.lines import STATUS_WORDS

if TYPE_CHECKING:
    from lambda_wait.deploy.model import DeployResult, StepEvent


def progress_line(event: StepEvent, function: str | None = None) -> str | None:
    """One stderr line for a step starting, ending or saying something; with several
    deploys at once, ``function`` prefixes it so interleaved lines stay readable."""
    from lambda_wait.ui.adapt import from_step
    from lambda_wait.ui.lines import DeployEvent, deploy_line

    typed = from_step(event, function or "")
    if not isinstance(typed, DeployEvent):
        return None
    return deploy_line(typed, several=function is not None)


def changed_text(result: DeployResult) -> str:
    """What this run changed in AWS, in words; a step that failed but still changed
    something says so first (a create that ended in State Failed)."""
    left = [s.left for s in result.steps if s.status == "failed" and s.left]
    changed = left + list(result.changed)
    return ", ".join(changed) or ("-" if result.dry_run else "nothing")


def summary_lines(result: DeployResult) -> list[str]:
    """The result for stdout: what was (or would be) done and what changed. A
    failure's cause, remedy and what is live are :func:`failure`'s, on stderr."""
    snap = result.snapshot
    lines: list[str] = []
    if result.dry_run:
        lines.append(f"{result.function}: dry run, nothing was changed. The plan:")
        if result.plan is not None:
            lines.extend(f"  {line}" for line in result.plan.lines())
        would = [s.name for s in result.steps if s.status == "not-applied"]
        if would:  # the same steps a deploy runs, none of them sent
            lines.append(f"  steps it would run: {', '.join(would)}")
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
    rows: list[tuple[str, str]] = []
    if snap is not None and snap.function_arn:
        rows.append(("ARN", snap.function_arn))
    if result.version:
        rows.append(("Version", result.version))
    if result.shift is not None:  # deploy --shift: where the alias really ended
        shift = result.shift
        rows.append(("Alias", f"{shift.live} ({shift.spec}: {shift.outcome})"))
    elif result.alias and result.version:
        rows.append(("Alias", f"{result.alias} -> {result.version}"))
    if result.code_sha256:
        rows.append(("CodeSha256", result.code_sha256))
    if result.function_url:
        rows.append(("URL", result.function_url))
    rows.append(("Changed", changed_text(result)))
    steps = ", ".join(f"{s.name} {STATUS_WORDS.get(s.status, s.status)}" for s in result.steps)
    if steps:
        rows.append(("Steps", steps))
    lines.extend(f"  {label:<11} {value}" for label, value in rows)
    return lines


def failure(result: DeployResult) -> tuple[str, list[tuple[str, str]]]:
    """A failed deploy, told once: a head line (the function, what failed, the reason
    code and its title) and the rows under it: the cause in AWS's words, what to do
    (in order, agreeing with what is live), and what is live now. Each appears once;
    nothing here repeats the summary."""
    error = result.error
    assert error is not None
    reason = result.reason
    failed_step = next((s for s in result.steps if s.status == "failed"), None)
    failed = None if failed_step is None else failed_step.name
    rows: list[tuple[str, str]] = []
    if reason is not None and reason.code and failed is not None:
        head = f"{result.function}: {failed} failed ({reason.code}: {reason.title})"
        cause = reason.aws_message or (reason.info.meaning if reason.info else None)
        if cause:
            rows.append(("Cause", cause))
    else:  # stopped before or between steps: the error says why
        head = f"{result.function}: {error.message}"
        if reason is not None and reason.code and reason.code not in error.message:
            head += f" ({reason.code}: {reason.title})"
    remedy = error.hint or (reason.remedy if reason is not None else None)
    live = result.live
    snap = result.snapshot
    if failed_step is not None and failed_step.left and snap is not None and snap.state == "Failed":
        remedy, live = _failed_create(result, remedy)
    if remedy:
        rows.append(("What to do", remedy))
    if live:
        rows.append(("Live now", live))
    return head, rows


_COOLDOWN_ADVICE = re.compile(r"\s*Then wait out the 5-minute cooldown[^.]*\.$")


# A failed create cannot be updated: advice to update it in place does not apply.
_UPDATE_IN_PLACE = re.compile(r"\s*\(?`aws lambda update-function-configuration[^`]*`\)?")


def _failed_create(result: DeployResult, remedy: str | None) -> tuple[str, str]:
    """A create that left the function in State Failed: an update cannot repair it, so
    the steps are: fix the cause in the deploy's input, then the same deploy with
    --recreate-failed (it deletes the failed function and creates it again), or the
    delete by hand (after the cooldown, for a reason that has one)."""
    arn = result.snapshot.function_arn if result.snapshot is not None else None
    region = f" --region {arn.split(':')[3]}" if arn and arn.count(":") >= 6 else ""
    delete = f"aws lambda delete-function --function-name {result.function}{region}"
    cooldown = result.reason is not None and result.reason.cooldown
    later = " 5 minutes after this failure (Lambda's cooldown for this reason)"
    steps = []
    if remedy:
        cause = _UPDATE_IN_PLACE.sub("", _COOLDOWN_ADVICE.sub("", remedy)).strip()
        steps.append(f"Fix the cause in the spec or flags: {cause}")
    again = f": `{shlex.join(result.rerun)}`" if result.rerun else " added to this deploy"
    steps.append(
        f"Deploy again{later if cooldown else ''} with --recreate-failed, which deletes the "
        f"failed function and creates it again{again}"
    )
    steps.append(f"Or delete it yourself (`{delete}`) and deploy again.")
    todo = "\n".join(f"{n}. {step}" for n, step in enumerate(steps, 1))
    return todo, "The function exists in State Failed and cannot run; an update cannot repair it."


def table_lines(results: Sequence[DeployResult], width: int = 100_000) -> list[str]:
    """Several deploys: one row per function, cut to ``width`` (CHANGED first, the name
    last and at its start), then the worst outcome (the exit code)."""
    header = ("FUNCTION", "RESULT", "ACTION", "VERSION", "CHANGED", "TIME")
    rows: list[tuple[str, ...]] = [header]
    for result in results:
        action = f"dry run: {result.action}" if result.dry_run else result.action
        changed = changed_text(result)
        rows.append(
            (
                result.function,
                result.exit_code.label,
                action,
                result.version or "-",
                changed,
                f"{result.elapsed:.1f}s",
            )
        )
    from lambda_wait.ui import fit

    fitted = fit.widths(rows, width, [4, 2, 0])
    lines = [fit.line(row, fitted) for row in rows]
    code = worst([r.exit_code for r in results])
    lines.append(f"exit {int(code)} ({code.label}): worst of {len(results)}")
    return lines
