"""Reading and waiting on what serves a function's traffic: its provisioned concurrency
config and its event source mappings.

A use case over any object with the adapter's read methods (:class:`ServingReader`),
one :class:`~lambda_wait.clock.Clock` and the run's :class:`~lambda_wait.clock.Deadline`.
No boto3, botocore, click or rich.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from lambda_wait.clock import Clock, Deadline
from lambda_wait.errors import AwsUnavailableError, DeadlineReachedError, ExitCode, UsageError
from lambda_wait.serving import combine
from lambda_wait.serving.mappings import MappingSnapshot, assess_mappings
from lambda_wait.serving.provisioned import ProvisionedSnapshot, assess_provisioned
from lambda_wait.states import Assessment, Phase

# Poll intervals: mappings settle in seconds, provisioned concurrency in minutes ("a minute
# or two of preparation" before allocation starts), so start at 1 s and back off to 10 s.
FIRST_INTERVAL = 1.0
MAX_INTERVAL = 10.0
BACKOFF = 1.5


class ServingReader(Protocol):
    """The adapter's reads this module needs (``lambda_wait.aws.LambdaApi`` has them)."""

    def get_provisioned_concurrency_config(
        self, name: str, qualifier: str
    ) -> dict[str, Any] | None: ...

    def list_event_source_mappings(self, name: str) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class ServingCheck:
    """What to read or wait on besides the function.

    ``provisioned``: "auto" includes the config when the qualifier has one, "require"
    fails (exit 2) when it has none, "off" does not read it. ``mappings``: read the
    function's event source mappings.
    """

    qualifier: str | None = None
    provisioned: str = "auto"
    mappings: bool = False

    @property
    def reads_provisioned(self) -> bool:
        return self.qualifier is not None and self.provisioned != "off"

    @property
    def active(self) -> bool:
        return self.reads_provisioned or self.mappings


@dataclass(frozen=True)
class ServingSnapshot:
    """One read of what serves a function; ``None`` parts were not read."""

    function_name: str
    qualifier: str | None
    provisioned: ProvisionedSnapshot | None
    provisioned_read: bool
    mappings: tuple[MappingSnapshot, ...] | None

    @property
    def key(self) -> tuple[object, ...]:
        """What counts as a change worth reporting."""
        return (
            None if self.provisioned is None else self.provisioned.key,
            None if self.mappings is None else tuple(m.key for m in self.mappings),
        )

    def assess(self) -> Assessment | None:
        """The joined verdict of the parts read, or None when nothing was read."""
        parts: list[Assessment] = []
        if self.provisioned is not None:
            parts.append(assess_provisioned(self.provisioned))
        if self.mappings is not None:
            parts.append(assess_mappings(self.mappings))
        return combine(*parts) if parts else None

    def to_dict(self) -> dict[str, object]:
        """JSON form: ``provisioned_concurrency`` (null when none or not read) and
        ``event_source_mappings`` (null when not read)."""
        return {
            "provisioned_concurrency": (
                None if self.provisioned is None else self.provisioned.to_dict()
            ),
            "event_source_mappings": (
                None if self.mappings is None else [m.to_dict() for m in self.mappings]
            ),
        }


def no_config_error(function_name: str, qualifier: str) -> UsageError:
    return UsageError(
        f"{function_name}:{qualifier} has no provisioned concurrency config, so there is "
        "nothing to wait for with --for provisioned",
        hint="Use --for ready, or put one first: deploy --alias A --provisioned-concurrency N.",
    )


def read_serving(reader: ServingReader, function_name: str, check: ServingCheck) -> ServingSnapshot:
    """One read of the parts ``check`` asks for (at most two requests)."""
    provisioned: ProvisionedSnapshot | None = None
    if check.reads_provisioned:
        assert check.qualifier is not None
        doc = reader.get_provisioned_concurrency_config(function_name, check.qualifier)
        if doc is None and check.provisioned == "require":
            raise no_config_error(function_name, check.qualifier)
        if doc is not None:
            provisioned = ProvisionedSnapshot.from_response(function_name, check.qualifier, doc)
    mappings: tuple[MappingSnapshot, ...] | None = None
    if check.mappings:
        mappings = tuple(
            MappingSnapshot.from_configuration(doc)
            for doc in reader.list_event_source_mappings(function_name)
        )
    return ServingSnapshot(
        function_name, check.qualifier, provisioned, check.reads_provisioned, mappings
    )


@dataclass(frozen=True)
class ServingWait:
    """How a wait on what serves a function ended."""

    snapshot: ServingSnapshot | None
    assessment: Assessment
    reads: int
    timed_out: bool

    @property
    def exit_code(self) -> ExitCode:
        """The code the CLI exits with: 3 when the deadline came first."""
        if self.timed_out and not self.assessment.done:
            return ExitCode.TIMEOUT
        return self.assessment.exit_code

    @property
    def ready(self) -> bool:
        return self.exit_code is ExitCode.READY


def wait_serving(
    reader: ServingReader,
    function_name: str,
    check: ServingCheck,
    *,
    clock: Clock,
    deadline: Deadline,
    on_change: Callable[[ServingSnapshot, Assessment], None] | None = None,
) -> ServingWait:
    """Poll until every part ``check`` asks for is settled, one fails, or the deadline.

    Failures (a FAILED config, a mapping Lambda disabled or reporting a problem) end
    the wait at once. Throttling and 5xx are retried inside the deadline. Bad input
    (``--for provisioned`` on a qualifier without a config) raises UsageError on the
    first read.
    """
    interval = FIRST_INTERVAL
    reads = 0
    last_key: object = object()
    snapshot: ServingSnapshot | None = None
    verdict = Assessment(Phase.OTHER, "nothing read yet", None)
    while True:
        try:
            snapshot = read_serving(reader, function_name, check)
            reads += 1
            verdict = snapshot.assess() or Assessment(Phase.READY, "nothing to wait for", None)
            if snapshot.key != last_key and on_change is not None:
                on_change(snapshot, verdict)
            last_key = snapshot.key
            if verdict.done:
                return ServingWait(snapshot, verdict, reads, timed_out=False)
        except DeadlineReachedError:
            return ServingWait(snapshot, verdict, reads, timed_out=True)
        except AwsUnavailableError as err:  # throttled or 5xx: try again inside the deadline
            retry_after = getattr(err, "retry_after", None)
            if retry_after:
                interval = max(interval, float(retry_after))
        if deadline.expired():
            return ServingWait(snapshot, verdict, reads, timed_out=True)
        clock.sleep(deadline.clamp(interval))
        interval = min(MAX_INTERVAL, interval * BACKOFF)
