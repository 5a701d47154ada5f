"""The services the evidence reads, as the call path knows them: each one's errors
(how it says "not found", "throttled", "denied") and the quota it spends. The typed
reads are beside this module, one per service (``ec2.py``, ``iam.py``, ``logs.py``,
``ecr.py``, ``kms.py``, ``efs.py``); none builds a client or retries on its own."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Self

from lambda_wait.aws_errors import ServiceErrors
from lambda_wait.aws_path import AwsCallPath, Quota, Service
from lambda_wait.errors import ExitCode, LambdaWaitError

if TYPE_CHECKING:
    from lambda_wait.aws import LambdaApi


class MissingResourceError(LambdaWaitError):
    """The resource a read names does not exist (a subnet, a role, an image tag)."""

    exit_code = ExitCode.NOT_FOUND


def _missing(
    codes: frozenset[str],
) -> Callable[[str, str, Mapping[str, Any]], LambdaWaitError | None]:
    def specific(code: str, message: str, params: Mapping[str, Any]) -> LambdaWaitError | None:
        return MissingResourceError(f"{code}: {message}") if code in codes else None

    return specific


def _errors(title: str, prefix: str, missing: set[str], throttled: set[str]) -> ServiceErrors:
    return ServiceErrors(
        title,
        prefix,
        throttled=frozenset(throttled | {"ThrottlingException", "Throttling"}),
        invalid=frozenset(
            {"InvalidParameterValue", "InvalidParameterException", "ValidationError"}
        ),
        auth_remedy="or pass --evidence off (the failure is reported without it)",
        specific=_missing(frozenset(missing)),
        endpoint_hint=f"check AWS_ENDPOINT_URL_{prefix.upper()} / --endpoint-url and any proxy",
    )


# Each rate is far under AWS's (EC2's Describe* bucket refills at 20/s, KMS's and ECR's
# reads at hundreds; IAM's reads are throttled near 20/s) and lets one failure's reads
# (a handful, 9 at most for a role) go out within a second.
EC2 = Service(
    "ec2",
    _errors(
        "EC2",
        "ec2",
        {
            "InvalidSubnetID.NotFound",
            "InvalidGroup.NotFound",
            "InvalidGroupId.Malformed",
            "InvalidSubnetID.Malformed",
            "InvalidVpcID.NotFound",
        },
        {"RequestLimitExceeded"},
    ),
    Quota("ec2:Describe", 10.0),
)
IAM = Service(
    "iam",
    _errors("IAM", "iam", {"NoSuchEntity", "NoSuchEntityException"}, set()),
    Quota("iam:Read", 10.0),
)
LOGS = Service(
    "logs",
    _errors("CloudWatch Logs", "logs", {"ResourceNotFoundException"}, set()),
    Quota("logs:FilterLogEvents", 2.0),
)
ECR = Service(
    "ecr",
    _errors(
        "ECR",
        "ecr",
        {
            "RepositoryNotFoundException",
            "ImageNotFoundException",
            "RepositoryPolicyNotFoundException",
        },
        set(),
    ),
    Quota("ecr:Read", 10.0),
)
KMS = Service(
    "kms",
    _errors("KMS", "kms", {"NotFoundException"}, set()),
    Quota("kms:Read", 10.0),
)
EFS = Service(
    "efs",
    _errors("EFS", "elasticfilesystem", {"FileSystemNotFound", "AccessPointNotFound"}, set()),
    Quota("elasticfilesystem:Describe", 5.0),
)


class ServiceReads:
    """A typed adapter's common part: one service on the function's path, in its Region."""

    service: Service

    def __init__(self, path: AwsCallPath, region: str | None = None) -> None:
        self.path = path
        self.region = path.region_of(region)

    @classmethod
    def beside(cls, api: LambdaApi) -> Self:
        """The service on ``api``'s path (session, budgets, deadline), in its Region."""
        return cls(api.path, api.region)

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        return self.path.call(self.service, self.region, operation, params)

    def action(self, operation: str) -> str:
        """The IAM action of ``operation`` (``describe_subnets`` -> ``ec2:DescribeSubnets``)."""
        return self.service.errors.action(operation)


def listed(page: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    """The objects under ``key`` of an answer (anything else is skipped: evidence reads
    what it can and never fails the command)."""
    value = page.get(key)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
