"""deploy --image-uri against the sandbox's ECR: a tag is resolved to its digest before
anything is sent, the plan shows both, an unchanged digest sends no update, a tag moved
to a new image does, and a tag that is not there is exit 2 with the nearest tags."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from lambda_wait.deploy.model import DeployResult
from lambda_wait.deploy.spec import FlagValues
from lambda_wait.errors import ExitCode
from lambda_wait.result import DeployPayload
from lambda_wait.sandbox import SandboxHandle
from lambda_wait.usecases.deploy import DeployRequest, run_deploy
from tests.deploy.conftest import Deploy, base_args
from tests.deploy.test_s3_sandbox import ROLE, Notes, Requests, Setup


def push(sandbox: SandboxHandle, repository: str, tag: str, layer: str, arch: str = "amd64") -> str:
    """Put a linux/``arch`` image (one layer named ``layer``) under ``tag``; its digest."""
    ecr = sandbox.client("ecr")
    layer_digest = "sha256:" + hashlib.sha256(layer.encode()).hexdigest()
    config = {"architecture": arch, "os": "linux", "rootfs": {"diff_ids": [layer_digest]}}
    blob = json.dumps(config).encode()
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": len(blob),
            "digest": sandbox.sandbox.put_image_config(blob),
        },
        "layers": [
            {
                "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                "size": 100,
                "digest": layer_digest,
            }
        ],
    }
    answer = ecr.put_image(
        repositoryName=repository, imageManifest=json.dumps(manifest), imageTag=tag
    )
    return str(answer["image"]["imageId"]["imageDigest"])


@pytest.fixture
def repo(sandbox: SandboxHandle) -> str:
    answer = sandbox.client("ecr").create_repository(repositoryName="app")
    return str(answer["repository"]["repositoryUri"])


def deploy_image(
    sandbox: SandboxHandle,
    uri: str,
    requests: Requests,
    *,
    dry_run: bool = False,
    alias: str | None = None,
) -> DeployResult:
    flags = FlagValues(function_name="img", image_uri=uri, role=ROLE)
    request = DeployRequest(flags=flags, timeout=120.0, history=False, dry_run=dry_run, alias=alias)
    run = run_deploy(request, Setup(sandbox, requests), Notes(), env={})
    assert isinstance(run.payload, DeployPayload)
    (result,) = run.payload.results
    return result


def test_a_tag_deploys_its_digest_and_an_unchanged_tag_sends_no_update(
    sandbox: SandboxHandle, aws_env: None, repo: str
) -> None:
    digest = push(sandbox, "app", "v1", "first")
    requests = Requests()
    created = deploy_image(sandbox, f"{repo}:v1", requests)
    assert created.exit_code is ExitCode.READY, created.error
    assert created.plan is not None
    (line,) = [x for x in created.plan.lines() if x.startswith("create")]
    assert f"{repo}:v1 = {digest}" in line  # the plan shows the tag and its digest
    # The config's URL (its architecture: linux/amd64 runs on x86_64, the default).
    assert requests.of("ecr") == {"BatchGetImage": 1, "GetDownloadUrlForLayer": 1}
    live = sandbox.client().get_function(FunctionName="img")
    assert live["Code"]["ImageUri"] == f"{repo}@{digest}"
    assert live["Configuration"]["CodeSha256"] == digest.removeprefix("sha256:")

    again = Requests()
    same = deploy_image(sandbox, f"{repo}:v1", again)
    assert same.exit_code is ExitCode.READY and same.applied == []
    assert again.of("lambda") == {"GetFunction": 1}  # one read, no update
    assert again.of("ecr") == {"BatchGetImage": 1, "GetDownloadUrlForLayer": 1}

    moved = push(sandbox, "app", "v1", "second")  # the tag now names another image
    updated = deploy_image(sandbox, f"{repo}:v1", Requests())
    assert updated.applied == ["update-code"]
    assert sandbox.client().get_function(FunctionName="img")["Code"]["ImageUri"].endswith(moved)


def test_a_tag_that_is_not_there_is_exit_2_with_the_nearest_tags(
    sandbox: SandboxHandle, aws_env: None, repo: str
) -> None:
    for tag, layer in (("v1.2", "a"), ("v1.3", "b"), ("latest", "c")):
        push(sandbox, "app", tag, layer)
    requests = Requests()
    result = deploy_image(sandbox, f"{repo}:v1.4", requests)
    assert result.exit_code is ExitCode.USAGE and result.error is not None
    line = result.error.one_line()
    assert "image tag 'v1.4' is not in repository 'app'; nearest tags: v1.3, v1.2" in line
    assert "\n" not in line
    assert "CreateFunction" not in requests.of("lambda")
    assert requests.of("ecr") == {"BatchGetImage": 1, "ListImages": 1}


def test_a_dry_run_resolves_the_tag_and_sends_nothing(
    sandbox: SandboxHandle, aws_env: None, repo: str, tmp_path: Path
) -> None:
    digest = push(sandbox, "app", "v1", "first")
    requests = Requests()
    result = deploy_image(sandbox, f"{repo}:v1", requests, dry_run=True)
    assert result.exit_code is ExitCode.READY
    assert result.plan is not None and digest in " ".join(result.plan.lines())
    assert set(requests.of("lambda")) == {"GetFunction"}


def test_prune_keeps_a_version_whose_image_an_alias_serves(
    sandbox: SandboxHandle, aws_env: None, repo: str
) -> None:
    from lambda_wait.aws import LambdaApi
    from lambda_wait.release.actions import versions

    served = push(sandbox, "app", "a", "image-a")
    push(sandbox, "app", "b", "image-b")
    push(sandbox, "app", "c", "image-c")
    for tag in ("a", "b", "c", "a"):  # versions 1..4; live on 4, whose image is 1's too
        result = deploy_image(sandbox, f"{repo}:{tag}", Requests(), alias="live")
        assert result.exit_code is ExitCode.READY, result.error
    api = LambdaApi(sandbox.client())
    listed = versions(api, "img")
    assert (listed.rows[0].version, listed.rows[0].image_digest) == ("4", served)
    assert "IMAGE DIGEST" in listed.lines()[0] and served[:19] in listed.lines()[1]
    pruned = versions(api, "img", prune=True, keep=0)
    assert pruned.deleted == ["2", "3"]  # 1 holds the image live serves: kept
    assert pruned.prune is not None
    assert pruned.prune.kept["1"] == f"alias live (serves the same image {served[:19]})"
    assert pruned.prune.kept["4"] == "alias live"


def test_the_cli_says_a_missing_tag_and_a_far_bucket_in_one_line_each(
    sandbox: SandboxHandle, deploy: Deploy, repo: str, src: Path
) -> None:
    push(sandbox, "app", "v1", "first")
    missing = deploy("--function-name", "img", "--image-uri", f"{repo}:v2", "--role", ROLE)
    assert missing.code == 2  # the deploy's failure block: its first line says it all
    line = missing.stderr.splitlines()[0]
    assert "image tag 'v2' is not in repository 'app'; nearest tags: v1" in line
    sandbox.client("s3").create_bucket(
        Bucket="far-code", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    far = deploy(*base_args("far", src), "--s3-bucket", "far-code")
    assert far.code == 2
    line = far.stderr.splitlines()[0]
    assert "S3 bucket 'far-code' is in eu-west-1, the function in us-east-1" in line
    assert [c.operation for c in sandbox.calls if c.mutating] == []
