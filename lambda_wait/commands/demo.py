"""`lambda-wait demo`: the whole job end to end against an in-process sandbox."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import click

from lambda_wait.commands._common import attach, run_clock

EXAMPLES = """
Examples:

\b
  lambda-wait demo
  lambda-wait demo --time-scale 0.05  # faster
"""

EXAMPLE_DIR = Path(__file__).resolve().parent.parent / "examples" / "hello"
FAIL_TAG = "lambda-wait-sandbox:create=fail:SubnetOutOfIPAddresses"
CANARY_ALARM = "hello-vpc-errors"


@click.command(epilog=EXAMPLES)
@click.option(
    "--time-scale",
    type=click.FloatRange(0.001, 1.0),
    default=0.1,
    show_default=True,
    help="Multiplies the sandbox's delays (1.0: real Lambda timings, a VPC create takes 60 s).",
)
@click.option("--no-color", is_flag=True, envvar="NO_COLOR", help="Disable colour.")
def command(time_scale: float, no_color: bool) -> None:
    """Deploy the bundled example end to end against a local sandbox: no AWS account.

    Starts the sandbox (a local Lambda control plane that really goes through
    the states) in this process, then runs the real `lambda-wait deploy` as a
    pipeline would, once per story: a VPC function is created (Pending -> Active),
    its VPC configuration is updated (InProgress -> Successful), a
    deployment that fails shows its decoded reason and the exit code a
    pipeline would get, and a canary release rolls back when its alarm fires.
    Needs the `sandbox` extra (moto).
    """
    from lambda_wait.errors import LambdaWaitError
    from lambda_wait.ui.demo_view import DemoView
    from lambda_wait.ui.output import Output

    # Through the one error boundary, as every command: what stops the demo is printed by
    # its output (commands/_boundary.py); its own failures are LambdaWaitErrors (exit 1).
    output = Output(no_color=no_color, command="demo", clock=run_clock())
    attach("demo", output)
    try:
        from lambda_wait.sandbox import running_sandbox
    except ImportError:  # pragma: no cover - depends on the install
        raise LambdaWaitError(
            "the demo needs the sandbox extra: pip install 'lambda-wait[sandbox]'"
        ) from None
    view = DemoView(output)
    with running_sandbox(time_scale=time_scale) as handle, tempfile.TemporaryDirectory() as tmp:
        env = _environment(handle, Path(tmp), time_scale)
        view.intro(handle.endpoint_url, time_scale)
        _canary_alarm(handle)
        outcomes = [_run_step(view, env, *step) for step in _steps(_full_subnets(handle))]
        changes = [call for call in handle.calls if call.mutating and call.applied]
        refused = [call for call in handle.calls if call.status == 409]
        view.summary(len(handle.calls), len(changes), len(refused))
        failed = [o for o in outcomes if o[1] != o[2]]
        if failed:
            raise LambdaWaitError(f"the demo did not go as expected: {failed[0][0]}")


def _environment(handle: Any, tmp: Path, time_scale: float) -> dict[str, str]:
    """The environment each deploy runs in: the sandbox's endpoint and dummy credentials,
    no profile or shared endpoint of the user's, a cache and AWS files of its own."""
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL_LAMBDA": handle.endpoint_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp / "credentials"),
        "LAMBDA_WAIT_CACHE_DIR": str(tmp / "cache"),
        "LAMBDA_WAIT_COOLDOWN_SECONDS": str(300 * time_scale),
        "DEMO_ROLE_ARN": handle.ensure_role("hello-vpc-role"),
        "DEMO_API_TOKEN": "demo-secret-never-printed",
    }
    env.pop("AWS_PROFILE", None)
    env.pop("AWS_ENDPOINT_URL", None)
    return env


def _full_subnets(handle: Any) -> str:
    """Two subnets in the sandbox's EC2 with 1 free address each (a /28 holds 11): the
    failing deploy's evidence reads them."""
    ec2 = handle.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    subnets = []
    for index, zone in enumerate(("us-east-1a", "us-east-1b")):
        cidr = f"10.8.{index}.0/28"
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=zone)
        subnets.append(subnet["Subnet"]["SubnetId"])
        for _ in range(10):
            ec2.create_network_interface(SubnetId=subnets[-1], Description="AWS Lambda VPC ENI")
    return ",".join(subnets)


def _steps(full_subnets: str) -> list[tuple[str, list[str], int]]:
    """The demo's deploys: a title, the arguments and the exit code a pipeline gets."""
    example = ["--spec", str(EXAMPLE_DIR / "function.json"), "--code-dir", str(EXAMPLE_DIR / "src")]
    subnets = "subnet-0a1b2c3d4e5f60001,subnet-0a1b2c3d4e5f60002,subnet-0a1b2c3d4e5f60003"
    return [
        ("1. Create a function in a VPC: Pending -> Active", ["deploy", *example], 0),
        (
            "2. Update it: attach a third subnet (InProgress -> Successful), then publish "
            "version 1 behind the alias 'live'",
            ["deploy", *example, "--subnet-id", subnets, "--alias", "live"],
            0,
        ),
        (
            "3. A deployment that fails: its subnets are out of addresses (preflight off, "
            "or it would refuse with exit 2 and send nothing); the evidence shows each "
            "subnet's free addresses",
            [
                "deploy",
                *example,
                "--function-name",
                "hello-broken",
                "--subnet-id",
                full_subnets,
                "--no-preflight",
                "--tag",
                FAIL_TAG,
            ],
            1,
        ),
        (
            "4. A canary that rolls back: version 2 gets 10% of 'live', its alarm fires, "
            "the alias goes back to version 1",
            [
                "deploy",
                *example,
                "--description",
                "hello v2",
                "--alias",
                "live",
                "--shift",
                "canary:10:4s",
                "--alarm",
                CANARY_ALARM,
            ],
            10,
        ),
    ]


def _run_step(
    view: Any, env: dict[str, str], title: str, args: list[str], expected: int
) -> tuple[str, int, int]:
    """Run one deploy as a pipeline would (a process of its own) and show its outcome."""
    view.step(title, " ".join(shlex.quote(_short(a)) for a in args))
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "lambda_wait", *args], env=env, check=False)
    view.outcome(done.returncode, expected, time.monotonic() - started)
    return title, done.returncode, expected


def _canary_alarm(handle: Any) -> None:
    """An alarm on the new version's errors, which the sandbox flips to ALARM 1 s
    (scaled) after the alias first gets weights: the canary's gate fails."""
    handle.client("cloudwatch").put_metric_alarm(
        AlarmName=CANARY_ALARM,
        Namespace="AWS/Lambda",
        MetricName="Errors",
        Dimensions=[{"Name": "FunctionName", "Value": "hello-vpc"}],
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )
    reason = "Threshold Crossed: 3 errors of version 2 in the last minute"
    handle.sandbox.set_alarm(
        CANARY_ALARM, "ALARM", after=1.0 / handle.sandbox.time_scale, when="weighted", reason=reason
    )


def _short(arg: str) -> str:
    """Show bundled example paths relative to the example directory."""
    try:
        return str(Path(arg).relative_to(EXAMPLE_DIR.parent.parent.parent))
    except ValueError:
        return arg
