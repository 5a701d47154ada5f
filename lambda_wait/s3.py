"""S3's typed adapter for the code upload: GetBucketLocation, HeadObject and a managed
upload (s3transfer: multipart, parallel parts).

Thin, as every service's adapter is: :class:`S3Api` hands each request to the one call
path (:mod:`lambda_wait.aws_path`), which budgets it, bounds it by the run's Deadline,
reads the server clock, translates its errors (:data:`S3_ERRORS`) and cleans its text.
The upload is the one exception the path documents (:meth:`AwsCallPath.transfer`):
s3transfer sends its parts itself, with the path's client, after one budget slot; the
path cancels it at the deadline and on Ctrl-C.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from lambda_wait.aws_errors import ServiceErrors
from lambda_wait.aws_path import AwsCallPath, Quota, Service
from lambda_wait.errors import AuthError, LambdaWaitError, UsageError

if TYPE_CHECKING:
    from lambda_wait.aws import LambdaApi

# A part of 16 MB: a 120 MB package is 8 parts, 4 sent at once.
PART_BYTES = 16 * 1024 * 1024
CONCURRENCY = 4


class S3NotFoundError(LambdaWaitError):
    """HeadObject's 404: no object under that key (the upload then sends it)."""


def _s3_specific(code: str, message: str, params: Mapping[str, Any]) -> LambdaWaitError | None:
    bucket = params.get("Bucket", "")
    if code == "NoSuchBucket":
        return UsageError(
            f"S3 bucket {bucket!r} does not exist: {message}",
            hint="Create it in the function's Region, or name another with --s3-bucket.",
        )
    if code in ("404", "NoSuchKey", "NotFound"):
        return S3NotFoundError(f"s3://{bucket}/{params.get('Key', '')} does not exist")
    if code == "403":  # a HEAD request's refusal carries no body, hence no error code
        return AuthError(
            f"permission denied reading s3://{bucket}/{params.get('Key', '')} (HTTP 403)",
            hint="Grant s3:GetObject on the bucket's objects (HeadObject needs it) to the caller.",
        )
    return None


S3_ERRORS = ServiceErrors(
    "S3",
    "s3",
    throttled=frozenset({"SlowDown", "Throttling", "RequestLimitExceeded"}),
    invalid=frozenset({"InvalidBucketName", "InvalidArgument", "InvalidRequest"}),
    auth_remedy="or deploy without --s3-bucket (a zip up to 50 MB goes in the request)",
    specific=_s3_specific,
    endpoint_hint="check AWS_ENDPOINT_URL_S3 / --endpoint-url and any proxy",
)
# S3's request rates are per prefix (3,500 writes, 5,500 reads a second): far above a deploy's.
S3 = Service("s3", S3_ERRORS, Quota("s3:requests", 20.0))


class S3Api:
    """The S3 requests a code upload needs, in one Region; raises only lambda-wait errors."""

    def __init__(self, path: AwsCallPath, region: str | None = None) -> None:
        self.path = path
        self.region = path.region_of(region)

    @classmethod
    def beside(cls, api: LambdaApi) -> S3Api:
        """S3 on ``api``'s path, in its Region (the function's)."""
        return cls(api.path, api.region)

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        return self.path.call(S3, self.region, operation, params)

    def bucket_region(self, bucket: str) -> str:
        """The Region ``bucket`` is in (GetBucketLocation; us-east-1 answers no constraint)."""
        answer = self._call("get_bucket_location", Bucket=bucket)
        location = answer.get("LocationConstraint")
        if not location:
            return "us-east-1"
        return "eu-west-1" if location == "EU" else str(location)

    def head_object(self, bucket: str, key: str) -> dict[str, Any] | None:
        """The object's metadata (ContentLength, Metadata, VersionId), or None if absent."""
        try:
            return self._call("head_object", Bucket=bucket, Key=key)
        except S3NotFoundError:
            return None

    def upload(
        self,
        bucket: str,
        key: str,
        data: bytes,
        metadata: Mapping[str, str],
        on_bytes: Callable[[int], None],
    ) -> None:
        """Upload ``data`` with s3transfer (multipart above :data:`PART_BYTES`, parts in
        parallel); ``on_bytes`` is told each chunk sent, from s3transfer's threads."""
        from s3transfer.manager import TransferConfig, TransferManager
        from s3transfer.subscribers import BaseSubscriber

        class _Progress(BaseSubscriber):
            def on_progress(self, future: Any, bytes_transferred: int, **_: Any) -> None:
                on_bytes(bytes_transferred)

        config = TransferConfig(
            multipart_threshold=PART_BYTES,
            multipart_chunksize=PART_BYTES,
            max_request_concurrency=CONCURRENCY,
        )
        extra = {"Metadata": dict(metadata), "ContentType": "application/zip"}
        managers: list[Any] = []

        def start(client: Any) -> Any:
            manager = TransferManager(client, config)
            managers.append(manager)
            return manager.upload(io.BytesIO(data), bucket, key, extra, [_Progress()])

        try:
            self.path.transfer(S3, self.region, "put_object", start)
        finally:
            for manager in managers:
                manager.shutdown(cancel=True)
