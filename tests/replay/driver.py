"""Drive a recorded call sequence against the sandbox and keep each answer.

A :class:`Replay` runs one recorded test: the same calls, in the same order, over
HTTP through boto3, on a sandbox whose clock is a :class:`ManualClock`. Where the
recorded test waited (a botocore waiter, ``wait_until``), the replay moves the
clock past every delay instead of sleeping.
"""

from __future__ import annotations

import functools
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.config import Config
from botocore.exceptions import ClientError

from lambda_wait.clock import ManualClock
from lambda_wait.sandbox import SandboxHandle
from lambda_wait.sandbox.server import zip_bytes
from tests.replay.compare import normalise

RECORDINGS = Path(__file__).parent / "recordings"
WAIT = 3600.0  # seconds a recorded waiter may take: longer than any sandbox delay
_names = itertools.count(1)


@functools.cache
def _load(file: str) -> dict[str, dict[str, Any]]:
    data = json.loads((RECORDINGS / file).read_text())
    return {
        key.split("::", 1)[1]: value.get("recorded-content") or {} for key, value in data.items()
    }


def recorded(file: str, test: str) -> dict[str, Any]:
    """The recorded answers of ``test`` (``Class::test`` or ``test``) in ``file``."""
    try:
        return dict(_load(file)[test])
    except KeyError:
        raise KeyError(f"{test} is not recorded in {file}") from None


def recorded_tests() -> list[tuple[str, str, int]]:
    """Every recorded test: (file, test, number of recorded answers)."""
    files = sorted(p.name for p in RECORDINGS.glob("*.snapshot.json"))
    return [(f, test, len(answers)) for f in files for test, answers in _load(f).items()]


def code(label: str = "v0") -> bytes:
    """A deployment package; a different label is different code (another CodeSha256)."""
    source = f"def handler(event, context):\n    return {label!r}\n"
    return zip_bytes(source, "handler.py")


@dataclass
class Replay:
    """One recorded test replayed: the answers by their recorded key."""

    handle: SandboxHandle
    clock: ManualClock
    answers: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.lam = self.handle.client(max_attempts=1)
        # Some recorded tests switch botocore's checks off to reach the service's own.
        unchecked = Config(parameter_validation=False, retries={"max_attempts": 1})
        self.raw = self.handle.client(config=unchecked)
        self.role = self.handle.ensure_role()

    @staticmethod
    def name(prefix: str = "fn") -> str:
        """A fresh function name."""
        return f"{prefix}-{next(_names):04d}"

    def call(self, key: str | None, operation: str, /, **params: Any) -> dict[str, Any]:
        """Call ``operation``; keep the answer (or the error) under ``key``."""
        return self._call(self.lam, key, operation, params)

    def unchecked(self, key: str | None, operation: str, /, **params: Any) -> dict[str, Any]:
        """``call`` without botocore's parameter validation."""
        return self._call(self.raw, key, operation, params)

    def _call(self, client: Any, key: str | None, op: str, params: dict[str, Any]) -> Any:
        try:
            answer = getattr(client, op)(**params)
        except ClientError as exc:
            answer = exc.response
        if key is not None:
            self.answers[key] = normalise(answer)
        return answer

    def keep(self, key: str, answer: Any) -> None:
        """Keep an answer built from others (a fixture's wrapper)."""
        self.answers[key] = normalise(answer)

    def wait(self, seconds: float = WAIT) -> None:
        """What the recorded test's waiter did: let every running operation end."""
        self.clock.advance(seconds)

    def create(self, key: str | None, name: str, **params: Any) -> dict[str, Any]:
        """CreateFunction as LocalStack's ``create_lambda_function_aws`` fixture: wait
        until the function is not Pending."""
        params.setdefault("Role", self.role)
        params.setdefault("Code", {"ZipFile": code()})
        answer = self.call(key, "create_function", FunctionName=name, **params)
        self.wait()
        return answer

    def create_fixture(self, key: str | None, name: str, **params: Any) -> dict[str, Any]:
        """CreateFunction as LocalStack's ``create_lambda_function`` fixture (testutil
        defaults: empty Environment and Tags, 30 s time-out; the answer wrapped)."""
        params = {
            "Runtime": "python3.12",
            "Handler": "handler.handler",
            "Timeout": 30,
            "Environment": {"Variables": {}},
            "Tags": {},
            **params,
        }
        answer = self.create(None, name, **params)
        wrapped = {"CreateEventSourceMappingResponse": None, "CreateFunctionResponse": answer}
        if key is not None:
            self.keep(key, wrapped)
        return answer

    def queue(self, name: str | None = None) -> str:
        """An SQS queue's ARN."""
        return self.handle.create_queue(name or self.name("queue"))
