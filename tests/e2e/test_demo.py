"""End to end: the README's first quick-start command, as an installed command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def lambda_wait_command() -> list[str]:
    found = shutil.which("lambda-wait", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "lambda_wait"]


def test_demo_runs_the_main_job_end_to_end(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["HOME"] = str(tmp_path)
    done = subprocess.run(
        [*lambda_wait_command(), "demo", "--time-scale", "0.02", "--no-color"],
        capture_output=True,
        text=True,
        env=env,
        # A hang guard, not a timing assertion: ~20 s (10 s of CPU) on an idle 2-core
        # machine, several times that when the suite's workers and others share it.
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert out.count("as expected") == 4
    assert "-> exit 1 (as expected)" in out  # the failing deployment's exit code is shown
    assert "Subnet out of IP addresses" in done.stderr  # ...with its decoded reason, once
    said = " ".join(done.stderr.split())  # the failure block wraps at the terminal's width
    assert said.count("Free addresses in the subnets") == 1
    assert "Against real AWS" in out
    # The canary: 10% to version 2, its alarm fires, the alias goes back to 1 (exit 10).
    assert "-> exit 10 (as expected)" in out and "live -> 1 (100%)" in out
    assert "holding: new version 10% (step 1/1)" in done.stderr
    assert "rolled back (alarm): alarm hello-vpc-errors is in ALARM" in done.stderr
    # The live progress shows the transitions the demo promises.
    assert "Pending" in done.stderr and "InProgress" in done.stderr
    assert "demo-secret-never-printed" not in out + done.stderr
    assert "Traceback" not in done.stderr
