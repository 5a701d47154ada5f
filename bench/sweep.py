#!/usr/bin/env python3
"""The waiting sweep: random timelines nobody tuned to, against boto3's waiters (issue 12).

    uv run python bench/sweep.py                   # a new seed, printed; ~7 minutes
    uv run python bench/sweep.py --seed 7 --json out.json

Against the sandbox in this process (real HTTP, time scale 1), throttling off.

sweep: ``--timelines`` (default 16) timelines drawn from the seed, a third each
of creates (1-20 s), configuration updates (1-60 s) and VPC-like long updates
of VPC functions (20-300 s); each waited on ``--repeats`` times by each waiter,
every waiter a whole process started a random 0.1-1.0 s after the mutating call
returned: ``lambda-wait wait``, boto3's V2 waiter (GetFunction every 1 s) and
its V1 waiter (GetFunctionConfiguration every 5 s). Each trial has its own
function, so the three waiters never share one.

history: a function does the same update twice, the second time within 10 % of
the first's duration; lambda-wait waits on both (the first run records the
duration), and the second is compared with V2 on the same timeline.

late: a long update (60-300 s) waited on from 60-80 % into it, as a pipeline
that attaches late would: lambda-wait anchors on LastModified.

Overshoot is the waiter's exit minus readiness (the moment the mutating call was
*sent* plus the timeline); reads are the GetFunction/GetFunctionConfiguration
calls on the trial's function in the sandbox's log between the call and the
exit. Per timeline the median over the repeats is shown. Prints figures and
the targets' verdicts; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from waiting import READS, child_env, lambda_wait_bin, machine

from lambda_wait.sandbox.server import SandboxHandle, running_sandbox

TAG = "lambda-wait-sandbox:"
WAITERS = ("lw", "v2", "v1")
PEER_WAITER = {
    ("create", "v2"): "function_active_v2",
    ("create", "v1"): "function_active",
    ("update", "v2"): "function_updated_v2",
    ("update", "v1"): "function_updated",
}
# boto3's waiters as processes, with their own delays; more attempts than their defaults
# (V2: 300 x 1 s, V1: 60 x 5 s), which a 5-minute timeline plus start-up would exhaust.
PEER = (
    "import sys, boto3\n"
    "boto3.client('lambda').get_waiter(sys.argv[1]).wait(\n"
    "    FunctionName=sys.argv[2], WaiterConfig={'MaxAttempts': 400})\n"
)
KINDS = {  # kind: (shortest, longest) seconds, drawn log-uniformly
    "create": (1.0, 20.0),
    "config": (1.0, 60.0),
    "vpc": (20.0, 300.0),
}


@dataclass
class Trial:
    part: str
    kind: str  # create | config | vpc
    timeline: float  # seconds from the mutating call to readiness
    waiter: str  # lw | v2 | v1
    function: str
    offset: float  # seconds between the call's return and the waiter's start
    group: int
    repeat: int
    start_at: float = 0.0  # seconds into the run (launch order)
    late: float = 0.0  # late part: the fraction of the timeline already gone
    first: float = 0.0  # history part: the first run's timeline
    launched: float = 0.0
    first_read: float = 0.0
    sent: float = 0.0
    exited: float = 0.0
    code: int | None = None
    reads: int = 0
    stderr: str = ""

    @property
    def overshoot(self) -> float:
        return self.exited - (self.sent + self.timeline)


@dataclass
class Plan:
    seed: int
    trials: list[Trial] = field(default_factory=list)


def plan(
    seed: int, timelines: int, repeats: int, histories: int, lates: int, longest: float = 300.0
) -> Plan:
    rng = random.Random(seed)

    def log_uniform(low: float, high: float) -> float:
        high = min(high, longest)
        return math.exp(rng.uniform(math.log(min(low, high)), math.log(high)))

    out = Plan(seed)
    group = 0
    kinds = [("create", "config", "vpc")[i % 3] for i in range(timelines)]
    rng.shuffle(kinds)
    for index, kind in enumerate(kinds):
        seconds = round(log_uniform(*KINDS[kind]), 2)
        for repeat in range(repeats):
            offset = rng.uniform(0.1, 1.0)
            for waiter in WAITERS:
                name = f"s{seed}-t{index:02d}-{kind}-{repeat}-{waiter}"
                out.trials.append(
                    Trial("sweep", kind, seconds, waiter, name, offset, group, repeat)
                )
            group += 1
    for index in range(histories):
        first = round(log_uniform(20.0, 150.0), 2)  # two runs each: keep the wall time
        second = round(first * rng.uniform(0.9, 1.1), 2)
        for repeat in range(repeats):
            offset = rng.uniform(0.1, 1.0)
            for waiter in ("lw", "v2"):
                name = f"s{seed}-h{index:02d}-{repeat}-{waiter}"
                trial = Trial("history", "vpc", second, waiter, name, offset, group, repeat)
                trial.first = first
                out.trials.append(trial)
            group += 1
    for index in range(lates):
        seconds = round(log_uniform(60.0, 300.0), 2)
        for repeat in range(repeats):
            late = rng.uniform(0.6, 0.8)
            for waiter in WAITERS:
                name = f"s{seed}-l{index:02d}-{repeat}-{waiter}"
                trial = Trial("late", "vpc", seconds, waiter, name, 0.0, group, repeat, late=late)
                out.trials.append(trial)
            group += 1
    return out


def warm_bytecode(env: dict[str, str]) -> None:
    """Write every waiter's bytecode before the first trial (as an install, or the first
    run after it, does), so that no trial pays for compiling from source."""
    import importlib.util

    packages = ("lambda_wait", "boto3", "botocore", "click", "cloup", "rich", "tenacity")
    dirs = []
    for name in packages:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            dirs.extend(spec.submodule_search_locations)
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-j", "0", *dirs], env=env, check=False
    )
    subprocess.run([lambda_wait_bin(), "--version"], env=env, check=False, capture_output=True)


def command(trial: Trial) -> list[str]:
    if trial.waiter == "lw":
        return [lambda_wait_bin(), "wait", trial.function, "--quiet", "--timeout", "10m"]
    op = "create" if trial.kind == "create" else "update"
    return [sys.executable, "-c", PEER, PEER_WAITER[(op, trial.waiter)], trial.function]


def prepare(sb: SandboxHandle, the_plan: Plan) -> None:
    """Create every function that is updated (creates are the trial's own mutation)."""
    lam = sb.client()
    sb.ensure_role()
    zero = {f"{TAG}delay:create": "0", f"{TAG}delay:vpc_create": "0"}
    for trial in the_plan.trials:
        if trial.kind == "create":
            continue
        sb.create_function(trial.function, vpc=trial.kind == "vpc", tags=zero, client=lam)
    for trial in the_plan.trials:
        if trial.kind != "create":
            sb.wait_until(trial.function, state="Active", timeout=30)


def mutate(sb: SandboxHandle, trial: Trial, seconds: float) -> None:
    lam = sb.client()
    if trial.kind == "create":
        tags = {f"{TAG}delay:create": f"{seconds:g}"}
        sb.create_function(trial.function, tags=tags, client=lam)
        return
    arn = f"arn:aws:lambda:us-east-1:123456789012:function:{trial.function}"
    lam.tag_resource(Resource=arn, Tags={f"{TAG}delay:update": f"{seconds:g}"})
    lam.update_function_configuration(FunctionName=trial.function, Description=f"{time.time()}")


def run_trial(sb: SandboxHandle, trial: Trial, env: dict[str, str], origin: float) -> None:
    try:
        _run_trial(sb, trial, env, origin)
    except Exception as exc:  # one trial's trouble must not stop the sweep: report it
        trial.code, trial.stderr = -1, f"bench: {type(exc).__name__}: {exc}"[-300:]
        trial.exited = time.monotonic()


def _run_trial(sb: SandboxHandle, trial: Trial, env: dict[str, str], origin: float) -> None:
    delay = origin + trial.start_at - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    if trial.part == "history" and trial.waiter == "lw":
        # The first update, waited on by lambda-wait, which records its duration.
        mutate(sb, trial, trial.first)
        subprocess.run(command(trial), env=env, capture_output=True, check=False)
    if trial.part == "late":
        trial.sent = time.monotonic()
        mutate(sb, trial, trial.timeline)
        time.sleep(max(0.0, trial.sent + trial.late * trial.timeline - time.monotonic()))
    else:
        trial.sent = time.monotonic()
        mutate(sb, trial, trial.timeline)
        time.sleep(trial.offset)
    trial.launched = time.monotonic()
    proc = subprocess.Popen(
        command(trial), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, err = proc.communicate()
    trial.exited = time.monotonic()
    trial.code = proc.returncode
    trial.stderr = err.decode(errors="replace")[-300:]


def count_reads(sb: SandboxHandle, trials: list[Trial]) -> None:
    by_function: dict[str, list[float]] = {}
    for call in sb.calls:
        if call.operation in READS and call.function:
            by_function.setdefault(call.function, []).append(call.time)
    for trial in trials:
        times = by_function.get(trial.function, [])
        mine = [t for t in times if trial.sent <= t <= trial.exited]
        trial.reads = len(mine)
        trial.first_read = min(mine, default=math.nan)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


def label(trial: Trial) -> str:
    """The timeline's label in the function name (``t03``, ``h01``, ``l02``)."""
    return trial.function.split("-")[1]


def seconds_list(rows: list[dict[str, Any]]) -> str:
    return ", ".join(f"{r['timeline']:g}s" for r in rows)


def summarise(trials: list[Trial], part: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    keys = sorted(
        {(t.timeline, t.kind, t.function.split("-")[1]) for t in trials if t.part == part}
    )
    for timeline, kind, index in keys:
        row: dict[str, Any] = {"timeline": timeline, "kind": kind}
        for waiter in WAITERS:
            mine = [
                t
                for t in trials
                if t.part == part
                and t.timeline == timeline
                and t.waiter == waiter
                and label(t) == index
            ]
            if not mine:
                continue
            row[waiter] = {
                "overshoot": round(median([t.overshoot for t in mine]), 2),
                "reads": median([float(t.reads) for t in mine]),
                # process launch to its first read: start-up under the machine's load
                "startup": round(median([t.first_read - t.launched for t in mine]), 2),
                "codes": sorted({t.code for t in mine}, key=str),
            }
        rows.append(row)
    return rows


def verdicts(rows: dict[str, list[dict[str, Any]]]) -> list[tuple[str, str, bool]]:
    out: list[tuple[str, str, bool]] = []
    sweep = rows["sweep"]
    short = [r for r in sweep if r["timeline"] <= 10]
    long = [r for r in sweep if r["timeline"] > 10]
    worst = [
        r
        for r in short
        if r["lw"]["overshoot"] > r["v2"]["overshoot"] + 0.3
        or r["lw"]["reads"] > r["v2"]["reads"] + 2
    ]
    out.append(
        (
            "<= 10 s: overshoot <= V2 + 0.3 s and reads <= V2 + 2, every timeline",
            f"{len(short) - len(worst)}/{len(short)} timelines"
            + (f" (missed: {seconds_list(worst)})" if worst else ""),
            not worst,
        )
    )
    missed = [r for r in long if r["lw"]["overshoot"] > max(1.0, 0.05 * r["timeline"])]
    out.append(
        (
            "> 10 s: overshoot <= max(1 s, 5 % of the timeline), every timeline",
            f"{len(long) - len(missed)}/{len(long)} timelines"
            + (f" (missed: {seconds_list(missed)})" if missed else ""),
            not missed,
        )
    )
    twenty = [r for r in sweep if r["timeline"] >= 20]
    lw_reads = sum(r["lw"]["reads"] for r in twenty)
    v2_reads = sum(r["v2"]["reads"] for r in twenty)
    ratio = lw_reads / v2_reads if v2_reads else math.nan
    out.append(
        (
            ">= 20 s: reads summed <= half of V2's",
            f"{lw_reads:g} / {v2_reads:g} = {ratio:.2f}",
            ratio <= 0.5,
        )
    )
    hist = [r for r in rows["history"] if r["timeline"] >= 20]
    if hist:
        over = [r for r in hist if r["lw"]["overshoot"] > 0.75]
        h_reads = sum(r["lw"]["reads"] for r in hist)
        h_v2 = sum(r["v2"]["reads"] for r in hist)
        h_each = [r for r in hist if r["lw"]["reads"] > r["v2"]["reads"] / 3]
        out.append(
            (
                "history: overshoot <= 0.75 s, every timeline",
                f"{len(hist) - len(over)}/{len(hist)}",
                not over,
            )
        )
        out.append(
            (
                "history: reads <= a third of V2's (summed; per timeline)",
                f"{h_reads:g} / {h_v2:g} = {h_reads / h_v2:.2f}; "
                f"{len(hist) - len(h_each)}/{len(hist)} timelines",
                h_reads <= h_v2 / 3,
            )
        )
    late = rows["late"]
    if late:
        missed = [r for r in late if r["lw"]["overshoot"] > max(1.0, 0.05 * r["timeline"])]
        l_reads = sum(r["lw"]["reads"] for r in late)
        l_v2 = sum(r["v2"]["reads"] for r in late)
        out.append(
            (
                "late start: overshoot <= max(1 s, 5 %); reads summed <= half of V2's",
                f"{len(late) - len(missed)}/{len(late)} timelines; {l_reads:g} / {l_v2:g}",
                not missed and l_reads <= l_v2 / 2,
            )
        )
    return out


def show(rows: list[dict[str, Any]], title: str) -> None:
    print(f"\n{title}")
    print(f"{'timeline':>9} {'kind':7} " + "".join(f"{w + ' over/reads':>20}" for w in WAITERS))
    for row in sorted(rows, key=lambda r: r["timeline"]):
        cells = []
        for waiter in WAITERS:
            cell = row.get(waiter)
            cells.append(
                f"{cell['overshoot']:>9.2f} s / {cell['reads']:>4g}" if cell else f"{'':>20}"
            )
        codes = {c for w in WAITERS if w in row for c in row[w]["codes"]}
        flag = "" if codes <= {0} else f"  exit codes {sorted(codes, key=str)}"
        print(
            f"{row['timeline']:>8g}s {row['kind']:7} " + "".join(f"{c:>20}" for c in cells) + flag
        )


def main() -> None:  # noqa: PLR0915 -- a script's main: arguments, then the sweep, in order
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None, help="default: a new one, printed")
    parser.add_argument("--timelines", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--histories", type=int, default=4)
    parser.add_argument("--lates", type=int, default=4)
    parser.add_argument("--longest", type=float, default=300.0, help="cap (a quick smoke run)")
    parser.add_argument("--stagger", type=float, default=1.0, help="seconds between groups")
    parser.add_argument("--concurrency", type=int, default=4, help="groups running at once")
    parser.add_argument("-v", "--verbose", action="store_true", help="every trial's times")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 10**6)
    print(f"seed {seed} (repeat with --seed {seed}); {machine()}", flush=True)
    print(f"load average at the start {os.getloadavg()[0]:.1f} (other work on the machine)")
    the_plan = plan(seed, args.timelines, args.repeats, args.histories, args.lates, args.longest)
    groups = sorted({t.group for t in the_plan.trials})
    order = list(groups)
    random.Random(seed).shuffle(order)
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as cache, running_sandbox(time_scale=1.0) as sb:
        env = child_env(sb.endpoint_url, cache)
        warm_bytecode(env)
        prepare(sb, the_plan)
        print(
            f"{len(the_plan.trials)} trials in {len(groups)} groups, "
            f"{args.concurrency} groups at a time",
            flush=True,
        )
        launches = threading.Lock()

        def run_group(group: int) -> None:
            with launches:  # groups start at least --stagger apart
                time.sleep(args.stagger)
            mine = [t for t in the_plan.trials if t.group == group]
            origin = time.monotonic()
            threads = [
                threading.Thread(target=run_trial, args=(sb, trial, env, origin)) for trial in mine
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

        # A few groups at a time: on a shared 2-core machine, a hundred Python start-ups
        # at once measure the machine, not the waiters.
        with ThreadPoolExecutor(args.concurrency) as pool:
            list(pool.map(run_group, order))
        count_reads(sb, the_plan.trials)
    wall = time.monotonic() - began
    if args.verbose:
        for t in the_plan.trials:
            print(
                f"  {t.function}: launched +{t.launched - t.sent:.2f} s, first read "
                f"+{t.first_read - t.sent:.2f} s, exit +{t.exited - t.sent:.2f} s, {t.reads} reads"
            )
    for trial in the_plan.trials:
        if trial.code != 0:
            print(f"  ! {trial.function} exited {trial.code}: {trial.stderr!r}")
    rows = {part: summarise(the_plan.trials, part) for part in ("sweep", "history", "late")}
    for waiter in WAITERS:
        ups = [t.first_read - t.launched for t in the_plan.trials if t.waiter == waiter]
        ups = [u for u in ups if not math.isnan(u)]
        print(f"start-up (launch to first read), {waiter}: median {median(ups):.2f} s")
    show(rows["sweep"], f"sweep, seed {seed}: median over {args.repeats} runs")
    show(rows["history"], "history: the second run of the same update (first within 10 %)")
    show(rows["late"], "late start: waiter started 60-80 % into the update")
    print("\ntargets")
    checks = verdicts(rows)
    for label, value, ok in checks:
        print(f"  {'met   ' if ok else 'MISSED'} {label}: {value}")
    print(f"\nwall time {wall:.0f} s; load average at the end {os.getloadavg()[0]:.1f}")
    if args.json:
        targets = [{"target": what, "value": v, "met": ok} for what, v, ok in checks]
        doc = {"seed": seed, "machine": machine(), "wall_seconds": round(wall)}
        doc.update(rows=rows, targets=targets)
        args.json.write_text(json.dumps(doc, indent=1))


if __name__ == "__main__":
    main()
