"""What every command shares: building the API client and running a command body
with its output. Click and the tool's own modules only; boto3 is imported lazily
through :mod:`lambda_wait.aws` when a command actually runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lambda_wait.commands._boundary import current_invocation
from lambda_wait.options import BudgetOptions, CommonOptions

if TYPE_CHECKING:
    # rich and tenacity load only when a command runs
    from lambda_wait.aws import LambdaApi
    from lambda_wait.clock import Clock, Deadline
    from lambda_wait.result import CommandResult
    from lambda_wait.ui.output import Output

CommandBody = Callable[["Output"], "CommandResult"]


def build_api(
    opts: CommonOptions,
    budget: BudgetOptions | None = None,
    *,
    clock: Clock | None = None,
    timeout: float | None = None,
    deadline: Deadline | None = None,
) -> LambdaApi:
    """The Lambda API for these options (fails before any request without region/credentials).

    Call it once per command: its request budgets are the process's one budget,
    shared by every function the command handles. ``clock`` is the run's one
    Clock (default: :func:`run_clock`), shared by the API and its budgets. The
    set-up's own credential_process is bounded by the run's ``deadline`` (or, for a
    caller without one yet, by ``timeout`` seconds from now); bound the requests with
    ``LambdaApi.bounded_by``.
    """
    from lambda_wait.aws import AwsSettings, make_api
    from lambda_wait.budget import DEFAULT_MAX_RPS, RequestBudget, get_function_rps
    from lambda_wait.clock import Deadline

    clock = clock or run_clock()
    if deadline is None and timeout is not None:
        deadline = Deadline(clock, timeout)  # a caller without the run's Deadline yet
    max_rps = budget.max_rps if budget is not None else DEFAULT_MAX_RPS
    return make_api(
        AwsSettings(opts.region, opts.profile, opts.endpoint_url),
        budget=RequestBudget(max_rps, clock=clock),
        get_function_budget=RequestBudget(get_function_rps(max_rps), clock=clock),
        credentials_by=deadline,
    )


def run_clock() -> Clock:
    """The run's one Clock (a SystemClock made once per run): the output's, the API's,
    every wait's and sleep's, so cancelling it on Ctrl-C reaches them all."""
    invocation = current_invocation()
    if invocation.clock is None:
        from lambda_wait.clock import SystemClock

        invocation.clock = SystemClock()
    return invocation.clock


@dataclass(frozen=True)
class ApiFactory:
    """Builds the run's client from the options, on the use case's clock and deadline
    (a use case's ``Connect``)."""

    opts: CommonOptions
    budget: BudgetOptions

    def __call__(self, clock: Clock, deadline: Deadline | None) -> LambdaApi:
        return build_api(self.opts, self.budget, clock=clock, deadline=deadline)


def attach(command: str, output: Output, *, debug: bool = False) -> None:
    """Tell the error boundary which command runs and the output it prints through, so
    whatever stops the command early is reported there (the demo's way in, and ours)."""
    invocation = current_invocation()
    invocation.command, invocation.debug, invocation.output = command, debug, output


def run_command(opts: CommonOptions, command: str, body: CommandBody) -> int:
    """Run ``body`` with the command's :class:`Output`, show its result, and return the
    exit code. Whatever stops it early is the error boundary's
    (:mod:`lambda_wait.commands._boundary`), which prints through the same output."""
    from lambda_wait.ui.output import Output

    output = Output(
        mode=opts.output,
        quiet=opts.quiet,
        no_color=opts.no_color,
        ci_format=opts.ci_format,
        command=command,
        clock=run_clock(),
    )
    attach(command, output, debug=opts.debug)
    result = body(output)
    output.result(command, result)
    return int(result.exit_code)
