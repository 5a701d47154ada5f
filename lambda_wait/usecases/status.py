"""``status``: one read of each function and of what serves it, judged; a typed
result, without Click."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

from lambda_wait.clock import Clock, SystemClock
from lambda_wait.errors import ExitCode, LambdaWaitError, UsageError, worst
from lambda_wait.output_mode import OutputMode
from lambda_wait.usecases.functions import FunctionsRequest, select, suggest_names

if TYPE_CHECKING:
    from lambda_wait.aws import LambdaApi
    from lambda_wait.inputs import FunctionRef
    from lambda_wait.result import CommandResult, FunctionReport
    from lambda_wait.usecases.wait import Connect


class Watching(Protocol):
    """Redraws a status until Ctrl-C (``lambda_wait.ui.output.Output`` is one)."""

    def watch(
        self, read: Callable[[], CommandResult], interval: float, *, first: CommandResult
    ) -> NoReturn: ...


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
    return read_all(api, refs, request, prefetched)


def read_all(
    api: LambdaApi,
    refs: list[FunctionRef],
    request: StatusRequest,
    documents: dict[str, dict[str, Any]],
) -> CommandResult:
    """One read of each function (or the answer a selection already read), judged."""
    from lambda_wait.result import CommandResult, StatusPayload

    reports = [_read_one(api, ref, request, documents) for ref in refs]
    suggest_names(api, refs, reports)
    code = worst([r.exit_code for r in reports])
    return CommandResult(code, reports, StatusPayload(wide=request.wide))


def _read_one(
    api: LambdaApi, ref: FunctionRef, request: StatusRequest, documents: dict[str, dict[str, Any]]
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
        return status_with_serving(api, ref, report)
    except LambdaWaitError as err:
        if err.exit_code in (ExitCode.AUTH, ExitCode.USAGE):
            raise  # the same for every function: say it once
        return FunctionReport(ref.label, err.exit_code, error=err)
