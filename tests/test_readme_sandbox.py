"""The README's sandbox block is what `lambda-wait sandbox` prints: every export line
(CLOUDWATCH included, which --alarm needs), in order, nothing else."""

from __future__ import annotations

import re
from pathlib import Path

from lambda_wait.commands.sandbox import _example_exports, _exports
from lambda_wait.sandbox.server import ACCESS_KEY, DEFAULT_ROLE_ARN, REGION, SECRET_KEY

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"<!-- readme-test: commands -->\n```bash\n(.*?)```", re.S)


def test_the_readme_pastes_exactly_what_the_sandbox_prints() -> None:
    block = BLOCK.search(README.read_text(encoding="utf-8"))
    assert block is not None
    lines = block.group(1).splitlines()
    pasted = lines[: next(i for i, line in enumerate(lines) if line.startswith("lambda-wait"))]
    printed = [
        "# Point the AWS CLI and SDKs at it (dummy credentials):",
        *_exports("http://127.0.0.1:4599", ACCESS_KEY, SECRET_KEY, REGION).splitlines(),
        *_example_exports(DEFAULT_ROLE_ARN).splitlines(),
    ]
    assert pasted == printed
    assert "export AWS_ENDPOINT_URL_CLOUDWATCH=http://127.0.0.1:4599" in pasted
