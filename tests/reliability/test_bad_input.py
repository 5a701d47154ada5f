"""Hypothesis throws generated arguments, spec files, environment files and zip files
at the CLI (issue 8, rule 2): never a traceback, always one stderr line starting
``lambda-wait: error:`` with the documented exit code, and no mutating call made.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambda_wait.sandbox import SandboxHandle
from tests.reliability.conftest import ROLE, CliRun, Run

TRIED: Counter[str] = Counter()
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same inputs on every run and in CI
)

# Options of deploy that cannot, whatever their values, make a complete request
# (no --role, no image or S3 code): the generated run must stop at validation.
DEPLOY_OPTIONS = [
    "--function-name",
    "--spec",
    "--zip-file",
    "--code-dir",
    "--runtime",
    "--handler",
    "--memory-size",
    "--function-timeout",
    "--description",
    "--architecture",
    "--env",
    "--env-file",
    "--layer",
    "--subnet-id",
    "--security-group-id",
    "--ephemeral-storage",
    "--tracing",
    "--snapstart",
    "--kms-key-arn",
    "--log-format",
    "--tag",
    "--alias",
    "--timeout",
    "--region",
    "--output",
    "--qualifier",
    "--for",
    "--max-rps",
]
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=30,
)
TOKEN = st.one_of(st.sampled_from(DEPLOY_OPTIONS), TEXT, st.integers(-5, 99999).map(str))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=10,
)
SPEC_KEYS = st.sampled_from(
    [
        "FunctionName",
        "Runtime",
        "Handler",
        "Code",
        "Timeout",
        "MemorySize",
        "Environment",
        "VpcConfig",
        "Layers",
        "Tags",
        "Architectures",
        "SnapStart",
        "PackageType",
        "Colour",
    ]
)  # never Role: whatever else it says, the spec cannot make a complete CreateFunction


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buf.getvalue()


def _zip_of(files: dict[str, bytes]) -> bytes:
    try:
        return _zip(files)
    except (ValueError, OSError, IndexError):  # names zipfile itself refuses
        return b"PK\x05\x06" + b"\x00" * 18


def _corrupt(spec: tuple[bytes, int]) -> bytes:
    """A valid zip with bytes overwritten at ``offset``: a damaged upload."""
    junk, offset = spec
    good = bytearray(_zip({"app.py": b"def handler(e, c):\n    return 1\n" * 4}))
    offset %= len(good)
    good[offset : offset + len(junk)] = junk
    return bytes(good)


@pytest.fixture(autouse=True, scope="module")
def report_counts() -> Iterator[None]:
    yield
    print(f"\nbad inputs tried: {sum(TRIED.values())} {dict(TRIED)}")


def _check(sandbox: SandboxHandle, run: Run, allowed: set[int]) -> None:
    assert "Traceback" not in run.stderr + run.stdout, run.stderr
    assert run.code in allowed, (run.code, run.stderr)
    if run.code == 2:
        errors = [line for line in run.stderr.splitlines() if line.startswith("lambda-wait:")]
        assert len(errors) == 1, run.stderr
        assert errors[0].startswith("lambda-wait: error:"), run.stderr
    assert sandbox.sandbox.mutating_calls(applied_only=False) == []


@SETTINGS
@given(tokens=st.lists(TOKEN, max_size=8))
def test_generated_deploy_arguments(sandbox: SandboxHandle, lw: CliRun, tokens: list[str]) -> None:
    TRIED["arguments"] += 1
    run = lw("deploy", *tokens)
    _check(sandbox, run, {2})


@SETTINGS
@given(tokens=st.lists(TOKEN, min_size=1, max_size=5))
def test_generated_status_arguments(sandbox: SandboxHandle, lw: CliRun, tokens: list[str]) -> None:
    TRIED["arguments"] += 1
    run = lw("status", *tokens)
    # 2 for bad input; a well-formed name that does not exist is 4 (after one read).
    _check(sandbox, run, {2, 4})


@SETTINGS
@given(doc=st.one_of(JSON, st.dictionaries(SPEC_KEYS, JSON, max_size=6)), raw=st.booleans())
def test_generated_spec_files(
    sandbox: SandboxHandle, lw: CliRun, tmp_path: Path, doc: Any, raw: bool
) -> None:
    TRIED["spec files"] += 1
    spec = tmp_path / "spec.json"
    spec.write_text(repr(doc) if raw else json.dumps(doc))
    code = tmp_path / "code.zip"
    code.write_bytes(_zip({"app.py": b"x = 1\n"}))
    run = lw("deploy", "--spec", str(spec), "--zip-file", str(code), "--function-name", "fuzzed")
    _check(sandbox, run, {2})


@SETTINGS
@given(content=st.one_of(TEXT, st.lists(TEXT, max_size=6).map("\n".join)), binary=st.binary())
def test_generated_env_files(
    sandbox: SandboxHandle, lw: CliRun, tmp_path: Path, content: str, binary: bytes
) -> None:
    TRIED["env files"] += 1
    env = tmp_path / "fn.env"
    env.write_bytes(binary if len(binary) % 3 == 0 and binary else content.encode())
    code = tmp_path / "code.zip"
    code.write_bytes(_zip({"app.py": b"x = 1\n"}))
    args = ["--function-name", "envy", "--zip-file", str(code), "--role", ROLE]
    run = lw(
        "deploy",
        *args,
        "--runtime",
        "python3.12",
        "--handler",
        "app.handler",
        "--env-file",
        str(env),
        "--dry-run",
    )
    _check(sandbox, run, {0, 2})  # a file that parses is fine: the dry run changes nothing


@SETTINGS
@given(
    data=st.one_of(
        st.binary(max_size=200),
        st.dictionaries(TEXT, st.binary(max_size=50), max_size=3).map(_zip_of),
        st.tuples(st.binary(min_size=1, max_size=20), st.integers(0, 400)).map(_corrupt),
    )
)
def test_generated_zip_files(
    sandbox: SandboxHandle, lw: CliRun, tmp_path: Path, data: bytes
) -> None:
    TRIED["zip files"] += 1
    code = tmp_path / "code.zip"
    code.write_bytes(data)
    run = lw(
        "deploy",
        "--function-name",
        "zippy",
        "--zip-file",
        str(code),
        "--role",
        ROLE,
        "--runtime",
        "python3.12",
        "--handler",
        "app.handler",
        "--dry-run",
    )
    _check(sandbox, run, {0, 2})
