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
import cloup
from click.core import ParameterSource
from click.shell_completion import CompletionItem

from lambda_wait.errors import UsageError
from lambda_wait.inputs import FunctionRef, PollApi, parse_duration, parse_function
from lambda_wait.output_mode import CI_FORMATS, OutputMode, output_help

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class CommonOptions:
    """The options every command takes."""

    region: str | None
    profile: str | None
    endpoint_url: str | None
    output: OutputMode
    quiet: bool
    debug: bool
    no_color: bool
    ci_format: str = "auto"
    no_cache: bool = False

    @property
    def json(self) -> bool:  # stdout carries JSON (a document, or a stream ending in one)
        return self.output is not OutputMode.TEXT

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


class FunctionRefType(click.ParamType[FunctionRef]):
    """A function name, ARN or partial ARN, parsed once into a :class:`FunctionRef`
    (``status`` and ``wait`` merge ``--qualifier`` into it, never parse it again)."""

    name = "function"

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        """The Region's function names (one ListFunctions, cached a minute; best effort)."""
        from lambda_wait.usecases.completion import function_names

        names = function_names(ctx.find_root().params | ctx.params, incomplete)
        return [CompletionItem(name) for name in names]

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> FunctionRef:
        if isinstance(value, FunctionRef):
            return value
        try:
            return parse_function(str(value))
        except UsageError as err:
            self.fail(err.message, param, ctx)


DURATION = DurationType()
FUNCTION_REF = FunctionRefType()


def _with_options(wrapper: Callable[..., Any], decorators: list[Any]) -> Any:
    """Apply Click option decorators so they show in --help in the order listed."""
    wrapped: Any = wrapper
    for decorator in reversed(decorators):
        wrapped = decorator(wrapped)
    return wrapped


COMMON_NAMES = (
    "region",
    "profile",
    "endpoint_url",
    "output",
    "quiet",
    "debug",
    "no_color",
    "ci_format",
    "no_cache",
)


def _common_decorators() -> list[Any]:
    """Two help sections: where to connect, and how to show the result."""
    return [
        cloup.option_group(
            "AWS connection",
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
        ),
        _output_group(),
        cloup.option_group(
            "Cache",
            click.option(
                "--no-cache",
                is_flag=True,
                envvar="LAMBDA_WAIT_NO_CACHE",
                show_envvar=True,
                help="Neither read nor write the cache directory (the cooldown memory and "
                "history.json), e.g. on a read-only image. Without it a cache that cannot be "
                "used is one warning, never a failure (docs/reliability.md).",
            ),
        ),
    ]


def _output_group() -> Any:
    """The "Output" help section: what stdout carries and how progress shows."""
    return cloup.option_group(
        "Output",
        click.option(
            "--output",
            "-o",
            type=click.Choice([mode.value for mode in OutputMode]),
            metavar="MODE",  # the help names each mode
            default=OutputMode.TEXT.value,
            show_default=True,
            help=output_help(),
        ),
        click.option(
            "--quiet",
            "-q",
            is_flag=True,
            help="Print only the result (and errors); no progress.",
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
        click.option(
            "--ci-format",
            type=click.Choice(CI_FORMATS),
            default="auto",
            show_default=True,
            envvar="LAMBDA_WAIT_CI_FORMAT",
            show_envvar=True,
            help="How progress is shown. auto: GitHub Actions format when GITHUB_ACTIONS=true, "
            "plain lines when CI is set or stderr is not a terminal, else a live view; plain: "
            "timestamped lines; github: plain inside a log group, plus annotations, the step "
            "summary and step outputs (docs/ci.md).",
        ),
    )


def common_options(func: F) -> F:
    """Add --region/--profile/--endpoint-url/--output/--quiet/--debug/--no-color/--ci-format
    and --no-cache;
    the command receives them as one ``opts: CommonOptions`` argument.

    As with the AWS CLI they may also come before the command (``lambda-wait
    --region eu-west-1 status fn``, see :func:`global_options`); given in both places,
    the one after the command wins."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name in COMMON_NAMES}
        ctx = click.get_current_context(silent=True)
        parent = None if ctx is None else ctx.parent
        if ctx is not None and parent is not None:
            for name in COMMON_NAMES:
                here = ctx.get_parameter_source(name)
                there = parent.get_parameter_source(name)
                if here is not ParameterSource.COMMANDLINE and there is ParameterSource.COMMANDLINE:
                    values[name] = parent.params[name]
        from lambda_wait import cache, untrusted

        cache.begin_run(disabled=bool(values["no_cache"]))  # and the run may warn once
        untrusted.forget_secrets()  # the secrets this run learns are masked in every output
        values["output"] = OutputMode(values["output"])
        return func(*args, opts=CommonOptions(**values), **kwargs)

    return _with_options(wrapper, _common_decorators())  # type: ignore[no-any-return]


def global_options(func: F) -> F:
    """The common options on the group, so they may come before the command; each
    command reads them (see :func:`common_options`)."""
    return _with_options(func, _common_decorators())  # type: ignore[no-any-return]


FUNCTION_NAME_HELP = (
    "The function, as aws-cli spells it (repeatable; the same as naming it as an argument)."
)


def function_name_option(func: F) -> F:
    """Add --function-name (aws-cli's spelling); the command receives the functions given
    with it, parsed, as ``function_names``."""
    return click.option(
        "--function-name",
        "function_names",
        multiple=True,
        type=FUNCTION_REF,
        metavar="FUNCTION",
        help=FUNCTION_NAME_HELP,
    )(func)


POLL_API_HELP = (
    "Which read polls the state. get-function-configuration (default; IAM "
    "lambda:GetFunctionConfiguration) shares Lambda's 15 req/s control-plane quota "
    "with every other call in the account and Region; get-function (IAM "
    "lambda:GetFunction) has its own 100 req/s quota, for big fleets, but its "
    "answer is larger (code location, tags, concurrency). With get-function, --tag "
    "reads tags from it instead of ListTags."
)


@dataclass(frozen=True)
class BudgetOptions:
    """How many requests per second this process may send, and which read polls."""

    max_rps: float
    poll_api: PollApi


class TagFilterType(click.ParamType[tuple[str, str | None]]):
    """``KEY=VALUE`` -> (KEY, VALUE); ``KEY`` alone -> (KEY, None): any value."""

    name = "key=value"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, str | None]:
        if isinstance(value, tuple):
            return value
        key, sep, val = str(value).partition("=")
        if not key.strip():
            self.fail(f"{value!r}: expected KEY=VALUE (or KEY for any value).", param, ctx)
        return key.strip(), (val if sep else None)


TAG_FILTER = TagFilterType()


def budget_options(func: F) -> F:
    """Add --max-rps and --poll-api; the command receives them as one
    ``budget: BudgetOptions`` argument (pass it to ``build_api``)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        poll_api = PollApi(kwargs.pop("poll_api"))  # the Choice below lists its values
        budget = BudgetOptions(max_rps=kwargs.pop("max_rps"), poll_api=poll_api)
        return func(*args, budget=budget, **kwargs)

    decorators = [
        cloup.option_group(
            "Request budget",
            click.option(
                "--max-rps",
                type=click.FloatRange(min=0.1, max=100.0),
                default=10.0,
                show_default=True,
                envvar="LAMBDA_WAIT_MAX_RPS",
                show_envvar=True,
                help="Requests per second this process may send on Lambda's shared 15 req/s "
                "control-plane quota (per Region), reads and writes together, shared by every "
                "function, reads first to those most likely to have finished; halved on "
                "throttling, then recovers. "
                "GetFunction gets 5x this, at most 50 req/s, of its own 100 req/s quota. "
                "Above 15 Lambda throttles, and the budget backs off.",
            ),
            click.option(
                "--poll-api",
                type=click.Choice([api.value for api in PollApi]),
                default=PollApi.GET_FUNCTION_CONFIGURATION.value,
                show_default=True,
                envvar="LAMBDA_WAIT_POLL_API",
                show_envvar=True,
                help=POLL_API_HELP,
            ),
        ),
    ]
    return _with_options(wrapper, decorators)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class SelectionOptions:
    """--prefix and --tag: functions chosen by listing, added to those named."""

    prefix: str | None
    tags: tuple[tuple[str, str | None], ...]

    @property
    def active(self) -> bool:
        return self.prefix is not None or bool(self.tags)

    def describe(self) -> str:
        """How the user selected, for messages: ``--prefix 'a-' and --tag k=v``."""
        parts = [f"--prefix {self.prefix!r}"] if self.prefix is not None else []
        parts += [f"--tag {k}={v}" if v is not None else f"--tag {k}" for k, v in self.tags]
        return " and ".join(parts)


def selection_options(func: F) -> F:
    """Add --prefix and --tag; the command receives them as ``selection: SelectionOptions``."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        selection = SelectionOptions(prefix=kwargs.pop("prefix"), tags=kwargs.pop("tags"))
        return func(*args, selection=selection, **kwargs)

    decorators = [
        cloup.option_group(
            "Selection (adds to the functions named)",
            click.option(
                "--prefix",
                help="Add the functions whose name starts with this (one paginated "
                "ListFunctions; IAM lambda:ListFunctions).",
            ),
            click.option(
                "--tag",
                "tags",
                multiple=True,
                type=TAG_FILTER,
                help="Add the functions carrying this tag (KEY=VALUE, or KEY for any value); "
                "repeat to require several; with --prefix, among those only. Reads the tags of "
                "each listed function (every one in the region without --prefix) through the "
                "budget: ListTags (IAM lambda:ListTags), or GetFunction with --poll-api "
                "get-function.",
            ),
        ),
    ]
    return _with_options(wrapper, decorators)  # type: ignore[no-any-return]


def history_option(func: F) -> F:
    """Add --no-history; the command receives ``no_history: bool``."""
    return click.option(
        "--no-history",
        "no_history",
        is_flag=True,
        envvar="LAMBDA_WAIT_NO_HISTORY",
        show_envvar=True,
        help="Do not use or record how long this function's operations took before "
        "(history.json in the cache directory, beside the cooldown memory); the "
        "schedule then follows the model alone (docs/performance.md).",
    )(func)
