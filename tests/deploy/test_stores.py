"""The pure decisions of S3 uploads and ECR images: the key, the checksum match, the
Region check, an image URI's parts, a manifest list's platform, the nearest tags."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from lambda_wait.deploy.package import code_sha256
from lambda_wait.deploy.stores import (
    SHA_METADATA,
    check_bucket_region,
    content_key,
    parse_image_uri,
    platform_of,
    resolve_image,
    same_object,
    with_tag,
)
from lambda_wait.errors import AuthError, AwsUnavailableError, UsageError

HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
DIGEST = "sha256:" + "a" * 64
ARM = "sha256:" + "b" * 64


class Registry:
    """An ImageRegistry over a dict of tags (and an index for the tag ``multi``)."""

    def __init__(self, tags: dict[str, str], manifest: dict[str, Any] | None = None) -> None:
        self.tags_, self.manifest = tags, manifest or {"schemaVersion": 2}
        self.listed = 0

    def image(
        self,
        registry: str | None,
        repository: str,
        *,
        tag: str | None = None,
        digest: str | None = None,
    ) -> tuple[str, dict[str, Any]] | None:
        if digest is not None:
            return (digest, self.manifest) if digest in self.tags_.values() else None
        found = self.tags_.get(tag or "")
        return None if found is None else (found, self.manifest)

    def tags(self, registry: str | None, repository: str) -> list[str]:
        self.listed += 1
        return list(self.tags_)


def test_the_key_is_the_packages_sha256_in_hex_under_the_prefix() -> None:
    sha = code_sha256(b"zip bytes")
    hexed = hashlib.sha256(b"zip bytes").hexdigest()
    assert content_key(None, sha) == f"{hexed}.zip"
    assert content_key("/builds/fn/", sha) == f"builds/fn/{hexed}.zip"


def test_an_object_is_the_package_only_with_the_same_checksum_and_size() -> None:
    sha = code_sha256(b"x")
    head = {"ContentLength": 1, "Metadata": {SHA_METADATA: sha}}
    assert same_object(head, sha, 1)
    assert not same_object(head, code_sha256(b"y"), 1)
    assert not same_object({**head, "ContentLength": 2}, sha, 1)
    assert not same_object({"ContentLength": 1}, sha, 1)
    assert not same_object(None, sha, 1)


def test_a_bucket_in_another_region_is_one_line_naming_the_fix() -> None:
    check_bucket_region("b", "us-east-1", "us-east-1")
    with pytest.raises(UsageError) as caught:
        check_bucket_region("b", "eu-west-1", "us-east-1")
    assert "--s3-bucket" in caught.value.one_line() and "us-east-1" in caught.value.hint


def test_an_ecr_uri_is_parsed_and_a_bare_repository_means_latest() -> None:
    name = parse_image_uri(f"{HOST}/team/app:v1")
    assert name is not None and (name.repository, name.tag, name.digest) == ("team/app", "v1", None)
    assert name.region == "eu-west-1" and name.account == "123456789012"
    bare = parse_image_uri(f"{HOST}/app")
    assert bare is not None and bare.tag == "latest"
    pinned = parse_image_uri(f"{HOST}/app@{DIGEST}")
    assert pinned is not None and (pinned.tag, pinned.digest) == (None, DIGEST)
    assert pinned.pinned(ARM) == f"{HOST}/app@{ARM}"
    assert parse_image_uri("docker.io/library/python:3.12") is None


def test_a_tag_resolves_to_its_digest() -> None:
    resolved = resolve_image(Registry({"v1": DIGEST}), f"{HOST}/app:v1", "x86_64")
    assert resolved is not None
    assert (resolved.uri, resolved.sha256) == (f"{HOST}/app@{DIGEST}", "a" * 64)
    assert "single-platform" in resolved.note


def test_a_missing_tag_names_the_nearest_ones_and_a_missing_digest_says_so() -> None:
    registry = Registry({"release-1.2": DIGEST, "release-1.3": ARM, "dev": DIGEST})
    with pytest.raises(UsageError, match=r"nearest tags: release-1\.3, release-1\.2"):
        resolve_image(registry, f"{HOST}/app:release-1.4", "x86_64")
    with pytest.raises(UsageError, match="some tags: dev"):
        resolve_image(registry, f"{HOST}/app:zzzzzzzzzzzzzzzzz", "x86_64")
    with pytest.raises(UsageError, match="deleted"):
        resolve_image(registry, f"{HOST}/app@sha256:{'c' * 64}", "x86_64")
    with pytest.raises(UsageError, match="has no tags"):
        resolve_image(Registry({}), f"{HOST}/app:v1", "x86_64")


INDEX = {
    "mediaType": "application/vnd.oci.image.index.v1+json",
    "manifests": [
        {"digest": DIGEST, "platform": {"os": "linux", "architecture": "amd64"}},
        {"digest": ARM, "platform": {"os": "linux", "architecture": "arm64"}},
        {"digest": "sha256:" + "d" * 64, "platform": {"os": "unknown", "architecture": "unknown"}},
    ],
}


def test_a_manifest_list_gives_the_digest_of_the_functions_platform() -> None:
    assert platform_of(INDEX, "arm64", "u")[0] == ARM
    assert platform_of(INDEX, "x86_64", "u")[0] == DIGEST
    only_amd = {"manifests": INDEX["manifests"][:1]}
    with pytest.raises(UsageError, match=r"no linux/arm64 image .*it has: linux/amd64"):
        platform_of(only_amd, "arm64", "u")
    index_digest = "sha256:" + "e" * 64
    resolved = resolve_image(Registry({"multi": index_digest}, INDEX), f"{HOST}/app:multi", "arm64")
    assert resolved is not None and resolved.uri == f"{HOST}/app@{ARM}"


class Denied(Registry):
    def image(self, *args: Any, **kwargs: Any) -> tuple[str, dict[str, Any]] | None:
        raise AuthError("permission denied for ecr:BatchGetImage")


def test_without_ecr_read_a_digest_is_deployed_unchecked_and_a_tag_is_refused() -> None:
    resolved = resolve_image(Denied({}), f"{HOST}/app@{DIGEST}", "x86_64")
    assert resolved is not None and resolved.uri == f"{HOST}/app@{DIGEST}"
    assert "not checked" in resolved.note
    with pytest.raises(AuthError):
        resolve_image(Denied({}), f"{HOST}/app:v1", "x86_64")


def test_an_image_in_another_regions_ecr_is_exit_2_before_any_read() -> None:
    registry = Registry({"v1": DIGEST})
    with pytest.raises(UsageError, match="in ECR in eu-west-1, the function in us-east-1"):
        resolve_image(registry, f"{HOST}/app:v1", "x86_64", "us-east-1")
    assert resolve_image(registry, f"{HOST}/app:v1", "x86_64", "eu-west-1") is not None


SINGLE = {"schemaVersion": 2, "config": {"digest": "sha256:" + "c" * 64}}


class Configured(Registry):
    """A registry whose single-platform image's config says ``arch`` (or raises it)."""

    def __init__(self, arch: str | Exception) -> None:
        super().__init__({"v1": DIGEST}, SINGLE)
        self.arch = arch
        self.asked: list[str] = []

    def config_architecture(self, registry: str | None, repository: str, digest: str) -> str:
        self.asked.append(digest)
        if isinstance(self.arch, Exception):
            raise self.arch
        return self.arch


def test_a_single_platform_images_architecture_is_checked_against_the_functions() -> None:
    arm = Configured("arm64")
    resolved = resolve_image(arm, f"{HOST}/app:v1", "arm64")
    assert resolved is not None and resolved.note == "a single-platform linux/arm64 image"
    assert resolved.warning is None and arm.asked == ["sha256:" + "c" * 64]
    with pytest.raises(UsageError) as caught:
        resolve_image(Configured("amd64"), f"{HOST}/app:v1", "arm64")
    line = caught.value.one_line()
    assert "is linux/amd64, the function's Architectures is arm64" in line
    assert "--architecture x86_64" in line and "--platform linux/arm64" in line
    with pytest.raises(UsageError) as other:
        resolve_image(Configured("arm64"), f"{HOST}/app:v1", "x86_64")
    assert "--architecture arm64" in other.value.one_line()


def test_a_config_that_cannot_be_read_is_a_warning_naming_the_permission() -> None:
    denied = resolve_image(Configured(AuthError("no")), f"{HOST}/app:v1", "x86_64")
    assert denied is not None and denied.uri == f"{HOST}/app@{DIGEST}"
    assert denied.warning is not None and "ecr:GetDownloadUrlForLayer" in denied.warning
    down = resolve_image(Configured(AwsUnavailableError("timed out")), f"{HOST}/app:v1", "arm64")
    assert down is not None and down.warning is not None and "timed out" in down.warning


class Tagged:
    """ImageTags over a list (or an error)."""

    def __init__(self, tags: list[str] | Exception) -> None:
        self.tags = tags

    def digest_tags(self, registry: str | None, repository: str, digest: str) -> list[str]:
        if isinstance(self.tags, Exception):
            raise self.tags
        return self.tags


def test_init_names_the_one_tag_of_a_pinned_image_and_otherwise_keeps_the_digest() -> None:
    pinned = f"{HOST}/app@{DIGEST}"
    assert with_tag(Tagged(["v1"]), pinned) == f"{HOST}/app:v1@{DIGEST}"
    assert with_tag(Tagged(["latest", "v1"]), pinned) == f"{HOST}/app:v1@{DIGEST}"
    assert with_tag(Tagged(["latest"]), pinned) == f"{HOST}/app:latest@{DIGEST}"
    assert with_tag(Tagged(["v1", "v2"]), pinned) == pinned  # which one: not guessed
    assert with_tag(Tagged([]), pinned) == pinned
    assert with_tag(Tagged(AuthError("denied")), pinned) == pinned
    assert with_tag(Tagged(["v1"]), f"{HOST}/app:v0") == f"{HOST}/app:v0"
    assert with_tag(Tagged(["v1"]), "docker.io/x@" + DIGEST) == "docker.io/x@" + DIGEST


def test_a_tag_beside_a_digest_deploys_the_digest_even_when_the_tag_has_moved() -> None:
    registry = Registry({"v1": ARM, "old": DIGEST})  # v1 now names another image
    resolved = resolve_image(registry, f"{HOST}/app:v1@{DIGEST}", "x86_64")
    assert resolved is not None and resolved.uri == f"{HOST}/app@{DIGEST}"
