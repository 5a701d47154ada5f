"""status and wait as use cases, without Click: a typed request in, a CommandResult out;
one Deadline, made before the client set-up, handed down as the same object; the
functions parsed once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from lambda_wait.clock import Deadline, ManualClock
from lambda_wait.errors import ExitCode, UsageError
from lambda_wait.inputs import FunctionRef, parse_function
from lambda_wait.output_mode import OutputMode
from lambda_wait.states import Assessment, FunctionSnapshot, Target, assess
from lambda_wait.targets.mappings import MAPPINGS
from lambda_wait.targets.provisioned import PROVISIONED
from lambda_wait.targets.registry import named_goal
from lambda_wait.usecases.functions import FunctionsRequest
from lambda_wait.usecases.status import StatusRequest, run_status
from lambda_wait.usecases.wait import WaitRequest, run_wait
from lambda_wait.waiter import WaitEvent, WaitResult
from lambda_wait.wake import InactiveAwareWait

READY = FunctionSnapshot.from_configuration(
    {"FunctionName": "shop", "State": "Active", "LastUpdateStatus": "Successful"}
)


@dataclass(frozen=True)
class NoSelection:
    prefix: str | None = None
    tags: tuple[tuple[str, str | None], ...] = ()

    @property
    def active(self) -> bool:
        return False

    def describe(self) -> str:
        return ""


class Sink:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def progress(self, event: WaitEvent) -> None:
        pass

    def serving(self, label: str, verdict: Assessment) -> None:
        self.lines.append(f"{label}: {verdict.summary}")


class FakeApi:
    """What the use case asks of the client itself; the waits are replaced."""

    def __init__(self) -> None:
        self.bounded: list[Deadline] = []

    def bounded_by(self, deadline: Deadline) -> FakeApi:
        self.bounded.append(deadline)
        return self

    def get_provisioned_concurrency_config(self, name: str, qualifier: str) -> Any:
        return {"Status": "READY", "RequestedProvisionedConcurrentExecutions": 2}

    def list_event_source_mappings(self, name: str) -> list[Any]:
        return []


def functions(*names: str, qualifier: str | None = None) -> FunctionsRequest:
    refs = tuple(parse_function(name) for name in names)
    return FunctionsRequest(refs, qualifier, NoSelection(), "get-function-configuration")


def test_wait_hands_one_deadline_made_before_the_setup_to_every_wait(
    clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, seen = FakeApi(), {}

    def connect(_clock: Any, deadline: Deadline | None) -> FakeApi:
        seen["set-up"] = deadline
        clock.advance(5.0)  # a slow credential_process counts against --timeout
        return api

    def waits(refs: list[FunctionRef], *, deadline: Deadline, target: Target, **_: Any) -> Any:
        seen["wait"], seen["refs"], seen["target"] = deadline, refs, target
        return [
            WaitResult(r.label, target, ExitCode.READY, READY, assess(READY), 1, 1) for r in refs
        ]

    monkeypatch.setattr("lambda_wait.api.wait_for_functions", waits)
    named = functions("shop", "shop", qualifier="live")
    request = WaitRequest(named, named_goal("ready"), 60.0, also=(MAPPINGS,))
    sink = Sink()
    result = run_wait(request, connect, sink, clock)
    assert seen["set-up"] is seen["wait"] is api.bounded[0]
    assert api.bounded[0].remaining() == pytest.approx(55.0)
    # Parsed once: the CLI's FunctionRef, with --qualifier merged, named twice -> once.
    assert seen["refs"] == [named.named[0].with_qualifier("live")]
    assert seen["target"] is Target.READY
    assert result.exit_code is ExitCode.READY
    (report,) = result.reports
    assert report.serving is not None and set(report.serving.parts) == {PROVISIONED, MAPPINGS}
    assert sink.lines and sink.lines[0].startswith("shop:live: provisioned concurrency READY")


def test_a_goal_that_needs_a_qualifier_is_bad_input_before_any_client(clock: ManualClock) -> None:
    def connect(*_: Any) -> Any:
        raise AssertionError("no client for bad input")

    request = WaitRequest(functions("shop"), named_goal("provisioned"), 60.0)
    with pytest.raises(UsageError, match="--for provisioned needs --qualifier"):
        run_wait(request, connect, Sink(), clock)


@pytest.mark.parametrize("mode", [OutputMode.JSON, OutputMode.NDJSON])
def test_status_watch_with_a_machine_mode_is_bad_input_naming_it(
    clock: ManualClock, mode: OutputMode
) -> None:
    request = StatusRequest(functions("shop"), watch=5.0, mode=mode)
    with pytest.raises(UsageError, match=f"cannot be combined with --output {mode.value}\\."):
        run_status(request, lambda *_: None, None, clock)  # type: ignore[arg-type]


def test_a_second_qualifier_is_refused_once_merged() -> None:
    request = FunctionsRequest(
        (parse_function("shop:live"),), "prod", NoSelection(), "get-function-configuration"
    )
    with pytest.raises(UsageError, match="give only one"):
        request.named_refs()


def test_the_wake_aware_wait_keeps_the_run_deadline_itself(clock: ManualClock) -> None:
    run = Deadline(clock, 30.0)
    wait = InactiveAwareWait(FakeApi(), parse_function("shop"), deadline=run, clock=clock)  # type: ignore[arg-type]
    assert wait.deadline is run
    inner = InactiveAwareWait(
        FakeApi(),  # type: ignore[arg-type]
        parse_function("shop"),
        deadline=run,
        timeout=10.0,
        clock=clock,
    )
    assert inner.deadline.at == pytest.approx(clock.now() + 10.0)
