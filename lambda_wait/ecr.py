"""ECR's typed adapter for container-image deploys: BatchGetImage (a tag's digest and
manifest), ListImages (the repository's tags, for a tag that does not resolve),
GetDownloadUrlForLayer (a single-platform image's config blob, for its architecture) and
DescribeImages (the tags of a digest, for ``init``).

Thin, as every service's adapter is: :class:`EcrApi` hands each request to the one call
path (:mod:`lambda_wait.aws_path`), which budgets it, bounds it by the run's Deadline,
reads the server clock, translates its errors (:data:`ECR_ERRORS`) and cleans its text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lambda_wait.answers import PageGuard
from lambda_wait.aws_errors import ServiceErrors
from lambda_wait.aws_path import AwsCallPath, Quota, Service
from lambda_wait.errors import LambdaWaitError, UnexpectedAnswerError, UsageError

if TYPE_CHECKING:
    from lambda_wait.aws import LambdaApi

# Manifest media types BatchGetImage may answer with; Lambda pulls any of them.
ACCEPTED_MEDIA_TYPES = [
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
]

# An image config is a few KB (its history grows it); more is not a config.
MAX_CONFIG = 1024 * 1024


class ImageNotFoundError(LambdaWaitError):
    """The tag (or digest) is not in the repository."""

    exit_code = UsageError.exit_code


def _ecr_specific(code: str, message: str, params: Mapping[str, Any]) -> LambdaWaitError | None:
    repository = params.get("repositoryName", "")
    if code == "RepositoryNotFoundException":
        return UsageError(
            f"ECR repository {repository!r} does not exist: {message}",
            hint="Check --image-uri's repository, its account and Region.",
        )
    if code in ("ImageNotFoundException", "LayersNotFoundException"):
        return ImageNotFoundError(f"image not found in {repository!r}: {message}")
    return None


ECR_ERRORS = ServiceErrors(
    "ECR",
    "ecr",
    throttled=frozenset({"ThrottlingException", "TooManyRequestsException"}),
    invalid=frozenset({"InvalidParameterException", "ValidationException"}),
    auth_remedy="or give --image-uri as REPO@sha256:DIGEST (then it is deployed unchecked)",
    specific=_ecr_specific,
    endpoint_hint="check AWS_ENDPOINT_URL_ECR / --endpoint-url and any proxy",
)
# ECR's per-account rates: BatchGetImage 2,000 req/s, ListImages 20, DescribeImages 20.
ECR = Service("ecr", ECR_ERRORS, Quota("ecr:reads", 5.0))


class EcrApi:
    """The ECR reads an image deploy needs, in one Region; raises only lambda-wait errors."""

    def __init__(self, path: AwsCallPath, region: str | None = None) -> None:
        self.path = path
        self.region = path.region_of(region)

    @classmethod
    def beside(cls, api: LambdaApi) -> EcrApi:
        """ECR on ``api``'s path, in its Region (the function's)."""
        return cls(api.path, api.region)

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        return self.path.call(ECR, self.region, operation, params)

    def image(
        self,
        registry: str | None,
        repository: str,
        *,
        tag: str | None = None,
        digest: str | None = None,
    ) -> tuple[str, dict[str, Any]] | None:
        """(digest, manifest) of the image ``tag`` or ``digest`` names, or None if absent."""
        image_id = {"imageTag": tag} if tag is not None else {"imageDigest": digest}
        params: dict[str, Any] = {
            "repositoryName": repository,
            "imageIds": [image_id],
            "acceptedMediaTypes": ACCEPTED_MEDIA_TYPES,
        }
        if registry:
            params["registryId"] = registry
        try:
            answer = self._call("batch_get_image", **params)
        except ImageNotFoundError:
            return None
        for image in answer.get("images") or []:
            found = str((image.get("imageId") or {}).get("imageDigest") or "")
            if found:
                return found, _manifest(image.get("imageManifest"))
        return None

    def config_architecture(self, registry: str | None, repository: str, config_digest: str) -> str:
        """The ``architecture`` (amd64, arm64) in the image config blob ``config_digest``:
        GetDownloadUrlForLayer's presigned URL (a secret: never returned, logged or put in
        an error), fetched as ``init --download`` fetches code, bounded by the Deadline."""
        params: dict[str, Any] = {"repositoryName": repository, "layerDigest": config_digest}
        if registry:
            params["registryId"] = registry
        answer = self._call("get_download_url_for_layer", **params)
        location = str(answer.get("downloadUrl") or "")
        if not location.startswith(("https://", "http://")):
            raise UnexpectedAnswerError("GetDownloadUrlForLayer gave no download URL")
        from lambda_wait.code_download import fetch_blob

        bounded = max(0.001, self.path.deadline.clamp(30.0))  # 0: urlopen non-blocking
        data = fetch_blob(location, "the image's config", limit=MAX_CONFIG, timeout=bounded)
        return _blob_architecture(data)

    def digest_tags(self, registry: str | None, repository: str, digest: str) -> list[str]:
        """The tags that name the image ``digest`` (DescribeImages; none if absent)."""
        params: dict[str, Any] = {
            "repositoryName": repository,
            "imageIds": [{"imageDigest": digest}],
        }
        if registry:
            params["registryId"] = registry
        try:
            answer = self._call("describe_images", **params)
        except ImageNotFoundError:
            return []
        details = answer.get("imageDetails") or []
        return sorted({str(tag) for d in details for tag in d.get("imageTags") or []})

    def tags(self, registry: str | None, repository: str) -> list[str]:
        """Every tag in the repository (ListImages, paged)."""
        params: dict[str, Any] = {"repositoryName": repository, "filter": {"tagStatus": "TAGGED"}}
        if registry:
            params["registryId"] = registry
        found: list[str] = []
        guard = PageGuard("list_images")
        while True:
            page = self._call("list_images", **params)
            found += [str(i["imageTag"]) for i in page.get("imageIds") or [] if i.get("imageTag")]
            token = guard.next(page.get("nextToken"))
            if token is None:
                return found
            params["nextToken"] = token


def _blob_architecture(data: bytes) -> str:
    """The ``architecture`` of an image config blob (UnexpectedAnswerError if none)."""
    try:
        value = json.loads(data)
    except ValueError:
        value = None
    found = value.get("architecture") if isinstance(value, dict) else None
    if not isinstance(found, str) or not found:
        raise UnexpectedAnswerError("the image's config names no architecture")
    return found


def _manifest(text: Any) -> dict[str, Any]:
    """The manifest's JSON ({} when absent or unreadable: then nothing is checked)."""
    try:
        value = json.loads(str(text)) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
