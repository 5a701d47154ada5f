"""The live view scales: unfinished rows first, finished ones collapsed into a count
when the terminal is too short, no spinner left frozen when it stops, an update
in progress called an update, durations as people read them."""

from __future__ import annotations

import io

from rich.console import Console

from lambda_wait.clock import ManualClock
from lambda_wait.events import WaitPolled
from lambda_wait.states import Target, assess
from lambda_wait.ui.live import SPINNER_FRAMES, LiveView
from lambda_wait.ui.tables import duration_text

from .scenario import snapshot


def view(clock: ManualClock, height: int = 40) -> tuple[LiveView, Console]:
    console = Console(file=io.StringIO(), width=120, height=height, force_terminal=True)
    return LiveView(console, clock=clock, auto_refresh=False), console


def text_of(live: LiveView, console: Console) -> list[str]:
    """The frame ``live`` would draw on ``console``, as plain lines."""
    plain = Console(file=io.StringIO(), width=console.width, color_system=None)
    plain.print(live.render())
    return [line.rstrip() for line in plain.file.getvalue().splitlines()]  # type: ignore[attr-defined]


def poll(live: LiveView, name: str, state: str, update: str | None, at: float = 1.0) -> None:
    snap = snapshot(name, state, update)
    live.update(
        WaitPolled(
            function=name,
            elapsed=at,
            snapshot=snap,
            assessment=assess(snap, Target.READY),
            changed=True,
        )
    )


def test_unfinished_rows_come_first_and_finished_ones_collapse_when_short() -> None:
    clock = ManualClock()
    live, console = view(clock, height=10)  # room for 7 rows
    for i in range(12):
        poll(live, f"done-{i:02d}", "Active", "Successful")
    for i in range(3):
        poll(live, f"busy-{i}", "Pending", None)
    lines = text_of(live, console)
    assert len(lines) == 1 + 7  # the header and the room
    names = [line.split()[1] for line in lines[1:-1]]
    assert names[:3] == ["busy-0", "busy-1", "busy-2"]  # unfinished first
    assert names[3:] == ["done-00", "done-01", "done-02"]
    assert "+ 9 finished (9 ready, 0 not)" in lines[-1]
    live.stop()


def test_every_row_shows_when_there_is_room() -> None:
    clock = ManualClock()
    live, console = view(clock)
    for i in range(5):
        poll(live, f"fn-{i}", "Active", "Successful")
    lines = text_of(live, console)
    assert len(lines) == 6 and "finished (" not in "\n".join(lines)
    live.stop()


def test_a_stopped_view_leaves_no_spinner() -> None:
    clock = ManualClock()
    live, console = view(clock)
    poll(live, "slow", "Pending", None)
    assert any(frame in text_of(live, console)[1] for frame in SPINNER_FRAMES)
    live.stop()  # e.g. the timeout ended the wait
    row = text_of(live, console)[1]
    assert not any(frame in row for frame in SPINNER_FRAMES) and row.lstrip().startswith("·")


def test_an_update_in_progress_is_called_an_update_whatever_the_code() -> None:
    clock = ManualClock()
    live, console = view(clock)
    poll(live, "fn", "Active", "InProgress")
    snap = snapshot("fn", "Active", "InProgress", "Creating")
    live.update(
        WaitPolled(
            function="fn",
            elapsed=1.0,
            snapshot=snap,
            assessment=assess(snap, Target.READY),
            changed=True,
        )
    )
    (row,) = text_of(live, console)[1:]
    assert "update in progress" in row and "Being created" not in row
    live.stop()


def test_durations_read_as_people_say_them() -> None:
    assert duration_text(3.0) == "3.0s"
    assert duration_text(95.4) == "1m 35s"
    assert duration_text(3725) == "1h 02m"
    clock = ManualClock()
    live, console = view(clock)
    poll(live, "vpc", "Pending", None, at=0.0)
    clock.advance(95.0)
    assert "1m 35s" in text_of(live, console)[1]
    live.stop()
