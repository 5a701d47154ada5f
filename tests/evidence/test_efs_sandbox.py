"""The EFS evidence against the sandbox (moto's EFS on the same endpoint): the mount
targets of the function's file system and their Availability Zones, beside the
function's subnets; and a denied read names its permission."""

from __future__ import annotations

from typing import Any

from lambda_wait.aws import LambdaApi
from lambda_wait.aws_path import AwsCallPath
from lambda_wait.clock import Deadline, SystemClock
from lambda_wait.evidence.collect import Failure, gather
from lambda_wait.sandbox.server import SandboxHandle

SERVICES = ("lambda", "ec2", "iam", "logs", "efs")


def _efs_function(sandbox: SandboxHandle, name: str) -> tuple[list[str], str]:
    """A function in subnets of zones a and b whose file system has a mount target in
    zone a only (its subnets, its access point's ARN)."""
    ec2 = sandbox.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.1.{n}.0/24", AvailabilityZone=zone)["Subnet"][
            "SubnetId"
        ]
        for n, zone in ((1, "us-east-1a"), (2, "us-east-1b"))
    ]
    group = ec2.create_security_group(GroupName=name, Description="x", VpcId=vpc)["GroupId"]
    efs = sandbox.client("efs")
    system = efs.create_file_system(CreationToken=name)["FileSystemId"]
    efs.create_mount_target(FileSystemId=system, SubnetId=subnets[0])
    point = efs.create_access_point(FileSystemId=system)["AccessPointArn"]
    sandbox.create_function(
        name,
        VpcConfig={"SubnetIds": subnets, "SecurityGroupIds": [group]},
        FileSystemConfigs=[{"Arn": point, "LocalMountPath": "/mnt/data"}],
    )
    return subnets, point


def _collect(sandbox: SandboxHandle, name: str, code: str) -> Any:
    path = AwsCallPath.over({s: sandbox.client(s, max_attempts=1) for s in SERVICES})
    return gather(LambdaApi(path), Failure(name, code), Deadline(SystemClock(), 30.0))


def test_efs_codes_show_the_mount_targets_zones(sandbox: SandboxHandle) -> None:
    _, point = _efs_function(sandbox, "ev-efs")
    items = _collect(sandbox, "ev-efs", "EFSMountConnectivityError")
    efs = next(i for i in items if i.kind == "efs")
    assert efs.source == "elasticfilesystem:DescribeMountTargets" and efs.denied is None
    assert efs.shown == (f"{point}: mount targets in us-east-1a",)
    subnets = next(i for i in items if i.kind == "subnets")
    assert "us-east-1b" in " ".join(subnets.shown)  # the zone no mount target serves


def test_a_denied_efs_read_names_its_permission(sandbox: SandboxHandle) -> None:
    _efs_function(sandbox, "ev-efs-denied")
    sandbox.sandbox.deny_reads("elasticfilesystem:DescribeAccessPoints")
    items = _collect(sandbox, "ev-efs-denied", "EFSMountTimeout")
    efs = next(i for i in items if i.kind == "efs")
    assert efs.denied == "elasticfilesystem:DescribeAccessPoints"
