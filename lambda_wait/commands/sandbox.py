"""`lambda-wait sandbox`: serve the local Lambda control plane until interrupted.

Only click is imported at module level: moto, werkzeug and boto3 load inside the
command so `lambda-wait --help` stays fast and works without the sandbox extra.
"""

from __future__ import annotations

import socketserver
import sys
from typing import Any

import click

from lambda_wait.errors import UsageError

EXAMPLE_SPEC = "lambda_wait/examples/hello/function.json"
EXAMPLE_API_TOKEN = "sandbox-token-not-a-secret"  # a dummy the example keeps in its environment
DEFAULT_PORT = 4599  # beside LocalStack's 4566 and moto's 5000, colliding with neither

EXAMPLES = """
Examples:

\b
  lambda-wait sandbox
  lambda-wait sandbox --time-scale 0.1 --scenario scenario.json
  lambda-wait sandbox --port 0 --throttling
"""


# Its own -h as well: click keeps a command's help option from its first use, and a
# first use outside the lambda-wait group (its tests invoke it on its own) would
# otherwise fix it at --help only, and `lambda-wait sandbox -h` would then fail.
@click.command(epilog=EXAMPLES, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--scenario",
    "scenario_path",
    metavar="FILE",
    help="Scenario file (JSON, or TOML by extension): timings and failures per function.",
)
@click.option(
    "--time-scale",
    type=float,
    default=1.0,
    show_default=True,
    help="Multiply every delay and the cooldown (0.1: ten times faster).",
)
@click.option(
    "--throttling/--no-throttling",
    default=None,
    help="Enforce Lambda's quotas (GetFunction 100/s, other calls 15/s). Default: the scenario's.",
)
@click.option("--quiet", "-q", is_flag=True, help="Do not print one line per Lambda call.")
def command(
    *,
    host: str,
    port: int,
    scenario_path: str | None,
    time_scale: float,
    throttling: bool | None,
    quiet: bool,
) -> None:
    """Serve a local Lambda control plane that really goes through the states.

    Functions go Pending -> Active after a create, InProgress -> Successful after
    an update, and fail the way a scenario file or tags say (docs/sandbox.md).
    moto stores functions, IAM roles and S3 objects. Stop with Ctrl-C.
    """
    # Bad input is a UsageError (exit 2), Ctrl-C or SIGTERM a Stopped (130 or 143): the
    # error boundary (commands/_boundary.py) prints the line and decides the code.
    if not time_scale > 0:
        raise click.BadParameter("must be > 0", param_hint="--time-scale")
    sandbox = _build(scenario_path, time_scale, throttling, quiet)
    try:
        from lambda_wait.sandbox.server import make_server

        server = make_server(sandbox, host, port)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sandbox.reset()  # configure moto (Invoke without Docker) on an empty store
    _announce(server, sandbox, time_scale, scenario_path)
    _serve(server)  # the only way out is Ctrl-C (130) or SIGTERM (143), as Stopped


def _build(
    scenario_path: str | None, time_scale: float, throttling: bool | None, quiet: bool
) -> Any:
    """The sandbox, with its scenario loaded; one line and exit 2 when either fails."""
    try:
        from lambda_wait.sandbox import Sandbox, load_scenario
    except ImportError as exc:  # the sandbox extra is not installed
        raise UsageError(
            f"needs the sandbox extra (pip install 'lambda-wait[sandbox]'): {exc}"
        ) from None
    scenario = load_scenario(scenario_path) if scenario_path else None  # UsageError: exit 2
    return Sandbox(
        scenario,
        time_scale=time_scale,
        throttling=throttling,
        on_call=None if quiet else _show_call,
    )


def _announce(server: Any, sandbox: Any, time_scale: float, scenario_path: str | None) -> None:
    """Where it listens, and the shell lines that point the AWS CLI and SDKs at it."""
    from lambda_wait.sandbox.server import (
        ACCESS_KEY,
        DEFAULT_ROLE_ARN,
        REGION,
        SECRET_KEY,
        endpoint_of,
    )

    bound_host, _, endpoint = endpoint_of(server)
    click.echo(
        f"lambda-wait sandbox listening on {endpoint} (time scale {time_scale:g}, "
        f"throttling {'on' if sandbox.throttling else 'off'}"
        f"{', scenario ' + scenario_path if scenario_path else ''}). Ctrl-C stops it."
    )
    if bound_host not in ("127.0.0.1", "::1", "localhost"):
        click.echo(
            "lambda-wait sandbox: warning: listening beyond loopback; anyone who can reach "
            "this port can use it (no authentication).",
            err=True,
        )
    click.echo("# Point the AWS CLI and SDKs at it (dummy credentials):")
    click.echo(_exports(endpoint, ACCESS_KEY, SECRET_KEY, REGION))
    click.echo(_example_exports(DEFAULT_ROLE_ARN))
    sys.stdout.flush()


def _serve(server: Any) -> None:
    """Serve until Ctrl-C or SIGTERM (the boundary's ``sigterm_raises`` turns it into
    Terminated), then close the socket; the interrupt goes on to the boundary."""
    try:
        # socketserver's loop, not werkzeug's override: that one swallows KeyboardInterrupt
        # (and so Terminated) and returns, and the boundary could not tell 130 from 143.
        socketserver.BaseServer.serve_forever(server, poll_interval=0.2)
    finally:
        server.server_close()


def _show_call(call: Any) -> None:
    """One stderr line per Lambda call the sandbox answered (or dropped)."""
    flags = [
        name
        for name, on in (
            ("rejected", call.rejected),
            ("throttled", call.throttled),
            ("restore-started", call.restore_started),
        )
        if on
    ]
    if call.fault:
        flags.append(f"fault={call.fault}/{call.fault_when}")
    target = call.function or "-"
    if call.qualifier:
        target += f":{call.qualifier}"
    status = call.status or "dropped"
    extra = f" {call.error_code}" if call.error_code else ""
    click.echo(
        f"{call.operation} {target} -> {status}{extra}{' ' + ' '.join(flags) if flags else ''}",
        err=True,
    )


def _exports(endpoint: str, access_key: str, secret_key: str, region: str) -> str:
    """The shell lines that point the AWS CLI and SDKs at the sandbox."""
    services = ("LAMBDA", "IAM", "S3", "ECR", "CLOUDWATCH", "SQS")
    lines = [f"export AWS_ENDPOINT_URL_{service}={endpoint}" for service in services]
    lines += [
        f"export AWS_ACCESS_KEY_ID={access_key}",
        f"export AWS_SECRET_ACCESS_KEY={secret_key}",
        f"export AWS_DEFAULT_REGION={region}",
    ]
    return "\n".join(lines)


def _example_exports(role_arn: str) -> str:
    """The variables the bundled example's spec reads (README walks through it): any role
    ARN works against the sandbox, which creates the role."""
    return "\n".join(
        [
            f"# The bundled example ({EXAMPLE_SPEC}) reads these:",
            f"export DEMO_ROLE_ARN={role_arn}",
            f"export DEMO_API_TOKEN={EXAMPLE_API_TOKEN}",
        ]
    )
