"""The cache is best effort (issue 24, class 1): whatever is wrong with the cache
directory or its files, a command about a ready function exits 0 with at most one
warning, a corrupt file is set aside, and every value read is checked."""

from __future__ import annotations

import json
import pwd
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from lambda_wait import cache
from lambda_wait.clock import ManualClock
from lambda_wait.cooldown import CooldownStore, cooldown_key
from lambda_wait.history import HistoryStore, history_key
from lambda_wait.sandbox import SandboxHandle
from lambda_wait.sandbox.pytest_plugin import SandboxFactory
from lambda_wait.schedule import OperationKind
from tests.reliability.conftest import CliRun

READS = {"GetFunction", "GetFunctionConfiguration"}
WARNING = "lambda-wait: warning: "  # "the cache is not used: ...", "cache file ... moved"
DEEP = "[" * 200_000 + "]" * 200_000  # 400 KB: json.loads raises RecursionError on it


def no_home(tmp: Path, env: dict[str, str | None], mp: pytest.MonkeyPatch) -> None:
    """`docker run --user 12345`: no HOME, and no passwd entry for the UID."""
    for var in ("HOME", "XDG_CACHE_HOME", "LAMBDA_WAIT_CACHE_DIR"):
        env[var] = None  # CliRunner unsets it
        mp.delenv(var, raising=False)

    def missing(uid: int) -> pwd.struct_passwd:
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    mp.setattr(pwd, "getpwuid", missing)


def home_unwritable(tmp: Path, env: dict[str, str | None], mp: pytest.MonkeyPatch) -> None:
    """HOME where nothing can be created (procfs refuses mkdir, even to root)."""
    for var in ("XDG_CACHE_HOME", "LAMBDA_WAIT_CACHE_DIR"):
        env[var] = None
    env["HOME"] = "/proc"


def dir_is_a_file(tmp: Path, env: dict[str, str | None], mp: pytest.MonkeyPatch) -> None:
    (tmp / "cache").write_text("not a directory")


Setup = Callable[[Path, dict[str, str | None], pytest.MonkeyPatch], None]


def writes(name: str, content: str | bytes | None) -> Setup:
    """A cache file ``name`` holding ``content`` (None: a directory in its place)."""

    def setup(tmp: Path, env: dict[str, str | None], mp: pytest.MonkeyPatch) -> None:
        (tmp / "cache").mkdir(exist_ok=True)
        path = tmp / "cache" / name
        if content is None:
            path.mkdir()
        else:
            path.write_bytes(content.encode() if isinstance(content, str) else content)

    return setup


def history_with(seconds: str) -> str:
    """A history.json whose every function's update took ``seconds`` (raw JSON text)."""
    run = f'{{"seconds": {seconds}, "outcome": "ready", "at": {seconds}}}'
    entry = f'{{"update": [{run}], "create": [{run}], "at": {seconds}}}'
    keys = [history_key(f"arn:aws:lambda:us-east-1:123456789012:function:{n}", n, "us-east-1")
            for n in ("ready", "other")]  # fmt: skip
    body = ", ".join(f'"{k}": {entry}' for k in keys)
    return f'{{"version": 1, "functions": {{{body}}}}}'


def cooldowns_with(number: str) -> str:
    key = cooldown_key("arn:aws:lambda:us-east-1:123456789012:function:ready", "ready", "us-east-1")
    entry = f'{{"code": "SubnetOutOfIPAddresses", "observed_at_epoch": {number}, "seconds": 300}}'
    return f'{{"version": 1, "cooldowns": {{"{key}": {entry}}}}}'


@dataclass(frozen=True)
class Case:
    name: str
    setup: Setup
    warnings: int = 1  # a value dropped is silent; a cache that cannot be used warns once
    set_aside: str | None = None  # the file moved out of the way
    args: tuple[str, ...] = field(default=())


CASES = [
    Case("no HOME, UID without passwd entry", no_home),
    Case("HOME not writable", home_unwritable),
    Case("cache directory is a file", dir_is_a_file),
    Case("cooldowns.json is a directory", writes("cooldowns.json", None)),
    Case("history.json is a directory", writes("history.json", None)),
    Case("history.lock is a directory", writes("history.lock", None)),
    Case("history.json nested 200,000 deep", writes("history.json", DEEP), set_aside="history"),
    Case(
        "cooldowns.json nested 200,000 deep", writes("cooldowns.json", DEEP), set_aside="cooldowns"
    ),
    Case("history.json not JSON", writes("history.json", "{'py': 'dict'}"), set_aside="history"),
    Case("history.json not UTF-8", writes("history.json", b"\xff\xfe{}"), set_aside="history"),
    Case("history seconds of 400 digits", writes("history.json", history_with("9" * 400)), 0),
    Case("history seconds 1e300", writes("history.json", history_with("1e300")), 0),
    Case("history seconds Infinity, NaN", writes("history.json", history_with("Infinity")), 0),
    Case("history seconds negative", writes("history.json", history_with("-5")), 0),
    Case("cooldown at 1e300", writes("cooldowns.json", cooldowns_with("1e300")), 0),
    Case("cooldown at 400 digits", writes("cooldowns.json", cooldowns_with("9" * 400)), 0),
    Case("cooldown at NaN", writes("cooldowns.json", cooldowns_with("NaN")), 0),
    Case("--no-cache with the directory a file", dir_is_a_file, 0, args=("--no-cache",)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_broken_cache_never_fails_a_wait(
    case: Case,
    lw: CliRun,
    sandbox: SandboxHandle,
    sandbox_factory: SandboxFactory,
    aws_env: dict[str, str | None],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A ready wait clears the cooldown memory; history is read and recorded only for an
    # operation the wait saw in progress: for those cases the function is Pending on a
    # manual sandbox clock until the wait has read it (a scaled 1.5 s of Pending was
    # outlasted by the set-up under load, and then no history was read at all).
    env: dict[str, str | None] = {}
    if "history" in case.name:
        clock = ManualClock(1000.0)
        manual = sandbox_factory(None, time_scale=1.0, clock=clock)
        manual.create_function("ready", Handler="app.handler")
        _finish_after_the_first_read(manual, clock, "ready")
        env["AWS_ENDPOINT_URL_LAMBDA"] = manual.endpoint_url
    else:
        sandbox.create_function("ready", Handler="app.handler")
    case.setup(tmp_path, env, monkeypatch)
    run = lw("wait", "ready", *case.args, env=env or None)
    assert run.code == 0, run.stderr
    assert run.stderr.count(WARNING) == case.warnings, run.stderr
    assert "Traceback" not in run.stderr
    if case.set_aside:
        moved = list((tmp_path / "cache").glob(f"{case.set_aside}.json.corrupt-*"))
        assert len(moved) == 1, sorted(p.name for p in (tmp_path / "cache").iterdir())


def _finish_after_the_first_read(sb: SandboxHandle, clock: ManualClock, name: str) -> None:
    """Move the sandbox's clock past every delay once ``name`` has been read."""

    def advance() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(c.function == name and c.operation in READS for c in sb.calls):
                clock.advance(600.0)
                return
            time.sleep(0.02)

    threading.Thread(target=advance, daemon=True).start()


def test_the_environment_variable_turns_the_cache_off(
    lw: CliRun, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    sandbox.create_function("ready", Handler="app.handler")
    run = lw("wait", "ready", env={"LAMBDA_WAIT_NO_CACHE": "1"})
    assert (run.code, run.stderr.count(WARNING)) == (0, 0), run.stderr
    assert not (tmp_path / "cache").exists()  # nothing written


def test_deploy_without_a_home_deploys_and_warns_once(
    lw: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, src: Path
) -> None:
    from tests.reliability.conftest import deploy_args

    env: dict[str, str | None] = {}
    no_home(tmp_path, env, monkeypatch)
    run = lw(*deploy_args("homeless", src), env=env)
    assert run.code == 0, run.stderr
    assert run.stderr.count(WARNING) == 1, run.stderr


# The stores themselves, without a command ------------------------------------------


@pytest.fixture(autouse=True)
def fresh_run() -> None:
    cache.begin_run()


def test_a_set_aside_file_is_not_read_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "history.json"
    path.write_text(DEEP)
    store = HistoryStore(path)
    assert store.durations("k", OperationKind.UPDATE) == []
    assert not path.exists()
    assert len(list(tmp_path.glob("history.json.corrupt-*"))) == 1
    store.record("k", OperationKind.UPDATE, 12.0, "ready")  # a fresh file in its place
    assert HistoryStore(path).durations("k", OperationKind.UPDATE) == [12.0]
    assert capsys.readouterr().err.count(WARNING) == 1


@pytest.mark.parametrize("number", [1e300, float("inf"), -1.0, 10**400])
def test_an_absurd_cooldown_is_no_cooldown(tmp_path: Path, number: float) -> None:
    path = tmp_path / "cooldowns.json"
    entry = {"code": "SubnetOutOfIPAddresses", "observed_at_epoch": number, "seconds": 300}
    doc = {"version": 1, "cooldowns": {"k": entry}}
    path.write_text(json.dumps(doc))
    store = CooldownStore(path, now=lambda: 1_000.0)
    assert store.get("k") is None
    cooldown = store.record("k", "SubnetOutOfIPAddresses")  # the absurd entry does not win
    assert cooldown.observed_at == 1_000.0
    assert cooldown.to_dict(1_000.0)["retry_not_before"] == "1970-01-01T00:21:40Z"


def test_a_store_whose_cache_fails_goes_on_in_memory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("")
    store = CooldownStore(tmp_path / "file" / "cooldowns.json", now=lambda: 1_000.0)
    store.record("k", "SubnetOutOfIPAddresses")
    store.record("j", "SubnetOutOfIPAddresses")
    cooldown = store.get("k")
    assert cooldown is not None and cooldown.code == "SubnetOutOfIPAddresses"
    assert capsys.readouterr().err.count(WARNING) == 1


def test_cache_files_are_private(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "history.json")
    store.record("k", OperationKind.UPDATE, 3.0, "ready")
    for path in tmp_path.iterdir():
        assert path.stat().st_mode & 0o077 == 0, path.name


def test_depth_is_bounded_without_recursion() -> None:
    assert cache.too_deep("[" * 17 + "]" * 17)
    assert not cache.too_deep('{"a": [[["[[[[[[[[[[[[[[[[[[[["]]]}')  # brackets in strings
    with pytest.raises(ValueError, match="deeper"):
        cache.parse(DEEP)
