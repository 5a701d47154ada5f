"""Evidence on failure for the commands' use cases: each failed function's report (or
deploy result) gets what the account shows about its reason code
(:mod:`lambda_wait.evidence`), inside the run's remaining deadline. Never changes an
exit code and never raises but for an interrupt."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from lambda_wait.errors import ExitCode, UsageError
from lambda_wait.evidence.collect import Failure, gather
from lambda_wait.evidence.model import Evidence
from lambda_wait.inputs import parse_function

if TYPE_CHECKING:
    from collections.abc import Sequence

    from lambda_wait.aws import LambdaApi
    from lambda_wait.clock import Deadline
    from lambda_wait.deploy.model import DeployResult
    from lambda_wait.reasons import DecodedReason
    from lambda_wait.result import FunctionReport
    from lambda_wait.states import FunctionSnapshot


@runtime_checkable
class EvidenceSink(Protocol):
    """Where the evidence read is told as it is (``Output``: the ``evidence`` event)."""

    def evidence(self, label: str, items: Sequence[Evidence]) -> None: ...


def told(progress: object) -> EvidenceSink | None:
    """``progress`` when it takes the evidence event, else None."""
    return progress if isinstance(progress, EvidenceSink) else None


def attach_evidence(
    api: LambdaApi,
    reports: Sequence[FunctionReport],
    deadline: Deadline,
    sink: EvidenceSink | None = None,
) -> None:
    """Add evidence to each failed report whose reason code has any (and tell ``sink``)."""
    for report in reports:
        if report.exit_code is not ExitCode.READY:
            report.evidence = evidence_for(
                api, report.function, report.reason(), report.snapshot, deadline
            )
            if sink is not None and report.evidence:
                sink.evidence(report.function, report.evidence)


def attach_deploy_evidence(
    api: LambdaApi, result: DeployResult, deadline: Deadline, sink: EvidenceSink | None = None
) -> None:
    """Add evidence to a deploy that failed (and tell ``sink`` what was read)."""
    _attach_deploy(api, result, deadline)
    if sink is not None and result.evidence:
        sink.evidence(result.function, result.evidence)


def _attach_deploy(api: LambdaApi, result: DeployResult, deadline: Deadline) -> None:
    if result.error is None:
        return
    shifted = getattr(result.error, "report", None)  # a release that rolled back
    if shifted is not None:
        result.evidence = _release_evidence(api, result.function, shifted, deadline)
        return
    found = getattr(result.error, "evidence", None)  # a preflight's: already read
    if isinstance(found, list):
        result.evidence = found
        return
    reason = result.reason
    if reason is None and result.snapshot is not None:
        from lambda_wait.states import assess

        reason = assess(result.snapshot).reason
    result.evidence = evidence_for(api, result.function, reason, result.snapshot, deadline)


def _release_evidence(
    api: LambdaApi, function: str, shifted: object, deadline: Deadline
) -> list[Evidence]:
    """A rolled-back release's evidence (:mod:`lambda_wait.evidence.release`)."""
    from lambda_wait.evidence.release import release_evidence
    from lambda_wait.release.outcome import ShiftReport

    if not isinstance(shifted, ShiftReport):
        return []
    try:
        region = parse_function(function).region
    except UsageError:
        return []
    return release_evidence(api.in_region(region), shifted, deadline)


def evidence_for(
    api: LambdaApi,
    function: str,
    reason: DecodedReason | None,
    snapshot: FunctionSnapshot | None,
    deadline: Deadline,
) -> list[Evidence]:
    """What the account shows about ``function``'s failure with ``reason``."""
    if reason is None or not reason.code:
        return []
    arn = None if snapshot is None else snapshot.function_arn
    try:
        ref = parse_function(arn or function)
    except UsageError:  # a label no read can name: nothing to read
        return []
    failure = Failure(ref.api_name, reason.code, ref.qualifier, snapshot=snapshot)
    return gather(api.in_region(ref.region), failure, deadline)
