"""Provisioned concurrency: a config's snapshot, its classification, and deploy rules.

Rules encoded here (sources in docs/deploy.md, "Provisioned concurrency"):

- A config lives on a published version or an alias, never on ``$LATEST``.
- Status goes IN_PROGRESS -> READY, or FAILED with a StatusReason.
- Moving an alias re-allocates its provisioned concurrency on the new version.
- Provisioned concurrency cannot exceed the function's reserved concurrency, and at
  least 100 of the account's concurrency must stay unreserved.
- While an alias has routing weights, its provisioned concurrency cannot be managed.

Pure: no boto3, botocore, click or rich.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from lambda_wait.reasons import DecodedReason, decode_provisioned_reason
from lambda_wait.states import Assessment, Phase

IN_PROGRESS = "IN_PROGRESS"
READY = "READY"
FAILED = "FAILED"
KNOWN_STATUSES = (IN_PROGRESS, READY, FAILED)

LATEST = "$LATEST"
MIN_UNRESERVED = 100
"""Concurrency Lambda keeps unreserved for functions without reserved concurrency."""

INIT_FAILURE = "FUNCTION_ERROR_INIT_FAILURE"


def log_group(function_name: str) -> str:
    """The CloudWatch Logs group a function writes to (the default one)."""
    return f"/aws/lambda/{function_name}"


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class ProvisionedSnapshot:
    """One read of the provisioned concurrency config of an alias or version."""

    function_name: str
    qualifier: str
    requested: int | None
    allocated: int | None
    available: int | None
    status: str | None
    status_reason: str | None
    last_modified: str | None = None

    @classmethod
    def from_response(
        cls, function_name: str, qualifier: str, doc: Mapping[str, Any]
    ) -> ProvisionedSnapshot:
        """Parse a Get/PutProvisionedConcurrencyConfig answer (or a list item)."""
        return cls(
            function_name=function_name,
            qualifier=qualifier,
            requested=_int(doc.get("RequestedProvisionedConcurrentExecutions")),
            allocated=_int(doc.get("AllocatedProvisionedConcurrentExecutions")),
            available=_int(doc.get("AvailableProvisionedConcurrentExecutions")),
            status=doc.get("Status"),
            status_reason=doc.get("StatusReason"),
            last_modified=doc.get("LastModified"),
        )

    @property
    def reason_decoded(self) -> DecodedReason | None:
        return decode_provisioned_reason(self.status_reason)

    @property
    def key(self) -> tuple[str | None, int | None, int | None]:
        """What counts as a change worth reporting."""
        return (self.status, self.allocated, self.available)

    @property
    def counts(self) -> str:
        """``allocated/requested (available N)``, for one line of output."""

        def show(n: int | None) -> str:
            return "?" if n is None else str(n)

        return (
            f"{show(self.allocated)}/{show(self.requested)} allocated, "
            f"{show(self.available)} available"
        )

    def to_dict(self) -> dict[str, object]:
        """JSON form (stable keys)."""
        decoded = self.reason_decoded
        return {
            "qualifier": self.qualifier,
            "requested": self.requested,
            "allocated": self.allocated,
            "available": self.available,
            "status": self.status,
            "status_reason": self.status_reason,
            "status_reason_decoded": None if decoded is None else decoded.to_dict(),
            "last_modified": self.last_modified,
        }


def failure_summary(snap: ProvisionedSnapshot) -> str:
    """One sentence on a FAILED config: what failed and where to look."""
    decoded = snap.reason_decoded
    where = f"{snap.function_name}:{snap.qualifier}"
    if decoded is not None and decoded.code == INIT_FAILURE:
        return (
            f"provisioned concurrency on {where} FAILED: the function's initialisation "
            f"failed; read its log group {log_group(snap.function_name)}"
        )
    reason = snap.status_reason or "no StatusReason given"
    return f"provisioned concurrency on {where} FAILED: {reason}"


def assess_provisioned(snap: ProvisionedSnapshot) -> Assessment:
    """Classify a config: READY, still allocating, FAILED, or a status not known yet."""
    if snap.status == READY:
        return Assessment(Phase.READY, f"provisioned concurrency READY ({snap.counts})", None)
    if snap.status == IN_PROGRESS:
        return Assessment(
            Phase.IN_PROGRESS, f"provisioned concurrency IN_PROGRESS ({snap.counts})", None
        )
    if snap.status == FAILED:
        return Assessment(Phase.FAILED, failure_summary(snap), snap.reason_decoded)
    return Assessment(
        Phase.OTHER,
        f"provisioned concurrency status {snap.status!r} not known: treated as not ready",
        snap.reason_decoded,
    )


# --- deploy rules --------------------------------------------------------------------------


class ProvisionedAction(StrEnum):
    """What a deploy does to the alias's provisioned concurrency config."""

    PUT = "put"
    DELETE = "delete"
    NONE = "none"


def plan_provisioned(desired: int, current: ProvisionedSnapshot | None) -> ProvisionedAction:
    """Put when the requested amount differs, delete for 0, nothing when unchanged.

    Unchanged means no call even after the alias moved: Lambda re-allocates the
    existing config on the alias's new version by itself.
    """
    if desired == 0:
        return ProvisionedAction.DELETE if current is not None else ProvisionedAction.NONE
    if current is not None and current.requested == desired:
        return ProvisionedAction.NONE
    return ProvisionedAction.PUT


def provisioned_limit(
    *,
    reserved: int | None,
    unreserved: int | None,
    current_on_qualifier: int = 0,
) -> int | None:
    """The most provisioned concurrency this qualifier can ask for, or None if unknown.

    With reserved concurrency on the function, provisioned concurrency cannot exceed it.
    Otherwise it comes out of the account's unreserved pool, of which 100 must stay
    free; the qualifier's current config already counts against the pool.
    """
    if reserved is not None:
        return reserved
    if unreserved is not None:
        return max(0, unreserved + current_on_qualifier - MIN_UNRESERVED)
    return None


def check_request(count: int, *, alias: str | None, latest: bool = False) -> str | None:
    """The problem with ``--provisioned-concurrency count`` before any call, or None."""
    if count < 0:
        return (
            f"--provisioned-concurrency must be 0 or more, got {count}: give the number of "
            "execution environments to keep initialised (0 removes the config)"
        )
    if alias is None:
        return (
            "--provisioned-concurrency needs --alias: provisioned concurrency lives on an "
            "alias (or a published version), never on $LATEST; add e.g. --alias live"
        )
    if latest or alias == LATEST:
        return (
            "--provisioned-concurrency cannot apply to $LATEST: point the alias at a "
            "published version (deploy with --alias and --publish)"
        )
    return None


def check_limit(count: int, limit: int | None, *, reserved: int | None) -> str | None:
    """The problem with asking for ``count`` against the account's limit, or None."""
    if limit is None or count <= limit:
        return None
    if reserved is not None:
        return (
            f"--provisioned-concurrency {count} is above the function's reserved "
            f"concurrency ({reserved}): lower it, or raise the reserved concurrency with "
            "`aws lambda put-function-concurrency`"
        )
    return (
        f"--provisioned-concurrency {count} is above what the account can provision "
        f"({limit}: unreserved concurrency minus the {MIN_UNRESERVED} Lambda keeps "
        "unreserved): lower it or request a higher concurrency quota in Service Quotas"
    )


def check_routing(alias: str, weights: Mapping[str, float] | None) -> str | None:
    """Lambda refuses to manage an alias's provisioned concurrency while it has weights."""
    if not weights:
        return None
    shown = ", ".join(f"{version}={weight:g}" for version, weight in sorted(weights.items()))
    return (
        f"alias {alias} has routing weights ({shown}): Lambda does not manage provisioned "
        "concurrency on an alias while routing is in place; finish or clear the weighted "
        f"rollout first (`aws lambda update-alias --name {alias} --routing-config '{{}}'`)"
    )


def rollback_hint(function_name: str, alias: str, previous_version: str | None) -> str:
    """How to go back after allocation failed on the version the alias now points to."""
    if previous_version is None:
        return (
            f"to stop paying for it, remove the config: aws lambda "
            f"delete-provisioned-concurrency-config --function-name {function_name} "
            f"--qualifier {alias}"
        )
    return (
        f"to go back: aws lambda update-alias --function-name {function_name} --name {alias} "
        f"--function-version {previous_version} (Lambda re-allocates the provisioned "
        "concurrency on that version)"
    )
