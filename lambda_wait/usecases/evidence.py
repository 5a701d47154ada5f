"""Evidence on failure for the commands' use cases: each failed function's report gets
what the account shows about its reason code (:mod:`lambda_wait.evidence`), inside the
run's remaining deadline. Never changes a report's exit code and never raises but for
an interrupt."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lambda_wait.errors import ExitCode, UsageError
from lambda_wait.evidence.collect import Failure, gather
from lambda_wait.inputs import parse_function

if TYPE_CHECKING:
    from collections.abc import Sequence

    from lambda_wait.aws import LambdaApi
    from lambda_wait.clock import Deadline
    from lambda_wait.result import FunctionReport


def attach_evidence(api: LambdaApi, reports: Sequence[FunctionReport], deadline: Deadline) -> None:
    """Add evidence to each failed report whose reason code has any."""
    for report in reports:
        reason = report.reason()
        if report.exit_code is ExitCode.READY or reason is None or not reason.code:
            continue
        snapshot = report.snapshot
        arn = None if snapshot is None else snapshot.function_arn
        try:
            ref = parse_function(arn or report.function)
        except UsageError:  # a label no read can name: nothing to read
            continue
        here = api.in_region(ref.region)
        failure = Failure(ref.api_name, reason.code, ref.qualifier, snapshot=snapshot)
        report.evidence = gather(here, failure, deadline)
