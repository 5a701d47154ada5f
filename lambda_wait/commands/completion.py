"""`lambda-wait completion`: print the shell completion script."""

from __future__ import annotations

import click
import cloup

EXAMPLES = """
Examples:

\b
  lambda-wait completion bash >> ~/.bashrc
  lambda-wait completion zsh > "${fpath[1]}/_lambda-wait"
  lambda-wait completion fish > ~/.config/fish/completions/lambda-wait.fish
  eval "$(uv run lambda-wait completion bash)"   # from a clone, for this shell
"""


@cloup.command(epilog=EXAMPLES)
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
@click.pass_context
def command(ctx: click.Context, shell: str) -> None:
    """Print the completion script for SHELL (bash, zsh or fish) on stdout.

    Source it, or save it where the shell loads completions (see the examples).
    The script completes commands, options and choices by calling `lambda-wait`
    itself, so it must be on PATH (e.g. `uv tool install lambda-wait`); it is the
    same script as `_LAMBDA_WAIT_COMPLETE=bash_source lambda-wait` prints.
    """
    from click.shell_completion import get_completion_class

    # The group this command runs under (`lambda-wait`), from Click's context: importing
    # lambda_wait.cli here would make the commands layer depend on the CLI above it.
    root = ctx.find_root().command
    completion = get_completion_class(shell)
    assert completion is not None  # the Choice above lists only shells Click knows
    click.echo(completion(root, {}, "lambda-wait", "_LAMBDA_WAIT_COMPLETE").source())
