"""deploy --s3-bucket against the sandbox: the package goes through S3 (s3transfer,
multipart), with progress; the same package again sends no upload and no update; a
bucket in another Region and a zip over 50 MB without a bucket are exit 2, one line."""

from __future__ import annotations

import os
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from lambda_wait.aws import LambdaApi
from lambda_wait.aws_path import AwsCallPath
from lambda_wait.clock import Clock
from lambda_wait.deploy import package
from lambda_wait.deploy.model import DeployResult, EventKind, StepEvent
from lambda_wait.deploy.spec import FlagValues
from lambda_wait.errors import ExitCode, UsageError
from lambda_wait.release.executor import ShiftOptions
from lambda_wait.result import DeployPayload
from lambda_wait.sandbox import SandboxHandle
from lambda_wait.usecases.deploy import DeployRequest, run_deploy
from lambda_wait.waiter import WaitEvent

ROLE = "arn:aws:iam::123456789012:role/deploy-test-role"


@dataclass
class Notes:
    """A progress sink: the steps' notes, kept."""

    lines: list[str] = field(default_factory=list)
    steps: list[tuple[str, str]] = field(default_factory=list)

    def step(self, event: StepEvent, function: str, *, several: bool = False) -> None:
        self.steps.append((event.step.name, str(event.kind)))
        if event.kind is EventKind.NOTE and event.message:
            self.lines.append(event.message)
        if event.kind is EventKind.UPLOAD and event.upload is not None:
            sent, total = event.upload
            self.lines.append(f"uploaded {sent * 100 // total}% ({sent} of {total} bytes)")

    def progress(self, event: WaitEvent) -> None:
        pass


class Requests:
    """Every request sent through the given clients, by service and operation."""

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()

    def __call__(self, model: Any, **_: Any) -> None:
        self.sent[f"{model.service_model.service_name}:{model.name}"] += 1

    def of(self, service: str) -> dict[str, int]:
        return {k.split(":")[1]: v for k, v in self.sent.items() if k.startswith(service + ":")}


class Setup:
    """A DeploySetup over the sandbox's Lambda, S3 and ECR clients, counting requests."""

    def __init__(self, sandbox: SandboxHandle, requests: Requests) -> None:
        self.sandbox, self.requests = sandbox, requests

    def check_release(self, alias: str | None, specs: int) -> None:
        pass

    def api(self, clock: Clock, timeout: float) -> LambdaApi:
        from botocore.config import Config

        # Clients of its own (a config given: not the handle's shared ones) to count on.
        clients = {n: self.sandbox.client(n, config=Config()) for n in ("lambda", "s3", "ecr")}
        for client in clients.values():
            client.meta.events.register("before-call", self.requests)
        return LambdaApi(AwsCallPath.over(clients, clock=clock))

    def shift(self, api: LambdaApi, function: str, alias: str) -> ShiftOptions | None:
        return None


def deploy_zip(
    sandbox: SandboxHandle,
    name: str,
    zip_path: Path,
    bucket: str | None,
    notes: Notes,
    requests: Requests | None = None,
    **more: Any,
) -> DeployResult:
    """One deploy of ``zip_path`` through the use case (``bucket``: upload through S3)."""
    flags = FlagValues(
        function_name=name,
        zip_file=str(zip_path),
        s3_bucket=bucket,
        role=ROLE,
        runtime="python3.12",
        handler="app.handler",
        **more,
    )
    request = DeployRequest(flags=flags, timeout=120.0, history=False)
    run = run_deploy(request, Setup(sandbox, requests or Requests()), notes, env={})
    assert isinstance(run.payload, DeployPayload)
    (result,) = run.payload.results
    return result


def random_zip(path: Path, size: int) -> Path:
    """A zip of ``size`` random (incompressible) bytes and a handler."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
        archive.writestr("blob.bin", os.urandom(size))
    return path


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Multipart from 5 MB (S3's smallest part) and the 50 MB limit at 4 MB: a 12 MB
    zip goes through the same paths a 120 MB one does (bench/s3_upload.py runs that)."""
    monkeypatch.setattr("lambda_wait.s3.PART_BYTES", 5 * 1_048_576)
    monkeypatch.setattr(package, "MAX_DIRECT_UPLOAD_BYTES", 4 * 1_048_576)


def test_a_package_goes_through_s3_once_and_an_unchanged_one_sends_nothing(
    sandbox: SandboxHandle, aws_env: None, tmp_path: Path, small_parts: None
) -> None:
    sandbox.client("s3").create_bucket(Bucket="code-bucket")
    zip_path = random_zip(tmp_path / "big.zip", 12 * 1_048_576)
    notes, requests = Notes(), Requests()
    first = deploy_zip(sandbox, "big", zip_path, "code-bucket", notes, requests, s3_prefix="fn")
    assert first.exit_code is ExitCode.READY, first.error
    assert first.applied == ["upload", "create"]
    assert [n for n in notes.lines if n.startswith("uploaded")][-1].startswith("uploaded 100%")
    assert len([n for n in notes.lines if n.startswith("uploaded")]) == 10  # one per 10 %
    uploads = requests.of("s3")
    assert uploads["CreateMultipartUpload"] == 1 and uploads["UploadPart"] == 3
    assert uploads["GetBucketLocation"] == 1 and uploads["HeadObject"] == 2
    listed = sandbox.client("s3").list_objects_v2(Bucket="code-bucket")["Contents"]
    assert [o["Key"] for o in listed] == [f"fn/{first.plan and _hex(first)}.zip"]
    live = sandbox.client().get_function_configuration(FunctionName="big")
    assert live["CodeSha256"] == first.code_sha256

    again, requests = Notes(), Requests()
    second = deploy_zip(sandbox, "big", zip_path, "code-bucket", again, requests, s3_prefix="fn")
    assert second.exit_code is ExitCode.READY and second.applied == []
    assert requests.of("s3") == {}  # no HeadObject either: the CodeSha256 comparison came first
    assert requests.of("lambda") == {"GetFunction": 1}  # one read: nothing sent


def test_the_object_already_in_the_bucket_is_not_sent_again(
    sandbox: SandboxHandle, aws_env: None, tmp_path: Path, small_parts: None
) -> None:
    sandbox.client("s3").create_bucket(Bucket="code-bucket")
    zip_path = random_zip(tmp_path / "a.zip", 6 * 1_048_576)
    deploy_zip(sandbox, "one", zip_path, "code-bucket", Notes())
    requests = Requests()
    other = deploy_zip(sandbox, "two", zip_path, "code-bucket", Notes(), requests)
    assert other.exit_code is ExitCode.READY and other.applied == ["create"]
    upload = next(s for s in other.steps if s.name == "upload")
    assert upload.detail is not None and upload.detail.startswith("already in s3://code-bucket/")
    assert "PutObject" not in requests.of("s3") and "UploadPart" not in requests.of("s3")


def test_a_versioned_bucket_deploys_the_object_version(
    sandbox: SandboxHandle, aws_env: None, tmp_path: Path
) -> None:
    s3 = sandbox.client("s3")
    s3.create_bucket(Bucket="versioned-code")
    s3.put_bucket_versioning(Bucket="versioned-code", VersioningConfiguration={"Status": "Enabled"})
    zip_path = random_zip(tmp_path / "v.zip", 1024)
    result = deploy_zip(sandbox, "ver", zip_path, "versioned-code", Notes())
    assert result.exit_code is ExitCode.READY, result.error
    upload = next(s for s in result.steps if s.name == "upload")
    assert upload.detail is not None and ", version " in upload.detail


def test_a_bucket_in_another_region_is_exit_2_before_any_upload(
    sandbox: SandboxHandle, aws_env: None, tmp_path: Path
) -> None:
    sandbox.client("s3").create_bucket(
        Bucket="far-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    requests = Requests()
    result = deploy_zip(
        sandbox, "far", random_zip(tmp_path / "f.zip", 1024), "far-bucket", Notes(), requests
    )
    assert result.exit_code is ExitCode.USAGE
    assert result.error is not None and "\n" not in result.error.one_line()
    assert "is in eu-west-1, the function in us-east-1" in result.error.message
    assert "--s3-bucket" in result.error.one_line()
    assert requests.of("s3") == {"GetBucketLocation": 1}
    assert "CreateFunction" not in requests.of("lambda")


def test_a_zip_over_50_mb_without_a_bucket_names_the_flag(
    sandbox: SandboxHandle, aws_env: None, tmp_path: Path, small_parts: None
) -> None:
    zip_path = random_zip(tmp_path / "big.zip", 5 * 1_048_576)
    with pytest.raises(UsageError, match=r"over Lambda's 50 MB limit.*add --s3-bucket"):
        deploy_zip(sandbox, "big", zip_path, None, Notes())
    assert sandbox.calls == []


def _hex(result: DeployResult) -> str:
    import base64

    return base64.b64decode(result.code_sha256 or "").hex()
