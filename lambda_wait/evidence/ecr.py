"""ECR's one evidence read beyond the image itself: may Lambda pull from the
repository (GetRepositoryPolicy). The image (its digest and manifest) is read by the
deploy's ECR adapter, :class:`lambda_wait.ecr.EcrApi`, shared with this package."""

from __future__ import annotations

from typing import Any

from lambda_wait.evidence.services import ECR, ServiceReads

_ARCH = {"amd64": "x86_64", "arm64": "arm64"}  # the manifest's names -> Lambda's


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
