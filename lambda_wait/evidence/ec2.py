"""EC2's typed reads for evidence and preflight: subnets, security groups and the
network interfaces Lambda holds in a VPC."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lambda_wait.answers import PageGuard
from lambda_wait.evidence.services import EC2, ServiceReads, listed

MAX_ENI_PAGES = 5  # 1,000 interfaces: past Lambda's per-VPC quota, enough to count


@dataclass(frozen=True)
class Subnet:
    subnet_id: str
    zone: str | None
    free: int | None  # AvailableIpAddressCount
    cidr: str | None
    vpc_id: str | None


class Ec2Reads(ServiceReads):
    """DescribeSubnets, DescribeSecurityGroups, DescribeNetworkInterfaces."""

    service = EC2

    def subnets(self, ids: Sequence[str]) -> list[Subnet]:
        """The subnets ``ids`` name, in that order (a missing one raises not found)."""
        page = self._call("describe_subnets", SubnetIds=list(ids))
        found = {
            str(s.get("SubnetId")): Subnet(
                str(s.get("SubnetId")),
                _str(s.get("AvailabilityZone")),
                _int(s.get("AvailableIpAddressCount")),
                _str(s.get("CidrBlock")),
                _str(s.get("VpcId")),
            )
            for s in listed(page, "Subnets")
        }
        return [found[i] for i in ids if i in found]

    def security_groups(self, ids: Sequence[str]) -> list[str]:
        """The ids of the security groups among ``ids`` that exist."""
        page = self._call("describe_security_groups", GroupIds=list(ids))
        return [str(g.get("GroupId")) for g in listed(page, "SecurityGroups")]

    def lambda_interfaces(self, vpc_id: str) -> tuple[int, bool]:
        """How many network interfaces Lambda holds in ``vpc_id`` (interface type
        ``lambda``, or described as Lambda's), and whether the count is complete."""
        params: dict[str, Any] = {"Filters": [{"Name": "vpc-id", "Values": [vpc_id]}]}
        guard, count = PageGuard("describe_network_interfaces"), 0
        for _ in range(MAX_ENI_PAGES):
            page = self._call("describe_network_interfaces", **params)
            count += sum(1 for eni in listed(page, "NetworkInterfaces") if _is_lambdas(eni))
            token = guard.next(page.get("NextToken"))
            if token is None:
                return count, True
            params["NextToken"] = token
        return count, False

    def lambda_interface_in(self, subnet_id: str, groups: Sequence[str]) -> bool:
        """Whether Lambda already holds a network interface in ``subnet_id`` with
        exactly ``groups`` (one it shares with a function of the same combination)."""
        filters = [{"Name": "subnet-id", "Values": [subnet_id]}]
        page = self._call("describe_network_interfaces", Filters=filters)
        wanted = set(groups)
        return any(
            _is_lambdas(eni) and {g.get("GroupId") for g in listed(eni, "Groups")} == wanted
            for eni in listed(page, "NetworkInterfaces")
        )


def _is_lambdas(eni: dict[str, Any]) -> bool:
    return eni.get("InterfaceType") == "lambda" or str(eni.get("Description", "")).startswith(
        "AWS Lambda VPC ENI"
    )


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
