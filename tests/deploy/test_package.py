"""The deployment package: deterministic packing, CodeSha256, zip validation (pure)."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest

from lambda_wait.deploy.package import (
    MAX_DIRECT_UPLOAD_BYTES,
    check_zip_bytes,
    code_sha256,
    pack_directory,
    read_zip_file,
)
from lambda_wait.errors import UsageError


def test_code_sha256_is_base64_of_sha256_like_lambda() -> None:
    data = b"hello"
    assert code_sha256(data) == base64.b64encode(hashlib.sha256(data).digest()).decode()


def test_same_directory_twice_gives_identical_bytes(src: Path) -> None:
    first, second = pack_directory(src), pack_directory(src)
    assert first == second
    assert code_sha256(first) == code_sha256(second)


def test_mtime_change_keeps_the_sha(src: Path) -> None:
    before = code_sha256(pack_directory(src))
    for path in (src / "app.py", src / "lib" / "util.py"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    assert code_sha256(pack_directory(src)) == before


def test_content_change_changes_the_sha(src: Path) -> None:
    before = code_sha256(pack_directory(src))
    (src / "app.py").write_text("def handler(event, context):\n    return 2\n")
    assert code_sha256(pack_directory(src)) != before


def test_entries_are_sorted_with_fixed_time_and_modes(src: Path) -> None:
    (src / "bootstrap").write_text("#!/bin/sh\n")
    (src / "bootstrap").chmod(0o700)
    (src / "__pycache__").mkdir()
    (src / "__pycache__" / "app.cpython-311.pyc").write_bytes(b"\0")
    (src / "stale.pyc").write_bytes(b"\0")
    with zipfile.ZipFile(io.BytesIO(pack_directory(src))) as archive:
        infos = archive.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names) == ["app.py", "bootstrap", "lib/util.py"]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in infos}
    assert modes == {"app.py": 0o644, "bootstrap": 0o755, "lib/util.py": 0o644}


def test_file_order_on_disk_does_not_matter(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    for root, order in ((one, ["b.py", "a.py", "c.py"]), (two, ["c.py", "a.py", "b.py"])):
        root.mkdir()
        for name in order:
            (root / name).write_text(name)
    assert pack_directory(one) == pack_directory(two)


def test_empty_or_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no files"):
        pack_directory(tmp_path)
    with pytest.raises(UsageError, match="does not exist"):
        pack_directory(tmp_path / "nope")


def test_read_zip_file_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        read_zip_file(tmp_path / "missing.zip")
    not_zip = tmp_path / "fn.zip"
    not_zip.write_text("just text")
    with pytest.raises(UsageError, match="not a valid zip"):
        read_zip_file(not_zip)
    with pytest.raises(UsageError, match="not a regular file"):
        read_zip_file(tmp_path)
    empty = io.BytesIO()
    zipfile.ZipFile(empty, "w").close()
    with pytest.raises(UsageError, match="empty zip"):
        check_zip_bytes(empty.getvalue(), "x")


def test_zip_over_50_mb_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.zip"
    with big.open("wb") as handle:  # sparse: instant, and never read
        handle.truncate(MAX_DIRECT_UPLOAD_BYTES + 1)
    with pytest.raises(UsageError, match=r"over Lambda's 50 MB limit.*--s3-bucket"):
        read_zip_file(big)
