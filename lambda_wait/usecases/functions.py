"""Which functions a command handles: those named (parsed once, by the CLI) with
``--qualifier`` merged in, and those ``--prefix``/``--tag`` select."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from lambda_wait.errors import FunctionNotFoundError, LambdaWaitError, UsageError
from lambda_wait.inputs import FunctionRef, PollApi, check_region, parse_function
from lambda_wait.selecting import list_selection

if TYPE_CHECKING:
    from lambda_wait.aws import LambdaApi
    from lambda_wait.result import FunctionReport


class Selecting(Protocol):
    """--prefix and --tag (``lambda_wait.options.SelectionOptions`` is one)."""

    @property
    def prefix(self) -> str | None: ...

    @property
    def tags(self) -> tuple[tuple[str, str | None], ...]: ...

    @property
    def active(self) -> bool: ...

    def describe(self) -> str: ...


@dataclass(frozen=True)
class FunctionsRequest:
    """The functions named (each parsed once), ``--qualifier``, the selection, the read
    that polls (``--poll-api``) and ``--region`` when given (an ARN must agree)."""

    named: tuple[FunctionRef, ...]
    qualifier: str | None
    selection: Selecting
    poll_api: PollApi
    region: str | None = None

    def named_refs(self) -> list[FunctionRef]:
        """The named functions with the qualifier merged, each once; bad input (exit 2)
        before any client exists, even without credentials."""
        if not self.named and not self.selection.active:
            raise UsageError(
                "no function given.", hint="Name one or more, or select with --prefix/--tag."
            )
        refs: list[FunctionRef] = []
        for named in self.named:  # a function named twice is read (and shown) once
            ref = named.with_qualifier(self.qualifier)
            if all(ref.label != other.label for other in refs):
                refs.append(ref)
        for ref in refs:  # an ARN's Region is used, unless --region says otherwise
            check_region(ref, self.region)
        return refs


def select(
    api: LambdaApi, request: FunctionsRequest, refs: list[FunctionRef]
) -> tuple[list[FunctionRef], dict[str, dict[str, Any]]]:
    """``refs`` plus the functions the selection lists (named first, no repeats), and the
    GetFunction answers the selection already read (reusable as a status read). A
    selection matching nothing, with no function named, is "not found" (exit 4)."""
    selection = request.selection
    if not selection.active:
        return refs, {}
    chosen = list_selection(api, selection.prefix, dict(selection.tags), request.poll_api)
    if not chosen.names and not refs:
        raise FunctionNotFoundError(
            f"no function matches {selection.describe()} ({chosen.listed} listed in the region).",
            hint="Check the prefix, the tags, --region and the account.",
        )
    given = {ref.label for ref in refs}
    listed = [parse_function(name, request.qualifier) for name in chosen.names]
    refs = refs + [ref for ref in listed if ref.label not in given]
    return refs, (chosen.documents if request.qualifier is None else {})


def suggest_names(api: LambdaApi, refs: list[FunctionRef], reports: list[FunctionReport]) -> None:
    """For each function Lambda did not find, the closest existing names ("did you
    mean"), added to its error's hint. One paginated ListFunctions through the request
    budget, only on this path; a listing that fails (permissions, the deadline) adds
    nothing and hides nothing."""
    missing = [
        (ref, report.error)
        for ref, report in zip(refs, reports, strict=True)
        if isinstance(report.error, FunctionNotFoundError)
    ]
    if not missing:
        return
    try:
        listed = [
            str(doc["FunctionName"]) for doc in api.list_functions() if doc.get("FunctionName")
        ]
    except LambdaWaitError:
        return
    import difflib  # only when a function was not found

    for ref, error in missing:
        close = difflib.get_close_matches(ref.name, listed, n=3, cutoff=0.6)
        if close:
            names = ", ".join(close)
            error.hint = f"Did you mean {names}? " + (error.hint or "")
