"""Replay recorded real-AWS answers against the sandbox and compare every field.

The recordings are LocalStack's snapshot files (Apache License 2.0; see
recordings/README.md). Each recorded test's call sequence (catalogue.py) runs over
HTTP on one sandbox driven by a manual clock, so nothing sleeps. Every field of
every recorded answer is compared (compare.py); the targets are those of issue 25:
every state and error field matches, at least 95% of answers match exactly, and
each remaining difference is listed here and in docs/sandbox.md ("Fidelity").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lambda_wait.clock import ManualClock
from lambda_wait.sandbox import SandboxHandle, running_sandbox
from tests.replay.catalogue import CATALOGUE, SKIPPED, Recorded, skipped
from tests.replay.compare import Bindings, Diff, compare
from tests.replay.driver import Replay, recorded, recorded_tests

DOCS = Path(__file__).parents[2] / "docs" / "sandbox.md"

# (recorded test, field) -> why the sandbox answers differently. docs/sandbox.md lists them too.
KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {
    (
        "TestLambdaConcurrency::test_lambda_provisioned_concurrency_moves_with_alias",
        "LoggingConfig",
    ): "recorded in March 2023, before AWS answered LoggingConfig (November 2023); "
    "every later recording carries it, so the sandbox does",
}


@dataclass(frozen=True)
class Outcome:
    """One recorded answer replayed."""

    test: str
    key: str
    diffs: tuple[Diff, ...]

    @property
    def exact(self) -> bool:
        """Every field matches."""
        return not self.diffs

    @property
    def state_ok(self) -> bool:
        """Every state, reason and error field matches."""
        return not any(d.is_state for d in self.diffs)

    def undocumented(self) -> list[Diff]:
        """The differences KNOWN_DIFFERENCES does not explain."""
        return [
            d for d in self.diffs if (self.test, d.path.split(".")[-1]) not in KNOWN_DIFFERENCES
        ]


def replay(entry: Recorded, handle: SandboxHandle, clock: ManualClock) -> list[Outcome]:
    """Run one recorded test's sequence and compare its answers with the recording."""
    run = Replay(handle, clock)
    entry.replay(run)
    bindings = Bindings()
    out = []
    for key, answer in recorded(entry.file, entry.test).items():
        if key in entry.not_api:
            continue
        live = run.answers.get(key, "<not replayed>")
        out.append(Outcome(entry.test, key, tuple(compare(answer, live, bindings))))
    return out


def replay_all() -> list[Outcome]:
    """Every recorded test of the catalogue, replayed on one sandbox and one manual clock."""
    clock = ManualClock()
    with running_sandbox(time_scale=1.0, clock=clock) as handle:
        return [o for entry in CATALOGUE for o in replay(entry, handle, clock)]


def figures(outcomes: list[Outcome]) -> tuple[int, int, int]:
    """(answers replayed, exact, state and error fields all matching)."""
    return (
        len(outcomes),
        sum(o.exact for o in outcomes),
        sum(o.state_ok for o in outcomes),
    )


def test_the_sandbox_answers_as_recorded() -> None:
    """The targets, checked on one replay (one test: a replay per xdist worker would
    repeat it): every state and error field matches, at least 95% of the answers match
    exactly, every remaining difference is listed, and docs/sandbox.md has the figures."""
    outcomes = replay_all()
    wrong = [(o, d) for o in outcomes for d in o.diffs if d.is_state]
    assert not wrong, "state or error fields differ:\n" + "\n".join(
        f"{o.test} {o.key}: {d}" for o, d in wrong
    )
    answers, exact, state = figures(outcomes)
    assert answers >= 290, "the replay covers fewer answers than it did"
    assert exact / answers >= 0.95, f"{exact}/{answers} exact"
    unexplained = [(o, d) for o in outcomes for d in o.undocumented()]
    assert not unexplained, "undocumented differences:\n" + "\n".join(
        f"{o.test} {o.key}: {d}" for o, d in unexplained
    )
    seen = {(o.test, d.path.split(".")[-1]) for o in outcomes for d in o.diffs}
    assert set(KNOWN_DIFFERENCES) <= seen, "a listed difference no longer happens: drop it"
    fidelity = DOCS.read_text().split("## Fidelity", 1)[1]
    line = f"{answers} recorded answers replayed, {exact} exact, {state} with every state"
    assert line in fidelity, f"docs/sandbox.md should say: {line!r}"
    for test, field in KNOWN_DIFFERENCES:
        assert test.split("::")[-1] in fidelity and field in fidelity


def test_the_catalogue_covers_every_recorded_test_about_these_resources() -> None:
    about = re.compile(
        r"alias|version|provisioned|event_source|mapping|publish|lifecycle|nonexisting|"
        r"concurrent_|function_state|revision|list_functions|TestLambdaFunction::|LoggingConfig|Cleanup",
        re.IGNORECASE,
    )
    replayed = {(e.file, e.test) for e in CATALOGUE}
    for file, test, answers in recorded_tests():
        if about.search(test) and answers:
            assert (file, test) in replayed or skipped(file, test), f"{file} {test}"
    assert not replayed & set(SKIPPED)


def test_every_replayed_key_is_recorded() -> None:
    for entry in CATALOGUE:
        keys = recorded(entry.file, entry.test)
        assert entry.not_api <= set(keys), entry.test
