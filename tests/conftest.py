"""Shared test configuration: the sandbox fixtures (sandbox, sandbox_factory,
make_function) and an AWS environment isolated from the developer's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from lambda_wait.clock import ManualClock

pytest_plugins = ["lambda_wait.sandbox.pytest_plugin"]

_CLEARED = ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_LAMBDA", "AWS_SESSION_TOKEN",
            "NO_COLOR", "FORCE_COLOR", "CI", "GITHUB_ACTIONS", "GITHUB_OUTPUT",
            "GITHUB_STEP_SUMMARY", "LAMBDA_WAIT_COOLDOWN_SECONDS")  # fmt: skip


# Started first: the end-to-end runs and the files of subprocess or sandbox runs of
# seconds each. xdist's load scheduler hands tests out round-robin in this order, so
# the long ones run side by side from the start instead of ending the suite one by one.
SLOW_FIRST = (
    "tests/e2e/",
    "tests/reliability/test_faults.py",
    "tests/reliability/test_interrupts.py",
    "tests/reliability/test_untrusted.py",
    "tests/reliability/test_bad_input.py",
    "tests/reliability/test_pipes.py",
    "tests/output/test_stream_errors.py",
    "tests/reliability/test_malformed.py",
    "tests/reliability/test_secrets.py",
    "tests/reliability/test_cache.py",
    "tests/sandbox/test_cli.py",
    "tests/test_action_sandbox.py",
    "tests/test_packaging.py",
    "tests/test_fleet_sandbox.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the SLOW_FIRST tests first (in that order), the rest as collected."""

    def rank(item: pytest.Item) -> int:
        for i, prefix in enumerate(SLOW_FIRST):
            if item.nodeid.startswith(prefix):
                return i
        return len(SLOW_FIRST)

    items.sort(key=rank)  # stable: collection order within each group


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Dummy credentials and region, no profile, no IMDS, a private cooldown cache."""
    for var in _CLEARED:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("LAMBDA_WAIT_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def clock() -> ManualClock:
    """The one test clock: sleeping moves time forward at once (lambda_wait.clock)."""
    return ManualClock()
