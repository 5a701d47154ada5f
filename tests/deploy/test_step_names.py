"""The recipe "a new deploy step" holds: a step's name is written once, in its module
under lambda_wait/deploy/steps/, and nothing else in lambda_wait compares a step's
name with a string (its Changed label, what-is-live note and run travel with it)."""

from __future__ import annotations

import ast
from pathlib import Path

import lambda_wait

ROOT = Path(lambda_wait.__file__).parent
STEPS = ROOT / "deploy" / "steps"
# What a comparison reads when it matches a step by name.
_NAMEISH = ("name", "step", "failed", "applied")


def step_names() -> set[str]:
    """The first argument of every ``Step(...)`` built in deploy/steps/."""
    names: set[str] = set()
    for path in STEPS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Step"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                names.add(str(node.args[0].value))
    return names


def name_matches(path: Path, names: set[str]) -> list[str]:
    """``x.name == "create"``, ``"update-code" in applied`` and the like in ``path``."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        literals = [
            c.value
            for side in sides
            for c in ast.walk(side)
            if isinstance(c, ast.Constant) and c.value in names
        ]
        others = " ".join(ast.unparse(s) for s in sides if not isinstance(s, ast.Constant))
        if literals and any(word in others for word in _NAMEISH):
            found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_every_step_is_built_in_its_own_module() -> None:
    assert {
        "wait-previous",
        "delete-failed",
        "create",
        "update-code",
        "update-configuration",
        "tags",
        "publish",
        "alias",
        "provisioned-concurrency",
    } <= step_names()


def test_no_module_matches_a_step_by_its_name() -> None:
    names = step_names()
    found = [hit for path in ROOT.rglob("*.py") for hit in name_matches(path, names)]
    assert found == []


def test_the_check_finds_a_name_match(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text('if failed.name == "create":\n    pass\n', encoding="utf-8")
    assert name_matches(sample, {"create"}) != []  # the check above can fail
