"""Issue 13, classes 6 and 2: input checked the way AWS checks it, and special files
or unbounded reads refused before any call.

Pure tables here (no sandbox); the CLI's side of each (exit 2, one stderr line, no
call) is in test_bad_input.py.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import zipfile
from collections.abc import Callable, Iterator
from io import BytesIO
from pathlib import Path

import pytest

from lambda_wait.deploy.package import MAX_UNZIPPED_BYTES, pack_directory
from lambda_wait.deploy.reading import (
    ENV_MAX_BYTES,
    MAX_TEXT_FILE_BYTES,
    check_environment,
    environment_size,
    load_spec,
    parse_env_file,
)
from lambda_wait.errors import UsageError
from lambda_wait.inputs import check_region, parse_function

# --- the 4 KB environment, counted as Lambda counts it (compact JSON) ----------------

ENV_CASES: dict[str, tuple[dict[str, str], bool]] = {
    "one big value fits": ({"BIG": "x" * 4000}, True),
    "exactly 4096 bytes of JSON": ({"AB": "x" * (ENV_MAX_BYTES - 9)}, True),
    "one byte over": ({"AB": "x" * (ENV_MAX_BYTES - 8)}, False),
    # key + value lengths 3,800 bytes, but quotes, colons and commas make 4,999.
    "many small variables": ({f"VAR_{i:05d}": "v" * 9 for i in range(200)}, False),
    # Quotes and backslashes are escaped in JSON: twice their length.
    "escaped quotes": ({"QQ": '"' * 2100}, False),
    "non-ASCII counted in UTF-8 bytes": ({"UU": "é" * 2100}, False),
    "empty": ({}, True),
}


@pytest.mark.parametrize("case", sorted(ENV_CASES))
def test_environment_size_is_the_compact_json(case: str) -> None:
    variables, fits = ENV_CASES[case]
    measured = json.dumps(variables, separators=(",", ":"), ensure_ascii=False)
    assert environment_size(variables) == len(measured.encode())
    if fits:
        check_environment(variables)
    else:
        with pytest.raises(UsageError, match="over Lambda's 4 KB limit"):
            check_environment(variables)


def test_many_small_variables_were_let_through_by_the_old_count() -> None:
    variables, _ = ENV_CASES["many small variables"]
    assert sum(len(k) + len(v) for k, v in variables.items()) <= ENV_MAX_BYTES
    assert environment_size(variables) > ENV_MAX_BYTES


# --- spec and env files: a byte-order mark, special files, a bound -----------------

BOM = "\ufeff"


def _pipe_path(data: bytes) -> Iterator[Path]:
    read, write = os.pipe()
    os.write(write, data)
    os.close(write)
    try:
        yield Path(f"/dev/fd/{read}")
    finally:
        os.close(read)


def test_spec_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(BOM + json.dumps({"FunctionName": "f", "MemorySize": 256}), encoding="utf-8")
    assert load_spec(spec, {}) == {"FunctionName": "f", "MemorySize": 256}


def test_env_file_with_a_byte_order_mark_keeps_its_first_name(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(BOM + "STAGE=prod\nTOKEN=x\n", encoding="utf-8")
    assert parse_env_file(env) == {"STAGE": "prod", "TOKEN": "x"}


def test_spec_through_a_pipe_is_read() -> None:
    for path in _pipe_path(json.dumps({"FunctionName": "piped"}).encode()):
        assert load_spec(path, {}) == {"FunctionName": "piped"}


def _socket(tmp: Path) -> Path:
    path = tmp / "s.sock"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    sock.close()
    return path


def _oversized(tmp: Path) -> Path:
    path = tmp / "huge.json"
    with path.open("wb") as handle:  # sparse: no disk used
        handle.truncate(MAX_TEXT_FILE_BYTES + 10)
    return path


TEXT_CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "a directory": (lambda t: t, "not a regular file"),
    "a character device": (lambda t: Path("/dev/zero"), "not a regular file"),
    "a socket": (_socket, "not a regular file"),
    "over 1 MB": (_oversized, "over 1 MB"),
    "missing": (lambda t: t / "nope.json", "does not exist"),
}


@pytest.mark.parametrize("reader", [lambda p: load_spec(p, {}), parse_env_file])
@pytest.mark.parametrize("case", sorted(TEXT_CASES))
def test_special_or_oversized_text_files_are_refused_unread(
    case: str, reader: Callable[[Path], object], tmp_path: Path
) -> None:
    make, expected = TEXT_CASES[case]
    with pytest.raises(UsageError, match=expected):
        reader(make(tmp_path))


# --- --code-dir: special files, links leading out, a bound ----------------------------


def _fifo(root: Path) -> None:
    os.mkfifo(root / "queue")


def _sock(root: Path) -> None:
    _socket(root)


def _link_out(root: Path) -> None:
    secret = root.parent / "credentials"
    secret.write_text("[default]\naws_secret_access_key = nope\n")
    (root / "creds").symlink_to(secret)


def _link_dangling(root: Path) -> None:
    (root / "gone").symlink_to(root / "missing.py")


def _link_to_fifo(root: Path) -> None:
    os.mkfifo(root.parent / "outside-fifo")
    (root / "pipe").symlink_to(root / ".." / "outside-fifo")


def _huge(root: Path) -> None:
    with (root / "blob.bin").open("wb") as handle:  # sparse: never read
        handle.truncate(MAX_UNZIPPED_BYTES + 1)


CODE_DIR_CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "a FIFO": (_fifo, "'queue' is a FIFO (named pipe), not a file"),
    "a socket": (_sock, "'s.sock' is a socket, not a file"),
    "a link outside": (_link_out, "'creds' is a symbolic link to"),
    "a dangling link": (_link_dangling, "'gone' cannot be read"),
    "a link to a FIFO outside": (_link_to_fifo, "'pipe' is a symbolic link to"),
    "over 250 MB unzipped": (_huge, "over Lambda's 250 MB limit for code unzipped"),
}


def _code_dir(tmp: Path) -> Path:
    root = tmp / "src"
    root.mkdir()
    (root / "app.py").write_text("def handler(e, c):\n    return 1\n")
    return root


def _pack_within(root: Path, seconds: float, **kwargs: bool) -> bytes:
    """pack_directory, failing (not hanging) if it blocks on a special file."""
    outcome: list[bytes | BaseException] = []

    def run() -> None:
        try:
            outcome.append(pack_directory(root, **kwargs))
        except BaseException as err:
            outcome.append(err)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert outcome, f"pack_directory still running after {seconds}s (blocked on a read?)"
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


@pytest.mark.parametrize("case", sorted(CODE_DIR_CASES))
def test_code_dir_entries_are_refused_before_anything_is_read(case: str, tmp_path: Path) -> None:
    make, expected = CODE_DIR_CASES[case]
    root = _code_dir(tmp_path)
    make(root)
    with pytest.raises(UsageError) as caught:
        _pack_within(root, 10.0)
    assert expected in caught.value.message
    assert "\n" not in caught.value.message


def test_links_inside_are_packed_and_links_outside_only_when_asked(tmp_path: Path) -> None:
    root = _code_dir(tmp_path)
    (root / "alias.py").symlink_to(root / "app.py")
    _link_out(root)
    with pytest.raises(UsageError, match="--allow-symlinks-outside"):
        pack_directory(root)
    names = zipfile.ZipFile(BytesIO(pack_directory(root, symlinks_outside=True))).namelist()
    assert names == ["alias.py", "app.py", "creds"]
    (root / "creds").unlink()
    names = zipfile.ZipFile(BytesIO(pack_directory(root))).namelist()
    assert names == ["alias.py", "app.py"]


# --- a function ARN's Region ---------------------------------------------------------

ARN = "arn:aws:lambda:eu-west-1:123456789012:function:orders"
REGION_CASES: list[tuple[str, str | None, bool]] = [
    (ARN, "eu-west-1", True),
    (ARN, "us-east-1", False),
    (ARN + ":live", "us-east-1", False),
    (ARN, None, True),  # no --region: the ARN's Region is used
    ("orders", "us-east-1", True),
    ("123456789012:function:orders", "us-east-1", True),  # a partial ARN has no Region
]


@pytest.mark.parametrize(("given", "region", "ok"), REGION_CASES)
def test_an_arn_contradicting_region_is_bad_input(given: str, region: str | None, ok: bool) -> None:
    ref = parse_function(given)
    if ok:
        check_region(ref, region)
    else:
        with pytest.raises(UsageError, match="pass --region eu-west-1"):
            check_region(ref, region)
