"""The S3 and ECR adapters over the call path (botocore's Stubber, the test clock), and
the path's managed transfer: the deadline and Ctrl-C cancel it, its errors are ours."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import botocore.exceptions
import pytest
from botocore.stub import Stubber

from lambda_wait.aws_path import AwsCallPath
from lambda_wait.clock import Deadline, ManualClock
from lambda_wait.ecr import EcrApi
from lambda_wait.errors import AuthError, DeadlineReachedError, ExitCode, UsageError
from lambda_wait.s3 import S3, S3Api


def client(service: str) -> Any:
    return boto3.client(
        service, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )


@pytest.fixture
def s3(clock: ManualClock) -> Iterator[tuple[S3Api, Stubber]]:
    raw = client("s3")
    with Stubber(raw) as stubber:
        yield S3Api(AwsCallPath.over({"s3": raw}, clock=clock)), stubber


@pytest.fixture
def ecr(clock: ManualClock) -> Iterator[tuple[EcrApi, Stubber]]:
    raw = client("ecr")
    with Stubber(raw) as stubber:
        yield EcrApi(AwsCallPath.over({"ecr": raw}, clock=clock)), stubber


def test_a_buckets_region_reads_no_constraint_as_us_east_1(s3: tuple[S3Api, Stubber]) -> None:
    api, stub = s3
    stub.add_response("get_bucket_location", {}, {"Bucket": "b-1"})
    stub.add_response("get_bucket_location", {"LocationConstraint": "EU"}, {"Bucket": "b-1"})
    stub.add_response(
        "get_bucket_location", {"LocationConstraint": "ap-south-1"}, {"Bucket": "b-1"}
    )
    assert [api.bucket_region("b-1") for _ in range(3)] == ["us-east-1", "eu-west-1", "ap-south-1"]


def test_head_object_is_none_when_absent_and_a_missing_bucket_is_exit_2(
    s3: tuple[S3Api, Stubber],
) -> None:
    api, stub = s3
    stub.add_client_error("head_object", "404", "Not Found", 404)
    assert api.head_object("b-1", "k") is None
    stub.add_client_error("get_bucket_location", "NoSuchBucket", "no such bucket", 404)
    with pytest.raises(UsageError) as caught:
        api.bucket_region("b-1")
    assert caught.value.exit_code is ExitCode.USAGE and "--s3-bucket" in caught.value.one_line()
    stub.add_client_error("head_object", "403", "Forbidden", 403)
    with pytest.raises(AuthError, match="permission denied reading s3://b-1/k") as denied:
        api.head_object("b-1", "k")
    assert "s3:GetObject" in denied.value.one_line()


def test_ecr_reads_a_tags_digest_and_pages_through_the_tags(ecr: tuple[EcrApi, Stubber]) -> None:
    api, stub = ecr
    digest = "sha256:" + "a" * 64
    stub.add_response(
        "batch_get_image",
        {"images": [{"imageId": {"imageDigest": digest}, "imageManifest": '{"schemaVersion": 2}'}]},
    )
    assert api.image("123456789012", "app", tag="v1") == (digest, {"schemaVersion": 2})
    stub.add_response("batch_get_image", {"images": [], "failures": []})
    assert api.image(None, "app", tag="gone") is None
    stub.add_response("list_images", {"imageIds": [{"imageTag": "a"}], "nextToken": "t"})
    stub.add_response("list_images", {"imageIds": [{"imageTag": "b"}, {"imageDigest": digest}]})
    assert api.tags(None, "app") == ["a", "b"]
    stub.add_client_error("batch_get_image", "RepositoryNotFoundException", "nope", 400)
    with pytest.raises(UsageError, match="ECR repository 'app' does not exist"):
        api.image(None, "app", tag="v1")


class Future:
    """A transfer that finishes after ``polls`` looks, or fails with ``error``."""

    def __init__(self, polls: int | None, error: Exception | None = None) -> None:
        self.polls, self.error, self.cancelled = polls, error, False

    def done(self) -> bool:
        if self.polls is None:
            return False
        self.polls -= 1
        return self.polls < 0

    def result(self) -> None:
        if self.error is not None:
            raise self.error

    def cancel(self) -> None:
        self.cancelled = True


def test_a_transfer_is_cancelled_at_the_deadline(clock: ManualClock) -> None:
    path = AwsCallPath.over({"s3": client("s3")}, clock=clock, deadline=Deadline(clock, 5.0))
    never = Future(None)
    with pytest.raises(DeadlineReachedError, match="put_object"):
        path.transfer(S3, None, "put_object", lambda _client: never)
    assert never.cancelled and clock.now() >= 5.0


def test_a_transfers_client_error_is_translated(clock: ManualClock) -> None:
    path = AwsCallPath.over({"s3": client("s3")}, clock=clock)
    denied = botocore.exceptions.ClientError(
        {"Error": {"Code": "AccessDenied", "Message": "no"}, "ResponseMetadata": {}}, "PutObject"
    )
    with pytest.raises(AuthError, match="s3:PutObject"):
        path.transfer(S3, None, "put_object", lambda _client: Future(2, denied))
    finished = Future(3)
    path.transfer(S3, None, "put_object", lambda _client: finished)
    assert not finished.cancelled
