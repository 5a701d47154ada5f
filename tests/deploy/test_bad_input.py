"""Bad input: one line on stderr, exit 2, and no call at all reaches the sandbox."""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from lambda_wait.deploy.package import MAX_DIRECT_UPLOAD_BYTES
from lambda_wait.sandbox import SandboxHandle
from tests.deploy.conftest import ROLE, SECRET, Deploy

Case = Callable[[Path], list[str]]


def _zip(path: Path) -> str:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("app.py", "x = 1\n")
    path.write_bytes(buf.getvalue())
    return str(path)


def _big_zip(tmp: Path) -> list[str]:
    path = tmp / "big.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("blob.bin", os.urandom(MAX_DIRECT_UPLOAD_BYTES + 1024))  # incompressible
    return ["--zip-file", str(path)]


def _spec(tmp: Path, doc: object) -> list[str]:
    path = tmp / "spec.json"
    path.write_text(json.dumps(doc))
    return ["--spec", str(path), "--zip-file", _zip(tmp / "ok.zip")]


CASES: dict[str, tuple[Case, str]] = {
    "missing zip": (lambda t: ["--zip-file", str(t / "nope.zip")], "does not exist"),
    "non-zip file": (
        lambda t: ["--zip-file", str((t / "x.zip").write_text("text") and t / "x.zip")],
        "not a valid zip",
    ),
    "zip over 50 MB": (_big_zip, "50 MB limit"),
    "zip is a directory": (lambda t: ["--zip-file", str(t)], "is a directory"),
    "spec unknown key": (
        lambda t: _spec(t, {"FunctionName": "f", "Colour": "blue"}),
        "'Colour' is not a CreateFunction key",
    ),
    "spec wrong type": (
        lambda t: _spec(t, {"FunctionName": "f", "Timeout": "long"}),
        "Invalid type for parameter Timeout",
    ),
    "spec not json": (
        lambda t: ["--spec", str((t / "s.json").write_text("{") and t / "s.json")],
        "not valid JSON",
    ),
    "two code sources": (
        lambda t: ["--zip-file", _zip(t / "a.zip"), "--image-uri", "repo:1"],
        "two code sources",
    ),
    "invalid env name": (
        lambda t: ["--zip-file", _zip(t / "a.zip"), "--env", f"1BAD={SECRET}"],
        "invalid environment variable name '1BAD'",
    ),
    "unset variable": (
        lambda t: _spec(t, {"FunctionName": "f", "Role": "${LW_TEST_UNSET_ROLE}"}),
        "${LW_TEST_UNSET_ROLE} (at Role) is not set",
    ),
    "bad alias": (lambda t: ["--zip-file", _zip(t / "a.zip"), "--alias", "123"], "invalid alias"),
    # Issue 13, classes 6 and 2: refused before any call (a FIFO used to hang forever).
    "code dir with a FIFO": (lambda t: _code_dir_with(t, "fifo"), "is a FIFO (named pipe)"),
    "code dir link outside": (lambda t: _code_dir_with(t, "link"), "--allow-symlinks-outside"),
    "env over 4 KB as JSON": (
        lambda t: (
            ["--zip-file", _zip(t / "a.zip")]
            + [arg for i in range(200) for arg in ("--env", f"VAR_{i:05d}={SECRET[:9]}")]
        ),
        "over Lambda's 4 KB limit",
    ),
    "env file is a device": (
        lambda t: ["--zip-file", _zip(t / "a.zip"), "--env-file", "/dev/zero"],
        "not a regular file",
    ),
}


def _code_dir_with(tmp: Path, kind: str) -> list[str]:
    root = tmp / "src"
    root.mkdir()
    (root / "app.py").write_text("x = 1\n")
    if kind == "fifo":
        os.mkfifo(root / "queue")
    else:
        (tmp / "credentials").write_text(f"secret = {SECRET}\n")
        (root / "creds").symlink_to(tmp / "credentials")
    return ["--code-dir", str(root), "--dry-run", "--timeout", "5s"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_line_exit_2_and_no_call(
    case: str, deploy: Deploy, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    make, expected = CASES[case]
    args = ["--function-name", "fn", "--role", ROLE, "--runtime", "python3.12"]
    args += ["--handler", "app.handler", *make(tmp_path)]
    if case.startswith("spec") or case == "unset variable":
        args = args[2:]  # the spec names the function
    run = deploy(*args)
    assert run.code == 2, (run.stdout, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert expected in lines[0]
    assert run.stdout == ""
    assert SECRET not in run.stderr
    assert sandbox.calls == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_zip(deploy: Deploy, sandbox: SandboxHandle, tmp_path: Path) -> None:
    path = Path(_zip(tmp_path / "locked.zip"))
    path.chmod(0)
    run = deploy("--function-name", "fn", "--zip-file", str(path))
    assert run.code == 2 and "cannot be read" in run.stderr
    assert sandbox.calls == []


def test_bad_input_in_json_mode_is_still_one_document(
    deploy: Deploy, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    run = deploy("--function-name", "fn", "--zip-file", str(tmp_path / "nope.zip"), "-o", "json")
    assert run.code == 2
    doc = json.loads(run.stdout)
    assert doc["command"] == "deploy" and doc["exit_status"] == "usage"
    assert "does not exist" in doc["error"]["message"]
    assert sandbox.calls == []


ARN = "arn:aws:lambda:eu-west-1:123456789012:function:fn"


@pytest.mark.parametrize(
    "args",
    [
        ["deploy", "--function-name", ARN, "--role", ROLE, "--runtime", "python3.12"],
        ["status", ARN],
        ["wait", ARN, "--timeout", "5s"],
    ],
    ids=["deploy", "status", "wait"],
)
def test_an_arn_contradicting_region_is_exit_2_before_any_call(
    args: list[str],
    sandbox: SandboxHandle,
    aws_env: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from click.testing import CliRunner

    from lambda_wait.cli import cli

    monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", sandbox.endpoint_url)
    if args[0] == "deploy":
        args = [*args, "--handler", "app.handler", "--zip-file", _zip(tmp_path / "a.zip")]
    result = CliRunner().invoke(cli, [*args, "--region", "us-east-1"], catch_exceptions=False)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "is in eu-west-1, but --region says us-east-1" in lines[0]
    assert sandbox.calls == []


def test_a_spec_with_a_byte_order_mark_deploys(
    deploy: Deploy, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    spec = tmp_path / "spec.json"
    doc = {"FunctionName": "bom-fn", "Role": ROLE, "Runtime": "python3.12", "Handler": "a.h"}
    spec.write_text("\ufeff" + json.dumps(doc), encoding="utf-8")
    run = deploy("--spec", str(spec), "--zip-file", _zip(tmp_path / "a.zip"), "--dry-run")
    assert run.code == 0, run.stderr
    assert "bom-fn: dry run" in run.stdout
