"""The registry of wait targets, and the ``wait --for`` choices it gives.

Registering a target is one line in :data:`SERVING`: from it come its ``--for`` choice
(when it has one), what ``--for ready`` adds, its rows in ``status``, its line in the
live view and its JSON section. The function's own state is the one target outside
it (:mod:`lambda_wait.targets.function`): ready, active and updated are its rules, and
a published version is that target read with the version as qualifier. Pure: no
boto3, botocore, click or rich.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lambda_wait.errors import UsageError
from lambda_wait.states import Target
from lambda_wait.targets.base import Need, ServingTarget
from lambda_wait.targets.mappings import MAPPINGS
from lambda_wait.targets.provisioned import PROVISIONED
from lambda_wait.targets.url import URL

# Every target beside the function's own state, in the order they show and serialise.
SERVING: tuple[ServingTarget[Any], ...] = (PROVISIONED, MAPPINGS, URL)


@dataclass(frozen=True, eq=False)  # one object per choice: compared and hashed by identity
class Goal:
    """One ``wait --for`` choice: the rule the function's state must meet (None: the
    function's state is not waited on) and how much each serving target is needed."""

    name: str
    help: str
    rule: Target | None
    needs: Mapping[ServingTarget[Any], Need] = field(default_factory=dict)

    def need(self, target: ServingTarget[Any]) -> Need:
        return self.needs.get(target, Need.OFF)

    def qualifier_problem(self, qualifier: str | None) -> UsageError | None:
        """Bad input (exit 2) when a required target cannot be read without a qualifier."""
        for target, need in self.needs.items():
            if need is Need.REQUIRE and not target.applies(qualifier):
                return UsageError(
                    f"--for {self.name} needs --qualifier: {target.qualifier_why}",
                    hint="Add e.g. --qualifier live.",
                )
        return None


def build_goals(serving: Sequence[ServingTarget[Any]]) -> tuple[Goal, ...]:
    """The ``--for`` choices ``serving`` gives: ready, active and updated (the function's
    own state; ready also reads each target that has ``ready_help``), then one per
    target with a ``for_choice``, which waits on that target alone."""
    ready = "State Active and LastUpdateStatus Successful" + "".join(
        f", and {target.ready_help}" for target in serving if target.in_ready
    )
    auto = {target: Need.AUTO for target in serving if target.in_ready}
    own = tuple(
        Goal(target.for_choice, target.for_help, None, {target: Need.REQUIRE})
        for target in serving
        if target.for_choice
    )
    return (
        Goal(Target.READY.value, ready, Target.READY, auto),
        Goal(Target.ACTIVE.value, "State Active only", Target.ACTIVE),
        Goal(Target.UPDATED.value, "LastUpdateStatus Successful only", Target.UPDATED),
        *own,
    )


GOALS: tuple[Goal, ...] = build_goals(SERVING)


def named_goal(name: str | Target) -> Goal:
    """The ``--for`` choice called ``name`` (a :class:`Target` names its own)."""
    for found in GOALS:
        if found.name == name:
            return found
    choices = ", ".join(g.name for g in GOALS)
    raise UsageError(f"unknown wait target {str(name)!r}: choose one of {choices}.")


def goals_help(goals: Sequence[Goal] = GOALS) -> str:
    """The ``--for`` help: every choice and what it waits for."""
    return "; ".join(f"{g.name}: {g.help}" for g in goals) + "."


def target_named(name: str) -> ServingTarget[Any]:
    """A registered serving target by its name or JSON key."""
    for target in SERVING:
        if name in (target.name, target.json_key):
            return target
    raise KeyError(name)
