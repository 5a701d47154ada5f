"""deploy --tag on an existing function sets the keys given whose value differs
(TagResource, after the updates); it never removes a tag; unchanged tags send nothing."""

from __future__ import annotations

from pathlib import Path

from lambda_wait.errors import ExitCode
from lambda_wait.sandbox import SandboxHandle
from tests.deploy.conftest import Deploy, base_args, ops

ARN = "arn:aws:lambda:us-east-1:123456789012:function:tagged"


def tags(sandbox: SandboxHandle) -> dict[str, str]:
    return dict(sandbox.client().list_tags(Resource=ARN)["Tags"])


def test_tags_are_reconciled_on_an_existing_function(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    assert deploy(*base_args("tagged", src, "--tag", "team=a", "--tag", "keep=me")).code == 0
    run = deploy(*base_args("tagged", src, "--tag", "team=b", "--tag", "env=prod"), "-o", "json")
    assert run.code == ExitCode.READY, run.stderr
    assert tags(sandbox) == {"team": "b", "env": "prod", "keep": "me"}  # none removed
    doc = run.json()["deploy"]
    assert doc["changed"] == ["tags"] and "tags" in doc["applied"]
    assert ops(sandbox).count("TagResource") == 1

    again = deploy(*base_args("tagged", src, "--tag", "team=b"), "-o", "json")
    assert again.code == ExitCode.READY
    assert "tags" in again.json()["deploy"]["skipped"]
    assert ops(sandbox).count("TagResource") == 1  # unchanged: nothing sent
