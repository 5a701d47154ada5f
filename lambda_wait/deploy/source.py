"""The deploy's code source: a zip (from a file or a packed directory, perhaps uploaded
through S3), an object already in S3, or a container image; the request's ``Code``
for each. Pure apart from reading files."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from lambda_wait.deploy.package import code_sha256, read_zip_file
from lambda_wait.deploy.stores import content_key
from lambda_wait.errors import UsageError

FILEB = "fileb://"

CodeKind = Literal["zip-file", "code-dir", "s3", "image", "none"]


@dataclass
class S3Upload:
    """Where a zip or directory package goes in S3 before Lambda reads it: the key is
    its content's (:func:`~lambda_wait.deploy.stores.content_key`); the object's version
    is learnt when it is uploaded or found there."""

    bucket: str
    key: str
    version_id: str | None = None


@dataclass(frozen=True)
class CodeSource:
    """Where the function's code comes from; zip kinds carry the bytes and CodeSha256."""

    kind: CodeKind
    label: str
    zip_bytes: bytes | None = field(default=None, repr=False)
    sha256: str | None = None
    s3_bucket: str | None = None
    s3_key: str | None = None
    s3_object_version: str | None = None
    image_uri: str | None = None
    upload: S3Upload | None = field(default=None, compare=False)  # a package sent via S3
    image_given: str | None = None  # the tag an image was asked by (image_uri: its digest)

    @property
    def package_type(self) -> str:
        return "Image" if self.kind == "image" else "Zip"

    def create_code(self) -> dict[str, Any]:
        """CreateFunction's ``Code``."""
        if self.upload is not None:
            uploaded: dict[str, Any] = {"S3Bucket": self.upload.bucket, "S3Key": self.upload.key}
            if self.upload.version_id:
                uploaded["S3ObjectVersion"] = self.upload.version_id
            return uploaded
        if self.zip_bytes is not None:
            return {"ZipFile": self.zip_bytes}
        if self.image_uri is not None:
            return {"ImageUri": self.image_uri}
        code: dict[str, Any] = {"S3Bucket": self.s3_bucket, "S3Key": self.s3_key}
        if self.s3_object_version:
            code["S3ObjectVersion"] = self.s3_object_version
        return code

    def update_params(self) -> dict[str, Any]:
        """UpdateFunctionCode's code parameters (same keys, at the top level)."""
        return self.create_code()

    def to_dict(self) -> dict[str, Any]:
        """JSON form (never the bytes)."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "source": self.label,
            "code_sha256": self.sha256,
            "size_bytes": None if self.zip_bytes is None else len(self.zip_bytes),
        }
        if self.upload is not None:
            out["s3_upload"] = f"s3://{self.upload.bucket}/{self.upload.key}"
        if self.kind == "image":
            out["image_uri"] = self.image_uri
            out["image_given"] = self.image_given
        return out


# No code given: deploy updates only the configuration (creating needs code).
NO_CODE = CodeSource("none", "no code given (configuration only)")


def zip_source(
    kind: CodeKind, label: str, data: bytes, bucket: str | None = None, prefix: str | None = None
) -> CodeSource:
    sha = code_sha256(data)
    upload = None if not bucket else S3Upload(bucket, content_key(prefix, sha))
    return CodeSource(kind, label, zip_bytes=data, sha256=sha, upload=upload)


def s3_source(bucket: Any, key: Any, version: Any, *, where: str) -> CodeSource:
    if not bucket or not key:
        raise UsageError(f"{where}: code from S3 needs both a bucket and a key.")
    label = f"s3://{bucket}/{key}" + (f"?versionId={version}" if version else "")
    return CodeSource(
        "s3", label, s3_bucket=str(bucket), s3_key=str(key), s3_object_version=version or None
    )


def spec_code_source(
    spec_code: Mapping[str, Any], spec_dir: Path, bucket: str | None, prefix: str | None
) -> CodeSource:
    where = "Code in the spec"
    s3_named = "S3Key" in spec_code or ("S3Bucket" in spec_code and bucket is None)
    kinds = [
        k
        for k, present in (
            ("ZipFile", "ZipFile" in spec_code),
            ("S3Bucket/S3Key", s3_named),
            ("ImageUri", "ImageUri" in spec_code),
        )
        if present
    ]
    if len(kinds) > 1:
        raise UsageError(f"{where} names two code sources ({' and '.join(kinds)}): keep one.")
    if not kinds:  # configuration only: an existing function keeps its code
        if bucket is not None:
            raise UsageError(
                f'{where}: "S3Bucket" without "S3Key" uploads a package: give --zip-file or '
                '--code-dir (or "ZipFile"), or add "S3Key" for code already in S3.'
            )
        return NO_CODE
    if "ZipFile" in spec_code:
        value = spec_code["ZipFile"]
        if not isinstance(value, str) or not value.startswith(FILEB):
            raise UsageError(
                f'{where}: "ZipFile" must be "fileb://PATH" (relative to the spec file).'
            )
        path = Path(value[len(FILEB) :]).expanduser()
        if not path.is_absolute():
            path = spec_dir / path
        data = read_zip_file(path, via_s3=bucket is not None)
        return zip_source("zip-file", str(path), data, bucket, prefix)
    if "ImageUri" in spec_code:
        return CodeSource("image", str(spec_code["ImageUri"]), image_uri=str(spec_code["ImageUri"]))
    return s3_source(
        spec_code.get("S3Bucket"),
        spec_code.get("S3Key"),
        spec_code.get("S3ObjectVersion"),
        where=where,
    )
