"""``--evidence on|off`` for the commands that can fail with a reason code (wait, deploy)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def evidence_option(func: F) -> F:
    """Add --evidence on|off; the command receives ``evidence: bool``."""
    return click.option(
        "--evidence",
        type=click.Choice(["on", "off"]),
        default="on",
        show_default=True,
        envvar="LAMBDA_WAIT_EVIDENCE",
        show_envvar=True,
        callback=lambda _ctx, _param, value: value == "on",
        help="On a failure, read what explains it (subnets, the role, the init error in "
        "the logs, the image, the key: docs/reason-codes.md) within what the --timeout "
        "has left; never changes the exit code. 'off' reads nothing more.",
    )(func)


def preflight_option(func: F) -> F:
    """Add --no-preflight; the command receives ``no_preflight: bool``."""
    return click.option(
        "--no-preflight",
        "no_preflight",
        is_flag=True,
        envvar="LAMBDA_WAIT_NO_PREFLIGHT",
        show_envvar=True,
        help="Send the deploy without checking the account first (by default: the role "
        "exists and trusts Lambda, every subnet exists and has free addresses, the "
        "security groups exist, the zip's native files match Architectures; a problem "
        "is exit 2 with its evidence and nothing is sent, a check it may not read is a "
        "warning).",
    )(func)
