"""Anchoring a wait on the operation's start: LastModified, the server's Date, clock skew."""

from __future__ import annotations

import math
import random
import time
from email.utils import formatdate

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_wait.anchor import (
    STALE_AFTER_SECONDS,
    ServerClock,
    elapsed_since,
    parse_http_date,
    parse_lambda_time,
)
from lambda_wait.aws import LambdaApi
from lambda_wait.clock import MANUAL_EPOCH, ManualClock
from lambda_wait.errors import ExitCode
from lambda_wait.schedule import LatenessBound, OperationKind, PollSchedule, prior_for
from lambda_wait.states import FunctionSnapshot
from lambda_wait.waiter import Waiter

EPOCH_2026 = 1_767_225_600.0  # 2026-01-01T00:00:00Z


def lambda_time(epoch: float) -> str:
    millis = round(epoch * 1000)
    whole = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(millis // 1000))
    return f"{whole}.{millis % 1000:03d}+0000"


@pytest.mark.parametrize(
    ("text", "epoch"),
    [
        ("2026-01-01T00:00:00.000+0000", EPOCH_2026),  # Lambda's format
        ("2026-01-01T00:00:01.250+0000", EPOCH_2026 + 1.25),
        ("2026-01-01T00:00:00.500000000Z", EPOCH_2026 + 0.5),  # moto's nanoseconds
        ("2026-01-01T01:00:00+01:00", EPOCH_2026),
        ("2026-01-01T00:00:00", EPOCH_2026),  # no zone: UTC
    ],
)
def test_last_modified_formats(text: str, epoch: float) -> None:
    assert parse_lambda_time(text) == pytest.approx(epoch)


@pytest.mark.parametrize("text", [None, "", "yesterday", "2026-13-45T00:00:00.000+0000"])
def test_unparsable_last_modified_is_none(text: str | None) -> None:
    assert parse_lambda_time(text) is None


def test_http_date() -> None:
    assert parse_http_date("Thu, 01 Jan 2026 00:00:00 GMT") == EPOCH_2026
    assert parse_http_date("not a date") is None


@settings(max_examples=200, deadline=None)
@given(
    skew=st.floats(-3600.0, 3600.0),
    latency=st.floats(0.0, 0.3),
    phases=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=20),
)
def test_the_offset_is_within_the_date_resolution_and_narrows(
    skew: float, latency: float, phases: list[float]
) -> None:
    server = ServerClock()
    local = EPOCH_2026
    for phase in phases:
        local += 5.0 + phase
        sent, received = local, local + latency
        at_server = sent + latency / 2 + skew  # the server stamps mid-flight
        server.observe(formatdate(math.floor(at_server), usegmt=True), sent, received)
    offset = server.offset()
    assert offset is not None
    assert abs(offset - skew) <= 0.5 + latency + 1e-6


def test_no_date_seen_leaves_timestamps_alone() -> None:
    server = ServerClock()
    server.observe(None, 1.0, 2.0)
    server.observe("garbage", 1.0, 2.0)
    assert server.offset() is None
    assert server.to_local(123.0) == 123.0


@settings(max_examples=200, deadline=None)
@given(skew=st.floats(-600.0, 600.0), elapsed=st.floats(0.0, 800.0))
def test_skew_cancels_out(skew: float, elapsed: float) -> None:
    # The machine's clock is off by ``skew``; LastModified and Date are both AWS's.
    server = ServerClock()
    now_local = EPOCH_2026 + 10_000.0
    server.observe(formatdate(math.floor(now_local + skew), usegmt=True), now_local, now_local)
    modified = lambda_time(now_local + skew - elapsed)
    got = elapsed_since(modified, server, now_local)
    assert got is not None
    assert abs(got - elapsed) <= 0.5 + 1e-3


@pytest.mark.parametrize("shift", [-60.0, -3.0, STALE_AFTER_SECONDS + 1, 10 * 365 * 86400])
def test_last_modified_in_the_future_or_far_past_is_not_trusted(shift: float) -> None:
    now = EPOCH_2026 + 10 * 365 * 86400
    assert elapsed_since(lambda_time(now - shift), None, now) is None


@settings(max_examples=80, deadline=None)
@given(
    skew=st.floats(-3600.0, 3600.0),  # AWS's clock minus this machine's
    ago=st.one_of(  # AWS-time since LastModified at the first read (< 0: in the future)
        st.floats(-86_400.0, 1_000.0), st.floats(1_000.0, 400 * 86_400.0)
    ),
    done_after=st.floats(0.01, 300.0),  # the operation ends this long after the first read
)
def test_any_last_modified_falls_back_sanely(skew: float, ago: float, done_after: float) -> None:
    # Future (clock skew, a bad field) or ancient (an old function) LastModified: the
    # wait anchors on its first read; a plausible one anchors on the operation's start.
    # Either way it ends in the real outcome, within the schedule's ceiling.
    clock = ManualClock(500.0, epoch=EPOCH_2026)
    server = ServerClock()
    server.observe(
        formatdate(math.floor(clock.wall() + skew), usegmt=True), clock.wall(), clock.wall()
    )
    modified = lambda_time(clock.wall() + skew - ago)
    done_at = 500.0 + done_after
    reads: list[float] = []

    def read() -> FunctionSnapshot:
        reads.append(clock.now())
        if clock.now() >= done_at:
            return FunctionSnapshot.from_configuration({"FunctionName": "fn", "State": "Active"})
        return in_progress(modified)

    w = Waiter("fn", read, clock=clock, timeout=900, server_clock=server, rng=random.Random(1))
    result = w.run()
    assert result.exit_code is ExitCode.READY
    op = result.operation
    assert op is not None and op.started_at is not None and op.prior is not None
    trusted = -2.0 + 1.0 < ago < STALE_AFTER_SECONDS - 1.0  # away from the edges (Date's 1 s)
    untrusted = ago < -2.0 - 1.0 or ago > STALE_AFTER_SECONDS + 1.0
    if trusted:
        assert op.anchored
        assert op.started_at == pytest.approx(500.0 - max(0.0, ago), abs=1.0)
    elif untrusted:
        assert not op.anchored
        assert op.started_at == 500.0
    before = max(t for t in reads if t < done_at)
    ceiling = PollSchedule().ceiling(before - op.started_at, prior=op.prior)
    assert reads[-1] - done_at <= ceiling + 1e-6


def test_a_small_future_offset_counts_as_now() -> None:
    now = EPOCH_2026 + 100.0
    assert elapsed_since(lambda_time(now + 1.0), None, now) == 0.0


# --- the waiter anchored on LastModified --------------------------------------------------------


def in_progress(modified: str | None) -> FunctionSnapshot:
    doc = {"FunctionName": "fn", "State": "Active", "LastUpdateStatus": "InProgress"}
    if modified is not None:
        doc["LastModified"] = modified
    return FunctionSnapshot.from_configuration(doc)


def test_a_wait_started_late_polls_like_one_that_waited_since_the_start() -> None:
    clock = ManualClock(500.0)
    started_wall = clock.wall() - 240.0  # the update was accepted four minutes ago
    reads: list[float] = []

    def read() -> FunctionSnapshot:
        reads.append(clock.now())
        if len(reads) == 3:
            return FunctionSnapshot.from_configuration({"FunctionName": "fn", "State": "Active"})
        return in_progress(lambda_time(started_wall))

    result = Waiter("fn", read, clock=clock, timeout=600, rng=random.Random(1)).run()
    assert result.exit_code is ExitCode.READY
    assert result.operation is not None and result.operation.anchored
    assert result.operation.started_at == pytest.approx(500.0 - 240.0, abs=1e-3)
    # 240 s in, the bound is 12 s: no reason to read every second.
    expected = PollSchedule().interval(240.0, prior_for(OperationKind.UPDATE))
    assert clock.sleeps[0] == pytest.approx(expected, rel=1e-6)
    assert clock.sleeps[0] <= LatenessBound()(240.0) + 1e-9
    assert clock.sleeps[0] > 5.0
    assert result.duration is not None  # seen busy, then done: history can learn from it


@pytest.mark.parametrize("modified", [None, "garbage", "future", "ancient"])
def test_without_a_usable_last_modified_the_wait_anchors_on_its_first_read(
    modified: str | None,
) -> None:
    clock = ManualClock(500.0, epoch=MANUAL_EPOCH)
    text = {
        "future": lambda_time(clock.wall() + 3600),
        "ancient": lambda_time(clock.wall() - 86_400 * 400),
    }.get(modified or "", modified)
    done = FunctionSnapshot.from_configuration({"FunctionName": "fn", "State": "Active"})
    answers = [in_progress(text), done]
    result = Waiter("fn", lambda: answers.pop(0), clock=clock, timeout=60).run()
    assert result.exit_code is ExitCode.READY
    assert result.operation is not None
    assert not result.operation.anchored
    assert result.operation.started_at == 500.0
    assert result.duration is None  # not anchored: nothing for history


# --- against the sandbox: LastModified and the Date header over HTTP ----------------------------


def test_the_api_learns_the_server_clock_and_a_late_wait_anchors_on_the_update(
    sandbox: object,
) -> None:
    from lambda_wait.sandbox.server import SandboxHandle

    assert isinstance(sandbox, SandboxHandle)
    sandbox.create_function("anchored", tags={"lambda-wait-sandbox:delay:update": "100000"})
    sandbox.wait_until("anchored", state="Active")
    api = LambdaApi(sandbox.client(max_attempts=1))
    sent = time.monotonic()
    api.update_function_configuration(FunctionName="anchored", Description="later")
    time.sleep(0.3)  # the wait starts a little after the update
    assert api.server_clock.offset() is not None
    assert abs(api.server_clock.offset() or 0.0) <= 1.0  # same machine: no skew
    doc = api.get_function_configuration("anchored")
    got = elapsed_since(doc["LastModified"], api.server_clock, time.time())
    assert got is not None
    assert abs((time.monotonic() - got) - sent) < 1.0
