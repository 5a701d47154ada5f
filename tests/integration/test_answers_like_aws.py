"""lambda-wait against the sandbox now that it answers as recorded AWS does
(tests/replay): the places that relied on its old answers."""

from __future__ import annotations

import json
from collections.abc import Callable

from click.testing import CliRunner

from lambda_wait.cli import cli
from lambda_wait.clock import ManualClock
from lambda_wait.errors import ExitCode
from lambda_wait.sandbox.server import SandboxHandle

from .conftest import Run


def _alias(sandbox: SandboxHandle, name: str) -> None:
    sandbox.create_function(name)
    sandbox.wait_until(name, state="Active")
    lam = sandbox.client()
    version = lam.publish_version(FunctionName=name)["Version"]
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion=version)


def test_waiting_on_latest_reads_no_provisioned_concurrency(
    sandbox: SandboxHandle, lw: Run
) -> None:
    # AWS answers a provisioned concurrency read of $LATEST with a 400 (it was a 404 here).
    sandbox.create_function("on-latest")
    start = len(sandbox.calls)
    code, _, err = lw("wait", "on-latest", "--qualifier", "$LATEST")
    assert code == ExitCode.READY, err
    reads = [c.operation for c in sandbox.calls[start:]]
    assert "GetProvisionedConcurrencyConfig" not in reads


def test_waiting_for_provisioned_on_latest_is_bad_input_before_any_call(
    sandbox: SandboxHandle, lw: Run
) -> None:
    start = len(sandbox.calls)
    code, _, err = lw("wait", "on-latest", "--qualifier", "$LATEST", "--for", "provisioned")
    assert code == ExitCode.USAGE
    assert "never on $LATEST" in err and "--qualifier live" in err
    assert sandbox.calls[start:] == []


def test_a_read_through_an_alias_names_the_alias_arn(sandbox: SandboxHandle, lw: Run) -> None:
    _alias(sandbox, "through")
    code, out, err = lw("status", "through", "--qualifier", "live", "--output", "json")
    assert code == ExitCode.READY, err
    fn = json.loads(out)["functions"][0]
    assert fn["snapshot"]["function_arn"].endswith(":function:through:live")
    assert fn["snapshot"]["version"] == "1"


def test_a_version_published_from_an_idle_function_is_ready_without_waiting(
    sandbox_factory: Callable[..., SandboxHandle],
) -> None:
    # AWS: the version of an idle $LATEST is Active at once. On a clock that never moves,
    # a wait for it must end on its first read (a Pending version would never settle).
    clock = ManualClock()
    handle = sandbox_factory(time_scale=1.0, clock=clock)
    handle.create_function("idle-pub")
    clock.advance(3)
    handle.client().publish_version(FunctionName="idle-pub")
    start = len(handle.calls)
    args = ["wait", "idle-pub", "--qualifier", "1", "--timeout", "5"]
    result = CliRunner().invoke(cli, [*args, "--endpoint-url", handle.endpoint_url])
    assert result.exit_code == ExitCode.READY, result.stderr
    reads = [c for c in handle.calls[start:] if c.operation == "GetFunctionConfiguration"]
    assert len(reads) == 1


def test_a_mapping_created_disabled_is_settled_at_once(sandbox: SandboxHandle, lw: Run) -> None:
    # AWS: Enabled=False creates the mapping Disabled, with no Creating phase.
    sandbox.create_function("esm-off")
    sandbox.wait_until("esm-off", state="Active")
    queue = sandbox.create_queue("esm-off-q")
    sandbox.client().create_event_source_mapping(
        EventSourceArn=queue, FunctionName="esm-off", Enabled=False
    )
    code, out, err = lw("wait", "esm-off", "--event-source-mappings", "--output", "json")
    assert code == ExitCode.READY, err
    (mapping,) = json.loads(out)["functions"][0]["event_source_mappings"]
    assert mapping["state"] == "Disabled"
