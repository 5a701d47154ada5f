"""One scenario through every output mode, pinned: terminal (rich's forced terminal),
plain, github and json. Regenerate the golden files after an intended change with
``LAMBDA_WAIT_UPDATE_GOLDEN=1 uv run pytest tests/output``, and review the diff."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from lambda_wait.errors import ExitCode
from lambda_wait.output_mode import OutputMode
from lambda_wait.ui.display import Display
from lambda_wait.ui.output import HEARTBEAT_SECONDS

from .scenario import make_output, move_to, play, scenario_clock

GOLDEN = Path(__file__).parent / "golden"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
SGR_COLOUR = re.compile(r"\x1b\[[0-9;]*3[0-7](;[0-9]+)*m|\x1b\[[0-9;]*38;")


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("LAMBDA_WAIT_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed (see module docstring)"


def github_env(tmp_path: Path) -> dict[str, str]:
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }


def test_plain_mode_is_one_timestamped_line_per_state_change() -> None:
    clock = scenario_clock()
    output, stdout, stderr = make_output(clock)
    assert output.display is Display.PLAIN
    code, _ = play(output, clock)
    assert code is ExitCode.FAILED
    check_golden("plain.stderr.txt", stderr.getvalue())
    check_golden("text.stdout.txt", stdout.getvalue())
    assert stderr.getvalue().count("orders-api: Pending") == 1  # not once per poll


def test_github_mode_groups_annotates_and_writes_both_files(tmp_path: Path) -> None:
    clock = scenario_clock()
    output, stdout, stderr = make_output(clock, env=github_env(tmp_path))
    assert output.display is Display.GITHUB
    play(output, clock)
    check_golden("github.stderr.txt", stderr.getvalue())
    check_golden("text.stdout.txt", stdout.getvalue())  # the result is the same as plain
    check_golden("github.summary.md", (tmp_path / "summary.md").read_text(encoding="utf-8"))
    check_golden("github.output.txt", (tmp_path / "output").read_text(encoding="utf-8"))
    lines = stderr.getvalue().splitlines()
    assert lines[0].startswith("::group::") and "::endgroup::" in lines
    (error,) = [line for line in lines if line.startswith("::error ")]
    assert "title=lambda-wait wait%3A payments failed (SubnetOutOfIPAddresses)::" in error
    assert "What to do: Free addresses in the subnets" in error  # the decoded remedy


def test_github_files_are_appended_not_overwritten(tmp_path: Path) -> None:
    env = github_env(tmp_path)
    Path(env["GITHUB_OUTPUT"]).write_text("earlier=step\n", encoding="utf-8")
    clock = scenario_clock()
    output, _, _ = make_output(clock, env=env)
    play(output, clock)
    text = Path(env["GITHUB_OUTPUT"]).read_text(encoding="utf-8")
    assert text.startswith("earlier=step\nexit-code=1\n")


def test_ci_format_github_forces_github_mode_without_github_actions(tmp_path: Path) -> None:
    clock = scenario_clock()
    output, _, stderr = make_output(clock, ci_format="github")
    assert output.display is Display.GITHUB
    play(output, clock)  # no GITHUB_OUTPUT: annotations still, no file written
    assert "::error title=" in stderr.getvalue()


def test_ci_format_plain_wins_over_github_actions(tmp_path: Path) -> None:
    clock = scenario_clock()
    output, _, stderr = make_output(clock, env=github_env(tmp_path), ci_format="plain")
    assert output.display is Display.PLAIN
    play(output, clock)
    assert "::" not in stderr.getvalue()
    assert not (tmp_path / "output").exists()


def test_json_mode_prints_one_document_and_no_human_text_on_stdout() -> None:
    clock = scenario_clock()
    output, stdout, stderr = make_output(clock, mode=OutputMode.JSON)
    play(output, clock)
    doc = json.loads(stdout.getvalue())  # the whole of stdout is the document
    check_golden("json.stdout.json", stdout.getvalue())
    assert doc["schema_version"] == 1 and doc["exit_status"] == "failed"
    assert [f["exit_status"] for f in doc["functions"]] == ["ready", "failed"]
    failed = doc["functions"][1]
    assert failed["reason"]["code"] == "SubnetOutOfIPAddresses"
    assert failed["reason"]["remedy"].startswith("Free addresses")
    check_golden("plain.stderr.txt", stderr.getvalue())  # progress as in plain mode


def final_frame(stderr: str) -> str:
    """The live view's last frame, as a terminal showed it before it was erased."""
    frames = [ANSI.sub("", f).replace("\r", "") for f in stderr.split("\x1b[2K")]
    return [f for f in frames if f.strip()][-1]  # each redraw erases the previous frame first


def test_terminal_mode_draws_a_live_table_and_ends_in_a_summary_table() -> None:
    clock = scenario_clock()
    output, stdout, stderr = make_output(clock, terminal=True)
    assert output.display is Display.LIVE
    play(output, clock)
    err = stderr.getvalue()
    assert "\x1b[1A" in err  # redrawn in place, not appended
    assert SGR_COLOUR.search(err) and SGR_COLOUR.search(stdout.getvalue())
    check_golden("terminal.final-frame.txt", final_frame(err))
    # then erased: the summary on stdout replaces it (one final summary, not two)
    assert ANSI.sub("", err.rsplit("\x1b[?25h", 1)[-1]).strip() == ""
    frames = err.split("\x1b[2K")
    assert any("NEXT POLL" in f and "2.5s" in ANSI.sub("", f) for f in frames)  # countdown
    # stdout: the same result as plain mode, in colour
    check_golden("text.stdout.txt", ANSI.sub("", stdout.getvalue()))


def test_terminal_mode_without_colour_keeps_the_live_view_but_no_colours() -> None:
    clock = scenario_clock()
    output, stdout, stderr = make_output(clock, terminal=True, no_color=True)
    play(output, clock)
    assert "\x1b[1A" in stderr.getvalue()
    assert not SGR_COLOUR.search(stderr.getvalue() + stdout.getvalue())


def test_ci_at_a_terminal_is_plain() -> None:
    clock = scenario_clock()
    output, _, stderr = make_output(clock, terminal=True, env={"CI": "true"})
    assert output.display is Display.PLAIN
    play(output, clock)
    assert "\x1b[1A" not in stderr.getvalue()


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"TERM": "xterm-256color", "COLORTERM": "truecolor"},
        {"CI": "1"},
        {"GITHUB_ACTIONS": "true"},
    ],
)
@pytest.mark.parametrize("mode", [OutputMode.TEXT, OutputMode.JSON])
def test_no_ansi_escape_reaches_output_that_is_not_a_terminal(
    env: dict[str, str], mode: OutputMode, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)  # rich reads some of these from os.environ itself
    clock = scenario_clock()
    output, stdout, stderr = make_output(clock, env=env, mode=mode)
    play(output, clock)
    assert "\x1b" not in stdout.getvalue() + stderr.getvalue()


def test_force_color_colours_a_pipe_and_no_color_wins() -> None:
    clock = scenario_clock()
    output, stdout, _ = make_output(clock, env={"FORCE_COLOR": "1"})
    play(output, clock)
    assert SGR_COLOUR.search(stdout.getvalue())
    clock = scenario_clock()
    output, stdout, stderr = make_output(clock, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    play(output, clock)
    assert "\x1b" not in stdout.getvalue() + stderr.getvalue()


def test_heartbeat_at_most_every_30_seconds_during_a_long_quiet_wait() -> None:
    from lambda_wait.waiter import WaitEvent

    from .scenario import snapshot

    clock = scenario_clock()
    output, _, stderr = make_output(clock)
    snap = snapshot("vpc-fn", "Pending", None, "Creating")
    from lambda_wait.states import assess

    start = clock.now()
    for step in range(0, 95 * 4):  # 95 s of polls every 0.25 s, the state never changing
        at = step / 4
        move_to(clock, start + at)
        output.progress(WaitEvent("poll", "vpc-fn", at, snap, assess(snap), changed=step == 0))
        output.progress(WaitEvent("sleep", "vpc-fn", at, sleep_seconds=0.25))
    lines = stderr.getvalue().splitlines()
    beats = [line for line in lines if "still waiting" in line]
    assert len(lines) == 4 and len(beats) == 3, lines  # the change, then 30, 60, 90 s
    assert beats[0].endswith("still waiting: vpc-fn Pending (30s)")
    assert beats[2].endswith("still waiting: vpc-fn Pending (1m 30s)")
    assert HEARTBEAT_SECONDS == 30.0


def test_a_repeated_retry_is_shown_once() -> None:
    from lambda_wait.errors import ThrottledError
    from lambda_wait.waiter import WaitEvent

    clock = scenario_clock()
    output, _, stderr = make_output(clock)
    for at in (0.1, 0.6, 1.1):
        output.progress(WaitEvent("retry", "fn", at, error=ThrottledError("Rate exceeded")))
    assert stderr.getvalue().count("retrying: Rate exceeded") == 1


def test_quiet_shows_no_progress_but_github_still_gets_results(tmp_path: Path) -> None:
    from lambda_wait.ui.output import Output

    clock = scenario_clock()
    output, stdout, stderr = make_output(clock, env=github_env(tmp_path))
    quiet = Output(
        quiet=True,
        command="wait",
        stdout=stdout,
        stderr=stderr,
        env=github_env(tmp_path),
        terminal=False,
        clock=clock,
    )
    play(quiet, clock)
    assert "::group::" not in stderr.getvalue() and "[" not in stderr.getvalue().split("::error")[0]
    assert "exit-code=1" in (tmp_path / "output").read_text(encoding="utf-8")
    del output
