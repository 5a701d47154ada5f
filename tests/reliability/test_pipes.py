"""Issue 13, class 5: closing stdout early (`| head -1`, `| true`) is not a failure: no
traceback, no "internal error", exit 0 (the reader has what it wanted)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# (arguments, lines read before the reader closes the pipe): --help is written by
# Click while parsing, the demo by rich's consoles inside the command.
CASES = {
    "--help, nothing read (| true)": (["--help"], 0),
    "--help, one line read (| head -1)": (["--help"], 1),
    "demo, one line read (| head -1)": (["demo"], 1),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_reader_that_goes_away_is_not_a_failure(case: str, tmp_path: object) -> None:
    args, lines = CASES[case]
    env = {**os.environ, "NO_COLOR": "1", "LAMBDA_WAIT_CACHE_DIR": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "lambda_wait", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    for _ in range(lines):
        proc.stdout.readline()
    proc.stdout.close()  # the reader goes away
    stderr = proc.stderr.read().decode()
    code = proc.wait(timeout=120)
    assert code == 0, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert "BrokenPipe" not in stderr and "Exception ignored" not in stderr, stderr
