"""Where lambda-wait keeps its own small state, and how it uses it: best effort.

The cooldown memory (``cooldowns.json``) and the operation history
(``history.json``) live in one cache directory. Neither is needed to wait or
deploy, so nothing about the cache may change a command's outcome: a directory
that cannot be found (no HOME and a UID without a passwd entry), created or
written (a read-only image, a file in the way), a lock that cannot be taken or a
file that cannot be read is one warning on stderr per run, and the command goes
on without it. A file that is not ours (over its size limit, nested deeper than
:data:`MAX_DEPTH`, not JSON) is set aside (renamed with a timestamp) so the next
run does not read it again. ``--no-cache`` or ``LAMBDA_WAIT_NO_CACHE=1`` turns
the cache off (read-only images) without a warning.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

CACHE_DIR_ENV = "LAMBDA_WAIT_CACHE_DIR"
NO_CACHE_ENV = "LAMBDA_WAIT_NO_CACHE"
MAX_CACHE_FILE_BYTES = 4_000_000  # cooldowns.json holds a few KB, history.json under 2 MB
MAX_DEPTH = 16  # our files nest 5 deep; deeper is not ours (and deep enough recurses)

_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


class _RunState:
    """Per run (reset by :func:`begin_run`): whether the cache is off, whether we warned."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.disabled = False
        self.warned = False


_RUN = _RunState()


def begin_run(*, disabled: bool = False) -> None:
    """A command starts: ``disabled`` is ``--no-cache``; the run may warn once again."""
    with _RUN.lock:
        _RUN.disabled = disabled
        _RUN.warned = False


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() not in ("", "0", "false", "no")


def cache_disabled(environ: Mapping[str, str] | None = None) -> bool:
    """True with ``--no-cache`` this run, or ``LAMBDA_WAIT_NO_CACHE`` set (not 0/false)."""
    env = os.environ if environ is None else environ
    return _RUN.disabled or _truthy(env.get(NO_CACHE_ENV))


def warn(problem: str, *, aside: bool = False) -> None:
    """The run's one cache warning on stderr (later problems are not repeated)."""
    with _RUN.lock:
        if _RUN.warned:
            return
        _RUN.warned = True
    if aside:  # the cache goes on, with a fresh file
        line = f"lambda-wait: warning: cache file {problem}; starting afresh.\n"
    else:
        line = (
            f"lambda-wait: warning: the cache is not used: {problem} (set {CACHE_DIR_ENV} to "
            "a writable directory, or pass --no-cache); the command goes on without it.\n"
        )
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(line)
        sys.stderr.flush()


def cache_dir() -> Path:
    """``$LAMBDA_WAIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/lambda-wait``, else
    ``~/.cache/lambda-wait``. Raises OSError when there is no home to put it in."""
    explicit = os.environ.get(CACHE_DIR_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError) as err:  # no HOME and no passwd entry for the UID
            raise OSError(f"no home directory ({err})") from None
    return Path(base) / "lambda-wait"


def cache_file(name: str) -> Path | None:
    """The path of cache file ``name``, or None (keep it in memory) when the cache is
    off or its directory cannot be found (then after the run's one warning)."""
    if cache_disabled():
        return None
    try:
        return cache_dir() / name
    except OSError as err:
        warn(str(err))
        return None


def read_cache_file(path: Path, limit: int = MAX_CACHE_FILE_BYTES) -> str:
    """The text of a cache file, read without ever blocking: a FIFO, device or
    socket put where the cache file should be (or swapped in after a check) raises
    OSError instead of hanging the wait, and a file over ``limit`` bytes raises
    ValueError."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path} is not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"over {limit} bytes")
    return data.decode("utf-8")


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """True when the JSON ``text`` nests arrays and objects deeper than ``limit``."""
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    depth = 0
    for char in brackets:
        depth += 1 if char in "[{" else -1
        if depth > limit:
            return True
    return False


def parse(text: str) -> Any:
    """JSON, bounded in depth; ValueError for anything that is not a file of ours."""
    if too_deep(text):
        raise ValueError(f"nested deeper than {MAX_DEPTH}")
    try:
        return json.loads(text)
    except RecursionError:  # unreachable after too_deep, kept as the last line of defence
        raise ValueError("nested too deep") from None


def set_aside(path: Path, why: str) -> None:
    """Rename a corrupt cache file out of the way (``NAME.corrupt-TIMESTAMP``) and warn."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    try:
        os.replace(path, aside)
    except OSError as err:
        warn(f"{path} is not a file lambda-wait wrote ({why}) and cannot be moved: {err}")
        return
    warn(f"{path} is not one lambda-wait wrote ({why}): moved it to {aside.name}", aside=True)


def read_json(path: Path, limit: int = MAX_CACHE_FILE_BYTES) -> Any:
    """The document in ``path``, or None: missing is silent; unreadable warns; corrupt
    (too big, too deep, not JSON) is set aside and warns."""
    try:
        text = read_cache_file(path, limit)
    except FileNotFoundError:
        return None
    except OSError as err:
        warn(f"cannot read {path}: {err.strerror or err}")
        return None
    except (ValueError, UnicodeDecodeError) as err:
        set_aside(path, str(err))
        return None
    try:
        return parse(text)
    except ValueError as err:
        set_aside(path, str(err).split(":")[0])
        return None


def number(value: Any, low: float, high: float) -> float | None:
    """``value`` as a float when it is a finite JSON number within [low, high], else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        result = float(value)
    except OverflowError:  # an integer of hundreds of digits
        return None
    return result if math.isfinite(result) and low <= result <= high else None


def update_json(path: Path, change: Callable[[Any], Any], *, limit: int) -> bool:
    """Under an exclusive ``flock`` (concurrent runs merge), read ``path``, hand the
    document (None when absent or set aside) to ``change`` and write what it returns
    atomically (mode 0600). False, after the run's one warning, when the cache cannot
    be used; what ``change`` raises propagates."""
    import fcntl

    lock_path = path.with_suffix(".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:  # "File exists": a file where the directory should be
        warn(f"cannot create the directory {path.parent}: {err.strerror or err}")
        return False
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NONBLOCK, 0o600)
    except OSError as err:
        warn(f"cannot create {lock_path}: {err.strerror or err}")
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError as err:
            warn(f"cannot lock {lock_path}: {err.strerror or err}")
            return False
        payload = json.dumps(change(read_json(path, limit)), separators=(",", ":"))
        try:
            write_atomic(path, payload.encode("utf-8"))
        except OSError as err:
            warn(f"cannot write {path}: {err.strerror or err}")
            return False
        return True
    finally:
        os.close(fd)  # closing releases the lock


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a new 0600 file beside ``path`` and rename it over ``path``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
