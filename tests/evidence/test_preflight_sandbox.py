"""Preflight against the sandbox: each check, a denied read (a warning, the deploy
goes on), exit 2 with nothing sent, the requests it costs and the time it adds."""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lambda_wait.cli import cli
from lambda_wait.evidence.native import mismatches
from lambda_wait.sandbox.server import SandboxHandle
from tests.evidence.test_outputs_sandbox import isolated_aws  # noqa: F401 (a fixture)

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                   "Action": "sts:AssumeRole"}],
}  # fmt: skip


def network(sandbox: SandboxHandle, taken: int = 0) -> tuple[list[str], str]:
    """Two subnets (the first with ``taken`` of its 11 addresses in use) and a group."""
    ec2 = sandbox.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.1.{i}.0/28", AvailabilityZone=zone)["Subnet"][
            "SubnetId"
        ]
        for i, zone in enumerate(("us-east-1a", "us-east-1b"))
    ]
    for _ in range(taken):
        ec2.create_network_interface(SubnetId=subnets[0], Description="someone else's")
    group = ec2.create_security_group(GroupName="pf", Description="x", VpcId=vpc)["GroupId"]
    return subnets, str(group)


def deploy(sandbox: SandboxHandle, tmp_path: Path, *args: str) -> tuple[int, dict[str, Any]]:
    code, doc, _ = deploy_err(sandbox, tmp_path, *args)
    return code, doc


def deploy_err(
    sandbox: SandboxHandle, tmp_path: Path, *args: str
) -> tuple[int, dict[str, Any], str]:
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / "index.py").write_text("def handler(e, c):\n    return 1\n")
    argv = [
        "deploy", "--function-name", "pf", "--runtime", "python3.12", "--handler",
        "index.handler", "--code-dir", str(src), "--timeout", "60", "-o", "json",
        "--endpoint-url", sandbox.endpoint_url, *args,
    ]  # fmt: skip
    result = CliRunner().invoke(cli, argv)
    return result.exit_code, json.loads(result.stdout), result.stderr


def vpc_args(subnets: list[str], group: str) -> list[str]:
    return ["--subnet-id", ",".join(subnets), "--security-group-id", group]


def test_a_ready_vpc_deploy_passes_in_few_requests_and_under_a_second(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    subnets, group = network(sandbox)
    role = sandbox.ensure_role()
    started = time.monotonic()
    code, _ = deploy(sandbox, tmp_path, "--role", role, *vpc_args(subnets, group), "--dry-run")
    elapsed = time.monotonic() - started
    assert code == 0
    assert elapsed < 5.0  # the whole dry run; preflight itself: 3 requests (see report)


def test_a_full_subnet_is_exit_2_and_nothing_is_sent(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    subnets, group = network(sandbox, taken=10)
    role = sandbox.ensure_role()
    code, doc = deploy(sandbox, tmp_path, "--role", role, *vpc_args(subnets, group))
    assert code == 2
    (item,) = doc["functions"][0]["evidence"]
    assert item["summary"] == (
        f"subnet {subnets[0]} (us-east-1a) has 1 free addresses; Lambda needs at least 2"
    )
    assert not sandbox.sandbox.mutating_calls("pf", applied_only=False)


def test_missing_subnet_and_group_are_problems(sandbox: SandboxHandle, tmp_path: Path) -> None:
    sandbox.sandbox.auto_create_network = False  # else the sandbox makes what is named
    role = sandbox.ensure_role()
    args = ["--subnet-id", "subnet-0000000000000dead", "--security-group-id", "sg-00000dead"]
    code, doc = deploy(sandbox, tmp_path, "--role", role, *args)
    assert code == 2
    kinds = [e["kind"] for e in doc["functions"][0]["evidence"]]
    assert kinds == ["subnets", "security_groups"]


def test_a_role_that_does_not_trust_lambda_is_a_problem(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    iam = sandbox.client("iam")
    arn = iam.create_role(RoleName="ec2-only", AssumeRolePolicyDocument=json.dumps(TRUST))
    code, doc = deploy(sandbox, tmp_path, "--role", arn["Role"]["Arn"])
    assert code == 2
    (item,) = doc["functions"][0]["evidence"]
    assert item["summary"] == "role ec2-only does not trust lambda.amazonaws.com"


def test_a_denied_read_is_a_warning_and_the_deploy_goes_on(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    subnets, group = network(sandbox, taken=10)
    role = sandbox.ensure_role()
    sandbox.sandbox.deny_reads("ec2:DescribeSubnets", "iam:GetRole")
    code, _, err = deploy_err(sandbox, tmp_path, "--role", role, *vpc_args(subnets, group))
    assert code == 0
    assert "preflight: not read: iam:GetRole was denied" in err
    assert "grant ec2:DescribeSubnets to see the subnets preflight check" in err


def test_no_preflight_sends_it_anyway(sandbox: SandboxHandle, tmp_path: Path) -> None:
    sandbox.sandbox.auto_create_network = False
    args = ["--subnet-id", "subnet-0000000000000dead", "--security-group-id", "sg-00000dead"]
    code, _ = deploy(
        sandbox, tmp_path, "--role", sandbox.ensure_role(), *args, "--no-preflight", "--dry-run"
    )
    assert code == 0


def elf(machine: int) -> bytes:
    return b"\x7fELF\x02\x01\x01" + b"\x00" * 11 + machine.to_bytes(2, "little") + b"\x00" * 40


def package(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_native_files_of_the_other_architecture_are_found() -> None:
    zipped = package(
        {
            "numpy/core/_multiarray.cpython-312-x86_64-linux-gnu.so": elf(62),
            "bin/tool": elf(183),
            "lib/libfoo.cpython-312-aarch64-linux-gnu.so": b"not an elf header at all....",
            "app.py": b"print('hello world, a python file')",
        }
    )
    assert [f.path for f in mismatches(zipped, "x86_64")] == [
        "bin/tool",
        "lib/libfoo.cpython-312-aarch64-linux-gnu.so",
    ]
    assert [f.path for f in mismatches(zipped, "arm64")] == [
        "numpy/core/_multiarray.cpython-312-x86_64-linux-gnu.so"
    ]


@pytest.mark.parametrize("arch", ["x86_64", "arm64"])
def test_a_zip_for_the_other_architecture_is_exit_2(
    sandbox: SandboxHandle, tmp_path: Path, arch: str
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "index.py").write_text("def handler(e, c):\n    return 1\n")
    (src / "native.so").write_bytes(elf(183 if arch == "x86_64" else 62))
    code, doc = deploy(sandbox, tmp_path, "--role", sandbox.ensure_role(), "--architecture", arch)
    assert code == 2
    (item,) = doc["functions"][0]["evidence"]
    assert item["kind"] == "package" and item["facts"]["files"] == ["native.so"]


def test_the_sandbox_makes_the_subnets_and_groups_a_function_names(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    args = ["--subnet-id", "subnet-0a1b2c3d4e5f60001", "--security-group-id", "sg-0a1b2c3d4e5f6"]
    code, _ = deploy(sandbox, tmp_path, "--role", sandbox.ensure_role(), *args, "--dry-run")
    assert code == 0
    subnets = sandbox.client("ec2").describe_subnets(SubnetIds=["subnet-0a1b2c3d4e5f60001"])
    assert subnets["Subnets"][0]["AvailableIpAddressCount"] == 251
