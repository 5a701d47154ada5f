"""The event stream's seams: every event type has a renderer in every output mode,
each mode renders every type without failing, and ndjson lines are masked.

The stderr progress modes (live, plain, GitHub) register each type they show: a new
event type fails here until each says how it reads. stdout's modes take any event
by design (text and JSON print none, ndjson prints each as its ``data()``)."""

from __future__ import annotations

import functools
import io
import json
from typing import Any

import pytest

from lambda_wait.clock import ManualClock
from lambda_wait.events import (
    CooldownHeld,
    Event,
    EvidenceGathered,
    Retrying,
    ServingChanged,
    ShiftProgressed,
    StepEnded,
    StepNote,
    StepStarted,
    UploadProgressed,
    WaitNote,
    WaitPolled,
    WaitSleeping,
    event_types,
)
from lambda_wait.evidence.model import Evidence
from lambda_wait.output_mode import OutputMode
from lambda_wait.release.executor import ShiftProgress
from lambda_wait.states import Target, assess
from lambda_wait.ui.live import LiveRenderer
from lambda_wait.ui.ndjson import NdjsonResults
from lambda_wait.ui.progress import GithubRenderer, PlainRenderer
from lambda_wait.ui.results import JsonResults, TextResults

from .scenario import make_output, scenario_clock, snapshot

RENDERERS = [LiveRenderer, PlainRenderer, GithubRenderer, TextResults, JsonResults, NdjsonResults]
SECRET = "hunter2-is-not-a-password"


def sample(cls: type[Event]) -> Event:
    """One event of each type, as the producers make them."""
    snap = snapshot("orders-api", "Pending", None, "Creating")
    where: dict[str, Any] = {"function": "orders-api", "qualifier": "live", "elapsed": 1.5}
    made: dict[type[Event], Event] = {
        WaitPolled: WaitPolled(
            **where, snapshot=snap, assessment=assess(snap, Target.READY), changed=True
        ),
        WaitSleeping: WaitSleeping(**where, seconds=2.5),
        WaitNote: WaitNote(**where, message="a note"),
        CooldownHeld: CooldownHeld(**where, seconds=30.0, message="cooling down"),
        Retrying: Retrying(**where, error_type="ThrottledError", message="Rate exceeded"),
        StepStarted: StepStarted(**where, step="create", action="CreateFunction"),
        StepEnded: StepEnded(
            **where, step="create", status="failed", seconds=1.0, detail=f"quoted {SECRET}"
        ),
        StepNote: StepNote(**where, step="deploy", message=f"said {SECRET}"),
        ShiftProgressed: ShiftProgressed(
            **where, step="alias", progress=ShiftProgress("holding", 10, 1, 1, 5.0, "ok")
        ),
        ServingChanged: ServingChanged(**where, phase="ready", done=True, summary="READY"),
        UploadProgressed: UploadProgressed(
            **where, step="upload", sent_bytes=3 * 1_048_576, total_bytes=10 * 1_048_576
        ),
        EvidenceGathered: EvidenceGathered(
            **where,
            items=(
                Evidence(
                    "logs", "logs:FilterLogEvents", "1 error line", (f"[ERROR] {SECRET}",)
                ).to_dict(),
            ),
        ),
    }
    return made[cls]


def dispatcher(renderer: type[Any]) -> Any:
    """The renderer's single-dispatch table (its ``on`` method)."""
    for klass in renderer.__mro__:
        found = vars(klass).get("on")
        if isinstance(found, functools.singledispatchmethod):
            return found.dispatcher
    raise AssertionError(f"{renderer.__name__} has no `on` dispatch")


@pytest.mark.parametrize("renderer", RENDERERS, ids=lambda r: r.__name__)
@pytest.mark.parametrize("event_type", event_types(), ids=lambda e: e.__name__)
def test_every_event_type_has_a_renderer_in_every_mode(
    renderer: type[Any], event_type: type[Event]
) -> None:
    table = dispatcher(renderer)
    # The base (registered for `object`) raises: a type that reaches it was forgotten.
    assert table.dispatch(event_type) is not table.dispatch(object), (
        f"{renderer.__name__} has no renderer for {event_type.__name__}: register one"
    )


def test_the_sample_covers_every_event_type() -> None:
    for cls in event_types():
        assert type(sample(cls)) is cls
        assert cls.type and cls.type not in {c.type for c in event_types() if c is not cls}


@pytest.mark.parametrize("terminal", [False, True])
@pytest.mark.parametrize("mode", list(OutputMode))
def test_each_mode_shows_every_event_without_failing(terminal: bool, mode: OutputMode) -> None:
    clock = scenario_clock()
    output, stdout, stderr = make_output(clock, mode=mode, terminal=terminal)
    for cls in event_types():
        output.emit(sample(cls))
    output.end_progress()
    if mode is OutputMode.NDJSON:
        types = [json.loads(line)["type"] for line in stdout.getvalue().splitlines()]
        assert types == [cls.type for cls in event_types()]
        assert stderr.getvalue() == ""
    else:
        assert stdout.getvalue() == ""


def test_ndjson_masks_known_secrets_in_every_string_field() -> None:
    from lambda_wait.untrusted import forget_secrets, remember_secrets

    clock = ManualClock(100.0, epoch=1_767_225_600.0 - 100.0)
    output, stdout, _ = make_output(clock, mode=OutputMode.NDJSON)
    remember_secrets([SECRET])  # as the deploy does with its spec's environment values
    try:
        output.emit(sample(StepEnded))
        output.emit(sample(StepNote))
    finally:
        forget_secrets()
    first, second = (json.loads(line) for line in stdout.getvalue().splitlines())
    assert first["detail"] == "quoted ***" and second["message"] == "said ***"
    assert first["timestamp"] == "2026-01-01T00:00:00.000Z"
    assert (first["function"], first["qualifier"], first["elapsed"]) == ("orders-api", "live", 1.5)
    assert SECRET not in stdout.getvalue()


def test_quiet_ndjson_is_the_result_only() -> None:
    output, stdout, _ = make_output(scenario_clock(), mode=OutputMode.NDJSON)
    output.quiet = True
    output.emit(sample(WaitSleeping))
    assert stdout.getvalue() == ""


def test_every_mode_is_registered_with_a_renderer_checked_above() -> None:
    """The recipe "a new output mode" (docs/architecture.md): its member, its renderer,
    its line in ui/modes.py; `--output`'s choices and help follow the member."""
    import click

    from lambda_wait.cli import cli
    from lambda_wait.output_mode import OUTPUT_HELP
    from lambda_wait.ui.display import Display
    from lambda_wait.ui.modes import progress_renderer, result_renderer
    from lambda_wait.ui.streams import Streams

    streams = Streams(
        stdout=io.StringIO(), stderr=io.StringIO(), env={}, terminal=False, width=80,
        no_color=True, clock=ManualClock(),
    )  # fmt: skip
    for mode in OutputMode:
        assert type(result_renderer(mode, streams)) in RENDERERS, mode
        assert OUTPUT_HELP[mode]
    for display in Display:
        made = progress_renderer(display, streams, command="wait", env={}, animate=False)
        assert type(made) in RENDERERS, display
    (option,) = [p for p in cli.params if p.name == "output"]
    assert isinstance(option.type, click.Choice)
    assert list(option.type.choices) == [mode.value for mode in OutputMode]


def test_the_envelope_is_the_last_ndjson_line_whatever_comes_after() -> None:
    from lambda_wait.errors import ExitCode
    from lambda_wait.result import CommandResult

    output, stdout, _ = make_output(scenario_clock(), mode=OutputMode.NDJSON)
    output.emit(sample(WaitSleeping))
    output.result("wait", CommandResult(ExitCode.READY, []))
    output.emit(sample(WaitSleeping))  # a worker that reports after the result
    lines = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert [line.get("type") for line in lines] == ["wait.sleep", None]
    assert lines[-1]["exit_status"] == "ready"


def test_an_upload_reads_as_a_percentage_in_logs_and_as_bytes_in_ndjson() -> None:
    from lambda_wait.ui.lines import deploy_line

    event = sample(UploadProgressed)
    assert isinstance(event, UploadProgressed)
    assert deploy_line(event, several=False) == "[   1.5s] upload: uploaded 30% (3.0 of 10.0 MB)"
    assert event.data() == {
        "step": "upload",
        "sent_bytes": 3 * 1_048_576,
        "total_bytes": 10 * 1_048_576,
        "percent": 30,
    }


def test_ci_format_choices_are_auto_and_every_display() -> None:
    """`--ci-format`'s choices come from output_mode.CI_FORMATS: "auto" (the live view on a
    terminal) and each other progress display by name."""
    import click

    from lambda_wait.cli import cli
    from lambda_wait.output_mode import CI_FORMATS
    from lambda_wait.ui.display import Display, resolve_display

    (option,) = [p for p in cli.params if p.name == "ci_format"]
    assert isinstance(option.type, click.Choice)
    assert list(option.type.choices) == list(CI_FORMATS)
    assert set(CI_FORMATS) == {"auto", *(d.value for d in Display if d is not Display.LIVE)}
    for name in CI_FORMATS:
        chosen = resolve_display(name, stderr_is_terminal=True, env={})
        assert chosen is (Display.LIVE if name == "auto" else Display(name))


def test_the_evidence_event_carries_typed_items_masked_in_ndjson() -> None:
    from lambda_wait.untrusted import forget_secrets, remember_secrets

    output, stdout, _ = make_output(scenario_clock(), mode=OutputMode.NDJSON)
    remember_secrets([SECRET])
    try:
        output.emit(sample(EvidenceGathered))
    finally:
        forget_secrets()
    (line,) = (json.loads(text) for text in stdout.getvalue().splitlines())
    assert line["type"] == "evidence" and line["function"] == "orders-api"
    (item,) = line["items"]
    assert item["kind"] == "logs" and item["source"] == "logs:FilterLogEvents"
    assert item["lines"] == ["[ERROR] ***"]
    assert SECRET not in stdout.getvalue()


def test_the_progress_logs_say_the_evidence_was_read_in_one_line() -> None:
    event = sample(EvidenceGathered)
    assert isinstance(event, EvidenceGathered)
    assert event.line() == "orders-api:live: evidence read: 1 item (logs)"
