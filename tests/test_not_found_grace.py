"""Issue 13, class 8: time shown truthfully. A function still not found after the
grace for a new function says how long it was looked for and what the grace is."""

from __future__ import annotations

import pytest

from lambda_wait.errors import FunctionNotFoundError
from lambda_wait.sandbox.server import SandboxHandle
from lambda_wait.waiter import PollPolicy
from tests.test_waiter import START, make

NOT_FOUND = FunctionNotFoundError("function orders not found", hint="Check the name.")

# (grace seconds, a create expected, the message says the time and the grace)
CASES: dict[str, tuple[float, bool, bool]] = {
    "the default 10 s grace": (10.0, True, True),
    "a 5 s grace": (5.0, True, True),
    "a 30 s grace": (30.0, True, True),
    "no create expected: at once, no grace to report": (10.0, False, False),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_not_found_after_the_grace_shows_the_time_it_took(case: str) -> None:
    grace, recent, said = CASES[case]
    waiter, clock, _ = make(
        [NOT_FOUND], policy=PollPolicy(not_found_grace=grace), expect_recent_create=recent
    )
    with pytest.raises(FunctionNotFoundError) as caught:
        waiter.run()
    message = caught.value.message
    took = clock.now() - START
    assert message.startswith("function orders not found")
    assert caught.value.hint == "Check the name."
    if said:
        assert took >= grace
        assert f"still not found after {took:.1f}s" in message
        assert f"up to {grace:.0f}s to appear" in message
    else:
        assert message == "function orders not found"


def test_a_wait_that_ends_not_found_reports_the_time_it_looked(
    sandbox: SandboxHandle, aws_env: None
) -> None:
    """``wait`` on a mistyped name looked for it during the grace: its TIME is that
    time, not 0.0 s."""
    from lambda_wait.api import wait_for_functions
    from lambda_wait.aws import LambdaApi
    from lambda_wait.clock import SystemClock

    api = LambdaApi(sandbox.client(), clock=SystemClock())
    (result,) = wait_for_functions(
        ["no-such-fn"], client=api, policy=PollPolicy(not_found_grace=0.5), history=False
    )
    assert isinstance(result.error, FunctionNotFoundError)
    assert result.elapsed >= 0.5
