"""Preflight: check a deploy against the account before anything is sent. The role
exists and trusts Lambda; every subnet exists and has room for Lambda's network
interface; the security groups exist; the zip's native files match the architecture.
A check that fails is exit 2 with its evidence (nothing sent); a check the caller may
not read is a warning, and the deploy goes on.

Requests: GetRole (1 per role), DescribeSubnets (1 for all subnets, plus 1
DescribeNetworkInterfaces per subnet short of addresses), DescribeSecurityGroups (1)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lambda_wait.errors import AuthError, Interrupted, LambdaWaitError, UsageError
from lambda_wait.evidence.ec2 import Ec2Reads
from lambda_wait.evidence.iam import IamReads
from lambda_wait.evidence.model import Evidence, denied, denied_action
from lambda_wait.evidence.native import mismatches
from lambda_wait.evidence.services import MissingResourceError

# Lambda puts one Hyperplane ENI (one address) in each subnet for each subnet and
# security-group combination, and a configuration change can need a second while the
# first still serves: fewer than 2 free addresses, and no Lambda ENI of the same
# combination to share, is a create or update that fails with SubnetOutOfIPAddresses.
MIN_FREE_ADDRESSES = 2


class PreflightError(UsageError):
    """The account cannot take this deploy as it is (exit 2, nothing sent)."""

    def __init__(self, problems: Sequence[Evidence]) -> None:
        first = problems[0].summary
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(
            f"preflight: {first}{more}; nothing was sent",
            hint="Fix it (the evidence below says what the account shows), or pass "
            "--no-preflight to send the deploy anyway.",
        )
        self.evidence = list(problems)


@dataclass
class Preflight:
    """What the checks found: ``problems`` stop the deploy, ``warnings`` do not."""

    problems: list[Evidence] = field(default_factory=list)
    warnings: list[Evidence] = field(default_factory=list)


def check_account(
    ec2: Ec2Reads,
    iam: IamReads,
    config: Mapping[str, Any],
    package: bytes | None,
) -> Preflight:
    """Run every check for ``config`` (the function as it will be: Role, VpcConfig,
    Architectures) and the zip ``package``; raise :class:`PreflightError` on a problem."""
    found = Preflight()
    vpc = config.get("VpcConfig") or {}
    checks: list[tuple[str, Callable[[], list[Evidence]]]] = []
    if config.get("Role"):
        checks.append(("role", lambda: _role(iam, str(config["Role"]))))
    if vpc.get("SubnetIds"):
        subnets, groups = list(vpc["SubnetIds"]), list(vpc.get("SecurityGroupIds") or [])
        checks.append(("subnets", lambda: _subnets(ec2, subnets, groups)))
        if groups:
            checks.append(("security_groups", lambda: _groups(ec2, groups)))
    for kind, check in checks:
        try:
            found.problems += check()
        except AuthError as err:
            action = denied_action(err.message)
            found.warnings.append(denied(kind, action, f"the {kind} preflight check"))
        except Interrupted:
            raise
        except LambdaWaitError as err:  # throttled, unavailable: not the deploy's fault
            found.warnings.append(Evidence(kind, "-", f"not checked: {err.message}"))
    architecture = (list(config.get("Architectures") or []) or ["x86_64"])[0]
    if package is not None:
        found.problems += _native(package, architecture)
    if found.problems:
        raise PreflightError(found.problems)
    return found


def _role(iam: IamReads, arn: str) -> list[Evidence]:
    name = arn.rsplit("/", 1)[-1]
    try:
        role = iam.role(name)
    except MissingResourceError:
        return [Evidence("role", "iam:GetRole", f"role {name} does not exist")]
    if not role.trusts_lambda:
        return [
            Evidence(
                "role",
                "iam:GetRole",
                f"role {name} does not trust lambda.amazonaws.com",
                ("its trust policy needs sts:AssumeRole for the lambda.amazonaws.com service",),
            )
        ]
    return []


def _subnets(ec2: Ec2Reads, ids: list[str], groups: list[str]) -> list[Evidence]:
    try:
        found = ec2.subnets(ids)
    except MissingResourceError as err:
        return [
            Evidence("subnets", "ec2:DescribeSubnets", f"a subnet does not exist ({err.message})")
        ]
    known = {s.subnet_id for s in found}
    problems = [
        Evidence("subnets", "ec2:DescribeSubnets", f"subnet {i} does not exist")
        for i in ids
        if i not in known
    ]
    for subnet in found:
        if subnet.free is None or subnet.free >= MIN_FREE_ADDRESSES:
            continue
        if ec2.lambda_interface_in(subnet.subnet_id, groups):
            continue  # Lambda shares the ENI it holds for this combination
        problems.append(
            Evidence(
                "subnets",
                "ec2:DescribeSubnets",
                f"subnet {subnet.subnet_id} ({subnet.zone or '?'}) has {subnet.free} free "
                f"addresses; Lambda needs at least {MIN_FREE_ADDRESSES}",
                facts=(("subnet_id", subnet.subnet_id), ("free_addresses", subnet.free)),
            )
        )
    return problems


def _groups(ec2: Ec2Reads, ids: list[str]) -> list[Evidence]:
    try:
        ec2.security_groups(ids)
    except MissingResourceError as err:
        return [
            Evidence(
                "security_groups",
                "ec2:DescribeSecurityGroups",
                f"a security group does not exist ({err.message})",
            )
        ]
    return []


def _native(package: bytes, architecture: str) -> list[Evidence]:
    wrong = mismatches(package, architecture)
    if not wrong:
        return []
    lines = tuple(f"{f.path}: {f.architecture} (by its {f.by})" for f in wrong)
    return [
        Evidence(
            "package",
            "-",
            f"{len(wrong)} native file{'' if len(wrong) == 1 else 's'} in the zip "
            f"{'is' if len(wrong) == 1 else 'are'} not {architecture}: the function "
            "would fail at init with 'exec format error' or an import error",
            lines,
            facts=(("architecture", architecture), ("files", [f.path for f in wrong])),
        )
    ]
