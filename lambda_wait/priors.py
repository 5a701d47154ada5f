"""What a wait awaits and how long it usually takes: the operation kinds and their priors (pure).

A prior is a duration distribution (a mixture of lognormals) read from what AWS
documents; :mod:`lambda_wait.schedule` turns it into a poll schedule. docs/performance.md,
"The waiting model", quotes the sources.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lambda_wait.states import FunctionSnapshot


class OperationKind(StrEnum):
    """What a wait is waiting for (decides the prior)."""

    CREATE = "create"
    CODE_UPDATE = "code-update"
    CONFIG_UPDATE = "config-update"
    UPDATE = "update"  # code or configuration: a read cannot tell them apart
    VPC = "vpc"  # a create with a VpcConfig, or a VPC attach or change
    PUBLISH = "publish"
    SNAPSTART_PUBLISH = "snapstart-publish"
    RESTORE = "restore"  # from Inactive
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Component:
    """One lognormal part of a prior: ``weight``, ``median`` seconds, log-spread ``sigma``."""

    weight: float
    median: float
    sigma: float

    def survival(self, t: float) -> float:
        """P(still running at ``t``); erfc keeps the far tail exact."""
        if t <= 0:
            return 1.0
        z = (math.log(t) - math.log(self.median)) / (self.sigma * math.sqrt(2.0))
        return 0.5 * math.erfc(z)


@dataclass(frozen=True)
class Prior:
    """A duration distribution: a mixture of lognormals."""

    components: tuple[Component, ...]

    def survival(self, t: float) -> float:
        total = sum(c.weight for c in self.components)
        return sum(c.weight * c.survival(t) for c in self.components) / total

    def cdf(self, t: float) -> float:
        return 1.0 - self.survival(t)

    def done_within(self, t: float, dt: float) -> float:
        """P(done by ``t + dt`` | not done at ``t``)."""
        alive = self.survival(t)
        if alive <= 0.0:
            return 0.0  # past every plausible end: the model has nothing to say
        return max(0.0, min(1.0, 1.0 - self.survival(t + dt) / alive))

    def quantile(self, p: float, after: float = 0.0) -> float:
        """The duration by which a share ``p`` of the operations still running at ``after``
        have ended (bisection); ``after=0``: of all operations."""
        alive = self.survival(after)
        if alive <= 0.0:
            return after
        target = alive * (1.0 - p)
        lo, hi = after, max(1.0, 2.0 * after)
        while self.survival(hi) > target and hi < 1e7:
            hi *= 2.0
        for _ in range(60):
            mid = (lo + hi) / 2.0
            lo, hi = (mid, hi) if self.survival(mid) > target else (lo, mid)
        return hi

    def mixed(self, other: Prior, weight: float) -> Prior:
        """This prior with weight ``weight``, ``other`` with the rest."""
        mine = sum(c.weight for c in self.components)
        theirs = sum(c.weight for c in other.components)
        return Prior(
            tuple(Component(c.weight * weight / mine, c.median, c.sigma) for c in self.components)
            + tuple(
                Component(c.weight * (1 - weight) / theirs, c.median, c.sigma)
                for c in other.components
            )
        )


def _one(median: float, sigma: float) -> Prior:
    return Prior((Component(1.0, median, sigma),))


# The priors, from the AWS Lambda developer guide (docs/performance.md quotes them).
# Every documented figure ("a few seconds", "about a minute", "several minutes") gets the
# same spread, SPREAD: 95 % of operations within ~3x of the median either way; what AWS
# does not document at all is wider (inferred, below).
SPREAD = 0.6
FAST = _one(3.0, SPREAD)  # non-VPC create or update: "usually a few seconds"
CONFIG_FAST = _one(2.0, SPREAD)  # a configuration-only change re-provisions nothing heavy
IMAGE = _one(15.0, 0.9)  # container image: Lambda optimises the image first (inferred)
# A new image function stays Pending while Lambda optimises the image: minutes for a
# large one (inferred from AWS's "can take several minutes"; wide on purpose).
IMAGE_CREATE = _one(45.0, 0.9)
# New network interfaces: "when you first connect a function to a VPC ... about a
# minute"; new Hyperplane ENIs: "several minutes".
VPC = Prior((Component(0.7, 60.0, SPREAD), Component(0.3, 240.0, SPREAD)))
# A VPC create or attach reuses the Hyperplane ENI of an existing subnet and security
# group combination when there is one (then it is as fast as any change); a read cannot
# tell: half and half.
VPC_ATTACH = FAST.mixed(VPC, 0.5)
SNAPSTART = _one(120.0, SPREAD)  # a SnapStart version is Pending while the snapshot is taken
RESTORE_NO_VPC = _one(10.0, 1.0)  # no AWS figure: wide on purpose (inferred)
UNKNOWN = FAST.mixed(VPC, 0.5)


def prior_for(kind: OperationKind, *, image: bool = False, in_vpc: bool = False) -> Prior:  # noqa: PLR0911 -- one return per operation kind's prior
    """The prior for ``kind`` on a Zip (or ``image``) function, in a VPC or not."""
    fast = IMAGE if image else FAST
    if kind is OperationKind.CREATE:
        create = IMAGE_CREATE if image else FAST
        return create.mixed(VPC, 0.5) if in_vpc else create
    if kind is OperationKind.CODE_UPDATE:
        return fast
    if kind is OperationKind.CONFIG_UPDATE:
        return CONFIG_FAST
    if kind is OperationKind.UPDATE:
        # A VPC function's update may or may not touch its network: half and half.
        either = fast.mixed(CONFIG_FAST, 0.5)
        return either.mixed(VPC, 0.5) if in_vpc else either
    if kind is OperationKind.VPC:
        return VPC_ATTACH
    if kind is OperationKind.PUBLISH:
        # Recorded AWS answers: a version of an idle $LATEST is Active at once; one reads
        # Pending only while the update (or create) that published it runs, so it takes
        # what that operation takes.
        return fast
    if kind is OperationKind.SNAPSTART_PUBLISH:
        return SNAPSTART
    if kind is OperationKind.RESTORE:
        return VPC if in_vpc else RESTORE_NO_VPC
    return UNKNOWN


def kind_of(snap: FunctionSnapshot) -> OperationKind:  # noqa: PLR0911 -- one return per state that names the operation
    """What the function is busy with, as far as one read tells."""
    published = snap.version not in (None, "$LATEST")
    if snap.state == "Pending":
        if published:
            if snap.snap_start_apply_on == "PublishedVersions":
                return OperationKind.SNAPSTART_PUBLISH
            return OperationKind.PUBLISH
        if snap.state_reason_code == "Restoring":
            return OperationKind.RESTORE
        return OperationKind.VPC if snap.in_vpc else OperationKind.CREATE
    if snap.state == "Inactive":
        return OperationKind.RESTORE
    if snap.last_update_status == "InProgress":
        return OperationKind.UPDATE
    return OperationKind.UNKNOWN
