"""Evidence for a release that rolled back (``deploy --shift``): a smoke test's error
lines from its Invoke's log tail (``LogType=Tail``), and for a version that failed its
gates, its error lines in CloudWatch Logs since the shift began (the version's streams:
``YYYY/MM/DD/[VERSION]<id>``). Bounded like every evidence (:mod:`.collect`): the
run's remaining deadline, at most :data:`~.collect.EVIDENCE_SECONDS`; never raises but
for an interrupt, and never changes the rollback's outcome or exit code."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lambda_wait.evidence.collect import EVIDENCE_SECONDS, _safely
from lambda_wait.evidence.logs import LogsReads, error_only, log_group
from lambda_wait.evidence.model import Evidence, unread
from lambda_wait.evidence.reading import Failure, Reading
from lambda_wait.evidence.services import MissingResourceError
from lambda_wait.evidence.sources import LOG_WINDOW, scrubbed
from lambda_wait.release.gates import SMOKE_UNREACHABLE

if TYPE_CHECKING:
    from lambda_wait.aws import LambdaApi
    from lambda_wait.clock import Deadline
    from lambda_wait.release.outcome import ShiftReport

TAIL_SOURCE = "lambda:Invoke (LogType=Tail)"
GATE_CAUSES = frozenset({"alarm", "error-rate"})


def release_evidence(api: LambdaApi, report: ShiftReport, deadline: Deadline) -> list[Evidence]:
    """What explains ``report``'s rollback (empty for a cause no log explains: a
    signal, the --timeout, an AWS error)."""
    if report.cause == "smoke-test" and report.smoke_log:
        return [tail_evidence(report.new_version, report.smoke_log)]  # no request needed
    if report.cause not in GATE_CAUSES and report.cause != "smoke-test":
        return []
    if report.cause == "smoke-test" and SMOKE_UNREACHABLE in (report.detail or ""):
        return []  # the test never reached the version: no log of it
    bound = deadline.within(EVIDENCE_SECONDS)
    if bound.expired():
        return [unread("logs", "-", "the --timeout ran out before evidence could be read")]
    reading = Reading(
        api.bounded_by(bound), Failure(report.function, None, qualifier=report.new_version)
    )
    return _safely("logs", lambda: version_logs(reading, report))


def tail_evidence(version: str, tail: tuple[str, ...]) -> Evidence:
    """The smoke test's error lines, from the log tail its Invoke answered with."""
    lines = tuple(scrubbed(line) for line in error_only(tail))
    what = f"{len(lines)} error line{'' if len(lines) == 1 else 's'}" if lines else "no error lines"
    summary = f"{what} in the smoke test's log tail of version {version}"
    facts = (("version", version), ("tail_lines", len(tail)))
    return Evidence("logs", TAIL_SOURCE, summary, lines, facts=facts)


def version_logs(reading: Reading, report: ShiftReport) -> list[Evidence]:
    """The failed version's error lines in its log group since the shift began."""
    config = reading.configuration()
    name = str(config.get("FunctionName") or report.function)
    group = log_group(config, name)
    since = report.started_wall or reading.api.clock.wall() - LOG_WINDOW
    version = report.new_version
    try:
        found = LogsReads.beside(reading.api).error_lines(group, int(since * 1000), version)
    except MissingResourceError:
        return [Evidence("logs", "logs:FilterLogEvents", f"log group {group} does not exist")]
    lines = tuple(scrubbed(line) for line in found)
    what = f"{len(lines)} error line{'' if len(lines) == 1 else 's'}" if lines else "no error lines"
    summary = f"{what} of version {version} in {group}"
    facts = (("log_group", group), ("version", version))
    return [Evidence("logs", "logs:FilterLogEvents", summary, lines, facts=facts)]
