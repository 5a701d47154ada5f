"""deploy --provisioned-concurrency over HTTP against the sandbox's provisioned
concurrency timeline (docs/sandbox.md), with call-log assertions."""

from __future__ import annotations

from pathlib import Path

from lambda_wait.errors import ExitCode
from lambda_wait.sandbox import SandboxHandle

from .conftest import Deploy, base_args, ops

PUT = "PutProvisionedConcurrencyConfig"


def with_alias(name: str, src: Path, count: str | None = None) -> list[str]:
    extra = ["--alias", "live"] + ([] if count is None else ["--provisioned-concurrency", count])
    return base_args(name, src, *extra)


def test_put_once_wait_ready_then_none_when_unchanged_then_delete(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    run = deploy(*with_alias("pc-deploy", src, "2"))
    assert run.code == ExitCode.READY, run.stderr
    assert ops(sandbox).count(PUT) == 1
    assert ops(sandbox)[-1] == PUT  # after the alias points at the new version
    config = sandbox.client().get_provisioned_concurrency_config(
        FunctionName="pc-deploy", Qualifier="live"
    )
    assert config["Status"] == "READY"

    sandbox.sandbox.reset_calls()
    (src / "app.py").write_text("def handler(event, context):\n    return 2\n")
    again = deploy(
        *base_args("pc-deploy", src, "--alias", "live", "--provisioned-concurrency", "2")
    )
    assert again.code == ExitCode.READY, again.stderr
    assert PUT not in ops(sandbox)  # unchanged: Lambda re-allocates on the new version
    assert "UpdateAlias" in ops(sandbox)

    sandbox.sandbox.reset_calls()
    removed = deploy(
        *base_args("pc-deploy", src, "--alias", "live", "--provisioned-concurrency", "0")
    )
    assert removed.code == ExitCode.READY, removed.stderr
    assert ops(sandbox) == ["DeleteProvisionedConcurrencyConfig"]


def test_an_init_failure_after_the_alias_moved_says_what_is_live(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    first = deploy(*base_args("pc-fail", src, "--alias", "live"))
    assert first.code == ExitCode.READY, first.stderr
    lam = sandbox.client()
    lam.tag_resource(
        Resource=lam.get_function(FunctionName="pc-fail")["Configuration"]["FunctionArn"],
        Tags={"lambda-wait-sandbox:provisioned": "fail:FUNCTION_ERROR_INIT_FAILURE"},
    )
    (src / "app.py").write_text("def handler(event, context):\n    return 3\n")
    run = deploy(*with_alias("pc-fail", src, "2"))
    assert run.code == ExitCode.FAILED
    assert "initialisation failed" in run.stderr
    assert "/aws/lambda/pc-fail" in run.stderr
    assert "--function-version 1" in run.stderr  # how to go back
    assert "Alias live points to version 2" in run.stderr + run.stdout
    assert ops(sandbox).count(PUT) == 1


def test_bad_input_is_one_line_exit_2_and_no_call(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    for extra, needle in (
        (("--provisioned-concurrency", "2"), "needs --alias"),
        (("--alias", "live", "--provisioned-concurrency", "-1"), "0 or more"),
    ):
        run = deploy(*base_args("pc-bad", src, *extra))
        assert run.code == ExitCode.USAGE
        assert needle in run.stderr
        assert len(run.stderr.strip().splitlines()) == 1
    assert ops(sandbox, mutating_only=False) == []


def test_routing_weights_on_the_alias_are_refused_before_any_change(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    assert deploy(*base_args("pc-weights", src, "--alias", "live")).code == 0
    (src / "app.py").write_text("def handler(event, context):\n    return 4\n")
    assert deploy(*base_args("pc-weights", src, "--publish")).code == 0
    lam = sandbox.client()
    lam.update_alias(
        FunctionName="pc-weights",
        Name="live",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}},
    )
    sandbox.sandbox.reset_calls()
    (src / "app.py").write_text("def handler(event, context):\n    return 5\n")
    run = deploy(*with_alias("pc-weights", src, "1"))
    assert run.code == ExitCode.USAGE
    assert "routing weights" in run.stderr
    assert ops(sandbox) == []
