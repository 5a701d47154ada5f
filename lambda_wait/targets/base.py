"""What every wait target is: one object that knows what it reads, how it judges the
answer, and how it shows in ``status`` rows, the live view and the JSON.

Pure: no boto3, botocore, click or rich. A row is data (:class:`Row`, :class:`Span`);
``lambda_wait.ui.tables`` draws it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from lambda_wait.errors import UsageError
from lambda_wait.reasons import DecodedReason
from lambda_wait.states import Assessment, Phase

S = TypeVar("S")


class Need(StrEnum):
    """How much a wait needs a target: not at all, when present, or it must exist."""

    OFF = "off"
    AUTO = "auto"  # read it; judge it when there is something (a config on the qualifier)
    REQUIRE = "require"  # there must be something, else bad input (exit 2)


class ServingReader(Protocol):
    """The adapter's reads the registered targets use (``lambda_wait.aws.LambdaApi`` and
    the deploy's ``LambdaPort`` have them). A new target declares what it reads as its
    own Protocol in its module, e.g. ``LambdaApi.call("get_function_url_config", ...)``
    (budgeted, bounded by the run's Deadline, errors translated), so adding one does
    not change the adapter."""

    def get_provisioned_concurrency_config(
        self, name: str, qualifier: str
    ) -> dict[str, Any] | None: ...

    def list_event_source_mappings(self, name: str) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class Span:
    """A piece of a row's text: ``phase`` colours it as that phase, ``quiet`` dims it."""

    text: str
    phase: Phase | None = None
    quiet: bool = False


@dataclass(frozen=True)
class Row:
    """One row of a ``status`` block: a label and its text, or a decoded reason (drawn
    as the reason's rows: code, AWS's words, meaning, remedy)."""

    label: str
    spans: tuple[Span, ...] = ()
    reason: DecodedReason | None = None


class ServingTarget(ABC, Generic[S]):
    """A wait target beside the function's own state (the function's provisioned
    concurrency, its event source mappings, ...): one instance, registered once in
    :mod:`lambda_wait.targets.registry`.

    ``S`` is the target's snapshot; ``read`` returns None when there is nothing there
    (no config on the qualifier), which ``judge``, ``rows`` and ``to_json`` accept.
    """

    name: str  # its name in messages and the registry
    json_key: str  # its section in each function's JSON
    for_choice: str | None = None  # the `wait --for` choice that waits on it alone
    for_help: str = ""  # that choice's help
    ready_help: str = ""  # what `--for ready` adds with it ("" : ready does not read it)
    needs_qualifier: bool = False  # lives on an alias or version, never on $LATEST
    qualifier_why: str = ""  # why, for the one-line usage error
    # `status` reads it for one function and with --wide; for several functions only when
    # this is True (a read per function that no account-wide listing replaces costs a
    # fleet's status N more requests), and a denied read of it never hides the others.
    in_fleet_status: bool = True

    @property
    def in_ready(self) -> bool:
        """`--for ready` reads it (and judges it when there is something)."""
        return bool(self.ready_help)

    def applies(self, qualifier: str | None) -> bool:
        """Whether it can be read for a function named with ``qualifier``."""
        # $LATEST is no qualifier here: AWS answers a read of it with a 400 (recorded).
        return qualifier not in (None, "$LATEST") or not self.needs_qualifier

    @abstractmethod
    def read(self, reader: Any, function_name: str, qualifier: str | None) -> S | None:
        """One read through ``reader`` (the run's ``LambdaApi``, so through the request
        budget), typed by each target as the Protocol it needs; None when there is
        nothing there."""

    @abstractmethod
    def judge(self, snap: S | None) -> Assessment | None:
        """Ready, on its way or failed with a decoded reason; None: nothing to judge."""

    @abstractmethod
    def change_key(self, snap: S | None) -> object:
        """What counts as a change worth a line in the live view."""

    @abstractmethod
    def rows(self, snap: S | None) -> list[Row]:
        """Its rows in a ``status`` block."""

    @abstractmethod
    def to_json(self, snap: S | None) -> object:
        """Its JSON section (``json_key``); None when there is nothing there."""

    def missing(self, function_name: str, qualifier: str | None) -> UsageError:
        """The error when a wait requires it and there is nothing there."""
        where = f"{function_name}:{qualifier}" if qualifier else function_name
        return UsageError(f"{where} has no {self.name}, so there is nothing to wait for")

    def __repr__(self) -> str:
        return f"<wait target {self.name}>"
