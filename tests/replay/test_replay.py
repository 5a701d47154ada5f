"""Replay recorded real-AWS answers against the sandbox and compare every field.

The recordings are LocalStack's snapshot files (Apache License 2.0; see
recordings/README.md). Each recorded test's call sequence runs over HTTP on a
sandbox driven by a manual clock, so nothing sleeps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from lambda_wait.sandbox import SandboxHandle, running_sandbox
from lambda_wait.sandbox.clock import ManualClock
from tests.replay.catalogue import CATALOGUE, Recorded
from tests.replay.compare import Bindings, Diff, compare
from tests.replay.driver import Replay, recorded


@dataclass(frozen=True)
class Outcome:
    """One recorded answer replayed."""

    test: str
    key: str
    diffs: tuple[Diff, ...]

    @property
    def exact(self) -> bool:
        return not self.diffs

    @property
    def state_ok(self) -> bool:
        return not any(d.is_state for d in self.diffs)


def replay(entry: Recorded, handle: SandboxHandle, clock: ManualClock) -> list[Outcome]:
    """Run one recorded test's sequence and compare its answers with the recording."""
    run = Replay(handle, clock)
    entry.replay(run)
    expected = recorded(entry.file, entry.test)
    bindings = Bindings()
    out = []
    for key, answer in expected.items():
        if key in entry.not_api:
            continue
        if key not in run.answers:
            out.append(Outcome(entry.test, key, (Diff("$", "<recorded>", "<not replayed>"),)))
            continue
        out.append(Outcome(entry.test, key, tuple(compare(answer, run.answers[key], bindings))))
    return out


@pytest.fixture(scope="module")
def outcomes() -> Iterator[list[Outcome]]:
    clock = ManualClock()
    with running_sandbox(time_scale=1.0, clock=clock) as handle:
        yield [o for entry in CATALOGUE for o in replay(entry, handle, clock)]


def test_report(outcomes: list[Outcome]) -> None:
    for o in outcomes:
        for d in o.diffs:
            print(f"{o.test} {o.key} {d}")
    n = len(outcomes)
    print("answers", n, "exact", sum(o.exact for o in outcomes), "state", sum(o.state_ok for o in outcomes))
