#!/usr/bin/env python3
"""Where a whole `lambda-wait wait FN` process spends its time outside the wait:
launch to its first read, and its last read to its exit (issue 12's sweep found
lambda-wait ~0.5 s later to its first read than a bare boto3 waiter script).

    uv run python bench/wait_startup.py [--runs 15] [--no-bytecode]
    uv run python bench/wait_startup.py --compare /work/main/.venv/bin/lambda-wait

Against the sandbox served by this process over real HTTP; the function is
already Active, so every waiter reads once and exits 0. Each command is a whole
process started from here; the reads are the sandbox's log of
GetFunction/GetFunctionConfiguration calls on the function (times taken when the
sandbox received them). A "busy" row waits on an update the sandbox ends
BUSY_SECONDS after it was sent (the waiter is launched right after), so the
waiter reads more than once and sleeps in between. The commands take turns
(run 1 of each, then run 2 ...), so a change of the machine's load touches all
of them alike; the load average (os.getloadavg) is printed beside the figures.
`--compare PATH` times a second install too (e.g. another checkout's
.venv/bin/lambda-wait), its rows marked "before", taking turns with this one's
under the same load.

Bytecode: by default the children may write and use .pyc files (under a temporary
PYTHONPYCACHEPREFIX, warmed by one run of each command), as an installed tool
does. `--no-bytecode` sets PYTHONDONTWRITEBYTECODE=1 as this project's sessions
(and many container images) do: then every module imported is compiled from
source on every start, and start-up grows with the amount of source imported.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from waiting import READS, child_env, lambda_wait_bin, machine

from lambda_wait.sandbox.server import running_sandbox

FUNCTION = "startup-fn"
BUSY = "startup-busy"
BUSY_SECONDS = 2.0
PEER = (  # the bare boto3 V2 waiters of bench/sweep.py, as a pipeline would write them
    "import sys, boto3\n"
    "boto3.client('lambda').get_waiter(sys.argv[1]).wait(FunctionName=sys.argv[2])\n"
)


ARGS = {
    "wait FN": ["wait", FUNCTION],
    "wait FN --output json": ["wait", FUNCTION, "--output", "json"],
    "wait FN --ci-format plain": ["wait", FUNCTION, "--ci-format", "plain"],
    "wait FN --quiet": ["wait", FUNCTION, "--quiet"],
    "status FN": ["status", FUNCTION],
    "wait BUSY --quiet (busy)": ["wait", BUSY, "--quiet"],
}


def commands(lambda_wait: str, compare: str | None) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for label, args in ARGS.items():
        if compare:
            table[f"before: {label}"] = [compare, *args]
        table[f"{'after: ' if compare else ''}{label}"] = [lambda_wait, *args]
    table["boto3 V2 waiter (python -c)"] = [
        sys.executable,
        "-c",
        PEER,
        "function_active_v2",
        FUNCTION,
    ]
    table["boto3 V2 waiter, BUSY (busy)"] = [
        sys.executable,
        "-c",
        PEER,
        "function_updated_v2",
        BUSY,
    ]
    return table


def start_update(lam: Any) -> None:
    """An update of BUSY that the sandbox ends BUSY_SECONDS after this call."""
    arn = f"arn:aws:lambda:us-east-1:123456789012:function:{BUSY}"
    lam.tag_resource(Resource=arn, Tags={"lambda-wait-sandbox:delay:update": f"{BUSY_SECONDS:g}"})
    lam.update_function_configuration(FunctionName=BUSY, Description=f"{time.time()}")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--lambda-wait", default=lambda_wait_bin(), help="the install to time")
    parser.add_argument("--compare", metavar="PATH", help="another install, timed as 'before'")
    parser.add_argument(
        "--no-bytecode", action="store_true", help="compile every module on every start"
    )
    args = parser.parse_args()
    table = commands(args.lambda_wait, args.compare)
    bytecode = "no bytecode (PYTHONDONTWRITEBYTECODE=1)" if args.no_bytecode else "bytecode cached"
    print(f"wait start-up, {args.runs} runs each ({machine()}), {bytecode}")
    print(
        f"lambda-wait: {args.lambda_wait}" + (f"; before: {args.compare}" if args.compare else "")
    )
    times: dict[str, list[tuple[float, float, float]]] = {label: [] for label in table}
    with running_sandbox(time_scale=1.0) as sb, tempfile.TemporaryDirectory() as cache:
        lam = sb.client()
        for name in (FUNCTION, BUSY):
            sb.create_function(name, client=lam)
            sb.wait_until(name, state="Active", timeout=30)
        env = child_env(sb.endpoint_url, cache)
        if args.no_bytecode:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        else:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(cache) / "pycache")
        for cmd in table.values():  # warm the page cache and .pyc files
            subprocess.run(cmd, env=env, capture_output=True, check=False)
        sb.wait_until(BUSY, last_update_status="Successful", timeout=30)
        print(f"load average before: {load()}")
        for _ in range(args.runs):
            for label, cmd in table.items():
                busy = label.endswith("(busy)")
                if busy:
                    sb.wait_until(BUSY, last_update_status="Successful", timeout=30)
                    start_update(lam)
                launched = time.monotonic()
                done = subprocess.run(cmd, env=env, capture_output=True, check=False)
                exited = time.monotonic()
                if done.returncode != 0:
                    print(f"  ! {label} exited {done.returncode}: {done.stderr[-300:]!r}")
                reads = sorted(
                    c.time
                    for c in sb.calls
                    if c.operation in READS
                    and c.function == (BUSY if busy else FUNCTION)
                    and c.time >= launched
                )
                if reads:
                    times[label].append(
                        (reads[0] - launched, exited - reads[-1], exited - launched)
                    )
        print(f"load average after:  {load()}")
    print(f"{'median seconds':40} {'launch->1st read':>17} {'last read->exit':>16} {'total':>7}")
    for label, rows in times.items():
        first, last, total = (statistics.median(col) for col in zip(*rows, strict=True))
        print(f"{label:40} {first:17.3f} {last:16.3f} {total:7.3f}")


if __name__ == "__main__":
    main()
