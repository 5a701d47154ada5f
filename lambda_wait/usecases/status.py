"""``status``: one read of each function and of what serves it, judged; a typed
result, without Click."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

from lambda_wait.clock import Clock, SystemClock
from lambda_wait.errors import AuthError, ExitCode, LambdaWaitError, UsageError, worst
from lambda_wait.output_mode import OutputMode
from lambda_wait.usecases.functions import FunctionsRequest, select, suggest_names

if TYPE_CHECKING:
    from lambda_wait.aws import LambdaApi
    from lambda_wait.inputs import FunctionRef
    from lambda_wait.result import CommandResult, FunctionReport
    from lambda_wait.usecases.wait import Connect


class Watching(Protocol):
    """Shows a status as it is read, and redraws it until Ctrl-C
    (``lambda_wait.ui.output.Output`` is one)."""

    def watch(
        self, read: Callable[[], CommandResult], interval: float, *, first: CommandResult
    ) -> NoReturn: ...

    def status_row(self, index: int, report: FunctionReport, total: int) -> None:
        """One function's report, as soon as it is read (``index`` in the order asked)."""


@dataclass(frozen=True)
class StatusRequest:
    """Everything ``status`` was asked: the functions, ``--wide``, and with ``--watch``
    how often to read again (``watch``, seconds; None: read once), and what stdout
    carries (``mode``: a table to redraw only in text)."""

    functions: FunctionsRequest
    wide: bool = False
    watch: float | None = None
    mode: OutputMode = OutputMode.TEXT


def run_status(
    request: StatusRequest, connect: Connect, view: Watching, clock: Clock | None = None
) -> CommandResult:
    """Read each function once (or, with ``watch``, again and again until Ctrl-C)."""
    if request.watch is not None and request.mode is not OutputMode.TEXT:
        raise UsageError(
            f"--watch redraws a table; it cannot be combined with --output {request.mode}.",
            hint=f"Drop --watch, or poll `lambda-wait status -o {request.mode}` yourself.",
        )
    refs = request.functions.named_refs()
    api = connect(clock or SystemClock(), None)
    refs, prefetched = select(api, request.functions, refs)
    if request.watch is not None:
        again = partial(read_all, api, refs, request, {})
        view.watch(again, request.watch, first=read_all(api, refs, request, prefetched))
    shown = partial(view.status_row, total=len(refs))
    return read_all(api, refs, request, prefetched, shown)


# From this many functions on, one account-wide ListEventSourceMappings (its pages)
# replaces one ListEventSourceMappings per function: N reads + pages instead of 2N.
ACCOUNT_LISTING_FROM = 3
MAX_THREADS = 16  # each waits on the request budget most of the time
Reported = Callable[[int, "FunctionReport"], None]


def read_all(
    api: LambdaApi,
    refs: list[FunctionRef],
    request: StatusRequest,
    documents: dict[str, dict[str, Any]],
    on_report: Reported | None = None,
) -> CommandResult:
    """One read of each function (or the answer a selection already read) and of what
    serves it, judged; the reads run concurrently under the request budget, and
    ``on_report`` hears each report (with its index in ``refs``) as it comes back."""
    from lambda_wait.result import CommandResult, StatusPayload
    from lambda_wait.signals import interruptible

    reader = _serving_reader(api, refs)
    fleet = len(refs) > 1 and not request.wide  # a fleet reads what it can afford
    reports: list[FunctionReport | None] = [None] * len(refs)
    with (  # Ctrl-C cancels the API (inner) before the pool waits for its threads
        ThreadPoolExecutor(max_workers=max(1, min(MAX_THREADS, len(refs)))) as pool,
        interruptible(api),
    ):
        futures = {
            pool.submit(_read_one, api, reader, ref, request, documents, fleet): index
            for index, ref in enumerate(refs)
        }
        for future in as_completed(futures):
            index = futures[future]
            report = future.result()  # auth and usage errors: said once, here
            reports[index] = report
            if on_report is not None:
                on_report(index, report)
    done = [report for report in reports if report is not None]
    suggest_names(api, refs, done)
    code = worst([r.exit_code for r in done])
    return CommandResult(code, done, StatusPayload(wide=request.wide))


def _serving_reader(api: LambdaApi, refs: list[FunctionRef]) -> Any:
    """Who answers the mappings reads: with several functions, one account-wide listing
    for those in the API's own Region (pages capped at one per function: a bigger
    account is read per function); else the API itself."""
    from lambda_wait.targets.mappings import ListedMappings, list_account_mappings

    local = {ref.name for ref in refs if ref.region in (None, api.region)}
    if len(local) < ACCOUNT_LISTING_FROM:
        return api
    try:
        listed = list_account_mappings(api, max_pages=len(local))
    except AuthError:
        return api  # no lambda:ListEventSourceMappings on "*": each function says so
    return api if listed is None else ListedMappings(api, listed, local)


def _read_one(
    api: LambdaApi,
    reader: Any,
    ref: FunctionRef,
    request: StatusRequest,
    documents: dict[str, dict[str, Any]],
    fleet: bool = False,
) -> FunctionReport:
    from lambda_wait.api import get_status
    from lambda_wait.result import FunctionReport
    from lambda_wait.usecases.serving import status_with_serving

    try:
        result = get_status(
            ref,
            client=api,
            poll_api=request.functions.poll_api,
            configuration=documents.get(ref.given),
        )
        report = FunctionReport(
            ref.label,
            result.exit_code,
            result.snapshot,
            result.assessment,
            notes=list(result.notes),
            cooldown=result.cooldown,
        )
        return status_with_serving(reader, ref, report, fleet=fleet)
    except LambdaWaitError as err:
        if err.exit_code in (ExitCode.AUTH, ExitCode.USAGE):
            raise  # the same for every function: say it once
        return FunctionReport(ref.label, err.exit_code, error=err)
