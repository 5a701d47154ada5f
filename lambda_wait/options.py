"""Options shared by every command (one decorator) and Click parameter types.

Click only; nothing here imports boto3.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from lambda_wait.errors import UsageError
from lambda_wait.inputs import FunctionRef, parse_duration, parse_function

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class CommonOptions:
    """The options every command takes."""

    region: str | None
    profile: str | None
    endpoint_url: str | None
    output: str
    quiet: bool
    debug: bool
    no_color: bool

    @property
    def json(self) -> bool:
        return self.output == "json"

    @property
    def color(self) -> bool:
        return not self.no_color and "NO_COLOR" not in os.environ


class DurationType(click.ParamType[float]):
    """``90``, ``90s``, ``10m``, ``1h``, ``1m30s`` -> seconds."""

    name = "duration"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, (int, float)):
            if value <= 0:
                self.fail(f"{value!r} must be greater than zero (e.g. 90s, 10m).", param, ctx)
            return float(value)
        try:
            return parse_duration(str(value))
        except UsageError as err:
            self.fail(err.message, param, ctx)


class FunctionType(click.ParamType[str]):
    """A function name, ARN or partial ARN, checked against Lambda's pattern."""

    name = "function"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if isinstance(value, FunctionRef):
            return value.given
        try:
            return parse_function(str(value)).given
        except UsageError as err:
            self.fail(err.message, param, ctx)


DURATION = DurationType()
FUNCTION = FunctionType()


def common_options(func: F) -> F:
    """Add --region/--profile/--endpoint-url/--output/--quiet/--debug/--no-color;
    the command receives them as one ``opts: CommonOptions`` argument."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        opts = CommonOptions(
            region=kwargs.pop("region"),
            profile=kwargs.pop("profile"),
            endpoint_url=kwargs.pop("endpoint_url"),
            output=kwargs.pop("output"),
            quiet=kwargs.pop("quiet"),
            debug=kwargs.pop("debug"),
            no_color=kwargs.pop("no_color"),
        )
        return func(*args, opts=opts, **kwargs)

    decorators = [
        click.option(
            "--region",
            envvar=["AWS_REGION", "AWS_DEFAULT_REGION"],
            show_envvar=True,
            help="AWS Region of the function.",
        ),
        click.option(
            "--profile",
            envvar="AWS_PROFILE",
            show_envvar=True,
            help="Named profile from ~/.aws/config.",
        ),
        click.option(
            "--endpoint-url",
            envvar=["AWS_ENDPOINT_URL_LAMBDA", "AWS_ENDPOINT_URL"],
            show_envvar=True,
            help="Lambda endpoint, e.g. the sandbox's http://127.0.0.1:PORT.",
        ),
        click.option(
            "--output",
            "-o",
            type=click.Choice(["text", "json"]),
            default="text",
            show_default=True,
            help="json: exactly one JSON document on stdout (also on failure).",
        ),
        click.option(
            "--quiet", "-q", is_flag=True, help="Print only the result (and errors); no progress."
        ),
        click.option(
            "--debug",
            is_flag=True,
            help="Show tracebacks for unexpected errors (secrets stay masked).",
        ),
        click.option(
            "--no-color",
            is_flag=True,
            envvar="NO_COLOR",
            help="Disable colour (also when NO_COLOR is set).",
        ),
    ]
    wrapped: Any = wrapper
    for decorator in reversed(decorators):
        wrapped = decorator(wrapped)
    return wrapped  # type: ignore[no-any-return]
