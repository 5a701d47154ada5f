"""The executors of a deploy's plan, as chalice's: the plan is a list of
:class:`~lambda_wait.deploy.model.Step` objects; :class:`Executor` runs each in
order, :class:`DisplayOnlyExecutor` (``--dry-run``) runs none and leaves the same
list for the summary and the JSON to show."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from lambda_wait.deploy.model import Step, StepStatus


class PlanExecutor(Protocol):
    """Carries out (or only shows) a plan."""

    def execute(self, steps: Sequence[Step]) -> None: ...


class Executor:
    """Runs every pending step in order; a step that fails raises, and the steps after
    it stay pending (the result says they were not applied)."""

    def execute(self, steps: Sequence[Step]) -> None:
        for step in steps:
            if step.status is StepStatus.PENDING and step.run is not None:
                step.run(step)


class DisplayOnlyExecutor:
    """``--dry-run``: sends nothing; every step that would run is marked not applied
    (a step the planner already skipped stays skipped, with why)."""

    def execute(self, steps: Sequence[Step]) -> None:
        for step in steps:
            if step.status is StepStatus.PENDING:
                step.status = StepStatus.NOT_APPLIED
