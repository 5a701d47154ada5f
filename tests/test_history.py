"""The history store survives whatever it finds on disk and concurrent writers."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambda_wait.history import (
    MAX_FILE_BYTES,
    MAX_FUNCTIONS,
    PER_KIND,
    HistoryStore,
    history_disabled,
    history_key,
)
from lambda_wait.schedule import OperationKind

KEY = history_key("arn:aws:lambda:eu-west-1:123456789012:function:orders", "orders", "eu-west-1")
UPDATE = OperationKind.UPDATE

json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def test_a_recorded_duration_becomes_the_prediction(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "history.json")
    assert store.predict(KEY, UPDATE) is None
    store.record(KEY, UPDATE, 42.0, "ready")
    prediction = HistoryStore(tmp_path / "history.json").predict(KEY, UPDATE)  # a later run
    assert prediction is not None
    assert prediction.seconds == 42.0
    assert prediction.spread == pytest.approx(4.2)  # +-10 % until runs disagree more
    assert HistoryStore(tmp_path / "history.json").predict(KEY, OperationKind.CREATE) is None


def test_failed_runs_do_not_predict_and_runs_that_disagree_widen_the_spread(
    tmp_path: Path,
) -> None:
    store = HistoryStore(tmp_path / "history.json")
    store.record(KEY, UPDATE, 5.0, "failed")
    assert store.predict(KEY, UPDATE) is None
    for seconds in (30.0, 40.0, 50.0):
        store.record(KEY, UPDATE, seconds, "ready")
    prediction = store.predict(KEY, UPDATE)
    assert prediction is not None
    assert (prediction.seconds, prediction.spread, prediction.samples) == (40.0, 10.0, 3)


def test_the_file_is_bounded_per_function_and_in_functions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("lambda_wait.history.MAX_FUNCTIONS", 20)  # the rule, not the size
    store = HistoryStore(tmp_path / "history.json", wall=iter(range(10**6)).__next__)
    for i in range(PER_KIND + 3):
        store.record(KEY, UPDATE, 10.0 + i, "ready")
    assert len(store.durations(KEY, UPDATE)) == PER_KIND
    assert store.durations(KEY, UPDATE)[-1] == 10.0 + PER_KIND + 2  # the newest kept
    for i in range(20 + 5):
        store.record(f"eu-west-1|fn-{i}", UPDATE, 3.0, "ready")
    data = json.loads((tmp_path / "history.json").read_text())
    assert len(data["functions"]) == 20
    assert "eu-west-1|fn-0" not in data["functions"]  # the least recently seen went first


def test_a_full_file_stays_far_under_the_size_limit() -> None:
    # 500 functions x 9 kinds x 5 runs of < 80 bytes: the reader's size limit is never hit.
    assert MAX_FUNCTIONS * 9 * PER_KIND * 80 < MAX_FILE_BYTES


@pytest.mark.parametrize(
    "content",
    [b"", b"{", b"\x00\xff garbage", b"[]", b'{"functions": []}', b'{"functions": {"k": 3}}'],
    ids=["empty", "truncated", "binary", "list", "wrong-type", "wrong-entry"],
)
def test_a_corrupt_or_empty_file_reads_as_no_history_and_is_replaced(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "history.json"
    path.write_bytes(content)
    store = HistoryStore(path)
    assert store.predict(KEY, UPDATE) is None
    store.record(KEY, UPDATE, 12.0, "ready")
    assert store.predict(KEY, UPDATE) is not None
    json.loads(path.read_text())  # valid again


def test_a_huge_file_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "history.json"
    runs = {KEY: {"update": [{"seconds": 9, "outcome": "ready"}]}}
    path.write_text(json.dumps({"functions": runs, "pad": "x" * MAX_FILE_BYTES}))
    store = HistoryStore(path)
    assert store.predict(KEY, UPDATE) is None
    store.record(KEY, UPDATE, 12.0, "ready")
    assert path.stat().st_size < 10_000


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=json_values)
def test_any_json_in_the_file_is_survived(tmp_path: Path, value: object) -> None:
    path = tmp_path / "history.json"
    path.write_text(json.dumps({"version": 1, "functions": {KEY: value, "x": {"update": value}}}))
    store = HistoryStore(path)
    store.predict(KEY, UPDATE)  # never raises
    store.record(KEY, UPDATE, 7.0, "ready")
    assert store.predict(KEY, UPDATE) is not None
    assert store.durations(KEY, UPDATE)[-1] == 7.0


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "history.json"
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            store = HistoryStore(path)  # each its own handle, as separate processes have
            for i in range(10):
                store.record(f"r|fn-{n}", UPDATE, 1.0 + i, "ready")
                store.predict(f"r|fn-{(n + 1) % 8}", UPDATE)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    store = HistoryStore(path)
    for n in range(8):
        assert store.durations(f"r|fn-{n}", UPDATE) == [6.0, 7.0, 8.0, 9.0, 10.0]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".history.")]  # no leftovers


def test_an_unwritable_cache_never_fails_a_wait(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    store = HistoryStore(blocker / "history.json")
    store.record(KEY, UPDATE, 3.0, "ready")  # no exception
    assert store.path is None  # the rest of the run goes on in memory
    prediction = store.predict(KEY, UPDATE)
    assert prediction is not None and prediction.seconds == 3.0


@pytest.mark.parametrize(
    ("value", "disabled"), [("", False), ("0", False), ("false", False), ("1", True), ("yes", True)]
)
def test_the_environment_switch(value: str, disabled: bool) -> None:
    assert history_disabled({"LAMBDA_WAIT_NO_HISTORY": value}) is disabled


def test_a_deploy_records_its_update_and_the_next_deploy_reads_around_the_expected_end(
    tmp_path: Path,
) -> None:
    import random

    from lambda_wait.clock import ManualClock
    from lambda_wait.cooldown import CooldownStore
    from lambda_wait.deploy.package import code_sha256
    from lambda_wait.deploy.runner import Deployer
    from lambda_wait.deploy.source import CodeSource
    from lambda_wait.deploy.spec import DesiredFunction
    from lambda_wait.errors import ExitCode
    from tests.deploy.fakes import FakeLambda

    clock = ManualClock()
    fake = FakeLambda(clock, settle=60.0)  # every change takes a minute, as a VPC one might
    base = {"Role": "arn:aws:iam::123456789012:role/r", "Runtime": "python3.12", "Handler": "h"}
    fake.add_function("fn", **base)
    store = HistoryStore(tmp_path / "history.json")

    def deploy(code: bytes) -> int:
        source = CodeSource("zip-file", "f.zip", zip_bytes=code, sha256=code_sha256(code))
        before = len(fake.calls)
        result = Deployer(
            fake,
            DesiredFunction("fn", source, dict(base), {}, False),
            clock=clock,
            rng=random.Random(1),
            cooldowns=CooldownStore(None),
            history=store,
        ).run()
        assert result.exit_code is ExitCode.READY, result.error
        return sum(1 for c in fake.calls[before:] if c.operation == "get_function")

    first = deploy(b"PK-one")
    (key,) = json.loads((tmp_path / "history.json").read_text())["functions"]
    assert key.endswith(":function:fn")  # Region and ARN, so the account too
    runs = store.durations(key, OperationKind.CODE_UPDATE)
    assert len(runs) == 1 and 59.0 <= runs[0] <= 61.5  # anchored on the send, not a read
    second = deploy(b"PK-two")
    assert second < first / 2  # few reads until close to the expected minute
