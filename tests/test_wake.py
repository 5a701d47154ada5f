"""Waking Inactive functions and the cooldown, with an injected clock (no real sleeping)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from lambda_wait.anchor import ServerClock
from lambda_wait.clock import ManualClock
from lambda_wait.cooldown import CooldownStore, cooldown_key, iso
from lambda_wait.errors import ExitCode, FunctionNotReadyError
from lambda_wait.inputs import parse_function
from lambda_wait.reasons import COOLDOWN_SECONDS
from lambda_wait.waiter import PollPolicy
from lambda_wait.wake import InactiveAwareWait

ARN = "arn:aws:lambda:us-east-1:123456789012:function:vpc-fn"
RESTORE_SECONDS = 20.0
STATE_FAILED = "<State Failed>"  # a restore outcome: the function ends in State Failed


class FakeLambda:
    """An Inactive VPC function whose restores follow a script of outcomes."""

    region = "us-east-1"
    server_clock = ServerClock()  # no Date headers: LastModified is taken as it is

    def __init__(
        self,
        clock: ManualClock,
        outcomes: list[str | None],
        *,
        active_at_invoke: bool = False,
        invoke_seconds: float = 0.0,
        visible_after: float = 0.0,
    ) -> None:
        self.clock = clock
        self.outcomes = list(outcomes)  # None: restore succeeds; a code: restore fails
        self.invokes: list[float] = []
        self.state = "Inactive"
        self.update: str | None = "Successful"
        self.update_code: str | None = None
        self.restore_started: float | None = None
        self.restore_outcome: str | None = None
        self.active_at_invoke = active_at_invoke
        self.invoke_seconds = invoke_seconds  # how long the wake invocation takes to answer
        self.visible_after = visible_after  # reads show the restore (Pending) only after this
        self.reads = 0

    def _advance(self) -> None:
        if (
            self.restore_started is not None
            and self.state == "Inactive"
            and self.clock.now() >= self.restore_started + self.visible_after
        ):
            self.state = "Pending"
        if (
            self.restore_started is not None
            and self.clock.now() >= self.restore_started + RESTORE_SECONDS
        ):
            self.restore_started = None
            if self.restore_outcome is None:
                self.state, self.update, self.update_code = "Active", "Successful", None
            elif self.restore_outcome == STATE_FAILED:
                self.state, self.update, self.update_code = "Failed", None, None
            else:
                self.state, self.update = "Inactive", "Failed"
                self.update_code = self.restore_outcome

    def get_function_configuration(self, name: str, qualifier: str | None = None) -> dict[str, Any]:
        self.reads += 1
        self._advance()
        doc: dict[str, Any] = {
            "FunctionName": "vpc-fn",
            "FunctionArn": ARN,
            "State": self.state,
            "VpcConfig": {"SubnetIds": ["subnet-1"], "VpcId": "vpc-1"},
        }
        if self.state == "Inactive" and self.update != "Failed":
            doc["StateReasonCode"] = "Idle"
        if self.state == "Pending":
            doc["StateReasonCode"] = "Restoring"
        if self.state == "Failed":
            doc["StateReasonCode"] = "InvalidConfiguration"
        if self.update:
            doc["LastUpdateStatus"] = self.update
        if self.update_code:
            doc["LastUpdateStatusReasonCode"] = self.update_code
            doc["LastUpdateStatusReason"] = f"restore failed: {self.update_code}"
        return doc

    def invoke(self, **params: Any) -> dict[str, Any]:
        self.invokes.append(self.clock.now())
        assert params["InvocationType"] == "RequestResponse"
        if self.active_at_invoke:
            self.state = "Active"
            return {"StatusCode": 200}
        self.restore_started = self.clock.now()
        self.restore_outcome = self.outcomes.pop(0)
        self._advance()
        self.clock.advance(self.invoke_seconds)  # a loaded machine: the answer comes late
        raise FunctionNotReadyError("not ready", code="ResourceNotReadyException")


def make(
    fake: FakeLambda,
    clock: ManualClock,
    store: CooldownStore,
    *,
    wake: bool,
    timeout: float,
    events: list[Any] | None = None,
) -> InactiveAwareWait:
    return InactiveAwareWait(
        fake,  # type: ignore[arg-type]
        parse_function("vpc-fn"),
        timeout=timeout,
        wake=wake,
        store=store,
        clock=clock,
        listener=None if events is None else events.append,
    )


@pytest.fixture
def clock() -> ManualClock:
    # The shared test clock, with wall time equal to monotonic time for readable numbers.
    return ManualClock(1_000_000.0, epoch=0.0)


@pytest.fixture
def store(tmp_path: Path, clock: ManualClock) -> CooldownStore:
    return CooldownStore(tmp_path / "cooldowns.json", now=clock.wall)


def test_inactive_without_wake_exits_7_at_once_and_says_how_to_wake(
    clock: ManualClock, store: CooldownStore
) -> None:
    fake = FakeLambda(clock, [])
    result = make(fake, clock, store, wake=False, timeout=600).run()
    assert result.exit_code is ExitCode.INACTIVE
    assert fake.invokes == [] and fake.reads == 1
    assert any("--wake" in note for note in result.notes)


def test_wake_that_succeeds(clock: ManualClock, store: CooldownStore) -> None:
    fake = FakeLambda(clock, [None])
    result = make(fake, clock, store, wake=True, timeout=600).run()
    assert result.exit_code is ExitCode.READY
    assert len(fake.invokes) == 1
    assert result.snapshot is not None and result.snapshot.state == "Active"


@pytest.mark.parametrize(
    "code", ["SubnetOutOfIPAddresses", "InsufficientRolePermissions", "InsufficientRolePermission"]
)
def test_cooldown_longer_than_timeout_exits_6_with_the_retry_time(
    clock: ManualClock, store: CooldownStore, code: str
) -> None:
    fake = FakeLambda(clock, [code])
    result = make(fake, clock, store, wake=True, timeout=200).run()
    assert result.exit_code is ExitCode.COOLDOWN
    assert len(fake.invokes) == 1  # never a second attempt inside the window
    assert result.cooldown is not None
    observed = fake.invokes[0] + RESTORE_SECONDS  # first read after the restore failed
    retry_at = result.cooldown["retry_not_before"]
    assert isinstance(retry_at, str) and retry_at.endswith("Z")
    # the failure is observed at the first poll after the restore failed (within one interval)
    one_interval = PollPolicy().max_interval * (1 + PollPolicy().jitter)
    assert (
        iso(observed + COOLDOWN_SECONDS)
        <= retry_at
        <= iso(observed + COOLDOWN_SECONDS + one_interval + 1)
    )
    assert any(retry_at in note for note in result.notes)
    assert any("subnet" in note.lower() or "role" in note.lower() for note in result.notes)


def test_timeout_covering_the_cooldown_retries_once_after_the_window(
    clock: ManualClock, store: CooldownStore
) -> None:
    events: list[Any] = []
    fake = FakeLambda(clock, ["SubnetOutOfIPAddresses", None])
    result = make(fake, clock, store, wake=True, timeout=1200, events=events).run()
    assert result.exit_code is ExitCode.READY
    assert len(fake.invokes) == 2
    failure_seen = fake.invokes[0] + RESTORE_SECONDS
    assert fake.invokes[1] - failure_seen >= COOLDOWN_SECONDS
    countdown = [e for e in events if e.kind == "cooldown"]
    assert len(countdown) >= COOLDOWN_SECONDS // 30  # a visible countdown, every 30 s at most
    assert all(e.sleep_seconds <= COOLDOWN_SECONDS for e in countdown)
    assert store.get(cooldown_key(ARN, "vpc-fn", "us-east-1")) is None  # cleared when restored


# The read after the wake comes just before, at, or just past the deadline (the wake
# invocation answered late on a loaded machine), after the restore ended.
EDGES = pytest.mark.parametrize("late", [-0.05, 0.0, 0.3], ids=["before", "at", "past"])


@EDGES
@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        ("InsufficientRolePermissions", ExitCode.COOLDOWN),
        ("SubnetOutOfIPAddresses", ExitCode.COOLDOWN),
        ("EniLimitExceeded", ExitCode.INACTIVE),  # the restore failed: the user must fix it
        (STATE_FAILED, ExitCode.FAILED),
        (None, ExitCode.READY),
    ],
)
def test_a_final_answer_read_at_the_deadline_decides_the_exit_code(
    clock: ManualClock, store: CooldownStore, late: float, outcome: str | None, expected: ExitCode
) -> None:
    timeout = RESTORE_SECONDS + 10
    fake = FakeLambda(clock, [outcome], invoke_seconds=timeout + late)
    result = make(fake, clock, store, wake=True, timeout=timeout).run()
    assert result.exit_code is expected, result.message
    assert not result.timed_out
    assert len(fake.invokes) == 1
    assert result.elapsed >= timeout + min(late, 0.0) - 1e-6  # the answer came at the edge
    if expected is ExitCode.COOLDOWN:
        assert result.cooldown is not None and result.cooldown["code"] == outcome


@EDGES
def test_still_restoring_at_the_deadline_is_a_timeout(
    clock: ManualClock, store: CooldownStore, late: float
) -> None:
    timeout = RESTORE_SECONDS - 5  # the restore is still Pending when time runs out
    fake = FakeLambda(clock, ["InsufficientRolePermissions"], invoke_seconds=timeout + late)
    result = make(fake, clock, store, wake=True, timeout=timeout).run()
    assert result.exit_code is ExitCode.TIMEOUT and result.timed_out
    assert result.snapshot is not None and result.snapshot.state == "Pending"
    assert result.cooldown is None
    assert store.get(cooldown_key(ARN, "vpc-fn", "us-east-1")) is None


@EDGES
def test_still_reading_idle_after_the_wake_at_the_deadline_is_a_timeout_not_a_second_wake(
    clock: ManualClock, store: CooldownStore, late: float
) -> None:
    timeout = 10.0
    # Lambda has not shown the restore yet: the reads still say Inactive (Idle).
    fake = FakeLambda(clock, [None], invoke_seconds=timeout + late, visible_after=60)
    result = make(fake, clock, store, wake=True, timeout=timeout).run()
    assert result.exit_code is ExitCode.TIMEOUT and result.timed_out
    assert len(fake.invokes) == 1
    assert "restore requested" in result.message


def test_memory_is_shared_between_runs(
    clock: ManualClock, store: CooldownStore, tmp_path: Path
) -> None:
    fake = FakeLambda(clock, ["SubnetOutOfIPAddresses"])
    first = make(fake, clock, store, wake=True, timeout=120).run()
    assert first.exit_code is ExitCode.COOLDOWN
    clock.advance(100)  # the pipeline re-runs 100 s later
    second_store = CooldownStore(tmp_path / "cooldowns.json", now=clock.wall)
    again = FakeLambda(clock, [None])
    again.state, again.update, again.update_code = "Inactive", "Failed", "SubnetOutOfIPAddresses"
    second = make(again, clock, second_store, wake=True, timeout=60).run()
    assert second.exit_code is ExitCode.COOLDOWN
    assert again.invokes == []  # told at once, the function untouched
    assert second.cooldown is not None
    assert 0 < float(str(second.cooldown["remaining_seconds"])) < COOLDOWN_SECONDS - 90


def test_a_corrupt_memory_file_is_treated_as_empty(clock: ManualClock, tmp_path: Path) -> None:
    path = tmp_path / "cooldowns.json"
    path.write_text("{not json")
    store = CooldownStore(path, now=clock.wall)
    fake = FakeLambda(clock, ["InsufficientRolePermissions"])
    result = make(fake, clock, store, wake=True, timeout=100).run()
    assert result.exit_code is ExitCode.COOLDOWN
    data = json.loads(path.read_text())
    assert list(data["cooldowns"]) == [cooldown_key(ARN, "vpc-fn", "us-east-1")]


def test_non_cooldown_failure_gets_no_cooldown(clock: ManualClock, store: CooldownStore) -> None:
    fake = FakeLambda(clock, ["EniLimitExceeded", None])
    result = make(fake, clock, store, wake=True, timeout=1200).run()
    assert result.exit_code is ExitCode.INACTIVE  # user must fix: not retried blindly
    assert len(fake.invokes) == 1
    assert result.cooldown is None
    assert store.get(cooldown_key(ARN, "vpc-fn", "us-east-1")) is None
    assert result.assessment is not None and result.assessment.reason is not None
    assert result.assessment.reason.code == "EniLimitExceeded"


def test_transient_restore_failure_is_retried(clock: ManualClock, store: CooldownStore) -> None:
    fake = FakeLambda(clock, ["InternalError", None])
    result = make(fake, clock, store, wake=True, timeout=600).run()
    assert result.exit_code is ExitCode.READY
    assert len(fake.invokes) == 2


def test_handler_running_is_reported(clock: ManualClock, store: CooldownStore) -> None:
    fake = FakeLambda(clock, [], active_at_invoke=True)
    result = make(fake, clock, store, wake=True, timeout=60).run()
    assert result.exit_code is ExitCode.READY
    assert any("handler ran once" in note for note in result.notes)


def test_inactive_seen_without_wake_but_with_cooldown_code_exits_6(
    clock: ManualClock, store: CooldownStore
) -> None:
    fake = FakeLambda(clock, [])
    fake.update, fake.update_code = "Failed", "SubnetOutOfIPAddresses"
    result = make(fake, clock, store, wake=False, timeout=600).run()
    assert result.exit_code is ExitCode.COOLDOWN
    assert fake.invokes == []


def test_concurrent_records_keep_a_valid_file(tmp_path: Path) -> None:
    path = tmp_path / "cooldowns.json"

    def record(index: int) -> None:
        CooldownStore(path).record(f"us-east-1|fn-{index}", "SubnetOutOfIPAddresses")

    threads = [threading.Thread(target=record, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    data = json.loads(path.read_text())
    assert sorted(data["cooldowns"]) == sorted(f"us-east-1|fn-{i}" for i in range(16))
