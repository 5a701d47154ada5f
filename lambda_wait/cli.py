"""The Click entry point. Commands live in lambda_wait/commands/, one module each,
and are imported only when invoked so that --help and --version stay fast
(no boto3 import)."""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Sequence
from typing import Any

import click
import cloup

from lambda_wait import __version__
from lambda_wait.commands._boundary import Invocation, silence_stdout, stdout_is_devnull
from lambda_wait.errors import EXIT_CODE_MEANINGS, SEVERITY, ExitCode
from lambda_wait.options import global_options
from lambda_wait.signals import Stopped, interruptible, sigterm_raises

# name -> ("module:attribute", one-line help); imported on first use, and the
# one-line help lives here so that `lambda-wait --help` imports no command.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": (
        "lambda_wait.commands.demo:command",
        "Deploy the bundled example against a local sandbox (no AWS account).",
    ),
    "deploy": (
        "lambda_wait.commands.deploy:command",
        "Create or update a function safely: wait, act, wait (idempotent).",
    ),
    "init": (
        "lambda_wait.commands.init:command",
        "Write a deploy spec from a live function (env values as ${NAME}).",
    ),
    "rollback": (
        "lambda_wait.commands.rollback:command",
        "Point an alias back at the previous version, with no weights.",
    ),
    "versions": (
        "lambda_wait.commands.versions:command",
        "List published versions and what uses them; --prune the unused ones.",
    ),
    "status": (
        "lambda_wait.commands.status:command",
        "Show what functions are doing and why (one read each).",
    ),
    "wait": (
        "lambda_wait.commands.wait:command",
        "Wait until functions are ready; fail fast with the decoded reason.",
    ),
    "sandbox": (
        "lambda_wait.commands.sandbox:command",
        "Serve a local Lambda control plane that goes through the real states.",
    ),
    "completion": (
        "lambda_wait.commands.completion:command",
        "Print the shell completion script (bash, zsh or fish).",
    ),
}

# How --help groups the commands; a command not listed here shows under "Other commands".
SECTIONS: dict[str, list[str]] = {
    "Look and wait": ["status", "wait"],
    "Deploy and release": ["deploy", "rollback", "versions", "init"],
    "Try it without AWS": ["demo", "sandbox"],
    "Shell": ["completion"],
}

_EXIT_CODES_EPILOG = (
    "Examples:\n\n\b\n"
    "  lambda-wait demo                                  # try it: no AWS account needed\n"
    "  lambda-wait status my-function\n"
    "  lambda-wait wait my-function --timeout 10m\n"
    "  lambda-wait deploy --spec function.json --code-dir src/ --alias live\n\n"
    "Exit codes (with several functions, the worst outcome wins; worst first: "
    + ", ".join(str(int(code)) for code in SEVERITY)
    + "):\n\n\b\n"
    + "\n".join(f"  {int(code):>3}  {text}" for code, text in EXIT_CODE_MEANINGS.items())
)


class LazyGroup(cloup.Group):
    """A group whose subcommands are imported only when used, and whose usage
    errors are one line on stderr with exit code 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module_name, attr = entry[0].split(":")
        cmd: Any = getattr(importlib.import_module(module_name), attr)
        assert isinstance(cmd, click.Command)
        return cmd

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """A mistyped command gets a suggestion: ``No such command 'staus'. Did you
        mean 'status'?``"""
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in COMMANDS:
            import difflib  # only for a mistyped command: not on every start

            close = difflib.get_close_matches(name, list(COMMANDS), n=1, cutoff=0.6)
            if close:
                ctx.fail(f"No such command {name!r}. Did you mean {close[0]!r}?")
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands in sections (their one-line help lives in COMMANDS: no import)."""
        placed = {name for names in SECTIONS.values() for name in names}
        sections = {**SECTIONS, "Other commands": [n for n in COMMANDS if n not in placed]}
        for title, names in sections.items():
            rows = [(name, COMMANDS[name][1]) for name in names if name in COMMANDS]
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command inside the one error boundary (:mod:`lambda_wait.commands._boundary`):
        SIGTERM unwinds like Ctrl-C, and whatever stops the command becomes its exit code."""
        invocation = ctx.ensure_object(Invocation)
        try:
            # SIGTERM unwinds like Ctrl-C, to exit 143; either leaves as Stopped.
            with interruptible(), sigterm_raises():
                return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise  # Click's own (usage errors, --help): main() below
        except SystemExit as stop:  # rich ends a write to a closed pipe (`| head -1`) so
            if stop.code == 1 and stdout_is_devnull():  # (stdout now on /dev/null)
                return ExitCode.READY  # the reader has what it wanted: not a failure
            raise
        except (Exception, Stopped) as stop:
            return invocation.fail(stop)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Parse and run; usage errors are one stderr line and exit 2. Every write goes
        through the stream guard (``ui/guard.py``): a closed or full stream never changes
        the exit code, and a lost result is one warning on stderr."""
        from lambda_wait.ui.guard import guarding, lost_warning

        with guarding() as (out, err):
            code = self._main(args, prog_name, complete_var, **extra)
            try:
                warning = lost_warning(out, ExitCode(code))
            except ValueError:  # a code of Click's own: no outcome to vouch for
                warning = None
            if warning is not None:
                err.write(warning + "\n")
        if not standalone_mode:
            return code
        try:
            if sys.stdout is not None:  # None: started with stdout closed (`>&-`)
                sys.stdout.flush()
        except (OSError, ValueError):  # gone or full: the outcome stands (ui/guard.py)
            silence_stdout()
        sys.exit(int(code))

    def _main(
        self,
        args: Sequence[str] | None,
        prog_name: str | None,
        complete_var: str | None,
        **extra: Any,
    ) -> int:
        """Click's main, with its usage errors and whatever else stops it as exit codes."""
        invocation = Invocation(argv=tuple(sys.argv[1:] if args is None else args))
        try:
            rv = super().main(
                args,
                prog_name or "lambda-wait",
                complete_var,
                standalone_mode=False,
                obj=invocation,
                **extra,
            )
            code = rv if isinstance(rv, int) else 0
        except click.UsageError as err:
            where = err.ctx.command_path if err.ctx else "lambda-wait"
            click.echo(
                f"lambda-wait: error: {err.format_message()} (see '{where} --help')", err=True
            )
            code = ExitCode.USAGE
        except click.ClickException as err:
            click.echo(f"lambda-wait: error: {err.format_message()}", err=True)
            code = err.exit_code
        except SystemExit:  # Click ends an EPIPE (`--help | head -1`) with exit 1
            if type(sys.stdout).__name__ != "_PacifyFlushWrapper":
                raise
            silence_stdout()  # the reader has what it wanted: not a failure
            code = ExitCode.READY
        except click.Abort:  # Click turned a Ctrl-C while parsing into Abort
            code = invocation.fail(Stopped())
        except Exception as err:  # a bug before any command ran: the same boundary
            code = invocation.fail(err)
        return int(code)


@click.group(
    "lambda-wait",
    cls=LazyGroup,
    epilog=_EXIT_CODES_EPILOG,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", prog_name="lambda-wait")
@global_options
def cli(**global_options: Any) -> None:
    """Deploy AWS Lambda functions and wait until they are really ready.

    Knows the whole Lambda state machine (Pending, Active, Inactive, Failed,
    LastUpdateStatus InProgress/Successful/Failed), decodes every reason code
    into cause and remedy, and reports through exit codes scripts can trust.

    The options below may come before the command, as with the AWS CLI
    (`lambda-wait --region eu-west-1 status fn`), or after it.
    """


def main() -> None:
    """Console-script entry point."""
    try:
        cli()
    finally:
        # The process is ending: keep the cyclic GC away from the ~100k objects that
        # botocore, click and rich leave behind, or the interpreter's shutdown spends
        # ~0.1 s collecting them (docs/performance.md, start-up). Exit handlers, thread
        # joins and stream flushes still run.
        gc.freeze()
