"""The chaos knob: any chosen operation answered with a chosen status, body, delay or
truncation, before or after the call is applied, for some calls or all."""

from __future__ import annotations

import http.client
import json
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError

from lambda_wait.errors import UsageError
from lambda_wait.sandbox import parse_scenario
from lambda_wait.sandbox.faults import ChaosRule
from tests.sandbox.helpers import Manual

ManualFactory = Callable[..., Manual]
SIGNED = {
    "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20200101/us-east-1/lambda/"
    "aws4_request, SignedHeaders=host, Signature=0"
}


def _active(m: Manual, name: str) -> None:
    m.handle.create_function(name, client=m.lam, Timeout=3)
    m.advance(3)


def test_a_chosen_status_and_body_before_the_call_is_not_applied(manual: ManualFactory) -> None:
    m = manual()
    _active(m, "c")
    m.handle.sandbox.set_chaos(
        ChaosRule(
            "UpdateFunctionConfiguration",
            status=502,
            body="<html>Bad gateway</html>",
            headers=(("Content-Type", "text/html"),),
        )
    )
    with pytest.raises(ClientError) as excinfo:
        m.lam.update_function_configuration(FunctionName="c", Timeout=9)
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 502
    assert m.config("c")["Timeout"] == 3  # other operations are untouched
    [call] = [c for c in m.handle.calls if c.operation == "UpdateFunctionConfiguration"]
    assert (call.status, call.fault, call.fault_when, call.applied) == (
        502,
        "chaos",
        "before",
        False,
    )


def test_after_the_call_is_applied_and_its_answer_replaced(manual: ManualFactory) -> None:
    m = manual()
    _active(m, "a")
    m.handle.sandbox.set_chaos(
        ChaosRule("UpdateFunctionConfiguration", status=503, when="after", times=1)
    )
    with pytest.raises(ClientError) as excinfo:
        m.lam.update_function_configuration(FunctionName="a", Timeout=9)
    error = excinfo.value.response["Error"]
    assert error["Code"] == "ServiceUnavailableException"
    assert m.config("a")["Timeout"] == 9  # applied: the answer was lost
    m.advance(2)
    m.lam.update_function_configuration(FunctionName="a", Timeout=10)  # times=1: spent
    applied = [c for c in m.handle.sandbox.mutating_calls("a") if c.fault == "chaos"]
    assert len(applied) == 1


def test_a_body_that_does_not_parse(manual: ManualFactory) -> None:
    m = manual()
    _active(m, "garbled")
    m.handle.sandbox.set_chaos(ChaosRule("GetFunctionConfiguration", status=200, body="{not json"))
    # botocore does not raise on a 2xx body that is not JSON: it parses to nothing.
    assert "FunctionName" not in m.config("garbled")


def test_a_truncated_answer_announces_more_than_it_sends(manual: ManualFactory) -> None:
    m = manual()
    _active(m, "cut")
    m.handle.sandbox.set_chaos(ChaosRule("GetFunctionConfiguration", truncate=10, function="cut"))
    conn = http.client.HTTPConnection(m.handle.host, m.handle.port, timeout=5)
    conn.request("GET", "/2015-03-31/functions/cut/configuration", headers=SIGNED)
    resp = conn.getresponse()
    assert resp.status == 200 and int(resp.getheader("Content-Length") or 0) > 10
    with pytest.raises(http.client.IncompleteRead) as excinfo:
        resp.read()
    assert len(excinfo.value.partial) == 10
    # botocore parses the 10 bytes it got as an empty answer (no exception).
    assert "FunctionName" not in m.config("cut")
    calls = [c for c in m.handle.calls if c.operation == "GetFunctionConfiguration"]
    assert [(c.status, c.fault) for c in calls] == [(200, "chaos"), (200, "chaos")]


def test_a_delay_beats_the_read_timeout(manual: ManualFactory) -> None:
    m = manual()
    _active(m, "slow")
    m.handle.sandbox.set_chaos(ChaosRule("GetFunction", delay=1.0))
    lam = m.handle.client(max_attempts=1, read_timeout=0.2)
    with pytest.raises(ReadTimeoutError):
        lam.get_function(FunctionName="slow")


def test_scenario_and_control_api(manual: ManualFactory) -> None:
    rule = {"operation": "GetFunction", "status": 429, "times": 1}
    m = manual({"chaos": [rule]})
    _active(m, "api")
    with pytest.raises(ClientError) as excinfo:
        m.lam.get_function(FunctionName="api")
    assert excinfo.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert m.lam.get_function(FunctionName="api")["Configuration"]["FunctionName"] == "api"

    def call(method: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{m.handle.endpoint_url}/_sandbox/chaos", data=data, method=method
        )
        with urllib.request.urlopen(request, timeout=5) as resp:
            return json.loads(resp.read())

    rules = call("PUT", [{"operation": "ListFunctions", "status": 500}])["rules"]
    assert [(r["operation"], r["status"], r["when"]) for r in rules] == [
        ("ListFunctions", 500, "before")
    ]
    with pytest.raises(ClientError):
        m.lam.list_functions()
    assert call("DELETE")["rules"] == []
    assert m.lam.list_functions()["Functions"]


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ({"operation": "GetFunction"}, "at least one of"),
        ({"status": 700}, "HTTP status"),
        ({"status": 500, "when": "during"}, "'when'"),
        ({"status": 500, "times": 0}, "times"),
        ({"status": 500, "colour": "red"}, "unknown chaos key 'colour'"),
        ({"delay": "soon"}, "expected a number"),
    ],
)
def test_malformed_chaos_rules(rule: dict[str, Any], fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment):
        parse_scenario({"chaos": [rule]})
