#!/usr/bin/env python3
"""``status`` of a fleet at the sandbox: when the first row shows, when the table is
whole, how many requests it took, and the table at 80 columns.

    uv run python bench/status_fleet.py              # 40 functions, default budget
    uv run python bench/status_fleet.py --count 40 --columns 80 --tag

Starts a sandbox in this process (throttling off: the budget of the command paces
it, as at AWS), creates ``--count`` functions (a few with an update in progress and an
SQS mapping), then runs ``lambda-wait status NAME...`` as a subprocess at a pseudo
terminal of ``--columns`` columns. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import pty
import re
import select
import subprocess
import sys
import time
from collections import Counter

from lambda_wait.sandbox.server import running_sandbox


def run_at_terminal(args: list[str], env: dict[str, str], columns: int) -> tuple[float, float, str]:
    """Run ``args`` at a pseudo terminal; the time of its first table row, of its end,
    and what it printed."""
    import fcntl
    import struct
    import termios

    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    start = time.monotonic()
    proc = subprocess.Popen(args, stdin=child, stdout=child, stderr=child, env=env)
    os.close(child)
    out, first_row = b"", None
    while True:
        ready, _, _ = select.select([main], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(main, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
            if first_row is None and b"bench-" in out:
                first_row = time.monotonic() - start
        elif proc.poll() is not None:
            break
    proc.wait()
    total = time.monotonic() - start
    return first_row or total, total, out.decode(errors="replace")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--columns", type=int, default=80)
    parser.add_argument("--tag", action="store_true", help="select with --tag, not by name")
    parser.add_argument("--quiet-table", action="store_true", help="print figures only")
    ns = parser.parse_args()
    with running_sandbox(time_scale=1.0, throttling=False) as sb:
        lam = sb.client()
        names = [f"bench-orders-service-handler-{i:02d}" for i in range(ns.count)]
        for name in names:
            sb.create_function(name, tags={"team": "bench"})
        queue = sb.create_queue("bench-queue")
        lam.create_event_source_mapping(EventSourceArn=queue, FunctionName=names[0])
        sb.wait_until(names[-1], state="Active", timeout=30)
        for name in names[:3]:  # an update in progress (the default update takes seconds)
            lam.update_function_configuration(FunctionName=name, MemorySize=256)
        before = len(sb.calls)
        env = {
            **os.environ,
            "AWS_ENDPOINT_URL_LAMBDA": sb.endpoint_url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "LAMBDA_WAIT_NO_CACHE": "1",
            "COLUMNS": str(ns.columns),
        }
        # As a user's install runs it: with bytecode cached (this machine's
        # PYTHONDONTWRITEBYTECODE would add a second of compiling to every run).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.pop("LAMBDA_WAIT_MAX_RPS", None)  # the default budget
        subprocess.run(
            [sys.executable, "-m", "lambda_wait", "status", names[-1]],
            env=env,
            capture_output=True,
            check=False,
        )  # warm: bytecode written once
        before = len(sb.calls)
        selection = ["--tag", "team=bench"] if ns.tag else names
        args = [sys.executable, "-m", "lambda_wait", "status", *selection]
        first, total, out = run_at_terminal(args, env, ns.columns)
        calls = Counter(c.operation for c in sb.calls[before:])
    if not ns.quiet_table:
        print(out)
    print(
        f"functions: {ns.count}  columns: {ns.columns}  selection: {'tag' if ns.tag else 'names'}"
    )
    print(f"first row: {first:.2f} s   whole table: {total:.2f} s")
    print("requests: " + ", ".join(f"{op} {n}" for op, n in sorted(calls.items())))
    final = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out).replace("\r", "\n")
    widest = max((len(line.rstrip()) for line in final.splitlines()), default=0)
    print(f"widest line: {widest} characters (escape codes left out)")


if __name__ == "__main__":
    main()
