"""Statements in the docs that the code decides, checked against the code: the role
retry window, what --tag does on an existing function, what `status` reads, the
Action's wait-for choices."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from lambda_wait.deploy.sender import RetryPolicy

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")


def test_every_mention_of_the_role_retry_window_is_the_codes() -> None:
    minutes = RetryPolicy().role_propagation_seconds / 60
    text = " ".join(DEPLOY.split())
    said = re.findall(r"retried with [^.]*?(?:up to|at most) \**(\d+) minutes", text)
    assert len(said) >= 2 and {float(n) for n in said} == {minutes}, said


def test_tag_is_documented_as_it_behaves_on_an_existing_function() -> None:
    assert "applied on create only" not in DEPLOY
    assert "on an existing function" in DEPLOY


def test_the_readme_says_what_status_reads() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `lambda-wait status"))
    assert "ListEventSourceMappings" in row and "N reads + pages" in row


def test_the_actions_wait_for_lists_every_registered_goal() -> None:
    from lambda_wait.targets.registry import GOALS

    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    description = action["inputs"]["wait-for"]["description"]
    for goal in GOALS:  # action.yml is static YAML: this test keeps it on the registry
        assert f"`{goal.name}`" in description, goal.name
