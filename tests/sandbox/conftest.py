"""Fixtures for the sandbox tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lambda_wait.clock import ManualClock
from tests.sandbox.helpers import Manual


@pytest.fixture
def manual(sandbox_factory: Callable[..., Any]) -> Callable[..., Manual]:
    """Start a sandbox on a manual clock: ``manual(scenario=None, **kwargs)``."""

    def start(scenario: Any = None, **kwargs: Any) -> Manual:
        clock = ManualClock(1000.0)
        handle = sandbox_factory(
            scenario, time_scale=kwargs.pop("time_scale", 1.0), clock=clock, **kwargs
        )
        return Manual(handle, clock, handle.client(max_attempts=1))

    return start
