"""Many functions against the sandbox over HTTP: one budget, throttling on, selection.

Timings are never asserted; only outcomes and what the sandbox's call log saw.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lambda_wait.api import select_functions
from lambda_wait.aws import LambdaApi
from lambda_wait.budget import RequestBudget
from lambda_wait.cli import cli
from lambda_wait.errors import ExitCode
from lambda_wait.sandbox.pytest_plugin import SandboxFactory
from lambda_wait.sandbox.server import SandboxHandle

DELAY_UPDATE = "lambda-wait-sandbox:delay:update"
READS = {"GetFunction", "GetFunctionConfiguration"}


@pytest.fixture(autouse=True)
def isolated_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in (
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_LAMBDA",
        "AWS_SESSION_TOKEN",
        "LAMBDA_WAIT_MAX_RPS",
        "LAMBDA_WAIT_POLL_API",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("LAMBDA_WAIT_CACHE_DIR", str(tmp_path / "cache"))


def run_cli(sb: SandboxHandle, *args: str) -> tuple[int, dict[str, Any], str]:
    result = CliRunner().invoke(cli, [*args, "-o", "json", "--endpoint-url", sb.endpoint_url])
    return result.exit_code, json.loads(result.stdout), result.stderr


def make_fleet(sb: SandboxHandle, count: int, prefix: str = "fleet-") -> list[str]:
    """``count`` functions, created and updated with throttling off; update timelines
    staggered over 20-60 s before the time scale."""
    names = [f"{prefix}{i:02d}" for i in range(count)]
    lam = sb.client()
    sb.ensure_role()  # once, before the threads race to create it

    def create(i_name: tuple[int, str]) -> None:
        i, name = i_name
        delay = 20 + 40 * i / max(1, count - 1)
        sb.create_function(name, tags={DELAY_UPDATE: f"{delay:.1f}"}, client=lam)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(create, enumerate(names)))
    for name in names:
        sb.wait_until(name, state="Active", timeout=10)
    with ThreadPoolExecutor(8) as pool:
        list(
            pool.map(
                lambda n: lam.update_function_configuration(FunctionName=n, MemorySize=256),
                names,
            )
        )
    return names


@pytest.mark.parametrize(
    ("max_rps", "expect_throttling"),
    [("10", False), ("40", True)],  # the default; and above the 15 req/s quota on purpose
    ids=["default-budget", "budget-above-the-quota"],
)
def test_fifty_functions_under_aws_quotas_all_ready_and_no_throttle_reaches_the_user(
    sandbox_factory: SandboxFactory, max_rps: str, expect_throttling: bool
) -> None:
    sb = sandbox_factory(time_scale=0.02)  # update timelines 0.4-1.2 s
    names = make_fleet(sb, 50)
    sb.sandbox.reset_calls()
    sb.sandbox.set_throttling(True)

    code, doc, err = run_cli(sb, "wait", *names, "--max-rps", max_rps, "--timeout", "2m")

    assert code == ExitCode.READY, err
    assert doc["exit_code"] == 0 and doc["error"] is None
    assert len(doc["functions"]) == 50
    assert [f["function"] for f in doc["functions"]] == names
    assert all(f["exit_code"] == 0 and f["error"] is None for f in doc["functions"])
    assert all(f["snapshot"]["last_update_status"] == "Successful" for f in doc["functions"])
    throttled = [c for c in sb.calls if c.throttled]
    if expect_throttling:
        assert throttled  # Lambda pushed back, the budget absorbed it
    else:
        assert not throttled  # the default budget stays under the quota
    # Every function was read, and none after it was reported ready.
    read = {c.function for c in sb.calls if c.operation in READS}
    assert read == set(names)


def test_get_function_polling_uses_only_get_function(sandbox_factory: SandboxFactory) -> None:
    sb = sandbox_factory(time_scale=0.02)
    names = make_fleet(sb, 10, prefix="gf-")
    sb.sandbox.reset_calls()
    code, doc, err = run_cli(sb, "wait", *names, "--poll-api", "get-function")
    assert code == ExitCode.READY, err
    assert {c.operation for c in sb.calls} == {"GetFunction"}
    assert "code_location" not in json.dumps(doc).lower()  # the presigned URL is dropped


@pytest.fixture
def tagged(sandbox: SandboxHandle) -> SandboxHandle:
    sandbox.create_function("orders-api", tags={"team": "pay", "env": "prod"})
    sandbox.create_function("orders-worker", tags={"team": "pay", "env": "dev"})
    sandbox.create_function("users-api", tags={"team": "identity", "env": "prod"})
    for name in ("orders-api", "orders-worker", "users-api"):
        sandbox.wait_until(name, state="Active")
    sandbox.sandbox.reset_calls()
    return sandbox


def names_of(doc: dict[str, Any]) -> list[str]:
    return [f["function"] for f in doc["functions"]]


def test_status_prefix_selects_by_listing(tagged: SandboxHandle) -> None:
    code, doc, err = run_cli(tagged, "status", "--prefix", "orders-")
    assert code == ExitCode.READY, err
    assert names_of(doc) == ["orders-api", "orders-worker"]
    ops = [c.operation for c in tagged.calls]
    assert ops.count("ListFunctions") == 1
    assert ops.count("GetFunctionConfiguration") == 2  # ListFunctions carries no states
    assert "ListTags" not in ops


def test_status_tags_must_all_match(tagged: SandboxHandle) -> None:
    code, doc, _ = run_cli(tagged, "status", "--tag", "team=pay", "--tag", "env=prod")
    assert code == ExitCode.READY
    assert names_of(doc) == ["orders-api"]
    code, doc, _ = run_cli(tagged, "status", "--tag", "env")  # any value
    assert names_of(doc) == ["orders-api", "orders-worker", "users-api"]
    ops = [c.operation for c in tagged.calls]
    assert "ListTags" in ops and "GetFunction" not in ops


def test_status_tags_through_get_function_read_each_function_once(tagged: SandboxHandle) -> None:
    code, doc, _ = run_cli(
        tagged, "status", "--prefix", "orders-", "--tag", "env=dev", "--poll-api", "get-function"
    )
    assert code == ExitCode.READY
    assert names_of(doc) == ["orders-worker"]
    ops = sorted(c.operation for c in tagged.calls)
    # One GetFunction per candidate (tags and state at once): nothing read twice; the one
    # function selected has its event source mappings and its URL read once each.
    assert ops == [
        "GetFunction",
        "GetFunction",
        "GetFunctionUrlConfig",
        "ListEventSourceMappings",
        "ListFunctions",
    ]


def test_status_names_and_selection_add_up_without_duplicates(tagged: SandboxHandle) -> None:
    code, doc, _ = run_cli(tagged, "status", "users-api", "orders-api", "--prefix", "orders-")
    assert code == ExitCode.READY
    assert names_of(doc) == ["users-api", "orders-api", "orders-worker"]


def test_status_selection_matching_nothing_is_not_found(tagged: SandboxHandle) -> None:
    code, doc, _ = run_cli(tagged, "status", "--prefix", "users-", "--tag", "team=pay")
    assert code == ExitCode.NOT_FOUND
    assert doc["functions"] == []
    assert "no function matches" in doc["error"]["message"]


def test_status_without_functions_or_selection_is_a_usage_error(tagged: SandboxHandle) -> None:
    code, doc, _ = run_cli(tagged, "status")
    assert code == ExitCode.USAGE
    assert "no function given" in doc["error"]["message"]
    assert tagged.calls == []


def test_wait_selects_by_prefix_and_tag_like_status(tagged: SandboxHandle) -> None:
    code, doc, err = run_cli(tagged, "wait", "--prefix", "orders-", "--timeout", "30s")
    assert code == ExitCode.READY, err
    assert names_of(doc) == ["orders-api", "orders-worker"]
    assert all(fn["exit_status"] == "ready" for fn in doc["functions"])
    code, doc, _ = run_cli(tagged, "wait", "--prefix", "users-", "--tag", "team=pay")
    assert code == ExitCode.NOT_FOUND
    assert "no function matches" in doc["error"]["message"]


@pytest.mark.parametrize("command", ["status", "wait"])
def test_a_bad_name_is_exit_2_before_credentials_are_looked_at(
    tagged: SandboxHandle, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    code, _, err = run_cli(tagged, command, "fn:1", "--qualifier", "2")
    assert code == ExitCode.USAGE, err
    assert tagged.calls == []


class PagedClient:
    """A boto3-like client whose ListFunctions answers in pages of ``page`` (Marker)."""

    def __init__(self, names: list[str], page: int) -> None:
        self.names = names
        self.page = page
        self.markers: list[str | None] = []
        self.meta = type("Meta", (), {"region_name": "us-east-1"})()

    def list_functions(self, MaxItems: int, Marker: str | None = None) -> dict[str, Any]:
        self.markers.append(Marker)
        start = int(Marker or 0)
        chunk = self.names[start : start + min(self.page, MaxItems)]
        answer: dict[str, Any] = {
            "Functions": [
                {"FunctionName": n, "FunctionArn": f"arn:aws:lambda:us-east-1:1:function:{n}"}
                for n in chunk
            ]
        }
        if start + len(chunk) < len(self.names):
            answer["NextMarker"] = str(start + len(chunk))
        return answer

    def list_tags(self, Resource: str) -> dict[str, Any]:
        index = int(Resource.rsplit("-", 1)[1])
        return {"Tags": {"shard": str(index % 3)}}


def test_selection_follows_every_page() -> None:
    names = [f"svc-{i:03d}" for i in range(120)] + ["other-1"]
    client = PagedClient(names, page=50)
    api = LambdaApi(client, budget=RequestBudget(10_000))  # no pacing: not what is tested
    selection = select_functions(client=api, prefix="svc-")
    assert selection.names == names[:120]
    assert selection.listed == 121
    assert client.markers == [None, "50", "100"]
    tagged = select_functions(client=api, prefix="svc-", tags={"shard": "0"})
    assert tagged.names == [n for n in names[:120] if int(n[-3:]) % 3 == 0]


@pytest.mark.parametrize("no_history", [False, True])
def test_wait_records_how_long_the_update_took_unless_told_not_to(
    sandbox_factory: SandboxFactory, tmp_path: Path, no_history: bool
) -> None:
    import threading
    import time

    from lambda_wait.clock import ManualClock
    from lambda_wait.history import HistoryStore, history_key
    from lambda_wait.schedule import OperationKind

    clock = ManualClock(1000.0)  # the update ends only when the test says so
    sb = sandbox_factory(None, time_scale=1.0, clock=clock)
    arn = sb.create_function("remembered", tags={"lambda-wait-sandbox:delay:create": "0"})[
        "FunctionArn"
    ]
    sb.client().update_function_configuration(FunctionName="remembered", Timeout=9)

    def finish_after_the_first_read() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(c.operation in READS and c.function == "remembered" for c in sb.calls):
                clock.advance(10.0)  # seen in progress once: now let it end
                return
            time.sleep(0.05)

    helper = threading.Thread(target=finish_after_the_first_read)
    helper.start()
    extra = ["--no-history"] if no_history else []
    code, doc, err = run_cli(sb, "wait", "remembered", "--timeout", "1m", *extra)
    helper.join()
    assert code == 0, err
    assert doc["functions"][0]["polls"] >= 2
    store = HistoryStore(tmp_path / "cache" / "history.json")
    runs = store.durations(history_key(arn, "remembered", "us-east-1"), OperationKind.UPDATE)
    if no_history:
        assert runs == []
    else:
        assert len(runs) == 1 and 0 < runs[0] < 60


def test_status_of_several_functions_reads_no_url_unless_wide(tagged: SandboxHandle) -> None:
    # A fleet's status reads what a fleet can afford: no GetFunctionUrlConfig per function
    # (no account-wide listing replaces it); --wide reads it for each.
    code, _, _ = run_cli(tagged, "status", "users-api", "orders-api")
    assert code == ExitCode.READY
    assert "GetFunctionUrlConfig" not in {c.operation for c in tagged.calls}
    code, _, _ = run_cli(tagged, "status", "users-api", "orders-api", "--wide")
    assert code == ExitCode.READY
    urls = [c.function for c in tagged.calls if c.operation == "GetFunctionUrlConfig"]
    assert sorted(urls) == ["orders-api", "users-api"]
