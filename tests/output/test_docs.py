"""The docs that describe the CLI stay true: docs/cli.md is generated from --help
(cog) and must not drift; every command has help text and examples; shell
completion works as docs/ci.md says; the GitHub output keys are documented."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from cogapp import Cog

from lambda_wait.cli import COMMANDS, cli
from lambda_wait.ui import github

DOCS = Path(__file__).resolve().parent.parent.parent / "docs"


def test_cli_reference_matches_help() -> None:
    status = Cog().main(["cog", "--check", str(DOCS / "cli.md")])
    assert status == 0, "docs/cli.md is stale: run `uv run cog -r docs/cli.md`"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_text_and_examples(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    assert command.help and len(command.help.split()) >= 10, f"{name}: no help text"
    epilog = command.epilog or ""
    assert "Examples:" in epilog, f"{name}: no examples in its --help"
    assert f"lambda-wait {name}" in epilog, f"{name}: examples do not show the command"
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0 and "Examples:" in result.output
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"{name} {param.opts[0]}: no help text"
    assert f"## lambda-wait {name}" in (DOCS / "cli.md").read_text()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_completion_as_documented(shell: str) -> None:
    assert f"_LAMBDA_WAIT_COMPLETE={shell}_source lambda-wait" in (DOCS / "ci.md").read_text()
    result = CliRunner().invoke(cli, [], env={"_LAMBDA_WAIT_COMPLETE": f"{shell}_source"})
    assert result.exit_code == 0
    assert "_lambda_wait_completion" in result.output


def test_github_output_keys_are_documented() -> None:
    page = (DOCS / "ci.md").read_text()
    for key in ("exit-code", "exit-status", "functions-json", "function-exit-code"):
        assert f"`{key}`" in page, key
    for key in github.FUNCTION_OUTPUT_KEYS:
        assert f"`<function>-{key}`" in page or f"`<function>-{key}`, " in page, key


def test_docs_pages_exist_and_link_each_other() -> None:
    index = (DOCS / "index.md").read_text()
    for page in ("cli.md", "ci.md", "exit-codes.md", "json-output.md"):
        assert f"({page}" in index, page
    ci = (DOCS / "ci.md").read_text()
    for heading in ("GitHub Actions", "GitLab CI", "A shell script", "Shell completion"):
        assert f"## {heading}" in ci
