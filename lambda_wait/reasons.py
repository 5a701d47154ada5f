"""The reason-code catalogue: what every StateReasonCode and
LastUpdateStatusReasonCode means and what to do about it. Pure data.

A test compares this catalogue with the enums in the installed botocore model,
so a botocore upgrade that adds a code fails CI instead of drifting silently.
"""

from __future__ import annotations

from dataclasses import dataclass

COOLDOWN_SECONDS = 300
"""Lambda waits at least this long before retrying ENI creation after a cooldown code."""

# The docs spell it without the trailing s; the API enum with it.
ALIASES: dict[str, str] = {"InsufficientRolePermission": "InsufficientRolePermissions"}


@dataclass(frozen=True)
class ReasonInfo:
    """One catalogue entry."""

    code: str
    title: str
    meaning: str
    remedy: str
    transient: bool
    cooldown: bool = False


@dataclass(frozen=True)
class DecodedReason:
    """A reason code as observed on a function, decoded for people and scripts."""

    code: str | None
    aws_message: str | None
    info: ReasonInfo | None

    @property
    def known(self) -> bool:
        return self.info is not None

    @property
    def title(self) -> str:
        if self.info is not None:
            return self.info.title
        return self.code or "no reason given"

    @property
    def transient(self) -> bool | None:
        return None if self.info is None else self.info.transient

    @property
    def cooldown(self) -> bool:
        return self.info is not None and self.info.cooldown

    @property
    def remedy(self) -> str | None:
        return None if self.info is None else self.info.remedy

    def to_dict(self) -> dict[str, object]:
        """JSON form (stable keys)."""
        return {
            "code": self.code,
            "message": self.aws_message,
            "known": self.known,
            "title": self.title,
            "meaning": None if self.info is None else self.info.meaning,
            "remedy": self.remedy,
            "transient": self.transient,
            "cooldown": self.cooldown,
        }


def _r(code: str, title: str, meaning: str, remedy: str, *, transient: bool,
       cooldown: bool = False) -> ReasonInfo:
    return ReasonInfo(code, title, meaning, remedy, transient, cooldown)


CATALOGUE: dict[str, ReasonInfo] = {
    info.code: info
    for info in (
        _r("Idle", "Idle: network interfaces reclaimed",
           "The function was not invoked for a long time and Lambda reclaimed its VPC "
           "network interfaces.",
           "Invoke the function (or run `lambda-wait wait --wake`) to restore it.",
           transient=True),
        _r("Creating", "Being created", "Lambda is provisioning the function.",
           "Wait; this usually takes seconds, about a minute in a VPC.", transient=True),
        _r("Restoring", "Being restored",
           "An invocation triggered the restore of an Inactive function's network.",
           "Wait for the function to become Active.", transient=True),
        _r("SubnetOutOfIPAddresses", "Subnet out of IP addresses",
           "All IP addresses in a configured subnet are in use.",
           "Free addresses in the subnets or add subnets with free addresses to VpcConfig.",
           transient=False, cooldown=True),
        _r("InsufficientRolePermissions", "Execution role lacks permissions",
           "The execution role does not exist or lacks the permissions Lambda needs "
           "(for a VPC: ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces, "
           "ec2:DeleteNetworkInterface).",
           "Fix the role (e.g. attach AWSLambdaVPCAccessExecutionRole).",
           transient=False, cooldown=True),
    )
}


def lookup(code: str | None) -> ReasonInfo | None:
    """The catalogue entry for ``code`` (accepting documented spellings), or None."""
    if not code:
        return None
    return CATALOGUE.get(ALIASES.get(code, code))


def decode(code: str | None, aws_message: str | None) -> DecodedReason | None:
    """Decode a (code, message) pair; None when both are absent."""
    if not code and not aws_message:
        return None
    return DecodedReason(code=code, aws_message=aws_message, info=lookup(code))
