#!/usr/bin/env python3
"""Waiting benchmark against the sandbox (in this process, real HTTP, time scale 1).

    uv run python bench/waiting.py                 # both parts, ~4 minutes
    uv run python bench/waiting.py single --repeats 5
    uv run python bench/waiting.py fleet --functions 100

single: one update with a 2 s, 8 s and 60 s timeline (sandbox tag
``lambda-wait-sandbox:delay:update``), waited on by each waiter as a whole
process: the lambda-wait CLI, and boto3's function_updated_v2 (GetFunction every
1 s) and function_updated (GetFunctionConfiguration every 5 s) waiters. The three
run concurrently against three functions; repeats start 2 s apart. Overshoot is
the waiter's exit minus readiness (the moment the update was *sent* plus the
timeline: it includes the request's latency, so it errs against lambda-wait);
state reads are counted in the sandbox's call log.

fleet: N functions updated at once with timelines staggered evenly over 20-60 s,
then one ``lambda-wait wait`` process for all of them, with the sandbox enforcing
AWS's quotas (15 req/s, GetFunction 100 req/s). Reports the time from the last
readiness to the process's exit, the detection lag per function, the peak request
rate in any 1 s window, throttling answers, and the process's peak RSS.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lambda_wait.sandbox.server import SandboxHandle, running_sandbox

ROOT = Path(__file__).resolve().parent.parent
READS = {"GetFunction", "GetFunctionConfiguration"}
DELAY_TAG = "lambda-wait-sandbox:delay:update"
CREATE_TAG = "lambda-wait-sandbox:delay:create"

# Runs a command and writes its peak RSS (KiB) to a file. Measured from this small
# parent because Linux counts a child's pre-exec image in ru_maxrss: forked from the
# bench (which hosts moto), lambda-wait would be charged ~110 MB that are not its own.
RSS_LAUNCHER = (
    "import resource, subprocess, sys\n"
    "rc = subprocess.call(sys.argv[2:])\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "open(sys.argv[1], 'w').write(str(peak))\n"
    "sys.exit(rc)\n"
)

PEER = (
    "import sys, boto3\n"
    "boto3.client('lambda').get_waiter(sys.argv[1]).wait(FunctionName=sys.argv[2])\n"
)


def lambda_wait_bin() -> str:
    local = ROOT / ".venv" / "bin" / "lambda-wait"
    return str(local) if local.exists() else (shutil.which("lambda-wait") or "lambda-wait")


WAITERS: dict[str, list[str]] = {
    "lambda-wait": [lambda_wait_bin(), "wait", "{fn}", "--quiet", "--timeout", "5m"],
    "boto3 function_updated_v2 (GetFunction, 1 s)": [
        sys.executable,
        "-c",
        PEER,
        "function_updated_v2",
        "{fn}",
    ],
    "boto3 function_updated (GetFunctionConfiguration, 5 s)": [
        sys.executable,
        "-c",
        PEER,
        "function_updated",
        "{fn}",
    ],
}
SHORT = {name: key for name, key in zip(WAITERS, ("lw", "v2", "v1"), strict=True)}


def child_env(endpoint: str, cache: str) -> dict[str, str]:
    # An installed tool runs from bytecode (pip writes it at install, Python on the
    # first import): measure that, not a compile from source on every start, which a
    # PYTHONDONTWRITEBYTECODE in the caller's environment would force on every waiter.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AWS_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_REGION="us-east-1",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ENDPOINT_URL_LAMBDA=endpoint,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        LAMBDA_WAIT_CACHE_DIR=cache,
    )
    return env


def peak_in_window(times: Sequence[float], window: float = 1.0) -> int:
    """The most events in any half-open window [t, t + window)."""
    ordered = sorted(times)
    return max(
        (bisect.bisect_left(ordered, t + window) - i for i, t in enumerate(ordered)), default=0
    )


def machine() -> str:
    return (
        f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"{os.uname().sysname} {os.uname().release}"
    )


# --- single waits -------------------------------------------------------------------------


@dataclass
class Trial:
    waiter: str
    timeline: float
    function: str
    sent: float = 0.0
    exited: float = 0.0
    code: int | None = None
    reads: int = 0

    @property
    def overshoot(self) -> float:
        return self.exited - (self.sent + self.timeline)


def run_trial(sb: SandboxHandle, trial: Trial, env: dict[str, str]) -> None:
    lam = sb.client()
    cmd = [part.replace("{fn}", trial.function) for part in WAITERS[trial.waiter]]
    trial.sent = time.monotonic()
    lam.update_function_configuration(
        FunctionName=trial.function, Description=f"bench {trial.sent}"
    )
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, err = proc.communicate()
    trial.exited = time.monotonic()
    trial.code = proc.returncode
    if proc.returncode != 0:
        print(f"  ! {trial.waiter} on {trial.function} exited {proc.returncode}: {err[-300:]!r}")


def single(sb: SandboxHandle, env: dict[str, str], timelines: list[float], repeats: int) -> None:  # noqa: PLR0912 -- a report script: set-up, runs, table
    print(f"\n(a) single waits, {repeats} runs per timeline, median (min-max); {machine()}")
    lam = sb.client()
    trials: list[Trial] = []
    for timeline in timelines:
        for r in range(repeats):
            for waiter in WAITERS:
                name = f"single-{timeline:g}s-{r}-{SHORT[waiter]}"
                sb.create_function(name, tags={DELAY_TAG: f"{timeline:g}", CREATE_TAG: "0"})
                trials.append(Trial(waiter, timeline, name))
    for trial in trials:
        sb.wait_until(trial.function, state="Active", timeout=10)
    del lam
    for timeline in timelines:
        batch = [t for t in trials if t.timeline == timeline]
        threads = []
        for r in range(repeats):
            for trial in batch[r * len(WAITERS) : (r + 1) * len(WAITERS)]:
                thread = threading.Thread(target=run_trial, args=(sb, trial, env))
                thread.start()
                threads.append(thread)
            time.sleep(2.0)  # stagger the repeats' start-ups (2 cores)
        for thread in threads:
            thread.join()
        for trial in batch:
            trial.reads = sum(
                1
                for c in sb.calls
                if c.function == trial.function
                and c.operation in READS
                and trial.sent <= c.time <= trial.exited
            )
    header = f"{'timeline':>8}  {'waiter':55} {'overshoot s':>20} {'state reads':>16} exit"
    print(header)
    summary: dict[tuple[float, str], tuple[float, float]] = {}
    for timeline in timelines:
        for waiter in WAITERS:
            rows = [t for t in trials if t.timeline == timeline and t.waiter == waiter]
            over = [t.overshoot for t in rows]
            reads = [t.reads for t in rows]
            codes = sorted({t.code for t in rows}, key=str)
            summary[(timeline, waiter)] = (statistics.median(over), statistics.median(reads))
            print(
                f"{timeline:7g}s  {waiter:55} "
                f"{statistics.median(over):6.2f} ({min(over):.2f}-{max(over):.2f})"
                f"{statistics.median(reads):8g} ({min(reads)}-{max(reads)})"
                f"  {','.join(str(c) for c in codes)}"
            )
    lw = "lambda-wait"
    v2 = next(w for w in WAITERS if "v2" in w)
    checks = []
    if 2 in timelines:
        checks.append(("median overshoot, 2 s timeline", summary[(2, lw)][0], "<= 0.5 s", 0.5))
    if 60 in timelines:
        checks.append(("median overshoot, 60 s timeline", summary[(60, lw)][0], "<= 1.5 s", 1.5))
        ratio = summary[(60, lw)][1] / summary[(60, v2)][1]
        checks.append(("reads vs the 1 s V2 waiter, 60 s", ratio, "<= 0.50", 0.5))
    for label, value, target, bound in checks:
        verdict = "met" if value <= bound else "MISSED"
        print(f"  {label:40} {value:6.2f}  target {target:9} {verdict}")


# --- the fleet ----------------------------------------------------------------------------


def fleet(  # noqa: PLR0915 -- a bench part: set up, run, then print each figure in order
    sb: SandboxHandle,
    env: dict[str, str],
    count: int,
    key: str,
    extra: Sequence[str],
    label: str,
) -> None:
    print(f"\n(b) {count} functions updated at once, timelines 20-60 s, {label}; {machine()}")
    prefix = f"fleet-{key}-"
    delays = {f"{prefix}{i:03d}": 20.0 + 40.0 * i / max(1, count - 1) for i in range(count)}
    sb.sandbox.set_throttling(False)
    lam = sb.client()
    sb.ensure_role()  # once: concurrent first calls race to create the role
    with ThreadPoolExecutor(8) as pool:
        list(
            pool.map(
                lambda item: sb.create_function(
                    item[0], tags={DELAY_TAG: f"{item[1]:.2f}", CREATE_TAG: "0"}, client=lam
                ),
                delays.items(),
            )
        )
    for name in delays:
        sb.wait_until(name, state="Active", timeout=10)
    sent: dict[str, float] = {}

    def update(name: str) -> None:
        sent[name] = time.monotonic()
        lam.update_function_configuration(FunctionName=name, Description="fleet")

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(update, delays))
    ready_at = {name: sent[name] + delays[name] for name in delays}
    print(f"  updates sent within {max(sent.values()) - min(sent.values()):.2f} s")
    sb.sandbox.set_throttling(True)  # AWS's quotas from here on
    cmd = [lambda_wait_bin(), "wait", *delays, "-q", "-o", "json", "--timeout", "5m", *extra]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryDirectory() as tmp:
        rss_file = Path(tmp) / "rss"
        start = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-c", RSS_LAUNCHER, str(rss_file), *cmd],
            env=env,
            stdout=out,
            stderr=subprocess.DEVNULL,
        )
        proc.wait()
        exited = time.monotonic()
        peak_rss_mb = int(rss_file.read_text()) / 1024
        out.seek(0)
        doc: dict[str, Any] = json.loads(out.read() or b"{}")
    sb.sandbox.set_throttling(False)
    calls = [c for c in sb.calls if start <= c.time <= exited]
    reads = [c for c in calls if c.operation in READS]
    plane = [c.time for c in calls if c.operation != "GetFunction"]
    get_fn = [c.time for c in calls if c.operation == "GetFunction"]
    throttled = sum(1 for c in calls if c.throttled)
    lags, lag_of = [], {}
    for name, ready in ready_at.items():
        seen = [c.time for c in reads if c.function == name and c.time >= ready and c.status == 200]
        if seen:
            lags.append(min(seen) - ready)
            lag_of[name] = lags[-1]
    last_ready = max(ready_at.values())
    last = max(ready_at, key=lambda n: ready_at[n])
    errors = [f for f in doc.get("functions", []) if f.get("error")]
    print(
        f"  exit code {proc.returncode}; functions in the JSON: {len(doc.get('functions', []))}, "
        f"with an error: {len(errors)}"
    )
    print(f"  {'process start to exit':44} {exited - start:7.1f} s")
    print(f"  {'last readiness to exit (target <= 3 s)':44} {exited - last_ready:7.2f} s")
    # Of which the schedule (the last function's readiness to the read that saw it); the
    # rest is the process writing its JSON and exiting.
    last_lag = lag_of.get(last, math.nan)
    print(f"  {'  of which last function to its ready read':44} {last_lag:7.2f} s")
    print(
        f"  {'readiness to first ready read, median/max':44} "
        f"{statistics.median(lags):7.2f} / {max(lags):.2f} s"
    )
    print(
        f"  {'state reads (per function, median)':44} {len(reads):7d} "
        f"({statistics.median([sum(1 for c in reads if c.function == n) for n in delays]):g})"
    )
    print(f"  {'peak req/s, 15 req/s pool, any 1 s window':44} {peak_in_window(plane):7d}")
    print(f"  {'peak req/s, GetFunction, any 1 s window':44} {peak_in_window(get_fn):7d}")
    print(f"  {'throttling answers (429)':44} {throttled:7d}")
    print(f"  {'peak RSS of the lambda-wait process':44} {peak_rss_mb:7.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", nargs="?", choices=["all", "single", "fleet"], default="all")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--timelines", default="2,8,60", help="seconds, comma-separated")
    parser.add_argument("--functions", type=int, default=100)
    parser.add_argument(
        "--fleet-variants",
        default="default",
        help="comma-separated: default, get-function (--poll-api get-function), "
        "rps30 (--max-rps 30: above the quota, throttling absorbed)",
    )
    args = parser.parse_args()
    variants = {
        "default": ([], "default budget (--max-rps 10)"),
        "get-function": (["--poll-api", "get-function"], "--poll-api get-function"),
        "rps30": (["--max-rps", "30"], "--max-rps 30 (twice the quota)"),
    }
    with tempfile.TemporaryDirectory() as cache, running_sandbox(time_scale=1.0) as sb:
        env = child_env(sb.endpoint_url, cache)
        if args.part in ("all", "single"):
            timelines = [float(x) for x in args.timelines.split(",")]
            single(sb, env, timelines, args.repeats)
        if args.part in ("all", "fleet"):
            for key in args.fleet_variants.split(","):
                extra, label = variants[key]
                fleet(sb, env, args.functions, key, extra, label)


if __name__ == "__main__":
    main()
