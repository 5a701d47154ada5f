"""The evidence sources: each reads one kind of evidence for a failure through the
typed adapters and says what it found in a few lines. Registered in :data:`SOURCES`,
keyed as the catalogue's plans name them (``catalogue.py``)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lambda_wait.errors import AuthError, LambdaWaitError
from lambda_wait.evidence.ec2 import Ec2Reads, Subnet
from lambda_wait.evidence.ecr import EcrPolicyReads, ImageRef, architectures, policy_line
from lambda_wait.evidence.iam import IamReads, lacking
from lambda_wait.evidence.kms import EfsReads, KmsReads
from lambda_wait.evidence.logs import LogsReads, log_group
from lambda_wait.evidence.model import Evidence
from lambda_wait.evidence.needs import needed_actions
from lambda_wait.evidence.preflight import MIN_FREE_ADDRESSES
from lambda_wait.evidence.services import MissingResourceError
from lambda_wait.untrusted import scrub_known

if TYPE_CHECKING:
    from lambda_wait.evidence.reading import Reading

LAMBDA_ENI_QUOTA = 250  # Lambda's default per-VPC quota of Hyperplane ENIs (adjustable)
LOG_WINDOW = 900.0  # seconds of logs read before the failure when its start is unknown
# What a subnet needs to take the function: preflight's threshold, justified there.
FEW_ADDRESSES = MIN_FREE_ADDRESSES
_SECRET = re.compile(
    r"(AKIA|ASIA)[A-Z0-9]{16}"
    r"|(?i:(?:secret|password|passwd|token|api[_-]?key)\s*[=:]\s*)\S+"
)


def _vpc(reading: Reading) -> tuple[tuple[str, ...], tuple[str, ...], str | None]:
    """Subnets, security groups and VPC: the snapshot's, else the configuration's."""
    snap = reading.failure.snapshot
    if snap is not None and snap.subnet_ids:
        return snap.subnet_ids, snap.security_group_ids, snap.vpc_id
    vpc = reading.configuration().get("VpcConfig") or {}
    return (
        tuple(vpc.get("SubnetIds") or ()),
        tuple(vpc.get("SecurityGroupIds") or ()),
        (vpc.get("VpcId") or None),
    )


def subnets(reading: Reading) -> list[Evidence]:
    """Each subnet's zone and free addresses, and which would take the function."""
    ids, _, _ = _vpc(reading)
    if not ids:
        return [Evidence("subnets", "ec2:DescribeSubnets", "the function has no subnets")]
    ec2 = Ec2Reads.beside(reading.api)
    try:
        found = ec2.subnets(ids)
    except MissingResourceError as err:
        return [
            Evidence("subnets", "ec2:DescribeSubnets", f"a subnet does not exist: {err.message}")
        ]
    missing = [i for i in ids if i not in {s.subnet_id for s in found}]
    lines = [_subnet_line(s) for s in found] + [f"{i}: does not exist" for i in missing]
    roomy = [s.subnet_id for s in found if (s.free or 0) >= FEW_ADDRESSES]
    summary = (
        f"{len(roomy)} of {len(ids)} subnets could take the function: {', '.join(roomy)}"
        if roomy
        else f"none of the {len(ids)} subnets has {FEW_ADDRESSES} free addresses"
    )
    facts = (("subnets", [_subnet_fact(s) for s in found]), ("missing", missing))
    return [Evidence("subnets", "ec2:DescribeSubnets", summary, tuple(lines), facts=facts)]


def _subnet_line(subnet: Subnet) -> str:
    free = "?" if subnet.free is None else str(subnet.free)
    verdict = "ok" if (subnet.free or 0) >= FEW_ADDRESSES else "too few"
    return (
        f"{subnet.subnet_id} ({subnet.zone or '?'}, {subnet.cidr or '?'}): {free} free, {verdict}"
    )


def _subnet_fact(subnet: Subnet) -> dict[str, Any]:
    return {
        "subnet_id": subnet.subnet_id,
        "availability_zone": subnet.zone,
        "free_addresses": subnet.free,
        "cidr": subnet.cidr,
    }


def enis(reading: Reading) -> list[Evidence]:
    """The network interfaces Lambda holds in the function's VPC, against the quota."""
    ids, _, named = _vpc(reading)
    # The subnet's own VPC (EC2's word), else the one the configuration names.
    subnet = Ec2Reads.beside(reading.api).subnets(ids[:1]) if ids else []
    vpc_id = next((s.vpc_id for s in subnet if s.vpc_id), named)
    if vpc_id is None:
        return [Evidence("enis", "ec2:DescribeNetworkInterfaces", "the function has no VPC")]
    count, complete = Ec2Reads.beside(reading.api).lambda_interfaces(vpc_id)
    shown = f"{count}" if complete else f"at least {count}"
    summary = (
        f"Lambda holds {shown} network interfaces in {vpc_id}; its default quota is "
        f"{LAMBDA_ENI_QUOTA} per VPC (Service Quotas may show a raised one)"
    )
    facts = (("vpc_id", vpc_id), ("lambda_interfaces", count), ("complete", complete))
    return [Evidence("enis", "ec2:DescribeNetworkInterfaces", summary, facts=facts)]


def security_groups(reading: Reading) -> list[Evidence]:
    """Which of the function's security groups exist."""
    _, groups, _ = _vpc(reading)
    ec2 = Ec2Reads.beside(reading.api)
    existing: list[str] = []
    for group in groups:  # one at a time: a missing id fails the whole request
        with contextlib.suppress(MissingResourceError):
            existing += ec2.security_groups([group])
    missing = [g for g in groups if g not in existing]
    summary = f"missing: {', '.join(missing)}" if missing else "every security group exists"
    return [
        Evidence(
            "security_groups",
            "ec2:DescribeSecurityGroups",
            summary,
            facts=(("missing", missing), ("existing", existing)),
        )
    ]


def role(reading: Reading) -> list[Evidence]:
    """Whether the role exists and trusts Lambda, and which needed actions it lacks."""
    config = reading.configuration()
    arn = str(config.get("Role") or "")
    name = arn.rsplit("/", 1)[-1]
    iam = IamReads.beside(reading.api)
    try:
        found = iam.role(name)
    except MissingResourceError:
        return [
            Evidence(
                "role", "iam:GetRole", f"role {name} does not exist", facts=(("exists", False),)
            )
        ]
    actions = needed_actions(config)
    lines = [
        f"{name}: {'trusts' if found.trusts_lambda else 'does NOT trust'} lambda.amazonaws.com"
    ]
    how = "iam:SimulatePrincipalPolicy"
    try:
        missing = iam.simulate(found.arn or arn, actions)
    except LambdaWaitError:  # not allowed (or not served): read the policies instead
        how = "the role's policies (iam:GetRolePolicy, iam:GetPolicyVersion)"
        missing = lacking(iam.policy_documents(name), actions)
    lines.append(f"lacks: {', '.join(missing)}" if missing else f"allows: {', '.join(actions)}")
    summary = (
        f"role {name} lacks {len(missing)} of the {len(actions)} actions Lambda needs"
        if missing
        else f"role {name} allows the {len(actions)} actions Lambda needs"
    )
    facts = (
        ("exists", True),
        ("trusts_lambda", found.trusts_lambda),
        ("lacks", missing),
        ("checked_by", how),
    )
    return [Evidence("role", how, summary, tuple(lines), facts=facts)]


def logs(reading: Reading) -> list[Evidence]:
    """The error lines of the function's log group since the failure's window began."""
    config = reading.configuration()
    name = str(config.get("FunctionName") or reading.failure.function)
    group = log_group(config, name)
    now = reading.api.clock.wall()
    since = reading.failure.since_wall or now - LOG_WINDOW
    try:
        found = LogsReads.beside(reading.api).error_lines(group, int(since * 1000))
    except MissingResourceError:
        return [Evidence("logs", "logs:FilterLogEvents", f"log group {group} does not exist")]
    lines = tuple(scrubbed(line) for line in found)
    count = (
        f"{len(lines)} error line{'' if len(lines) == 1 else 's'}" if lines else "no error lines"
    )
    summary = f"{count} in {group}"
    return [Evidence("logs", "logs:FilterLogEvents", summary, lines, facts=(("log_group", group),))]


def scrubbed(line: str) -> str:
    """A log line with the secrets it shows masked (known values and the shapes of keys)."""
    return _SECRET.sub(_masked, scrub_known(line))


def _masked(match: re.Match[str]) -> str:
    text = match.group(0)
    cut = max(text.find("="), text.find(":"))
    return text[: cut + 1] + "***" if cut >= 0 and not text.startswith(("AKIA", "ASIA")) else "***"


def image(reading: Reading) -> list[Evidence]:
    """Whether the image exists in ECR, for which architecture, and whether Lambda may pull."""
    from lambda_wait.ecr import EcrApi

    # The image URI only (never the zip's presigned URL): one GetFunction of its own.
    uri = reading.api.get_function_image_uri(reading.failure.function) or ""
    ref = ImageRef.parse(uri)
    if ref is None:
        return [Evidence("image", "ecr:BatchGetImage", f"not an ECR image URI: {uri or '(none)'}")]
    here = reading.api.in_region(ref.region)
    try:
        found = EcrApi.beside(here).image(
            ref.account, ref.repository, tag=ref.tag, digest=ref.digest
        )
    except LambdaWaitError as err:
        if isinstance(err, AuthError):
            raise
        return [Evidence("image", "ecr:BatchGetImage", f"not in ECR: {err.message}")]
    if found is None:
        return [Evidence("image", "ecr:BatchGetImage", f"{uri}: no such tag or digest in ECR")]
    digest, manifest = found
    offered = architectures(manifest)
    wanted = tuple(reading.configuration().get("Architectures") or ("x86_64",))
    shown = ", ".join(offered) or "not stated by the manifest"
    lines = [f"digest {digest}", f"image architectures: {shown}; function: {', '.join(wanted)}"]
    try:
        pull = EcrPolicyReads.beside(here).lambda_may_pull(ref.account, ref.repository)
    except MissingResourceError:
        pull = None
    lines.append(policy_line(pull))
    mismatch = bool(offered) and not set(wanted) & set(offered)
    summary = f"{uri} exists" + (" but for another architecture" if mismatch else "")
    facts = (
        ("digest", digest),
        ("architectures", list(offered)),
        ("architecture_mismatch", mismatch),
    )
    return [Evidence("image", "ecr:BatchGetImage", summary, tuple(lines), facts=facts)]


def kms(reading: Reading) -> list[Evidence]:
    """The state of the function's KMS key."""
    key_arn = reading.configuration().get("KMSKeyArn")
    if not key_arn:
        return [Evidence("kms", "kms:DescribeKey", "the function names no KMS key")]
    try:
        key = KmsReads.beside(reading.api).key(str(key_arn))
    except MissingResourceError:
        return [Evidence("kms", "kms:DescribeKey", f"key {key_arn} does not exist")]
    when = f" (deletion on {key.deletion_date})" if key.deletion_date else ""
    summary = f"key {key.key_id} is {key.state or 'in an unknown state'}{when}"
    return [Evidence("kms", "kms:DescribeKey", summary, facts=(("key_state", key.state),))]


def efs(reading: Reading) -> list[Evidence]:
    """The mount targets of the function's file systems and their zones."""
    configs = reading.configuration().get("FileSystemConfigs") or []
    efs_reads = EfsReads.beside(reading.api)
    lines: list[str] = []
    for config in configs:
        point = str(config.get("Arn") or "")
        targets = efs_reads.mount_target_zones(point)
        zones = ", ".join(sorted({z or "?" for _, z in targets})) or "none"
        lines.append(f"{point}: mount targets in {zones}")
    summary = "mount targets by file system" if lines else "the function mounts no file system"
    return [Evidence("efs", "elasticfilesystem:DescribeMountTargets", summary, tuple(lines))]


SOURCES: dict[str, Callable[[Reading], list[Evidence]]] = {
    "subnets": subnets,
    "enis": enis,
    "security_groups": security_groups,
    "role": role,
    "logs": logs,
    "image": image,
    "kms": kms,
    "efs": efs,
}
