"""The recipe "a new deploy step" (docs/architecture.md), checked: every module in
deploy/steps builds its step with a ``*_step`` factory, and every factory is placed by
the planner, or by the runner for the two steps that come before a plan exists (someone
else's update waited out; a Failed function deleted for --recreate-failed)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "lambda_wait" / "deploy"
STEP_MODULES = sorted(p for p in (DEPLOY / "steps").glob("*.py") if p.name != "__init__.py")
# Placed by deploy/runner.py, before plan_deploy: they decide what the plan is made against.
PLACED_BY_THE_RUNNER = {"previous_step", "recreate_step"}


def factories(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.endswith("_step")
    }


def calls(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }


@pytest.mark.parametrize("module", STEP_MODULES, ids=lambda p: p.stem)
def test_every_step_module_has_a_factory_that_is_placed(module: Path) -> None:
    made = factories(module)
    assert made, f"deploy/steps/{module.name} has no *_step factory"
    placed = calls(DEPLOY / "planner.py") | (calls(DEPLOY / "runner.py") & PLACED_BY_THE_RUNNER)
    assert made <= placed, f"{sorted(made - placed)}: not placed by deploy/planner.py"


def test_the_runner_places_only_the_steps_before_a_plan() -> None:
    step_factories = set().union(*(factories(p) for p in STEP_MODULES))
    assert calls(DEPLOY / "runner.py") & step_factories == PLACED_BY_THE_RUNNER
