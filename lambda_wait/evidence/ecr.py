"""ECR's one evidence read beyond the image itself: may Lambda pull from the
repository (GetRepositoryPolicy). The image (its digest and manifest) is read by the
deploy's ECR adapter, :class:`lambda_wait.ecr.EcrApi`, shared with this package."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lambda_wait.evidence.services import ECR, ServiceReads

_ARCH = {"amd64": "x86_64", "arm64": "arm64"}  # the manifest's names -> Lambda's
_IMAGE_URI = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/"
    r"(?P<repo>[^:@]+)(?::(?P<tag>[^@]+))?(?:@(?P<digest>sha256:[0-9a-f]{64}))?$"
)


@dataclass(frozen=True)
class ImageRef:
    """An ECR image URI's parts (a tag defaults to ``latest``)."""

    account: str
    region: str
    repository: str
    tag: str | None
    digest: str | None

    @classmethod
    def parse(cls, uri: str) -> ImageRef | None:
        """The parts, or None for a URI that is not ECR's."""
        match = _IMAGE_URI.match(uri)
        if match is None:
            return None
        tag, digest = match["tag"], match["digest"]
        return cls(
            match["account"],
            match["region"],
            match["repo"],
            tag or (None if digest else "latest"),
            digest,
        )


class EcrPolicyReads(ServiceReads):
    """GetRepositoryPolicy."""

    service = ECR

    def lambda_may_pull(self, account: str, repository: str) -> bool | None:
        """Whether the repository policy lets Lambda's service principal pull (None: no
        policy, which is fine for the same account)."""
        answer = self._call("get_repository_policy", registryId=account, repositoryName=repository)
        text = str(answer.get("policyText") or "")
        return "lambda.amazonaws.com" in text and "ecr:BatchGetImage" in text if text else None


def architectures(manifest: dict[str, Any]) -> tuple[str, ...]:
    """The platforms an index lists, by Lambda's names (a single manifest says none)."""
    entries = manifest.get("manifests")
    found = [
        _ARCH.get(str((m.get("platform") or {}).get("architecture")), "")
        for m in entries or []
        if isinstance(m, dict)
    ]
    return tuple(sorted({a for a in found if a}))


def policy_line(pull: bool | None) -> str:
    """What the repository policy says about Lambda, in one line."""
    if pull is None:
        return "no repository policy (same-account pulls need none)"
    return (
        "the repository policy lets Lambda pull"
        if pull
        else "the repository policy does not name Lambda"
    )
