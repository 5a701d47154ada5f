"""CreateFunction's required fields are checked before it is sent: a missing --role
(or --runtime/--handler for a zip) is one line naming the flag, exit 2, and nothing
is created. (An update needing none of them is every update test in tests/deploy.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from lambda_wait.cli import cli
from lambda_wait.errors import ExitCode

ROLE = "arn:aws:iam::123456789012:role/fn"


@pytest.fixture
def lambda_client(aws_env: None) -> Iterator[object]:
    import boto3
    from moto import mock_aws

    with mock_aws():
        yield boto3.client("lambda", region_name="us-east-1")


@pytest.fixture
def src(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text("def handler(event, context):\n    return 1\n")
    return tmp_path


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--runtime", "python3.12", "--handler", "app.handler"], "--role."),
        (["--role", ROLE, "--handler", "app.handler"], "--runtime."),
        (["--role", ROLE], "--runtime and --handler."),
        ([], "--role and --runtime and --handler."),
    ],
)
def test_a_missing_create_field_is_one_line_and_nothing_is_created(
    lambda_client: object, src: Path, flags: list[str], named: str
) -> None:
    args = ["deploy", "--function-name", "new-fn", "--code-dir", str(src), *flags]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == ExitCode.USAGE, result.stderr
    line = result.stderr.splitlines()[0]
    assert line.startswith("lambda-wait: error: new-fn: the function does not exist yet, and ")
    assert named in line and "Parameter validation failed" not in result.stderr
    assert lambda_client.list_functions()["Functions"] == []  # type: ignore[attr-defined]
