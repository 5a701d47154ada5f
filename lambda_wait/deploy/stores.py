"""Where a deploy's code is kept besides Lambda: an S3 bucket (a package uploaded under a
content-addressed key) and an ECR repository (an image tag resolved to its digest).

The ports (:class:`ObjectStore`, :class:`ImageRegistry`) are what the steps need;
:class:`~lambda_wait.s3.S3Api` and :class:`~lambda_wait.ecr.EcrApi` satisfy them, and
the tests' fakes do too. The decisions here are pure: the key, the Region check, the
image reference's parts, the platform of a manifest list, the nearest tags.
"""

from __future__ import annotations

import base64
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from lambda_wait.errors import (
    AuthError,
    AwsUnavailableError,
    InvalidRequestError,
    LambdaWaitError,
    UnexpectedAnswerError,
    UsageError,
)


class ObjectStore(Protocol):
    """The S3 requests of a code upload (:class:`lambda_wait.s3.S3Api`)."""

    def bucket_region(self, bucket: str) -> str: ...

    def head_object(self, bucket: str, key: str) -> dict[str, Any] | None: ...

    def upload(
        self,
        bucket: str,
        key: str,
        data: bytes,
        metadata: Mapping[str, str],
        on_bytes: Callable[[int], None],
    ) -> None: ...


class ImageRegistry(Protocol):
    """The ECR reads of an image deploy (:class:`lambda_wait.ecr.EcrApi`)."""

    def image(
        self,
        registry: str | None,
        repository: str,
        *,
        tag: str | None = None,
        digest: str | None = None,
    ) -> tuple[str, dict[str, Any]] | None: ...

    def tags(self, registry: str | None, repository: str) -> list[str]: ...

    def config_architecture(
        self, registry: str | None, repository: str, config_digest: str
    ) -> str: ...


class ImageTags(Protocol):
    """The tags of an image (:meth:`lambda_wait.ecr.EcrApi.digest_tags`), for ``init``."""

    def digest_tags(self, registry: str | None, repository: str, digest: str) -> list[str]: ...


@dataclass(frozen=True)
class CodeStores:
    """The stores one deploy may use (None: that kind of code cannot be deployed)."""

    s3: ObjectStore | None = None
    ecr: ImageRegistry | None = None


# --- S3 -------------------------------------------------------------------------------

SHA_METADATA = "code-sha256"  # x-amz-meta-code-sha256: the package's CodeSha256


def content_key(prefix: str | None, sha256: str) -> str:
    """The package's key: ``PREFIX/<sha256 hex>.zip`` (the same bytes, the same key)."""
    hex_digest = base64.b64decode(sha256).hex()
    head = (prefix or "").strip("/")
    return f"{head}/{hex_digest}.zip" if head else f"{hex_digest}.zip"


def same_object(head: Mapping[str, Any] | None, sha256: str, size: int) -> bool:
    """Whether HeadObject's answer is this package already (its checksum and size)."""
    if head is None:
        return False
    metadata = {str(k).lower(): v for k, v in (head.get("Metadata") or {}).items()}
    return metadata.get(SHA_METADATA) == sha256 and head.get("ContentLength") == size


def check_bucket_region(bucket: str, bucket_region: str, function_region: str | None) -> None:
    """Lambda reads code only from a bucket in the function's Region: else exit 2."""
    if function_region and bucket_region != function_region:
        raise UsageError(
            f"S3 bucket {bucket!r} is in {bucket_region}, the function in {function_region}: "
            "Lambda reads code only from a bucket in the function's Region.",
            hint=f"Give --s3-bucket a bucket in {function_region}.",
        )


# --- ECR ------------------------------------------------------------------------------

_ECR_URI = re.compile(
    r"^(?P<host>(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(\.cn)?)"
    r"/(?P<repo>[a-z0-9._/-]+?)(?::(?P<tag>[\w][\w.-]{0,127}))?(?:@(?P<digest>sha256:[0-9a-f]{64}))?$"
)
# Lambda's Architectures -> an image platform's architecture.
PLATFORMS = {"x86_64": "amd64", "arm64": "arm64"}


@dataclass(frozen=True)
class ImageName:
    """An ECR image URI's parts."""

    host: str
    account: str
    region: str
    repository: str
    tag: str | None
    digest: str | None

    def pinned(self, digest: str) -> str:
        """The URI of ``digest`` in this repository."""
        return f"{self.host}/{self.repository}@{digest}"


def parse_image_uri(uri: str) -> ImageName | None:
    """The parts of an ECR image URI, or None (not ECR: left to Lambda to judge)."""
    match = _ECR_URI.match(uri)
    if not match:
        return None
    tag, digest = match.group("tag"), match.group("digest")
    return ImageName(
        match.group("host"),
        match.group("account"),
        match.group("region"),
        match.group("repo"),
        tag if tag or digest else "latest",
        digest,
    )


@dataclass(frozen=True)
class ResolvedImage:
    """An image reference resolved in ECR: the URI deployed (by digest) and what it is."""

    given: str
    uri: str
    digest: str
    note: str  # what was checked about its platform
    warning: str | None = None  # a check that could not be made (the deploy goes on)

    @property
    def sha256(self) -> str:
        """Lambda's CodeSha256 of an image function: the digest's hex."""
        return self.digest.removeprefix("sha256:")


def resolve_image(
    registry: ImageRegistry, uri: str, architecture: str, function_region: str | None = None
) -> ResolvedImage | None:
    """``uri`` by digest (None: not an ECR URI). A repository in another Region than the
    function, or a tag that is not there, is exit 2 (the latter with the repository's
    nearest tags); a manifest list gives the digest of the platform ``architecture`` runs
    (exit 2 if it has none)."""
    name = parse_image_uri(uri)
    if name is None:
        return None
    if function_region and name.region != function_region:
        raise UsageError(
            f"image {uri} is in ECR in {name.region}, the function in {function_region}: "
            "Lambda pulls images only from the function's Region.",
            hint=f"Push the image to a repository in {function_region} (or replicate it).",
        )
    tag = None if name.digest else name.tag  # REPO:TAG@DIGEST: the digest is what is deployed
    try:
        found = registry.image(name.account, name.repository, tag=tag, digest=name.digest)
    except AuthError:
        if name.digest is None:
            raise  # a tag cannot be deployed unresolved: its hint says what to grant
        return ResolvedImage(uri, uri, name.digest, "not checked: no ecr:BatchGetImage")
    if found is None:
        raise _missing(registry, name, uri)
    digest, manifest = found
    if name.digest and digest != name.digest:
        digest = name.digest
    child, note = platform_of(manifest, architecture, uri)
    if child is not None:
        return ResolvedImage(uri, name.pinned(child), child, note)
    note, warning = single_platform(registry, name, manifest, architecture, uri)
    return ResolvedImage(uri, name.pinned(digest), digest, note, warning)


# What a config that cannot be read costs: the check, never the deploy.
_UNREAD = (AuthError, AwsUnavailableError, UnexpectedAnswerError, InvalidRequestError)


def single_platform(
    registry: ImageRegistry,
    name: ImageName,
    manifest: Mapping[str, Any],
    architecture: str,
    uri: str,
) -> tuple[str, str | None]:
    """(what was checked, a warning or None) for a single-platform image: its config
    blob's architecture against ``architecture``; a mismatch is exit 2."""
    config = manifest.get("config")
    config_digest = config.get("digest") if isinstance(config, dict) else None
    if not isinstance(config_digest, str) or not config_digest:
        return "a single-platform image (its manifest names no config: not checked)", None
    try:
        found = registry.config_architecture(name.account, name.repository, config_digest)
    except _UNREAD as err:
        if isinstance(err, AuthError):
            why = "ecr:GetDownloadUrlForLayer is denied (grant it to check it)"
        else:
            why = f"its config could not be read ({_reason(err)})"
        return "a single-platform image (architecture not checked)", (
            f"the architecture of image {uri} was not checked: {why}"
        )
    wanted = PLATFORMS.get(architecture, architecture)
    if found != wanted:
        runs = next((k for k, v in PLATFORMS.items() if v == found), found)
        raise UsageError(
            f"image {uri} is linux/{found}, the function's Architectures is {architecture}: "
            "Lambda could not run it.",
            hint=f"Deploy with --architecture {runs}, or rebuild the image with "
            f"--platform linux/{wanted} and push it.",
        )
    return f"a single-platform linux/{found} image", None


def _reason(err: LambdaWaitError) -> str:
    return err.message[:160]


def platform_of(manifest: Mapping[str, Any], architecture: str, uri: str) -> tuple[str | None, str]:
    """(the digest of the platform to run, or None: the image itself; what was checked)."""
    wanted = PLATFORMS.get(architecture, architecture)
    entries = manifest.get("manifests")
    if not isinstance(entries, list):
        return None, "a single-platform image (its manifest does not name the platform)"
    offered: list[str] = []
    for entry in entries:
        platform = entry.get("platform") if isinstance(entry, dict) else None
        if not isinstance(platform, dict) or platform.get("architecture") == "unknown":
            continue  # attestation manifests (buildx) name no platform
        offered.append(f"{platform.get('os')}/{platform.get('architecture')}")
        if platform.get("os") == "linux" and platform.get("architecture") == wanted:
            return str(entry.get("digest")), f"linux/{wanted} from a multi-platform index"
    raise UsageError(
        f"image {uri} has no linux/{wanted} image for Architectures {architecture} "
        f"(it has: {', '.join(offered) or 'none'}).",
        hint=f"Build and push a linux/{wanted} image, or deploy with --architecture "
        f"{'arm64' if wanted == 'amd64' else 'x86_64'}.",
    )


def with_tag(images: ImageTags, uri: str) -> str:
    """``REPO:TAG@sha256:...`` for an ECR image pinned by digest when one tag names it
    (``latest`` only when it is the only one): the spec deploys the same bytes and says
    which tag they came from. Else ``uri`` unchanged (no tag, several, or unreadable)."""
    name = parse_image_uri(uri)
    if name is None or name.digest is None or name.tag is not None:
        return uri
    try:
        tags = images.digest_tags(name.account, name.repository, name.digest)
    except (*_UNREAD, UsageError):
        return uri
    named = [t for t in tags if t != "latest"] or tags
    if len(named) != 1:
        return uri
    return f"{name.host}/{name.repository}:{named[0]}@{name.digest}"


def _missing(registry: ImageRegistry, name: ImageName, uri: str) -> UsageError:
    if name.digest:
        return UsageError(
            f"image {uri} is not in repository {name.repository!r} (deleted?).",
            hint="Push it again, or deploy another tag or digest.",
        )
    tags = registry.tags(name.account, name.repository)
    near = difflib.get_close_matches(name.tag or "", tags, n=3, cutoff=0.3)
    listed = near or sorted(tags)[:3]
    which = "nearest tags" if near else "some tags"
    said = f"; {which}: {', '.join(listed)}" if listed else "; the repository has no tags"
    return UsageError(
        f"image tag {name.tag!r} is not in repository {name.repository!r}{said}.",
        hint="Push the tag, or give --image-uri a tag or digest that exists.",
    )
