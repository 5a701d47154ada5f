"""Issue 13, class 2, beyond the options: files lambda-wait reads or writes on its own
(the history and cooldown caches, $GITHUB_STEP_SUMMARY / $GITHUB_OUTPUT, the file
``init --spec-file`` writes) never block on a FIFO or swallow a device.

Each case runs in a thread with a guard, so a regression fails instead of hanging CI.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from lambda_wait.cache import read_cache_file
from lambda_wait.cooldown import CooldownStore
from lambda_wait.errors import ExitCode, UsageError
from lambda_wait.history import HistoryStore
from lambda_wait.release.actions import init
from lambda_wait.schedule import OperationKind
from lambda_wait.ui import github

GUARD = 10.0  # seconds a case may take before it counts as a hang
T = TypeVar("T")


def bounded(call: Callable[[], T]) -> T | BaseException:
    """``call()``'s value or exception; fails (never hangs) past GUARD."""
    box: list[Any] = []

    def run() -> None:
        try:
            box.append(call())
        except BaseException as err:  # handed back to the test
            box.append(err)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(GUARD)
    assert not worker.is_alive(), f"still running after {GUARD:g}s: it blocks"
    return box[0]  # type: ignore[no-any-return]


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "fifo"
    os.mkfifo(path)
    try:
        yield path
    finally:  # a reader or writer stuck on it (a regression) gets its other end
        os.close(os.open(path, os.O_RDWR | os.O_NONBLOCK))


def test_a_fifo_as_the_history_file_is_an_empty_history(fifo: Path) -> None:
    store = HistoryStore(fifo)
    assert bounded(lambda: store.durations("k", OperationKind.UPDATE)) == []


def test_a_fifo_as_the_cooldown_file_is_no_cooldown(fifo: Path) -> None:
    store = CooldownStore(fifo)
    assert bounded(lambda: store.get("k")) is None


def test_a_device_or_huge_cache_file_is_refused_unread(tmp_path: Path) -> None:
    assert isinstance(bounded(lambda: read_cache_file(Path("/dev/zero"))), OSError)
    big = tmp_path / "big.json"
    big.write_bytes(b"x" * 101)
    assert isinstance(bounded(lambda: read_cache_file(big, limit=100)), ValueError)
    small = tmp_path / "small.json"
    small.write_text('{"a": 1}', encoding="utf-8")
    assert read_cache_file(small) == '{"a": 1}'


def test_a_github_file_that_is_a_fifo_is_an_oserror_not_a_hang(fifo: Path) -> None:
    # No reader: opening for writing fails at once (ENXIO) instead of waiting for one.
    assert isinstance(bounded(lambda: github.append(str(fifo), "x=1\n")), OSError)
    # A reader present: still not a regular file, refused rather than written.
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        error = bounded(lambda: github.append(str(fifo), "x=1\n"))
        assert isinstance(error, OSError) and "not a regular file" in str(error)
        assert os.read(reader, 10) == b""  # the end of a pipe nothing was written into
    finally:
        os.close(reader)


def test_a_github_file_is_still_appended(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    github.append(str(target), "one\n")
    github.append(str(target), "two\n")
    assert target.read_text(encoding="utf-8") == "one\ntwo\n"


class _NoCalls:
    """A release API that fails the test if anything is asked of it."""

    calls: list[str]

    def __init__(self) -> None:
        self.calls = []

    def __getattr__(self, name: str) -> Callable[..., Any]:
        def record(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            raise AssertionError(f"{name} was called")

        return record


@pytest.mark.parametrize("kind", ["FIFO", "device", "directory"])
def test_init_refuses_a_special_spec_file_before_any_call(
    fifo: Path, tmp_path: Path, kind: str
) -> None:
    target = {"FIFO": fifo, "device": Path("/dev/null"), "directory": tmp_path}[kind]
    api = _NoCalls()
    error = bounded(lambda: init(api, "f", spec_file=str(target)))  # type: ignore[arg-type]
    assert isinstance(error, UsageError), error
    assert error.exit_code is ExitCode.USAGE
    assert "not a regular file" in error.message and str(target) in error.message
    assert api.calls == []
