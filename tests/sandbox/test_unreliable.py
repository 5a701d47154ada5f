"""Throttling with AWS's quotas and fault injection (500/503/drop/slow, before/after moto)."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError

from lambda_wait.sandbox import FaultConfig, SandboxHandle
from lambda_wait.sandbox.faults import FaultInjector
from tests.sandbox.helpers import Manual

ManualFactory = Callable[..., Manual]


def _burst(call: Callable[[], Any], n: int) -> list[ClientError | None]:
    out: list[ClientError | None] = []
    for _ in range(n):
        try:
            call()
            out.append(None)
        except ClientError as exc:
            out.append(exc)
    return out


def test_control_plane_calls_share_15_per_second(manual: ManualFactory) -> None:
    m = manual()
    m.handle.create_function("t")
    m.advance(3)
    m.handle.sandbox.set_throttling(True)
    results = _burst(lambda: m.config("t"), 15)
    assert [r is None for r in results] == [True] * 15  # the bucket was refilled on switch-on
    errors = _burst(lambda: m.lam.list_versions_by_function(FunctionName="t"), 2)
    assert all(e is not None for e in errors)
    err = errors[0]
    assert err is not None
    resp: Any = err.response
    assert resp["Error"]["Code"] == "TooManyRequestsException"
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert resp["ResponseMetadata"]["HTTPHeaders"]["retry-after"] == "1"
    # botocore maps the Retry-After header to retryAfterSeconds (a string), plus the body.
    assert resp["retryAfterSeconds"] == "1"
    assert resp["Reason"] == "CallerRateLimitExceeded"
    assert resp["Error"]["Message"] == "Rate exceeded"
    assert isinstance(err, m.lam.exceptions.TooManyRequestsException)

    # GetFunction has its own 100/s quota; Invoke is not a control-plane call.
    assert _burst(lambda: m.lam.get_function(FunctionName="t"), 100) == [None] * 100
    assert _burst(lambda: m.lam.get_function(FunctionName="t"), 1)[0] is not None
    assert m.lam.invoke(FunctionName="t")["StatusCode"] == 200

    # The quotas are real-time rates: no time scale; 1/15 s refills one token.
    m.advance(1 / 15 + 0.001)
    first, second = _burst(lambda: m.config("t"), 2)
    assert first is None and second is not None
    throttled = [c for c in m.handle.calls if c.throttled]
    assert len(throttled) == 4 and all(c.status == 429 for c in throttled)

    m.handle.sandbox.set_throttling(False)
    assert _burst(lambda: m.config("t"), 30) == [None] * 30


def test_throttling_ignores_the_time_scale(manual: ManualFactory) -> None:
    m = manual(time_scale=0.01, throttling=True)
    m.handle.create_function("ts")
    _burst(lambda: m.config("ts"), 14)
    m.advance(0.01)  # would refill a scaled bucket; a real-time one gets 0.15 token
    assert _burst(lambda: m.config("ts"), 1)[0] is not None


def _expected_faults(config: FaultConfig, n: int) -> list[str | None]:
    injector = FaultInjector(config)
    return [
        (d.kind if d else None)
        for d in (injector.decide("GetFunctionConfiguration") for _ in range(n))
    ]


def test_seeded_fraction_of_500_and_503(sandbox: SandboxHandle) -> None:
    sandbox.create_function("f")
    config = FaultConfig(rate=0.3, kinds=("500", "503"), seed=7)
    sandbox.sandbox.set_faults(config)
    lam = sandbox.client(max_attempts=1)
    seen: list[str | None] = []
    for _ in range(40):
        try:
            lam.get_function_configuration(FunctionName="f")
            seen.append(None)
        except ClientError as exc:
            status = exc.response["ResponseMetadata"]["HTTPStatusCode"]
            seen.append(str(status))
            code = exc.response["Error"]["Code"]
            assert code == {500: "ServiceException", 503: "ServiceUnavailableException"}[status]
    assert seen == _expected_faults(config, 40)
    assert 6 <= sum(s is not None for s in seen) <= 20  # about 30 %
    assert {"500", "503"} <= set(seen)
    faulted = [c.fault for c in sandbox.calls if c.operation == "GetFunctionConfiguration"]
    assert faulted == seen


def test_fault_before_moto_is_not_applied_after_is(sandbox: SandboxHandle) -> None:
    # A 10 s update (at the tests' time scale): still InProgress when read back, however loaded.
    sandbox.create_function("m", tags={"lambda-wait-sandbox:delay:update": "1000"})
    sandbox.wait_until("m", state="Active")
    lam = sandbox.client(max_attempts=1)
    only_updates = frozenset({"UpdateFunctionConfiguration"})

    sandbox.sandbox.set_faults(rate=1.0, kinds=("500",), when="before", operations=only_updates)
    with pytest.raises(ClientError):
        lam.update_function_configuration(FunctionName="m", Timeout=11)
    sandbox.sandbox.set_faults()
    assert lam.get_function_configuration(FunctionName="m")["Timeout"] == 3
    assert sandbox.sandbox.mutating_calls("m", applied_only=True)[-1].operation == "CreateFunction"

    sandbox.sandbox.set_faults(rate=1.0, kinds=("503",), when="after", operations=only_updates)
    with pytest.raises(ClientError) as excinfo:
        lam.update_function_configuration(FunctionName="m", Timeout=12)
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    sandbox.sandbox.set_faults()
    cfg = lam.get_function_configuration(FunctionName="m")
    assert (cfg["Timeout"], cfg["LastUpdateStatus"]) == (12, "InProgress")  # applied, answer lost
    last = sandbox.sandbox.mutating_calls("m")[-1]
    assert (last.operation, last.applied, last.fault, last.fault_when) == (
        "UpdateFunctionConfiguration",
        True,
        "503",
        "after",
    )


def test_dropped_connection_before_and_after(sandbox: SandboxHandle) -> None:
    sandbox.create_function("d")
    sandbox.wait_until("d", state="Active")
    lam = sandbox.client(max_attempts=1)
    ops = frozenset({"UpdateFunctionConfiguration"})
    sandbox.sandbox.set_faults(rate=1.0, kinds=("drop",), when="before", operations=ops)
    with pytest.raises(ConnectionClosedError):
        lam.update_function_configuration(FunctionName="d", Timeout=21)
    sandbox.sandbox.set_faults(rate=1.0, kinds=("drop",), when="after", operations=ops)
    with pytest.raises(ConnectionClosedError):
        lam.update_function_configuration(FunctionName="d", Timeout=22)
    sandbox.sandbox.set_faults()
    assert lam.get_function_configuration(FunctionName="d")["Timeout"] == 22
    drops = [c for c in sandbox.calls if c.fault == "drop"]
    assert [(c.fault_when, c.applied, c.status) for c in drops] == [
        ("before", False, 0),
        ("after", True, 0),
    ]


def test_slow_answer_beats_the_read_timeout(sandbox: SandboxHandle) -> None:
    sandbox.create_function("s")
    lam = sandbox.client(max_attempts=1, read_timeout=0.2)
    sandbox.sandbox.set_faults(rate=1.0, kinds=("slow",), slow_seconds=0.6)
    with pytest.raises(ReadTimeoutError):
        lam.get_function(FunctionName="s")
    sandbox.sandbox.set_faults()
    assert lam.get_function(FunctionName="s")["Configuration"]["FunctionName"] == "s"


def test_faults_and_throttling_over_the_control_api(sandbox: SandboxHandle) -> None:
    def call(method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"{sandbox.endpoint_url}{path}", data=data, method=method)
        with urllib.request.urlopen(req, timeout=5) as resp:
            return json.load(resp)

    assert call("PUT", "/_sandbox/throttling", {"enabled": True}) == {"enabled": True}
    assert sandbox.sandbox.throttling
    got = call(
        "PUT", "/_sandbox/faults", {"rate": 0.5, "kinds": ["503"], "seed": 3, "when": "after"}
    )
    assert (got["rate"], got["kinds"], got["when"]) == (0.5, ["503"], "after")
    assert sandbox.sandbox.faults.seed == 3
    assert call("DELETE", "/_sandbox/faults")["rate"] == 0.0
    assert call("GET", "/_sandbox/health")["ok"] is True
    sandbox.create_function("c")
    assert len(call("GET", "/_sandbox/calls?mutating=1")["calls"]) == 1
    call("DELETE", "/_sandbox/calls")
    assert sandbox.calls == []
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        call("PUT", "/_sandbox/faults", {"rate": 2})
    assert excinfo.value.code == 400
