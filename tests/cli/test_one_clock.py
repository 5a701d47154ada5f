"""Time is one object: a run makes one SystemClock, and the output, the API, its
budgets and every wait share it (cancelling it on Ctrl-C reaches them all)."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from lambda_wait.cli import cli
from lambda_wait.clock import SystemClock


@pytest.mark.parametrize(
    "args",
    [
        ["status", "{fn}"],
        ["wait", "{fn}", "--timeout", "30s"],
        ["versions", "{fn}"],
        ["deploy", "--function-name", "{fn}", "--memory-size", "256", "--dry-run"],
    ],
    ids=["status", "wait", "versions", "deploy"],
)
def test_a_run_makes_one_system_clock(
    args: list[str], moto_function: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[SystemClock] = []
    build = SystemClock.__init__

    def counted(self: SystemClock, *a: Any, **kw: Any) -> None:
        made.append(self)
        build(self, *a, **kw)

    monkeypatch.setattr(SystemClock, "__init__", counted)
    result = CliRunner().invoke(cli, [arg.format(fn=moto_function) for arg in args])
    assert result.exit_code == 0, result.stderr
    assert len(made) == 1
