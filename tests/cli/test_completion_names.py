"""Shell completion of names, as kubectl completes resource names: function names from
one ListFunctions (cached for a minute), the function's aliases for --alias; nothing,
silently and at once, on any error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lambda_wait.cli import cli
from lambda_wait.sandbox.server import SandboxHandle


def complete(words: str, env: dict[str, str] | None = None) -> tuple[list[str], str]:
    """What bash completion offers for ``lambda-wait WORDS`` (the last word is typed)."""
    line = f"lambda-wait {words}"
    result = CliRunner().invoke(
        cli,
        [],
        env={
            "_LAMBDA_WAIT_COMPLETE": "bash_complete",
            "COMP_WORDS": line,
            "COMP_CWORD": str(len(line.split()) - (0 if line.endswith(" ") else 1)),
            **(env or {}),
        },
    )
    items = [line.split(",", 1)[1] for line in result.stdout.splitlines() if "," in line]
    return items, result.stderr


@pytest.fixture
def at_sandbox(sandbox: SandboxHandle, aws_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", sandbox.endpoint_url)


def test_function_names_complete_from_one_cached_listing(
    sandbox: SandboxHandle, at_sandbox: None, tmp_path: Path
) -> None:
    for name in ("orders-api", "orders-worker", "payments"):
        sandbox.create_function(name)
    before = len(sandbox.calls)
    names, stderr = complete("status ord")
    assert names == ["orders-api", "orders-worker"] and stderr == ""
    again, _ = complete("wait pay")
    assert again == ["payments"]
    listings = [c for c in sandbox.calls[before:] if c.operation == "ListFunctions"]
    assert len(listings) == 1  # the second completion came from the cache
    cached = json.loads((tmp_path / "cache" / "completion-functions.json").read_text())
    assert next(iter(cached.values()))["names"] == ["orders-api", "orders-worker", "payments"]


def test_alias_names_complete_for_the_function_on_the_line(
    sandbox: SandboxHandle, at_sandbox: None
) -> None:
    sandbox.create_function("shop", publish=True)
    lam = sandbox.client()
    for alias in ("live", "beta"):
        lam.create_alias(FunctionName="shop", Name=alias, FunctionVersion="1")
    names, _ = complete("deploy --function-name shop --alias ")
    assert sorted(names) == ["beta", "live"]
    rollback, _ = complete("rollback shop --alias l")
    assert rollback == ["live"]


def test_without_credentials_nothing_is_offered_and_nothing_is_said(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("LAMBDA_WAIT_CACHE_DIR", str(tmp_path / "cache"))
    names, stderr = complete("status ord")
    assert names == [] and stderr == ""
