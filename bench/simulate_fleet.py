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
from collections.abc import Callable
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


Sampler = Callable[[random.Random], list[float]]


def fleet_shape(rng: random.Random, count: int) -> tuple[str, str, Sampler]:
    """A shape of fleet drawn from ``rng``: (shape, label, a sampler of its durations).

    Each repeat draws new durations from the same shape, so that where the last end
    falls between two reads (the phase) is averaged out."""
    shape = rng.choice(["even", "lognormal", "tail", "clusters"])
    if shape == "even":
        low = rng.uniform(2.0, 60.0)
        high = low + rng.uniform(5.0, 120.0)

        def even(r: random.Random) -> list[float]:
            shift = r.uniform(-1.0, 1.0)  # the same spread, started a little earlier or later
            return [shift + low + (high - low) * i / max(1, count - 1) for i in range(count)]

        return shape, f"even {low:.0f}-{high:.0f} s", even
    if shape == "lognormal":
        median, sigma = math.exp(rng.uniform(math.log(2), math.log(120))), rng.uniform(0.1, 0.8)
        return (
            shape,
            f"lognormal median {median:.0f} s sigma {sigma:.2f}",
            lambda r: [r.lognormvariate(math.log(median), sigma) for _ in range(count)],
        )
    if shape == "tail":
        fast, slow = rng.uniform(1.0, 8.0), rng.uniform(30.0, 240.0)
        share = rng.uniform(0.02, 0.3)
        return (
            shape,
            f"tail: {1 - share:.0%} ~{fast:.0f} s, the rest ~{slow:.0f} s",
            lambda r: [
                r.lognormvariate(math.log(slow if r.random() < share else fast), 0.3)
                for _ in range(count)
            ],
        )
    a, b = rng.uniform(3.0, 40.0), rng.uniform(40.0, 200.0)
    return (
        shape,
        f"clusters ~{a:.0f} s and ~{b:.0f} s",
        lambda r: [r.lognormvariate(math.log(r.choice((a, b))), 0.15) for _ in range(count)],
    )


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
        return fn.peer.hazard(elapsed, schedule.peer_span(elapsed, prior)) if fn.peer else 0.0

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
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="runs per fleet (new durations)",
    )
    parser.add_argument("--max-rps", type=float, default=10.0)
    parser.add_argument("--startup", type=float, default=0.5, help="first reads, s")
    args = parser.parse_args()
    seeds = args.seed or [random.SystemRandom().randrange(1, 10**6)]
    bound = PollSchedule().bound
    print(f"seeds: {' '.join(map(str, seeds))} (budget {args.max_rps:g} req/s)")
    print(
        "fleet overshoot: the last end to the read that sees it, mean over the repeats (each "
        "draws new durations of the same shape), in seconds and in units of bound(last end)"
    )
    print(
        f"{'fleet':50} {'n':>4} | {'alone s':>7} {'peers s':>7} | {'alone':>5} {'peers':>5} "
        f"| reads x"
    )
    by_shape: dict[str, list[tuple[float, float]]] = {}
    reads = [0, 0]
    for seed in seeds:
        rng = random.Random(seed)
        for index in range(args.fleets):
            count = rng.randint(20, 150)
            shape, label, sample = fleet_shape(rng, count)
            alone_units, peers_units = [], []
            alone_s, peers_s = [], []
            ra = rp = 0
            for _ in range(args.repeats):
                drawn, run_seed = sample(rng), rng.randrange(10**9)
                unit = bound(max(drawn))
                a, p = (
                    simulate(drawn, run_seed, peers=x, max_rps=args.max_rps, startup=args.startup)
                    for x in (False, True)
                )
                alone_s.append(a.fleet_overshoot)
                peers_s.append(p.fleet_overshoot)
                alone_units.append(a.fleet_overshoot / unit)
                peers_units.append(p.fleet_overshoot / unit)
                ra, rp = ra + a.reads, rp + p.reads
            alone, peers = statistics.mean(alone_s), statistics.mean(peers_s)
            au, pu = statistics.mean(alone_units), statistics.mean(peers_units)
            by_shape.setdefault(shape, []).append((au, pu))
            reads[0] += ra
            reads[1] += rp
            print(
                f"{seed}.{index} {label:44} {count:4d} | {alone:7.2f} {peers:7.2f} | "
                f"{au:5.2f} {pu:5.2f} | {rp / ra:.2f}"
            )
    print("\nmean fleet overshoot in units of the bound, by shape (alone -> peers):")
    every = [pair for pairs in by_shape.values() for pair in pairs]
    for shape, pairs in sorted(by_shape.items()):
        before, after = (statistics.mean(x[i] for x in pairs) for i in (0, 1))
        print(f"  {shape:10} {len(pairs):3d} fleets  {before:.2f} -> {after:.2f}")
    before, after = (statistics.mean(x[i] for x in every) for i in (0, 1))
    better = sum(x[1] < x[0] for x in every)
    print(
        f"  {'all':10} {len(every):3d} fleets  {before:.2f} -> {after:.2f} (sooner on {better}); "
        f"reads {reads[1] / reads[0]:.2f}x"
    )


if __name__ == "__main__":
    main()
