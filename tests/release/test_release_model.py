"""The release contract under random faults (hypothesis's stateful testing).

Each rule either schedules trouble for the next release (a fault on the Nth call,
an outage of one service for a while, an operator's ``update-alias`` before the
Nth call, an alarm flipping or deleted at a moment, Ctrl-C or SIGTERM in a call or
in a sleep, a second signal, a broken new version) or runs one release of a new
version against :class:`~tests.release.fakes.ReleaseWorld` on a ManualClock and
checks the contract of docs/deploy.md ("Releasing safely") on what AWS holds after
it, not on the steps taken:

1. the run returns a report (nothing escapes; ``shift`` is never null once started);
2. exit 0: the new version at 100%, and every gate read during the shift was clean,
   each weighted step watched at least once, the smoke test passed;
3. 10, 3, 130, 143: the version that served before, at 100%;
4. 1 (rollback-failed): the report says exactly what the alias reads;
5. 9: an operator moved the alias, and their change is what the alias reads;
6. any other exit code is a violation; no write of ours lands after an operator's move;
7. a signal: the run returns within 7 s (clock) of the first one, 1 s of a second one.

``LW_MODEL_CENSUS=N`` runs N examples and prints the violations by class instead of
failing at the first (the figures in the report on issue 23).
"""

from __future__ import annotations

import collections
import os
import random
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from lambda_wait.clock import Deadline
from lambda_wait.errors import ExitCode, LambdaWaitError
from lambda_wait.release.adapters import CloudWatchGates, LambdaAlias, smoke_test
from lambda_wait.release.executor import TrafficShift
from lambda_wait.release.gates import GatePolicy
from lambda_wait.release.outcome import ShiftReport
from lambda_wait.release.shift import parse_shift
from tests.release.fakes import (
    Event,
    Outage,
    ReleaseWorld,
    ScheduledFault,
    SignalClock,
)

SPECS = ("canary:10:30s", "linear:25:20s", "all-at-once")
ROLLED_BACK = {ExitCode.ROLLED_BACK, ExitCode.TIMEOUT, ExitCode.INTERRUPTED, ExitCode.TERMINATED}
CENSUS = int(os.environ.get("LW_MODEL_CENSUS", "0") or 0)
TALLY: collections.Counter[str] = collections.Counter()
FIGURES: collections.Counter[str] = collections.Counter()
EXAMPLES: dict[str, str] = {}


@dataclass
class Trouble:
    """What the next release meets (cleared after it)."""

    second_signal_after: float | None = None  # seconds after the first signal


def run_release(
    world: ReleaseWorld, new: str, spec: str, policy: GatePolicy, smoke: bool, timeout: float
) -> ShiftReport:
    """One release of ``new`` on alias live, composed as ``deploy --shift`` does
    (deploy/steps/shift.py and commands/_release.py)."""
    clock = world.clock
    deadline = world.deadline = Deadline(clock, timeout)
    rng = random.Random(0)
    alias = LambdaAlias(world, "fn", "live", clock, rng=rng, deadline=deadline)
    report = ShiftReport("fn", "live", alias.read().version, new, spec)
    shift = TrafficShift(
        alias,
        CloudWatchGates(world, "fn", "live", clock, deadline=deadline, rng=rng),
        parse_shift(spec),
        policy,
        clock,
        deadline,
        report,
        smoke_test=(
            lambda: smoke_test(world, "fn", new, b"{}", clock=clock, deadline=deadline, rng=rng)
        )
        if smoke
        else None,
    )
    return shift.run()


def contract(  # noqa: PLR0912 -- one branch per clause of the contract
    world: ReleaseWorld,
    report: ShiftReport | None,
    escaped: BaseException | None,
    *,
    old: str,
    new: str,
    started: int,
    policy: GatePolicy,
    smoke: bool,
    spec: str,
) -> list[str]:
    """The clauses this run broke (empty: it kept the contract)."""
    live = world.state()
    events = world.events[started:]
    if report is None:
        if isinstance(escaped, KeyboardInterrupt | LambdaWaitError) and not any(
            e.kind == "write" for e in events
        ):
            return []  # the alias could not even be read: nothing moved, the deploy says so
        moved = "after-a-write" if any(e.kind == "write" for e in events) else "before-start"
        return [f"escaped-{moved}:{type(escaped).__name__}"]
    broken: list[str] = []
    old = report.old_version  # the alias as first read (an operator's move before is a start)
    first = next((i for i, e in enumerate(events) if e.kind == "call" and "state" in e.detail), 0)
    operator = [e for e in events[first:] if e.kind == "operator"]
    code = report.exit_code
    said = (report.live_version, report.live_weights)
    if operator:
        moved_at = next(i for i, e in enumerate(events) if e is operator[0])
        if any(e.kind == "write" for e in events[moved_at:]):
            broken.append("overwrote-operator")
        unseen = report.outcome == "rollback-failed" and not report.live_confirmed
        if code is not ExitCode.CONFLICT and live not in ((old, {}), (new, {})) and not unseen:
            broken.append("operator-change-not-reported")
    if code is ExitCode.READY:
        broken.extend(_ready(world, events, new, policy, smoke, spec))
    elif code in ROLLED_BACK:
        if live != (old, {}) and not operator:
            broken.append(f"rolled-back-{code.value}-not-at-old-100")
        if said != live and not operator:
            broken.append("rolled-back-report-untrue")
    elif code is ExitCode.FAILED:
        if report.outcome != "rollback-failed":
            broken.append("exit1-not-rollback-failed")
        elif said != live and report.live_confirmed:
            broken.append("rollback-failed-report-untrue")
        if f"--to {old}" not in report.go_back():
            broken.append("rollback-failed-no-restore-command")
    elif code is ExitCode.CONFLICT:
        broken.extend(_conflict(world, bool(operator), said, live))
    else:
        broken.append(f"exit-{code.value}")
    if live[1] and report.outcome != "rollback-failed" and code is not ExitCode.CONFLICT:
        broken.append("weights-live-unreported")
    broken.extend(_promptness(events, world.clock.now()))
    return broken


def _ready(
    world: ReleaseWorld, events: list[Event], new: str, policy: GatePolicy, smoke: bool, spec: str
) -> list[str]:
    """Exit 0: the new version at 100% and every gate passed."""
    broken = []
    if world.state() != (new, {}):
        broken.append("exit0-not-at-new-100")
    if smoke and not any(e.kind == "invoke" and e.detail["ok"] for e in events):
        broken.append("exit0-smoke-not-passed")
    if any(e.kind == "alarm-read" and not e.detail["clean"] for e in events):
        broken.append("exit0-gate-failed-open")
    if parse_shift(spec).gradual and policy.watches_anything and not _watched(events, policy):
        broken.append("exit0-step-unwatched")
    judged = smoke or any(e.kind == "metrics-read" for e in events)
    if new in world.broken and judged:
        broken.append("exit0-broken-version")
    return broken


def _conflict(
    world: ReleaseWorld,
    operator: bool,
    said: tuple[str | None, dict[str, float]],
    live: tuple[str, dict[str, float]],
) -> list[str]:
    """Exit 9: an operator's change, kept, and reported as read."""
    if not operator:
        return ["exit9-without-operator"]
    if live != world.operator_state:
        return ["exit9-operator-change-lost"]
    if said != live:
        return ["exit9-report-untrue"]
    return []


def _watched(events: list[Event], policy: GatePolicy) -> bool:
    """Every weighted step we applied was followed by a gate reading of each kind
    before the next write."""
    typed = events
    writes = [i for i, e in enumerate(typed) if e.kind == "write" and e.detail["state"][1]]
    for index in writes:
        after = typed[index + 1 :]
        nxt = next((i for i, e in enumerate(after) if e.kind == "write"), len(after))
        window = after[:nxt]
        if policy.alarms and not any(e.kind == "alarm-read" for e in window):
            return False
        if policy.max_error_rate is not None and not any(e.kind == "metrics-read" for e in window):
            return False
    return True


def _second_signal(events: list[Event]) -> bool:
    return sum(1 for e in events if e.kind == "signal") > 1


def _promptness(events: list[Event], ended: float) -> list[str]:
    signals = [e.at for e in events if e.kind == "signal"]
    broken = []
    if signals and ended - signals[0] > 7.0:
        broken.append("slow-after-signal")
    if len(signals) > 1 and ended - signals[1] > 1.0:
        broken.append("slow-after-second-signal")
    return broken


KINDS = st.sampled_from(["throttle", "5xx", "timeout", "html"])


class ReleaseMachine(RuleBasedStateMachine):
    """Releases one after another on one alias, each meeting the trouble scheduled."""

    @initialize()
    def start(self) -> None:
        self.clock = SignalClock()
        self.world = ReleaseWorld(self.clock)
        self.trouble = Trouble()
        self.clock.on_signal = self._signalled
        self.violations: list[str] = []

    def _signalled(self, kind: str, where: str) -> None:
        self.world.log("signal", signal=kind, operation=where)
        after = self.trouble.second_signal_after
        if after is not None:  # the second signal, ``after`` seconds later
            self.trouble.second_signal_after = None
            self.clock.signals.append((self.clock.now() + after, "SIGTERM"))
            self.clock.signals.sort()

    @rule(offset=st.integers(1, 40), kind=KINDS, applied=st.booleans())
    def fault(self, offset: int, kind: str, applied: bool) -> None:
        self.world.faults[self.world.calls + offset] = ScheduledFault(kind, applied)  # type: ignore[arg-type]

    @rule(
        service=st.sampled_from(["lambda", "cloudwatch", "invoke"]),
        start=st.floats(0, 60),
        seconds=st.sampled_from([2.0, 10.0, 45.0, 400.0]),
    )
    def outage(self, service: str, start: float, seconds: float) -> None:
        self.world.outages.append(Outage(service, self.clock.now() + start, seconds))  # type: ignore[arg-type]

    @rule(rate=st.sampled_from([0.05, 0.2, 0.5]), seed=st.integers(0, 2**16))
    def weather(self, rate: float, seed: int) -> None:
        self.world.rate = rate
        self.world.rng = random.Random(seed)

    @rule(offset=st.integers(2, 30))
    def operator_moves(self, offset: int) -> None:
        self.world.operator_at = self.world.calls + offset

    @rule(
        name=st.sampled_from(["errors", "latency"]),
        at=st.floats(0, 90),
        state=st.sampled_from(["ALARM", "OK", "INSUFFICIENT_DATA", None]),
    )
    def alarm_changes(self, name: str, at: float, state: str | None) -> None:
        self.world.alarm_changes.append((self.clock.now() + at, name, state))

    @rule(
        by_call=st.booleans(),
        offset=st.integers(1, 30),
        at=st.floats(0, 80),
        kind=st.sampled_from(["SIGINT", "SIGTERM"]),
        second=st.none() | st.floats(0, 10),
    )
    def signal(
        self, by_call: bool, offset: int, at: float, kind: str, second: float | None
    ) -> None:
        self.trouble.second_signal_after = second
        if by_call:
            self.world.signals_at[self.world.calls + offset] = kind  # type: ignore[assignment]
        else:
            self.clock.signals.append((self.clock.now() + at, kind))  # type: ignore[arg-type]
            self.clock.signals.sort()

    @rule(
        spec=st.sampled_from(SPECS),
        alarms=st.booleans(),
        error_rate=st.booleans(),
        smoke=st.booleans(),
        broken=st.booleans(),
        timeout=st.sampled_from([30.0, 90.0, 600.0]),
    )
    def release(
        self,
        spec: str,
        alarms: bool,
        error_rate: bool,
        smoke: bool,
        broken: bool,
        timeout: float,
    ) -> None:
        world = self.world
        gradual = parse_shift(spec).gradual
        policy = GatePolicy(
            ("errors", "latency") if alarms and gradual else (),
            5.0 if error_rate and gradual else None,
            10,
            5.0,
        )
        new = world.publish(broken=broken)
        started = len(world.events)
        world.alias.setdefault("RevisionId", "rev-0")
        old = world.state()[0]
        report: ShiftReport | None = None
        escaped: BaseException | None = None
        try:
            report = run_release(world, new, spec, policy, smoke, timeout)
        except BaseException as err:  # anything escaping breaks clause 1
            escaped = err
        FIGURES["runs"] += 1
        broken_clauses = contract(
            world,
            report,
            escaped,
            old=old,
            new=new,
            started=started,
            policy=policy,
            smoke=smoke,
            spec=spec,
        )
        self._reset_trouble()
        if broken_clauses:
            TALLY.update(broken_clauses)
            for clause in broken_clauses:
                EXAMPLES.setdefault(
                    clause,
                    f"{spec} {report and report.to_dict()} {escaped!r}"
                    + "".join(f"\n           {e}" for e in world.events[started:][-12:]),
                )
            FIGURES["violating runs"] += 1
            if not CENSUS:
                raise AssertionError(
                    f"release {spec} of {new} broke {broken_clauses}: report "
                    f"{report.to_dict() if report else escaped!r}"
                )

    def _reset_trouble(self) -> None:
        world = self.world
        FIGURES["faults injected"] += world.faults_injected
        world.faults_injected = 0
        world.faults.clear()
        world.rate = 0.0
        world.outages.clear()
        world.operator_at = None
        world.signals_at.clear()
        world.alarm_changes.clear()
        world.alarms = {"errors": "OK", "latency": "OK"}
        self.clock.signals.clear()
        self.trouble = Trouble()
        # the world's alias stays where the release left it: the next release starts there

    @invariant()
    def clock_moves_forward(self) -> None:
        assert self.clock.now() >= 100.0


TestReleaseContract = ReleaseMachine.TestCase
TestReleaseContract.settings = settings(
    max_examples=CENSUS or 200,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=not CENSUS,
    database=None,
)


@pytest.fixture(autouse=True, scope="module")
def _census_report() -> object:
    yield None
    if CENSUS:
        print(f"\nmodel census: {dict(FIGURES)}")
        for clause, count in TALLY.most_common():
            print(f"  {count:5d}  {clause}\n         e.g. {EXAMPLES[clause]}")
