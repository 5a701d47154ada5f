"""ECR's typed reads for an image function: does the tag or digest exist, for which
architecture, and may Lambda pull it (the repository policy). A minimal adapter: the
`reach` lane's ``lambda_wait/ecr.py`` (image digests for deploy) is the full one."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from lambda_wait.evidence.services import ECR, ServiceReads, listed

_IMAGE_URI = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/"
    r"(?P<repo>[^:@]+)(?::(?P<tag>[^@]+))?(?:@(?P<digest>sha256:[0-9a-f]{64}))?$"
)
_ARCH = {"amd64": "x86_64", "arm64": "arm64"}


@dataclass(frozen=True)
class ImageRef:
    account: str
    region: str
    repository: str
    tag: str | None
    digest: str | None

    @classmethod
    def parse(cls, uri: str) -> ImageRef | None:
        match = _IMAGE_URI.match(uri)
        if match is None:
            return None
        return cls(match["account"], match["region"], match["repo"], match["tag"], match["digest"])

    def image_id(self) -> dict[str, str]:
        return {"imageDigest": self.digest} if self.digest else {"imageTag": self.tag or "latest"}


@dataclass(frozen=True)
class Image:
    digest: str | None
    architectures: tuple[str, ...]  # Lambda's names (x86_64, arm64); () when unknown


class EcrReads(ServiceReads):
    """BatchGetImage (the manifest: digest and architecture) and GetRepositoryPolicy."""

    service = ECR

    def image(self, ref: ImageRef) -> Image | None:
        """The image ``ref`` names, or None when ECR has no such tag or digest."""
        answer = self._call(
            "batch_get_image",
            registryId=ref.account,
            repositoryName=ref.repository,
            imageIds=[ref.image_id()],
            acceptedMediaTypes=[
                "application/vnd.docker.distribution.manifest.list.v2+json",
                "application/vnd.oci.image.index.v1+json",
                "application/vnd.docker.distribution.manifest.v2+json",
                "application/vnd.oci.image.manifest.v1+json",
            ],
        )
        images = listed(answer, "images")
        if not images:
            return None
        image = images[0]
        digest = (image.get("imageId") or {}).get("imageDigest")
        return Image(digest, _architectures(str(image.get("imageManifest") or "")))

    def lambda_may_pull(self, ref: ImageRef) -> bool | None:
        """Whether the repository policy lets Lambda's service principal pull (None:
        no policy, which is fine for the same account)."""
        answer = self._call(
            "get_repository_policy", registryId=ref.account, repositoryName=ref.repository
        )
        text = str(answer.get("policyText") or "")
        return "lambda.amazonaws.com" in text and "ecr:BatchGetImage" in text if text else None


def _architectures(manifest: str) -> tuple[str, ...]:
    """The platforms an index lists (a single manifest does not say: its config does)."""
    try:
        doc: Any = json.loads(manifest)
    except ValueError:
        return ()
    entries = doc.get("manifests") if isinstance(doc, dict) else None
    found = [
        _ARCH.get(str((m.get("platform") or {}).get("architecture")), "")
        for m in entries or []
        if isinstance(m, dict)
    ]
    return tuple(sorted({a for a in found if a}))
