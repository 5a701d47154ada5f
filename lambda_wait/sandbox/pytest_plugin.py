"""pytest fixtures for the sandbox: ``sandbox``, ``sandbox_factory``, ``make_function``.

Enable with ``pytest_plugins = ["lambda_wait.sandbox.pytest_plugin"]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from lambda_wait.sandbox.scenario import Scenario, load_scenario, parse_scenario
from lambda_wait.sandbox.server import SandboxHandle, running_sandbox

TEST_TIME_SCALE = 0.01  # create 30 ms, VPC create 0.6 s, cooldown 3 s

SandboxFactory = Callable[..., SandboxHandle]


def as_scenario(scenario: Scenario | Mapping[str, Any] | str | Path | None) -> Scenario | None:
    """Accept a Scenario, a decoded scenario dict, or a scenario file path."""
    if scenario is None or isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, str | Path):
        return load_scenario(scenario)
    return parse_scenario(dict(scenario), source="<test>")


@pytest.fixture
def sandbox_factory() -> Iterator[SandboxFactory]:
    """Start a sandbox with a chosen scenario: ``sandbox_factory(scenario=..., time_scale=...)``.

    moto's store is process-wide, so starting another sandbox stops the previous one.
    Other keywords (throttling, faults, clock) go to :func:`running_sandbox`.
    """
    with ExitStack() as outer:
        current: list[ExitStack] = []

        def start(
            scenario: Scenario | Mapping[str, Any] | str | Path | None = None,
            *,
            time_scale: float = TEST_TIME_SCALE,
            **kwargs: Any,
        ) -> SandboxHandle:
            if current:
                current.pop().close()
            stack = ExitStack()
            outer.callback(stack.close)
            current.append(stack)
            return stack.enter_context(
                running_sandbox(as_scenario(scenario), time_scale=time_scale, **kwargs)
            )

        yield start


@pytest.fixture
def sandbox(sandbox_factory: SandboxFactory) -> SandboxHandle:
    """A sandbox with the default scenario at time scale 0.01."""
    return sandbox_factory()


@pytest.fixture
def make_function(sandbox: SandboxHandle) -> Callable[..., dict[str, Any]]:
    """Create a function in ``sandbox`` quickly: ``make_function("name", vpc=True, tags=...)``."""
    return sandbox.create_function
