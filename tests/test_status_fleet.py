"""``status`` of many functions: the event source mappings of the account read with one
paginated ListEventSourceMappings (N reads + pages, not 2N), the reads concurrent under
the budget, each report handed on as it comes back. No timings asserted."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lambda_wait.cli import cli
from lambda_wait.sandbox.server import SandboxHandle
from lambda_wait.targets.mappings import ListedMappings, list_account_mappings

ARN = "arn:aws:lambda:us-east-1:123456789012:function:"


@pytest.fixture(autouse=True)
def isolated(aws_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LAMBDA_WAIT_NO_CACHE", "1")


def test_many_functions_read_their_mappings_in_one_account_listing(
    sandbox: SandboxHandle,
) -> None:
    names = [f"esm-{i}" for i in range(6)]
    for name in names:
        sandbox.create_function(name)
    queue = sandbox.create_queue("orders")
    sandbox.client().create_event_source_mapping(EventSourceArn=queue, FunctionName=names[2])
    for name in names:
        sandbox.wait_until(name, state="Active")
    before = len(sandbox.calls)
    result = CliRunner().invoke(
        cli, ["status", *names, "-o", "json", "--endpoint-url", sandbox.endpoint_url]
    )
    calls = Counter(c.operation for c in sandbox.calls[before:])
    assert calls["ListEventSourceMappings"] == 1, calls  # was one per function
    assert calls["GetFunctionConfiguration"] == len(names)
    doc = json.loads(result.stdout)
    by_name = {f["function"]: f["event_source_mappings"] for f in doc["functions"]}
    assert [m["source"] for m in by_name["esm-2"]] == ["sqs:orders"]
    assert all(by_name[n] == [] for n in names if n != "esm-2")


def test_two_functions_still_read_per_function(sandbox: SandboxHandle) -> None:
    for name in ("one", "two"):
        sandbox.create_function(name)
        sandbox.wait_until(name, state="Active")
    before = len(sandbox.calls)
    CliRunner().invoke(cli, ["status", "one", "two", "--endpoint-url", sandbox.endpoint_url])
    calls = Counter(c.operation for c in sandbox.calls[before:])
    assert calls["ListEventSourceMappings"] == 2  # below ACCOUNT_LISTING_FROM: one each


class Pages:
    """A fake adapter answering ListEventSourceMappings in pages."""

    def __init__(self, pages: list[list[dict[str, Any]]]) -> None:
        self.pages = pages
        self.sent: list[dict[str, Any]] = []

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        self.sent.append(params)
        index = int(params.get("Marker", "0"))
        page: dict[str, Any] = {"EventSourceMappings": self.pages[index]}
        if index + 1 < len(self.pages):
            page["NextMarker"] = str(index + 1)
        return page

    def list_event_source_mappings(self, name: str) -> list[dict[str, Any]]:
        return [{"UUID": "own-read", "FunctionArn": ARN + name}]


def esm(uuid: str, function: str) -> dict[str, Any]:
    return {"UUID": uuid, "FunctionArn": ARN + function}


def test_the_listing_is_grouped_by_function_and_follows_its_pages() -> None:
    pages = Pages(
        [
            [{"UUID": "a", "FunctionArn": ARN + "f1"}, {"UUID": "b", "FunctionArn": ARN + "f2"}],
            [
                {"UUID": "c", "FunctionArn": ARN + "f1"},
                {"UUID": "d", "FunctionArn": ARN + "f1:live"},
            ],
        ]
    )
    listed = list_account_mappings(pages, max_pages=5)
    assert listed is not None and len(pages.sent) == 2
    assert [m["UUID"] for m in listed["f1"]] == ["a", "c"]  # f1:live is the alias's
    reader = ListedMappings(pages, listed, {"f1", "f2", "f3"})
    assert [m["UUID"] for m in reader.list_event_source_mappings(ARN + "f2")] == ["b"]
    assert reader.list_event_source_mappings("f3") == []  # listed: it has none
    assert reader.list_event_source_mappings("other")[0]["UUID"] == "own-read"


def test_a_listing_longer_than_the_functions_gives_way_to_per_function_reads() -> None:
    pages = Pages([[{"UUID": str(i), "FunctionArn": ARN + "x"}] for i in range(10)])
    assert list_account_mappings(pages, max_pages=3) is None
    assert len(pages.sent) == 3  # never more pages than functions


def test_an_update_in_progress_is_shown_as_one_not_as_a_timeout(sandbox: SandboxHandle) -> None:
    # time scale 0.01: an update of 1000 s lasts 10 s, longer than this test
    sandbox.create_function("busy", tags={"lambda-wait-sandbox:delay:update": "1000"})
    sandbox.create_function("calm")
    for name in ("busy", "calm"):
        sandbox.wait_until(name, state="Active")
    sandbox.client().update_function_configuration(FunctionName="busy", MemorySize=256)
    endpoint = ["--endpoint-url", sandbox.endpoint_url]
    one = CliRunner().invoke(cli, ["status", "busy", "-o", "json", *endpoint])
    (doc,) = json.loads(one.stdout)["functions"]
    assert one.exit_code == 3 and doc["phase"] == "in-progress" and not doc["timed_out"]
    assert doc["reason"]["title"] == "Update in progress"  # not the create's "Being created"
    assert "UpdateFunctionCode or UpdateFunctionConfiguration" in doc["reason"]["meaning"]
    table = CliRunner().invoke(cli, ["status", "busy", "calm", *endpoint], terminal_width=120)
    assert table.exit_code == 3
    busy = next(line for line in table.stdout.splitlines() if line.startswith("busy"))
    assert "in-progress" in busy and "timeout" not in table.stdout
    assert "exit 3 (in-progress)" in table.stdout
