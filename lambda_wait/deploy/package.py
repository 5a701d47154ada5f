"""The deployment package: read a zip, pack a directory deterministically, and
compute CodeSha256 the way Lambda does. Pure: no AWS calls.

Deterministic packing means the same sources always give the same bytes, hence
the same CodeSha256, so a redeploy of unchanged sources is recognised as a no-op
whatever the files' modification times or the order the filesystem lists them in.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import stat
import zipfile
from pathlib import Path

from lambda_wait.errors import UsageError

MAX_DIRECT_UPLOAD_BYTES = 50 * 1024 * 1024
"""Lambda's quota for a zip sent in the request itself (50 MB zipped); larger goes via S3."""
MAX_UNZIPPED_BYTES = 250 * 1024 * 1024
"""Lambda's quota for a function's code unzipped: a --code-dir larger than this is
refused from its files' sizes, before any of them is read."""

FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry
FILE_MODE = 0o644
EXECUTABLE_MODE = 0o755  # kept for files with any execute bit (e.g. a custom runtime's bootstrap)
COMPRESS_LEVEL = 9

# Never packed: byte-code embeds source mtimes (it would defeat determinism) and VCS noise.
EXCLUDED_DIRS = frozenset({"__pycache__", ".git", ".hg", ".svn"})
EXCLUDED_SUFFIXES = (".pyc", ".pyo")
EXCLUDED_NAMES = frozenset({".DS_Store"})


def code_sha256(data: bytes) -> str:
    """Lambda's CodeSha256: the base64 (not hex) SHA-256 digest of the zip's bytes."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def _check_size(size: int, what: str, *, via_s3: bool = False) -> None:
    """A zip sent in the request is at most 50 MB; through S3 (``via_s3``) only the
    unzipped size is limited, and Lambda checks that."""
    if size > MAX_DIRECT_UPLOAD_BYTES and not via_s3:
        raise UsageError(
            f"{what} is {size / 1_048_576:.1f} MB, over Lambda's 50 MB limit for a zip sent "
            "in the request: add --s3-bucket BUCKET (in the function's Region) to upload it "
            "through S3."
        )


def check_zip_bytes(data: bytes, what: str, *, via_s3: bool = False) -> None:
    """Raise UsageError unless ``data`` is a readable, non-empty zip archive within the limit."""
    _check_size(len(data), what, via_s3=via_s3)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            bad = archive.testzip()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as err:
        raise UsageError(f"{what} is not a valid zip archive ({err}).") from None
    if bad is not None:
        raise UsageError(f"{what} is a damaged zip archive (entry {bad!r} fails its CRC check).")
    if not names:
        raise UsageError(f"{what} is an empty zip archive: Lambda needs at least one file.")


def read_zip_file(path: str | Path, *, via_s3: bool = False) -> bytes:
    """Read and validate a deployment zip; every problem is a one-line UsageError
    (over 50 MB too, unless it goes ``via_s3``)."""
    p = Path(path)
    what = f"zip file {str(p)!r}"
    try:
        info = p.stat()
    except FileNotFoundError:
        raise UsageError(f"{what} does not exist.") from None
    except OSError as err:
        raise UsageError(f"{what} cannot be read: {err.strerror or err}.") from None
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{what} is not a regular file.")
    # Before reading: never load a huge file to refuse it.
    _check_size(info.st_size, what, via_s3=via_s3)
    try:
        data = p.read_bytes()
    except OSError as err:
        raise UsageError(f"{what} cannot be read: {err.strerror or err}.") from None
    check_zip_bytes(data, what, via_s3=via_s3)
    return data


def _excluded(name: str, *, is_dir: bool) -> bool:
    if is_dir:
        return name in EXCLUDED_DIRS
    return name in EXCLUDED_NAMES or name.endswith(EXCLUDED_SUFFIXES)


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words (None: a regular file)."""
    if stat.S_ISREG(mode):
        return None
    kinds = {
        stat.S_ISFIFO: "a FIFO (named pipe)",
        stat.S_ISSOCK: "a socket",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
        stat.S_ISDIR: "a directory",
    }
    return next((words for test, words in kinds.items() if test(mode)), "not a regular file")


def list_sources(root: Path, *, symlinks_outside: bool = False) -> list[tuple[str, Path]]:
    """(archive name, path) of every file under ``root`` to pack, sorted by archive name.

    Checked before anything is read (reading a FIFO or a device would block, or never
    end): every entry is a regular file, or a symbolic link to one inside ``root``
    (one leading outside, e.g. to ``~/.aws/credentials``, only with
    ``symlinks_outside``); their sizes together are within Lambda's unzipped quota.
    A UsageError names the first entry that is not.
    """
    what = f"code directory {str(root)!r}"
    inside = root.resolve()
    entries: list[tuple[str, Path]] = []
    total = 0
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not _excluded(d, is_dir=True))
        for filename in filenames:
            if _excluded(filename, is_dir=False):
                continue
            path = Path(dirpath) / filename
            name = path.relative_to(root).as_posix()
            if path.is_symlink():
                target = path.resolve()
                if not symlinks_outside and not target.is_relative_to(inside):
                    raise UsageError(
                        f"{what}: {name!r} is a symbolic link to {str(target)!r}, outside the "
                        "directory: remove it, or pass --allow-symlinks-outside to pack the "
                        "file it points to."
                    )
            try:
                info = path.stat()  # follows a link: what would be packed
            except OSError as err:  # a dangling link, a link loop, no permission
                raise UsageError(
                    f"{what}: {name!r} cannot be read: {err.strerror or err}."
                ) from None
            kind = _kind(info.st_mode)
            if kind is not None:
                raise UsageError(
                    f"{what}: {name!r} is {kind}, not a file: remove it or exclude it "
                    "(only regular files are deployed)."
                )
            total += info.st_size
            if total > MAX_UNZIPPED_BYTES:
                raise UsageError(
                    f"{what} holds over {MAX_UNZIPPED_BYTES // 1_048_576} MB of files, over "
                    "Lambda's 250 MB limit for code unzipped: use a container image "
                    "(--image-uri) or move dependencies into layers."
                )
            entries.append((name, path))
    entries.sort(key=lambda entry: entry[0])
    return entries


def pack_directory(
    path: str | Path, *, symlinks_outside: bool = False, via_s3: bool = False
) -> bytes:
    """Zip a directory deterministically: sorted entries, fixed timestamps and permissions.

    Files only (no directory entries); symbolic links to files inside the directory
    are packed as the file they point to (links leading outside only with
    ``symlinks_outside``); ``__pycache__``, ``*.pyc``, VCS directories and
    ``.DS_Store`` are left out. FIFOs, sockets and devices are refused unread.
    """
    root = Path(path)
    what = f"code directory {str(root)!r}"
    if not root.exists():
        raise UsageError(f"{what} does not exist.")
    if not root.is_dir():
        raise UsageError(f"{what} is not a directory (give a zip with --zip-file).")
    try:
        sources = list_sources(root, symlinks_outside=symlinks_outside)
    except OSError as err:
        raise UsageError(f"{what} cannot be read: {err.strerror or err}.") from None
    if not sources:
        raise UsageError(f"{what} has no files to deploy.")
    buffer = io.BytesIO()
    total = 0
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, file_path in sources:
            try:
                data = file_path.read_bytes()
                mode = file_path.stat().st_mode
            except OSError as err:
                raise UsageError(f"{what}: cannot read {name!r}: {err.strerror or err}.") from None
            total += len(data)
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the permission bits below are honoured
            executable = mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
            info.external_attr = (
                stat.S_IFREG | (EXECUTABLE_MODE if executable else FILE_MODE)
            ) << 16
            archive.writestr(info, data, compresslevel=COMPRESS_LEVEL)
            if buffer.tell() > MAX_DIRECT_UPLOAD_BYTES and not via_s3:
                break  # the size check below reports it; stop compressing early
    data = buffer.getvalue()
    _check_size(len(data), f"the zip packed from {what}", via_s3=via_s3)
    return data
