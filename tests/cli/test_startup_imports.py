"""What a command has imported when its first request leaves: rich (the consoles)
and difflib ("did you mean") are built or loaded only when something is printed or
a name was not found, so they never delay the first read (docs/performance.md,
start-up). Each probe is a fresh interpreter; the request never reaches a network."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.imports import loaded_after

# Replaces botocore's send: prints which of the lazily loaded libraries are in
# sys.modules at the first request, then ends the process on the spot.
PROBE = """
import os, sys
import botocore.endpoint

def send(self, request):
    lazy = sorted({m.split('.')[0] for m in sys.modules} & {'rich', 'difflib', 'boto3'})
    print('AT-FIRST-REQUEST=' + ','.join(lazy), flush=True)
    os._exit(0)

botocore.endpoint.Endpoint._send = send
from tests.imports import loaded_after
from lambda_wait.cli import cli
cli.main(sys.argv[1:])
"""

ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_ENDPOINT_URL_LAMBDA": "http://127.0.0.1:9",
}


def test_importing_the_cli_loads_neither_rich_nor_difflib() -> None:
    assert loaded_after("import lambda_wait.cli", ("rich", "difflib", "boto3")) == []


@pytest.mark.parametrize(
    "args",
    [
        ["wait", "my-fn"],
        ["wait", "my-fn", "--output", "json", "--ci-format", "plain"],
        ["status", "my-fn"],
    ],
)
def test_the_first_read_leaves_before_rich_or_difflib_is_imported(
    args: list[str], tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(ENV, LAMBDA_WAIT_CACHE_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines() == ["AT-FIRST-REQUEST="], done.stdout
