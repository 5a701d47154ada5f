"""Reading and waiting on what serves a function's traffic: every registered serving
target (:mod:`lambda_wait.targets.registry`), e.g. its provisioned concurrency config and
its event source mappings.

A use case over any object with the adapter's read methods (:class:`ServingReader`),
one :class:`~lambda_wait.clock.Clock` and the run's :class:`~lambda_wait.clock.Deadline`.
No boto3, botocore, click or rich.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lambda_wait.clock import Clock, Deadline
from lambda_wait.errors import AwsUnavailableError, DeadlineReachedError, ExitCode
from lambda_wait.serving import combine
from lambda_wait.serving.mappings import MappingSnapshot
from lambda_wait.serving.provisioned import ProvisionedSnapshot
from lambda_wait.states import Assessment, Phase
from lambda_wait.targets.base import Need, Row, ServingReader, ServingTarget
from lambda_wait.targets.mappings import MAPPINGS
from lambda_wait.targets.provisioned import PROVISIONED
from lambda_wait.targets.registry import SERVING

# Poll intervals: mappings settle in seconds, provisioned concurrency in minutes ("a minute
# or two of preparation" before allocation starts), so start at 1 s and back off to 10 s.
FIRST_INTERVAL = 1.0
MAX_INTERVAL = 10.0
BACKOFF = 1.5

Targets = Mapping[ServingTarget[Any], Need]


class ServingCheck:
    """What to read or wait on besides the function: how much each registered target is
    needed (:class:`~lambda_wait.targets.base.Need`), for a function named with
    ``qualifier``.

    ``needs`` gives them by target; ``provisioned`` ("auto", "require", "off") and
    ``mappings`` are the two first targets' shorthand (the public API's spelling).
    """

    def __init__(
        self,
        qualifier: str | None = None,
        provisioned: Need | str = Need.AUTO,
        mappings: bool = False,
        *,
        needs: Targets | None = None,
    ) -> None:
        self.qualifier = qualifier
        if needs is None:
            needs = {PROVISIONED: Need(provisioned), MAPPINGS: Need.AUTO if mappings else Need.OFF}
        self.needs: dict[ServingTarget[Any], Need] = {
            target: need for target, need in needs.items() if need is not Need.OFF
        }

    def for_qualifier(self, qualifier: str | None) -> ServingCheck:
        """The same needs, for a function named with ``qualifier``."""
        return ServingCheck(qualifier, needs=self.needs)

    def need(self, target: ServingTarget[Any]) -> Need:
        return self.needs.get(target, Need.OFF)

    @property
    def provisioned(self) -> Need:
        return self.need(PROVISIONED)

    @property
    def mappings(self) -> bool:
        return self.need(MAPPINGS) is not Need.OFF

    @property
    def reads(self) -> tuple[ServingTarget[Any], ...]:
        """The targets a read covers, in registry order."""
        return tuple(t for t in SERVING if t in self.needs and t.applies(self.qualifier))

    @property
    def active(self) -> bool:
        return bool(self.reads)

    @property
    def only_auto(self) -> bool:
        """Nothing asked for explicitly: every target read only when present."""
        return all(self.need(t) is Need.AUTO and t.in_ready for t in self.reads)

    def __repr__(self) -> str:
        needs = ", ".join(f"{t.name}={n.value}" for t, n in self.needs.items())
        return f"ServingCheck(qualifier={self.qualifier!r}, {needs})"


@dataclass(frozen=True)
class ServingSnapshot:
    """One read of what serves a function: each target read, with its snapshot (None:
    read, nothing there); a target not in ``parts`` was not read."""

    function_name: str
    qualifier: str | None
    parts: Mapping[ServingTarget[Any], Any] = field(default_factory=dict)

    @property
    def provisioned(self) -> ProvisionedSnapshot | None:
        found: ProvisionedSnapshot | None = self.parts.get(PROVISIONED)
        return found

    @property
    def provisioned_read(self) -> bool:
        return PROVISIONED in self.parts

    @property
    def mappings(self) -> tuple[MappingSnapshot, ...] | None:
        found: tuple[MappingSnapshot, ...] | None = self.parts.get(MAPPINGS)
        return found

    def _read(self) -> list[tuple[ServingTarget[Any], Any]]:
        return [(t, self.parts[t]) for t in SERVING if t in self.parts]

    @property
    def key(self) -> tuple[object, ...]:
        """What counts as a change worth reporting."""
        return tuple(target.change_key(snap) for target, snap in self._read())

    def assess(self) -> Assessment | None:
        """The joined verdict of the parts read, or None when nothing was read."""
        verdicts = [target.judge(snap) for target, snap in self._read()]
        present = [v for v in verdicts if v is not None]
        return combine(*present) if present else None

    def rows(self) -> list[Row]:
        """Every part's rows in a ``status`` block, in registry order."""
        return [row for target, snap in self._read() for row in target.rows(snap)]

    def to_dict(self) -> dict[str, object]:
        """JSON form: one section per registered target (null when nothing there or not
        read): ``provisioned_concurrency``, ``event_source_mappings``, ..."""
        return {
            target.json_key: target.to_json(self.parts[target]) if target in self.parts else None
            for target in SERVING
        }


def json_sections(serving: ServingSnapshot | None) -> dict[str, object]:
    """Every registered target's JSON section of a function (all null when none read)."""
    if serving is None:
        return {target.json_key: None for target in SERVING}
    return serving.to_dict()


def read_serving(reader: ServingReader, function_name: str, check: ServingCheck) -> ServingSnapshot:
    """One read of the targets ``check`` asks for (one request or page run each)."""
    parts: dict[ServingTarget[Any], Any] = {}
    for target in check.reads:
        snap = target.read(reader, function_name, check.qualifier)
        if snap is None and check.need(target) is Need.REQUIRE:
            raise target.missing(function_name, check.qualifier)
        parts[target] = snap
    return ServingSnapshot(function_name, check.qualifier, parts)


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
    """Poll until every target ``check`` asks for is settled, one fails, or the deadline.

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
