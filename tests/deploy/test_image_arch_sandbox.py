"""A single-platform image's architecture, read from its config blob at the sandbox's ECR
(GetDownloadUrlForLayer, then its URL): a mismatch with Architectures is exit 2 before
anything is sent; a config the caller may not read is a warning and the deploy goes on.
``init`` writes an image pinned by digest with its tag (``REPO:TAG@DIGEST``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lambda_wait.cli import cli
from lambda_wait.sandbox import SandboxHandle
from tests.deploy.conftest import Deploy
from tests.deploy.test_image_sandbox import push
from tests.deploy.test_s3_sandbox import ROLE, Requests


@pytest.fixture
def repo(sandbox: SandboxHandle) -> str:
    answer = sandbox.client("ecr").create_repository(repositoryName="app")
    return str(answer["repository"]["repositoryUri"])


def test_an_arm64_image_for_an_x86_64_function_is_exit_2_before_anything_is_sent(
    sandbox: SandboxHandle, deploy: Deploy, repo: str
) -> None:
    push(sandbox, "app", "v1", "first", arch="arm64")
    result = deploy("--function-name", "img", "--image-uri", f"{repo}:v1", "--role", ROLE)
    assert result.code == 2
    line = result.stderr.splitlines()[0]
    assert f"image {repo}:v1 is linux/arm64, the function's Architectures is x86_64" in line
    assert "--architecture arm64" in result.stderr and "--platform linux/amd64" in result.stderr
    assert "X-Amz-Signature" not in result.stderr + result.stdout  # the URL is a secret
    assert [c.operation for c in sandbox.calls if c.mutating] == []
    fixed = deploy(
        "--function-name", "img", "--image-uri", f"{repo}:v1", "--role", ROLE,
        "--architecture", "arm64",
    )  # fmt: skip
    assert fixed.code == 0, fixed.stderr
    live = sandbox.client().get_function(FunctionName="img")["Configuration"]
    assert live["Architectures"] == ["arm64"]


def test_a_config_the_caller_may_not_read_is_a_warning_and_the_deploy_goes_on(
    sandbox: SandboxHandle, aws_env: None, repo: str
) -> None:
    from lambda_wait.deploy.spec import FlagValues
    from lambda_wait.usecases.deploy import DeployRequest, run_deploy
    from tests.deploy.test_image_sandbox import Notes, Setup

    push(sandbox, "app", "v1", "first", arch="arm64")  # it would not run: unseen
    sandbox.sandbox.deny_reads("ecr:GetDownloadUrlForLayer")
    notes, requests = Notes(), Requests()
    flags = FlagValues(function_name="img", image_uri=f"{repo}:v1", role=ROLE)
    request = DeployRequest(flags=flags, timeout=120.0, history=False)
    run_deploy(request, Setup(sandbox, requests), notes, env={})
    assert requests.of("ecr") == {"BatchGetImage": 1, "GetDownloadUrlForLayer": 1}
    assert "CreateFunction" in requests.of("lambda")
    (warning,) = [x for x in notes.lines if x.startswith("image:")]
    assert f"the architecture of image {repo}:v1 was not checked" in warning
    assert "ecr:GetDownloadUrlForLayer is denied" in warning


def test_init_writes_the_digest_with_its_tag_and_deploy_reads_it_back_unchanged(
    sandbox: SandboxHandle, deploy: Deploy, repo: str, tmp_path: Path
) -> None:
    digest = push(sandbox, "app", "v1", "first")
    assert deploy("--function-name", "img", "--image-uri", f"{repo}:v1", "--role", ROLE).code == 0
    init = CliRunner().invoke(cli, ["init", "img"], catch_exceptions=False)
    assert init.exit_code == 0, init.stderr
    spec = json.loads(init.stdout)
    assert spec["Code"] == {"ImageUri": f"{repo}:v1@{digest}"}  # the bytes, and their tag

    path = tmp_path / "img.json"
    path.write_text(json.dumps(spec))
    before = len(sandbox.calls)
    again = deploy("--spec", str(path))
    assert again.code == 0, again.stderr
    assert [c.operation for c in sandbox.calls[before:] if c.mutating] == []
