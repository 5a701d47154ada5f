"""The wait-target registry: every `wait --for` choice is a registered goal, every
registered target renders in status and JSON, and a new target plugs in through the
registry alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from click.testing import CliRunner
from rich.console import Console
from rich.table import Table

from lambda_wait.clock import Deadline, ManualClock
from lambda_wait.errors import ExitCode, UsageError
from lambda_wait.result import FunctionReport
from lambda_wait.serving import watch
from lambda_wait.serving.watch import ServingCheck, ServingSnapshot, read_serving, wait_serving
from lambda_wait.states import Assessment, Phase, Target
from lambda_wait.targets.base import Need, Row, ServingTarget, Span
from lambda_wait.targets.registry import (
    GOALS,
    SERVING,
    build_goals,
    goals_help,
    named_goal,
)
from lambda_wait.ui import tables


def for_choices() -> list[str]:
    from lambda_wait.commands.wait import command

    (option,) = [p for p in command.params if p.name == "goal"]
    choices: list[str] = list(getattr(option.type, "choices"))  # noqa: B009 -- click.Choice
    return choices


def test_every_for_choice_is_a_registered_goal_and_back() -> None:
    assert for_choices() == [g.name for g in GOALS]
    for name in for_choices():
        found = named_goal(name)
        assert found.name == name
        assert all(target in SERVING for target in found.needs)
        # A goal waits on the function's state, or on at least one target.
        assert found.rule is not None or found.needs


def test_the_function_state_goals_are_the_target_rules() -> None:
    assert {g.rule for g in GOALS if g.rule is not None} == set(Target)
    assert named_goal(Target.ACTIVE).rule is Target.ACTIVE


def test_an_unknown_goal_is_bad_input_naming_the_choices() -> None:
    with pytest.raises(UsageError, match="ready, active, updated, provisioned"):
        named_goal("warm")


@pytest.mark.parametrize("target", SERVING, ids=lambda t: t.json_key)
def test_every_registered_target_renders_in_status_and_json(target: ServingTarget[Any]) -> None:
    # Read but nothing there: still rows (saying so) and a JSON section (null).
    rows = target.rows(None) if target.needs_qualifier else target.rows(())
    assert rows and rows[0].label
    report = FunctionReport("shop:live", ExitCode.READY)
    assert report.to_dict()[target.json_key] is None
    report.serving = ServingSnapshot("shop", "live", {target: None})
    assert target.json_key in report.to_dict()
    table = Table.grid()
    tables.serving_rows(table, report.serving)
    assert table.row_count >= 1


# --- a new target plugs in through the registry --------------------------------------------


@dataclass(frozen=True)
class UrlConfig:
    auth: str


class UrlTarget(ServingTarget[UrlConfig]):
    """Stands for the next target (a function URL config), read through a fake."""

    name = "function URL config"
    json_key = "function_url"
    for_choice = "url"
    for_help = "the function URL config exists"
    ready_help = "its function URL config when it has one"

    def read(self, reader: Any, function_name: str, qualifier: str | None) -> UrlConfig | None:
        doc = reader.get_function_url_config(function_name)
        return None if doc is None else UrlConfig(doc["AuthType"])

    def judge(self, snap: UrlConfig | None) -> Assessment | None:
        return None if snap is None else Assessment(Phase.READY, f"URL ({snap.auth})", None)

    def change_key(self, snap: UrlConfig | None) -> object:
        return snap

    def rows(self, snap: UrlConfig | None) -> list[Row]:
        return [Row("URL", (Span("none" if snap is None else snap.auth),))]

    def to_json(self, snap: UrlConfig | None) -> object:
        return None if snap is None else {"auth_type": snap.auth}


URL = UrlTarget()


class UrlReader:
    def __init__(self, doc: dict[str, Any] | None) -> None:
        self.doc = doc

    def get_function_url_config(self, name: str) -> dict[str, Any] | None:
        return self.doc


@pytest.fixture
def with_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(watch, "SERVING", (*SERVING, URL))


def test_a_new_target_gives_its_for_choice_and_joins_ready() -> None:
    goals = build_goals((*SERVING, URL))
    assert [g.name for g in goals][-1] == "url"
    assert named_goal("ready").needs.keys() < goals[0].needs.keys()
    assert "its function URL config when it has one" in goals_help(goals)
    assert goals[-1].needs == {URL: Need.REQUIRE}


@pytest.mark.usefixtures("with_url")
def test_a_new_target_is_read_judged_shown_and_serialised(clock: ManualClock) -> None:
    check = ServingCheck(needs={URL: Need.REQUIRE})
    reader: Any = UrlReader({"AuthType": "AWS_IAM"})
    snap = read_serving(reader, "shop", check)
    verdict = snap.assess()
    assert verdict is not None and verdict.phase is Phase.READY
    report = FunctionReport("shop", ExitCode.READY, serving=snap)
    assert report.to_dict()["function_url"] == {"auth_type": "AWS_IAM"}
    table = Table.grid()
    tables.serving_rows(table, snap)
    console = Console(width=80, record=True)
    console.print(table)
    assert "AWS_IAM" in console.export_text()
    waited = wait_serving(reader, "shop", check, clock=clock, deadline=Deadline(clock, 10))
    assert waited.ready and waited.reads == 1


@pytest.mark.usefixtures("with_url")
def test_a_required_new_target_that_is_missing_is_bad_input() -> None:
    reader: Any = UrlReader(None)
    with pytest.raises(UsageError, match="has no function URL config"):
        read_serving(reader, "shop", ServingCheck(needs={URL: Need.REQUIRE}))
    # Asked for only when present (--for ready): nothing there is nothing to judge.
    snap = read_serving(reader, "shop", ServingCheck(needs={URL: Need.AUTO}))
    assert snap.assess() is None


def test_wait_help_lists_the_registered_choices() -> None:
    from lambda_wait.cli import cli

    result = CliRunner().invoke(cli, ["wait", "--help"], terminal_width=200)
    assert result.exit_code == 0
    assert "[" + "|".join(g.name for g in GOALS) + "]" in result.output
