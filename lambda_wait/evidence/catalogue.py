"""Which evidence each reason code gets, or why none. Pure data beside the reason
catalogue (:mod:`lambda_wait.reasons`); a test fails when a code has neither, and
docs/reason-codes.md shows it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EvidencePlan:
    """The reads a code gets (``sources``: keys of the collectors in ``collect.py``),
    or, when none, why."""

    sources: tuple[str, ...] = ()
    why_none: str | None = None

    def describe(self) -> str:
        """One line for the docs."""
        if not self.sources:
            return f"none: {self.why_none}"
        return "; ".join(SOURCE_TEXT[s] for s in self.sources)


SOURCE_TEXT = {
    "subnets": "each subnet's Availability Zone and free addresses (ec2:DescribeSubnets)",
    "enis": "the network interfaces Lambda holds in the VPC and the quota "
    "(ec2:DescribeNetworkInterfaces)",
    "security_groups": "which security groups exist (ec2:DescribeSecurityGroups)",
    "role": "whether the role exists, trusts Lambda, and which needed actions it lacks "
    "(iam:GetRole, iam:SimulatePrincipalPolicy, else its policies)",
    "logs": "the error lines of the function's log group (logs:FilterLogEvents)",
    "image": "whether the image tag or digest exists, its architecture, and whether the "
    "repository policy lets Lambda pull (ecr:BatchGetImage, ecr:GetRepositoryPolicy)",
    "kms": "the key's state (kms:DescribeKey) and whether the role may use it",
    "efs": "the file system's mount targets and their Availability Zones "
    "(elasticfilesystem:DescribeMountTargets)",
}

_LIFECYCLE = "Lambda is working on it: nothing in the account explains a wait"
_AWS_SIDE = "an AWS-side condition: no read in the account shows more than the message"
_ZIP = "the package itself is the evidence (the message names the file); no read adds to it"


def _p(*sources: str) -> EvidencePlan:
    return EvidencePlan(sources)


def _none(why: str) -> EvidencePlan:
    return EvidencePlan((), why)


PLANS: dict[str, EvidencePlan] = {
    "Creating": _none(_LIFECYCLE),
    "Idle": _none("the remedy is an invoke; the interfaces are gone by design"),
    "Restoring": _none(_LIFECYCLE),
    "DrainingDurableExecutions": _none(_LIFECYCLE),
    "InternalError": _none(_AWS_SIDE),
    "EniLimitExceeded": _p("enis", "subnets"),
    "InsufficientRolePermissions": _p("role"),
    "SubnetOutOfIPAddresses": _p("subnets"),
    "InvalidSubnet": _p("subnets"),
    "InvalidSecurityGroup": _p("security_groups"),
    "DisallowedByVpcEncryptionControl": _none(
        "VPC encryption controls are not readable through the reads lambda-wait makes"
    ),
    "EC2RequestLimitExceeded": _none("EC2 throttled Lambda: a transient, account-wide rate"),
    "ImageDeleted": _p("image"),
    "ImageAccessDenied": _p("image", "role"),
    "InvalidImage": _p("image", "logs"),
    "KMSKeyAccessDenied": _p("kms", "role"),
    "KMSKeyNotFound": _p("kms"),
    "InvalidStateKMSKey": _p("kms"),
    "DisabledKMSKey": _p("kms"),
    "EFSIOError": _p("logs"),
    "EFSMountConnectivityError": _p("efs", "subnets"),
    "EFSMountFailure": _p("efs", "role"),
    "EFSMountTimeout": _p("efs", "subnets"),
    "InvalidRuntime": _none("the message names the runtime; preflight checks it before a deploy"),
    "InvalidZipFileException": _none(_ZIP),
    "InvalidConfiguration": _none("the message names the setting Lambda rejected"),
    "FunctionError": _p("logs"),
    "FunctionError.InitTimeout": _p("logs"),
    "FunctionError.RuntimeInitError": _p("logs"),
    "FunctionError.ExtensionInitError": _p("logs"),
    "FunctionError.InvalidEntryPoint": _p("logs"),
    "FunctionError.InvalidWorkingDirectory": _p("logs"),
    "FunctionError.PermissionDenied": _p("logs"),
    "FunctionError.TooManyExtensions": _none("the message says how many; the config lists them"),
    "FunctionError.InitResourceExhausted": _p("logs"),
    "ServiceQuotaExceededException": _none(_AWS_SIDE),
    "VcpuLimitExceeded": _none(_AWS_SIDE),
    "CapacityProviderScalingLimitExceeded": _none(_AWS_SIDE),
    "InsufficientCapacity": _none(_AWS_SIDE),
    "IncompatibleAcceleratorInstanceTypes": _none(
        "the message names the instance types; the capacity provider is not read"
    ),
    "DependencyError": _none(_AWS_SIDE),
    # Provisioned concurrency's StatusReason.
    "FUNCTION_ERROR_INIT_FAILURE": _p("logs"),
}

NO_PLAN = _none("not a code lambda-wait knows: AWS's message is shown as it is")


def plan_for(code: str | None) -> EvidencePlan:
    """The plan for ``code`` (an unknown code: none)."""
    return PLANS.get(code or "", NO_PLAN)
