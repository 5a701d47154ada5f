#!/usr/bin/env python3
"""The sweep's timelines, simulated on a ManualClock: the schedules alone, without the
machine's load.

    uv run python bench/simulate.py --seed 11 --seed 23 --seed 37

The same timelines as ``bench/sweep.py --seed N`` (its ``plan``), each waiter started
the same 0.1-1.0 s after the mutating call plus a fixed process start-up
(``--startup``, the same for every waiter): lambda-wait's real ``Waiter`` and
``PollSchedule`` reading a simulated function (LastModified at the operation's start),
boto3's V2 waiter reading every 1 s and V1 every 5 s. A read takes ``--latency``.
Overshoot is the first read that sees the end, minus the end; no process exit is
counted. Prints the same targets as the sweep; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sweep import WAITERS, Trial, plan, show, verdicts

from lambda_wait.clock import ManualClock
from lambda_wait.schedule import PollSchedule, Prediction
from lambda_wait.states import FunctionSnapshot
from lambda_wait.waiter import Waiter

EPOCH = 1_767_225_600.0


def lambda_time(epoch: float) -> str:
    import time

    millis = round(epoch * 1000)
    whole = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(millis // 1000))
    return f"{whole}.{millis % 1000:03d}+0000"


def simulate_lw(
    trial: Trial, start: float, latency: float, prediction: Prediction | None, seed: int
) -> tuple[float, int]:
    """lambda-wait's Waiter on a ManualClock: (overshoot, reads)."""
    clock = ManualClock(0.0, epoch=EPOCH)
    clock.advance(start)
    reads = [0]
    vpc = {"VpcConfig": {"SubnetIds": ["subnet-1"]}} if trial.kind == "vpc" else {}
    modified = lambda_time(EPOCH)  # the operation started at 0

    def read() -> FunctionSnapshot:
        reads[0] += 1
        clock.advance(latency)
        done = clock.now() - latency / 2 >= trial.timeline
        doc: dict[str, Any] = {"FunctionName": "fn", "LastModified": modified, **vpc}
        if trial.kind == "create":
            doc.update(State="Active" if done else "Pending")
            if not done:
                doc["StateReasonCode"] = "Creating"
        else:
            doc.update(State="Active", LastUpdateStatus="Successful" if done else "InProgress")
        return FunctionSnapshot.from_configuration(doc)

    waiter = Waiter(
        "fn",
        read,
        timeout=900,
        clock=clock,
        schedule=PollSchedule(),
        rng=random.Random(seed),
        predict=(lambda kind, snap: prediction) if prediction else None,
    )
    waiter.run()
    return clock.now() - trial.timeline, reads[0]


def simulate_peer(trial: Trial, start: float, period: float, latency: float) -> tuple[float, int]:
    t, reads = start, 0
    while True:
        reads += 1
        t += latency
        if t - latency / 2 >= trial.timeline:
            return t - trial.timeline, reads
        t += period


def run(seed: int, args: argparse.Namespace) -> dict[str, list[dict[str, Any]]]:
    the_plan = plan(seed, args.timelines, args.repeats, args.histories, args.lates)
    for trial in the_plan.trials:
        if trial.part == "late":
            start = trial.late * trial.timeline + args.startup
        else:
            start = trial.offset + args.startup
        if trial.waiter == "lw":
            prediction = None
            if trial.part == "history":  # what the first run recorded (seen within ~0.3 s)
                prediction = Prediction(trial.first, 0.1 * trial.first)
            over, reads = simulate_lw(trial, start, args.latency, prediction, seed)
        else:
            period = 1.0 if trial.waiter == "v2" else 5.0
            over, reads = simulate_peer(trial, start, period, args.latency)
        trial.sent, trial.exited, trial.reads = 0.0, trial.timeline + over, reads
        trial.code, trial.launched, trial.first_read = 0, start, start
    from sweep import summarise

    return {part: summarise(the_plan.trials, part) for part in ("sweep", "history", "late")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, action="append", required=True)
    parser.add_argument("--timelines", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--histories", type=int, default=4)
    parser.add_argument("--lates", type=int, default=4)
    parser.add_argument("--startup", type=float, default=0.4, help="process start-up, s")
    parser.add_argument("--latency", type=float, default=0.02, help="one read, s")
    parser.add_argument("-q", "--quiet", action="store_true", help="targets only")
    args = parser.parse_args()
    for seed in args.seed:
        rows = run(seed, args)
        print(f"\n=== simulated seed {seed} (start-up {args.startup} s, read {args.latency} s)")
        if not args.quiet:
            show(rows["sweep"], "sweep: median over the repeats")
            show(rows["history"], "history: the second run (first within 10 %)")
            show(rows["late"], "late start: 60-80 % into the update")
        for label, value, ok in verdicts(rows):
            print(f"  {'met   ' if ok else 'MISSED'} {label}: {value}")
        over = [r["lw"]["overshoot"] for r in rows["sweep"]]
        print(f"  lambda-wait overshoot over the sweep: median {statistics.median(over):.2f} s")
    print(f"\n({len(WAITERS)} waiters per timeline)")


if __name__ == "__main__":
    main()
