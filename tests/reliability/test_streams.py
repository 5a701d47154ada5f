"""Issue 13, class 5: errors go to stderr in every output mode. A function's own error
(one of several, or the only one) is one line on stderr; stdout keeps the result: the
table with each function's outcome, or the JSON document, valid and complete."""

from __future__ import annotations

import json

import pytest

from lambda_wait.errors import ExitCode
from tests.reliability.test_answers import HTML, Answer, config, run, world

__all__ = ["world"]  # the fake service, shared with test_answers

MODES = {
    "text": ["-o", "text"],
    "json": ["-o", "json"],
    "plain": ["--ci-format", "plain"],
    "github": ["--ci-format", "github"],
}
COMMANDS = {
    "status of one": ["status", "bad"],
    "status of several": ["status", "good", "bad"],
    "status --wide": ["status", "good", "bad", "--wide"],
    "wait for several": ["wait", "good", "bad", "--timeout", "20s"],
}
CASES = [(c, m) for c in COMMANDS for m in MODES]


@pytest.mark.parametrize(("command", "mode"), CASES, ids=[f"{c}, {m}" for c, m in CASES])
def test_a_functions_error_is_one_line_on_stderr_never_on_stdout(
    world: dict[str, Answer], command: str, mode: str
) -> None:
    world["good"] = (200, {}, config("good"))
    world["*"] = (403, HTML, b"<html><body>Forbidden by proxy</body></html>")
    code, stdout, stderr, _ = run(*COMMANDS[command], *MODES[mode])
    assert code == ExitCode.UNAVAILABLE, (stdout, stderr)
    said = [line for line in stderr.splitlines() if line.startswith("lambda-wait: error: bad:")]
    assert len(said) == 1 and "HTTP 403" in said[0], stderr
    assert "Traceback" not in stdout + stderr
    if mode == "json":
        doc = json.loads(stdout)  # the document stays whole, the error in it
        by_name = {f["function"]: f for f in doc["functions"]}
        assert "HTTP 403" in by_name["bad"]["error"]["message"]
    else:
        assert "HTTP 403" not in stdout and "Forbidden" not in stdout, stdout
        assert "bad" in stdout  # its outcome is still in the result
