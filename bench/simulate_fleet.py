#!/usr/bin/env python3
"""A fleet wait simulated in virtual time: the schedule, the peers' evidence and the
budget's urgency order alone, without processes or the machine's load.

    uv run python bench/simulate_fleet.py                   # a new seed, printed
    uv run python bench/simulate_fleet.py --seed 5 --seed 6 --fleets 12

Each fleet is N functions (drawn from the seed: 20-150) whose updates are sent within
0.3 s, with durations drawn from one of several shapes (also from the seed): an even
spread (as bench/waiting.py's 20-60 s), a lognormal around a random median, a fast
majority with a slow tail, two clusters. Every function is read through one budget of
``--max-rps`` slots a second; at each slot the most urgent read that is due goes (the
budget's urgency order, with the schedule's own urgency); a read that sees a function
running books its next read after the schedule's interval. The same fleet runs with
the peers' evidence and without it. Overshoot is the first read that sees the end minus
the end; the fleet's is its last end to the read that sees it (the process's exit,
without the exit itself). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
from dataclasses import dataclass, field

from lambda_wait.peers import Peer, Peers
from lambda_wait.schedule import OperationKind, PollSchedule, prior_for

READ_LATENCY = 0.05


@dataclass
class Function:
    sent: float
    duration: float
    due: float = 0.0  # when its next read may go
    last_busy: float | None = None
    seen: float | None = None
    reads: int = 0
    peer: Peer | None = None

    @property
    def end(self) -> float:
        return self.sent + self.duration


@dataclass
class Outcome:
    fleet_overshoot: float
    overshoots: list[float] = field(default_factory=list)
    reads: int = 0


def durations(rng: random.Random, count: int) -> tuple[str, list[float]]:
    shape = rng.choice(["even", "lognormal", "tail", "clusters"])
    if shape == "even":
        low = rng.uniform(2.0, 60.0)
        high = low + rng.uniform(5.0, 120.0)
        return f"even {low:.0f}-{high:.0f} s", [
            low + (high - low) * i / max(1, count - 1) for i in range(count)
        ]
    if shape == "lognormal":
        median, sigma = math.exp(rng.uniform(math.log(2), math.log(120))), rng.uniform(0.1, 0.8)
        return f"lognormal median {median:.0f} s sigma {sigma:.2f}", [
            rng.lognormvariate(math.log(median), sigma) for _ in range(count)
        ]
    if shape == "tail":
        fast, slow = rng.uniform(1.0, 8.0), rng.uniform(30.0, 240.0)
        share = rng.uniform(0.02, 0.3)
        return f"{1 - share:.0%} ~{fast:.0f} s, the rest ~{slow:.0f} s", [
            rng.lognormvariate(math.log(slow if rng.random() < share else fast), 0.3)
            for _ in range(count)
        ]
    a, b = rng.uniform(3.0, 40.0), rng.uniform(40.0, 200.0)
    return f"clusters ~{a:.0f} s and ~{b:.0f} s", [
        rng.lognormvariate(math.log(rng.choice((a, b))), 0.15) for _ in range(count)
    ]


def simulate(
    durations_: list[float], seed: int, *, peers: bool, max_rps: float, startup: float
) -> Outcome:
    rng = random.Random(seed)
    schedule = PollSchedule()
    prior = prior_for(OperationKind.UPDATE)
    group = Peers() if peers else None
    fleet = [Function(sent=rng.uniform(0.0, 0.3), duration=d) for d in durations_]
    for fn in fleet:
        fn.due = startup + rng.uniform(0.0, 0.05)
        if group is not None:
            fn.peer = group.join("update")

    def hazard(fn: Function, elapsed: float) -> float:
        return fn.peer.hazard(elapsed, schedule.peer_span(elapsed)) if fn.peer else 0.0

    def urgency(fn: Function, now: float) -> float:
        if fn.last_busy is None:
            return math.inf
        last, gap = fn.last_busy - fn.sent, now - fn.last_busy
        return schedule.urgency(last, gap, prior, None, hazard(fn, now - fn.sent))

    now, slot = startup, 1.0 / max_rps
    waiting = list(fleet)
    while waiting:
        due = [fn for fn in waiting if fn.due <= now]
        if not due:
            now = max(now, min(fn.due for fn in waiting))
            continue
        fn = max(due, key=lambda f: urgency(f, now))
        fn.reads += 1
        seen_at = now + READ_LATENCY / 2
        elapsed = seen_at - fn.sent
        if seen_at >= fn.end:
            fn.seen = seen_at
            if fn.peer is not None and fn.last_busy is not None:
                fn.peer.ended((fn.last_busy + seen_at) / 2.0 - fn.sent)
            waiting.remove(fn)
        else:
            fn.last_busy = seen_at
            if fn.peer is not None:
                fn.peer.running(elapsed)
            interval = schedule.interval(elapsed, prior, None, hazard(fn, elapsed))
            fn.due = now + READ_LATENCY + interval
        now += slot
    last = max(fleet, key=lambda f: f.end)
    return Outcome(
        fleet_overshoot=max(f.seen or 0.0 for f in fleet) - last.end,
        overshoots=[(f.seen or 0.0) - f.end for f in fleet],
        reads=sum(f.reads for f in fleet),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, action="append", help="repeatable; default: new")
    parser.add_argument("--fleets", type=int, default=8, help="fleets per seed")
    parser.add_argument("--max-rps", type=float, default=10.0)
    parser.add_argument("--startup", type=float, default=0.5, help="first reads, s")
    args = parser.parse_args()
    seeds = args.seed or [random.SystemRandom().randrange(1, 10**6)]
    print(f"seeds: {' '.join(map(str, seeds))} (budget {args.max_rps:g} req/s)")
    print(
        f"{'fleet':46} {'n':>4} | {'fleet overshoot s':>17} | {'median/max s':>17} "
        f"| {'reads':>11}\n{'':46} {'':>4} | {'alone':>8} {'peers':>8} | "
        f"{'alone':>8} {'peers':>8} | {'alone':>5} {'peers':>5}"
    )
    totals: dict[str, list[float]] = {
        "alone": [],
        "peers": [],
        "ra": [],
        "rp": [],
        "sa": [],
        "sp": [],
    }
    bound = PollSchedule().bound
    for seed in seeds:
        rng = random.Random(seed)
        for index in range(args.fleets):
            count = rng.randint(20, 150)
            label, drawn = durations(rng, count)
            run_seed = rng.randrange(10**9)
            alone, fleet = (
                simulate(drawn, run_seed, peers=p, max_rps=args.max_rps, startup=args.startup)
                for p in (False, True)
            )
            totals["alone"].append(alone.fleet_overshoot)
            totals["peers"].append(fleet.fleet_overshoot)
            totals["ra"].append(alone.reads)
            totals["rp"].append(fleet.reads)
            # In units of the guarantee at the last end: phase luck aside, what counts.
            longest = max(drawn)
            totals["sa"].append(alone.fleet_overshoot / bound(longest))
            totals["sp"].append(fleet.fleet_overshoot / bound(longest))
            med = f"{statistics.median(alone.overshoots):.2f}/{max(alone.overshoots):.1f}"
            med_p = f"{statistics.median(fleet.overshoots):.2f}/{max(fleet.overshoots):.1f}"
            print(
                f"{seed}.{index} {label:40} {count:4d} | {alone.fleet_overshoot:8.2f} "
                f"{fleet.fleet_overshoot:8.2f} | {med:>8} {med_p:>8} | "
                f"{alone.reads:5d} {fleet.reads:5d}"
            )
    better = sum(p < a for a, p in zip(totals["alone"], totals["peers"], strict=True))
    print(
        f"\nfleet overshoot, median over {len(totals['alone'])} fleets: alone "
        f"{statistics.median(totals['alone']):.2f} s, with peers "
        f"{statistics.median(totals['peers']):.2f} s (sooner on {better}); reads "
        f"{sum(totals['rp']) / sum(totals['ra']):.2f}x"
    )
    print(
        f"in units of the bound at the last end, mean: alone "
        f"{statistics.mean(totals['sa']):.2f}, with peers {statistics.mean(totals['sp']):.2f}"
    )


if __name__ == "__main__":
    main()
