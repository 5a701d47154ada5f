"""What a fresh interpreter has imported after some code ran: the probe behind every
"X does not import Y" test (start-up time and the domain's purity depend on them)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARK = "LOADED="


def loaded_after(code: str, packages: Iterable[str]) -> list[str]:
    """The top-level ``packages`` in ``sys.modules`` once ``code`` has run in a fresh
    interpreter (from the repository root), sorted."""
    wanted = sorted(set(packages))
    probe = (
        f"{code}\nimport sys\n"
        f"print({MARK!r} + ','.join(sorted({{m.split('.')[0] for m in sys.modules}} & "
        f"set({wanted!r}))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith(MARK), done.stdout
    return [name for name in last[len(MARK) :].split(",") if name]
