"""The subnets and security groups a function names exist in the sandbox's EC2, as the
roles it names do: a DescribeSubnets or DescribeSecurityGroups that names an id moto
does not know creates it first (a roomy /24 in a VPC of the sandbox's own; a group in
it), under that very id. So the bundled example and made-up ids in tests pass deploy's
preflight; a test that wants a missing subnet turns it off
(``Sandbox.auto_create_network = False``) or seeds its own VPC."""

from __future__ import annotations

import threading
from typing import Any
from unittest import mock
from urllib.parse import parse_qs

ACCOUNT = "123456789012"  # moto's default account
_LOCK = threading.Lock()  # moto's id functions are patched for one create at a time
_ZONES = ("a", "b", "c")
_VPCS: dict[str, str] = {}  # Region -> the sandbox's own VPC
_NEXT: dict[str, int] = {}  # Region -> the next free /24


def named_ids(body: bytes) -> tuple[str | None, list[str]]:
    """The EC2 action and the subnet or group ids it names (``SubnetId.1``, ``GroupId.1``)."""
    form = parse_qs(body.decode("utf-8", "replace"))
    action = next(iter(form.get("Action") or []), None)
    prefix = {"DescribeSubnets": "SubnetId.", "DescribeSecurityGroups": "GroupId."}.get(
        action or ""
    )
    if prefix is None:
        return action, []
    return action, [v[0] for k, v in sorted(form.items()) if k.startswith(prefix) and v]


def ensure_named(region: str, body: bytes) -> None:
    """Create the subnets or security groups a Describe names that do not exist."""
    action, ids = named_ids(body)
    if not ids:
        return
    from moto.ec2.models import ec2_backends

    backend = ec2_backends[ACCOUNT][region]
    with _LOCK:
        vpc = _vpc(backend, region)
        for wanted in ids:
            if action == "DescribeSubnets":
                _subnet(backend, region, vpc, wanted)
            else:
                _group(backend, vpc, wanted)


def _vpc(backend: Any, region: str) -> str:
    vpc = _VPCS.get(region)
    if vpc is None or backend.vpcs.get(vpc) is None:  # moto was reset meanwhile
        vpc = _VPCS[region] = backend.create_vpc("10.250.0.0/16").id
        _NEXT[region] = 0
    return vpc


def _subnet(backend: Any, region: str, vpc: str, wanted: str) -> None:
    from moto.ec2.exceptions import InvalidSubnetIdError
    from moto.ec2.models import subnets

    try:
        backend.get_subnet(wanted)
        return
    except InvalidSubnetIdError:
        pass
    index = _NEXT[region] = _NEXT.get(region, 0) + 1
    zone = f"{region}{_ZONES[index % len(_ZONES)]}"
    with mock.patch.object(subnets, "random_subnet_id", lambda: wanted):
        backend.create_subnet(vpc, f"10.250.{index}.0/24", availability_zone=zone)


def _group(backend: Any, vpc: str, wanted: str) -> None:
    import moto.ec2.models.security_groups as groups

    if backend.get_security_group_from_id(wanted) is not None:
        return
    with mock.patch.object(groups, "random_security_group_id", lambda: wanted):
        backend.create_security_group(wanted, "named by a function (sandbox)", vpc)
