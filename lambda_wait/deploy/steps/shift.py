"""The alias step of ``deploy --shift``: move traffic to the new version gradually,
watching the gates, and roll back when they fail (:mod:`lambda_wait.release.executor`).

An alias that does not exist yet has no old version to shift from: it is created
pointing at the new version, as the plain alias step does (through
:meth:`~lambda_wait.deploy.sender.Sender.mutate`). The shift's own alias writes go
through the release model's port, :class:`~lambda_wait.release.adapters.LambdaAlias`: a
conditional UpdateAlias with the RevisionId it last read, retried by time, read back
when unsure (docs/architecture.md names it as the second write path).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from lambda_wait.deploy.model import Aftermath, Step, StepStatus
from lambda_wait.deploy.sender import Sender
from lambda_wait.deploy.steps.alias import (
    alias_not_moved,
    point_alias,
)
from lambda_wait.errors import ExitCode, FunctionNotFoundError, LambdaWaitError
from lambda_wait.release.adapters import LambdaAlias
from lambda_wait.release.executor import NoGates, ShiftOptions, TrafficShift
from lambda_wait.release.outcome import ShiftReport


class ShiftRolledBackError(LambdaWaitError):
    """The shift was undone (a gate, a signal or --timeout); ``report`` says how."""

    def __init__(self, report: ShiftReport) -> None:
        words = {"rollback-failed": "ROLLBACK FAILED", "concurrent-change": "stopped"}
        word = words.get(report.outcome, "rolled back")
        why = f" ({report.cause})" if report.cause else ""
        super().__init__(f"{word}{why}: {report.detail}", hint=f"To go on: {report.go_back()}.")
        self.report = report
        self.exit_code = report.exit_code


@dataclass
class ShiftRecord:
    """Where the shift step leaves its report for the deploy's result."""

    report: ShiftReport | None = None


def shift_step(sender: Sender, alias: str, options: ShiftOptions, record: ShiftRecord) -> Step:
    """The plan's alias step when it shifts gradually."""
    return Step(
        "alias",
        f"shift alias {alias} to the new version ({options.spec.label})",
        True,
        changed="alias",
        live=partial(_live, alias),
        run=partial(_run, sender, alias, options, record),
    )


def _live(alias: str, after: Aftermath) -> str:
    error = after.error
    if isinstance(error, ShiftRolledBackError):
        return error.report.live_sentence()
    return alias_not_moved(alias, after)


def _run(
    sender: Sender, alias: str, options: ShiftOptions, record: ShiftRecord, step: Step
) -> None:
    if sender.version is None:
        return
    try:
        record.report = shift_alias(sender, step, alias, sender.version, options)
    except ShiftRolledBackError as err:
        record.report = err.report
        raise


def shift_alias(
    sender: Sender, step: Step, alias: str, version: str, options: ShiftOptions
) -> ShiftReport | None:
    """Shift ``alias`` to ``version`` as ``options`` say; the report, or None when there
    was nothing to shift (a new alias, or one already on ``version``)."""
    ledger = sender.ledger
    ledger.begin(step)
    port = LambdaAlias(
        sender.api, sender.name, alias, sender.clock, rng=sender.rng, deadline=sender.deadline
    )
    try:
        existing = port.read()  # retried by time, as every call of the shift
    except FunctionNotFoundError:
        ledger.note(step, f"{alias} does not exist yet: created on {version}, nothing to shift")
        point_alias(sender, step, alias, version)
        return None
    old = existing.version
    if old == version and not existing.weights:
        ledger.end(step, StepStatus.SKIPPED, f"{alias} already -> {version}")
        return None
    report = ShiftReport(sender.name, alias, old, version, options.spec.label)
    left, needed = sender.deadline.remaining(), options.spec.total_seconds
    if left is not None and left < needed:
        ledger.note(
            step,
            f"the shift holds {needed:.0f}s in all but the --timeout leaves {left:.0f}s: it "
            "will roll back when the time runs out (raise --timeout to let it finish)",
        )
    smoke = options.smoke_test
    shift = TrafficShift(
        port,
        options.gates or NoGates(),
        options.spec,
        options.policy,
        sender.clock,
        sender.deadline,
        report,
        smoke_test=None if smoke is None else (lambda: smoke(version)),
        listener=lambda progress: ledger.shift(step, progress),
    )
    shift.run()
    if report.exit_code is ExitCode.READY:
        ledger.end(step, StepStatus.APPLIED, f"{alias}: {old} -> {version} ({report.spec})")
        return report
    ledger.end(step, StepStatus.FAILED, f"{report.outcome}: {report.detail}")
    raise ShiftRolledBackError(report)
