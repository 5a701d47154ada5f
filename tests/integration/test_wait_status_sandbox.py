"""status and wait over HTTP against the sandbox: every transition, failures decoded."""

from __future__ import annotations

import json
import threading
import time

from click.testing import CliRunner

from lambda_wait.cli import cli
from lambda_wait.clock import ManualClock
from lambda_wait.errors import ExitCode
from lambda_wait.sandbox.pytest_plugin import SandboxFactory
from lambda_wait.sandbox.server import SandboxHandle

from .conftest import Run

FAIL_CREATE = "lambda-wait-sandbox:create"
FAIL_UPDATE = "lambda-wait-sandbox:update"
READS = {"GetFunction", "GetFunctionConfiguration"}


def test_wait_follows_a_vpc_create_from_pending_to_active(
    sandbox_factory: SandboxFactory,
) -> None:
    # On a manual sandbox clock: Pending until the wait has seen it (3 s of Pending on a
    # scaled clock were outlasted by the CLI at load 10-18 in the full suite).
    sb, clock, lw = _on_a_manual_clock(sandbox_factory)
    sb.create_function("vpc-fn", vpc=True, tags={"lambda-wait-sandbox:delay:vpc_create": "300"})
    code, out, err = lw("status", "vpc-fn")
    assert code == ExitCode.TIMEOUT  # still in progress
    assert "Pending" in out and "Creating" in out
    _finish_after_the_next_read(sb, clock, "vpc-fn")
    code, out, err = lw("wait", "vpc-fn", "--timeout", "30s")
    assert code == ExitCode.READY, out + err
    assert "Pending" in err and "Active" in err  # one progress line per state change
    assert err.count("Pending") == 1
    code, out, _ = lw("status", "vpc-fn")
    assert code == ExitCode.READY and "READY" in out and "VPC" in out


def _finish_after_the_next_read(sb: SandboxHandle, clock: ManualClock, name: str) -> None:
    """Move the sandbox's clock past every delay once ``name`` has been read again."""
    reads_before = len(_reads(sb, name))

    def advance() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if len(_reads(sb, name)) > reads_before:
                clock.advance(600.0)
                return
            time.sleep(0.05)

    threading.Thread(target=advance, daemon=True).start()


def _on_a_manual_clock(sandbox_factory: SandboxFactory) -> tuple[SandboxHandle, ManualClock, Run]:
    """A sandbox whose updates end only when the test moves its clock (not when the
    machine gets round to it), and the CLI against it."""
    clock = ManualClock(1000.0)
    sb = sandbox_factory(None, time_scale=1.0, clock=clock)

    def run(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(cli, [*args, "--endpoint-url", sb.endpoint_url])
        return result.exit_code, result.stdout, result.stderr

    return sb, clock, run


def test_wait_follows_an_update_in_progress_to_successful(
    sandbox_factory: SandboxFactory,
) -> None:
    sb, clock, lw = _on_a_manual_clock(sandbox_factory)
    sb.create_function("upd-fn", tags={"lambda-wait-sandbox:delay:create": "0"})
    assert lw("wait", "upd-fn")[0] == 0
    sb.client().update_function_configuration(FunctionName="upd-fn", MemorySize=512)
    code, out, _ = lw("status", "upd-fn", "-o", "json")
    snap = json.loads(out)["functions"][0]["snapshot"]
    assert (snap["state"], snap["last_update_status"]) == ("Active", "InProgress")
    assert code == ExitCode.TIMEOUT
    reads_before = len(_reads(sb, "upd-fn"))

    def finish_after_the_first_read() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if len(_reads(sb, "upd-fn")) > reads_before:
                clock.advance(600.0)  # seen in progress once: now let it end
                return
            time.sleep(0.05)

    helper = threading.Thread(target=finish_after_the_first_read)
    helper.start()
    code, out, err = lw("wait", "upd-fn", "--timeout", "1m", "-o", "json")
    helper.join()
    assert code == ExitCode.READY, err
    doc = json.loads(out)
    assert doc["functions"][0]["snapshot"]["last_update_status"] == "Successful"
    assert doc["functions"][0]["polls"] >= 2


def _reads(sb: SandboxHandle, name: str) -> list[str]:
    return [c.operation for c in sb.calls if c.function == name and c.operation in READS]


def test_wait_for_active_does_not_wait_for_the_update(sandbox_factory: SandboxFactory) -> None:
    sb, _, lw = _on_a_manual_clock(sandbox_factory)  # the update never ends
    sb.create_function("act-fn", tags={"lambda-wait-sandbox:delay:create": "0"})
    assert lw("wait", "act-fn")[0] == 0
    sb.client().update_function_configuration(FunctionName="act-fn", Timeout=30)
    code, out, _ = lw("wait", "act-fn", "--for", "active", "-o", "json")
    assert code == ExitCode.READY
    assert json.loads(out)["functions"][0]["snapshot"]["last_update_status"] == "InProgress"


def test_failed_create_stops_at_once_with_the_decoded_reason(
    sandbox: SandboxHandle, lw: Run
) -> None:
    sandbox.create_function("bad-fn", vpc=True, tags={FAIL_CREATE: "fail:SubnetOutOfIPAddresses"})
    code, out, err = lw("wait", "bad-fn", "--timeout", "60s")
    assert code == ExitCode.FAILED
    assert "SubnetOutOfIPAddresses" in out
    assert "Subnet out of IP addresses" in out  # the catalogue's title
    assert "delete and recreate" in out
    assert "Traceback" not in err


def test_failed_update_says_the_previous_version_is_still_live(
    sandbox: SandboxHandle, lw: Run
) -> None:
    sandbox.create_function("upd-bad", tags={FAIL_UPDATE: "fail:InvalidSecurityGroup"})
    assert lw("wait", "upd-bad")[0] == 0
    sandbox.client().update_function_configuration(FunctionName="upd-bad", MemorySize=256)
    code, out, _ = lw("wait", "upd-bad", "-o", "json")
    assert code == ExitCode.FAILED
    fn = json.loads(out)["functions"][0]
    assert fn["phase"] == "update-failed"
    assert fn["reason"]["code"] == "InvalidSecurityGroup"
    assert fn["reason"]["transient"] is False
    assert "still live" in fn["summary"]
    assert fn["snapshot"]["state"] == "Active"


def test_not_found_and_several_functions(sandbox: SandboxHandle, lw: Run) -> None:
    sandbox.create_function("one")
    code, out, _ = lw("wait", "one", "missing", "--timeout", "2s", "-o", "json")
    doc = json.loads(out)
    by_name = {fn["function"]: fn for fn in doc["functions"]}
    assert by_name["one"]["exit_status"] == "ready"
    assert by_name["missing"]["exit_status"] == "not-found"
    assert code == ExitCode.NOT_FOUND == doc["exit_code"]


def test_a_qualified_version_is_waited_for(sandbox: SandboxHandle, lw: Run) -> None:
    sandbox.create_function("ver-fn")
    assert lw("wait", "ver-fn")[0] == 0
    version = sandbox.client().publish_version(FunctionName="ver-fn")["Version"]
    code, out, err = lw("wait", f"ver-fn:{version}", "-o", "json")
    assert code == ExitCode.READY, err
    assert json.loads(out)["functions"][0]["snapshot"]["version"] == version
