"""Files lambda-wait writes for the user (``init``'s spec and code): whole or not at all.

Each is written to a temporary file beside its destination and renamed over it, so a
failure (a full disk, Ctrl-C, a check that fails) never leaves a partial file. A
file that can hold secrets (a spec with environment values) is created 0600
whatever the umask; the others get the usual 0666 less the umask.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from pathlib import Path

from lambda_wait.errors import LambdaWaitError

_UMASK_LOCK = threading.Lock()


def _umask() -> int:
    with _UMASK_LOCK:  # reading the umask means setting it: keep that to one thread
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


def write_file(path: Path, data: bytes, *, private: bool, what: str) -> None:
    """Write ``data`` to ``path`` atomically; 0600 when ``private``. A failure is one
    LambdaWaitError naming ``what`` (the option the path came from) and leaves nothing."""
    mode = 0o600 if private else 0o666 & ~_umask()
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # 0600
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
        os.replace(tmp, path)
        tmp = None
    except OSError as err:
        raise LambdaWaitError(f"cannot write {what}: {err.strerror or err}") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
