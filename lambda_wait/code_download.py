"""``init --download``: fetch a function's deployment package and prove it is the one.

GetFunction answers a presigned URL and the package's CodeSha256 (base64 SHA-256).
What comes back from the URL is kept only when it is whole (as long as its
Content-Length says), a zip, and hashes to that CodeSha256: a proxy's HTML page, a
body cut short or another package is :class:`UnexpectedAnswerError` (exit 8), and
nothing is written. The URL itself is never returned, logged or put in an error.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import io
import re
import urllib.request
import zipfile

from lambda_wait.errors import AwsUnavailableError, UnexpectedAnswerError

# A zipped package is at most 250 MB unzipped: more than this is not Lambda's code.
MAX_CODE_DOWNLOAD = 256 * 1024 * 1024
# Lambda's own rule for a function's name (the part a file name may be built from).
FUNCTION_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


def safe_file_stem(name: str) -> str:
    """``name`` when it is a function name Lambda allows (so a safe file name: no
    ``/``, no ``..``); anything else came from something that is not Lambda."""
    if not FUNCTION_NAME.fullmatch(name):
        raise UnexpectedAnswerError(
            f"Lambda answered a function name that is not one ({name[:80]!r}): "
            "no file is named after it; check --endpoint-url."
        )
    return name


def fetch_package(location: str, code_sha256: str, name: str, *, timeout: float = 60.0) -> bytes:
    """The package at ``location``, checked against its length, zip format and hash."""
    data, declared, kind = download(location, MAX_CODE_DOWNLOAD, f"the code of {name}", timeout)
    if len(data) > MAX_CODE_DOWNLOAD:
        raise UnexpectedAnswerError(
            f"the code package of {name} is over {MAX_CODE_DOWNLOAD >> 20} MB, more than "
            "Lambda holds (250 MB unzipped): not downloaded"
        )
    check_package(data, declared, kind, code_sha256, name)
    return data


def download(location: str, limit: int, what: str, timeout: float) -> tuple[bytes, str | None, str]:
    """(at most ``limit`` + 1 bytes of the body, its Content-Length, its Content-Type) of a
    presigned URL; a network failure is AwsUnavailableError naming ``what``, never the URL."""
    try:
        with urllib.request.urlopen(location, timeout=timeout) as answer:
            declared = answer.headers.get("Content-Length")
            kind = answer.headers.get("Content-Type") or "no Content-Type"
            data: bytes = answer.read(limit + 1)  # never a huge body whole
    except (OSError, ValueError, http.client.HTTPException) as err:  # IncompleteRead too
        reason = getattr(err, "reason", None) or type(err).__name__
        raise AwsUnavailableError(f"could not download {what}: {reason}") from None
    return data, declared, kind


def fetch_blob(location: str, what: str, *, limit: int, timeout: float = 30.0) -> bytes:
    """A small blob (an image's config) at ``location``: whole (its Content-Length, when
    given, matches) and at most ``limit`` bytes, else UnexpectedAnswerError."""
    data, declared, _ = download(location, limit, what, timeout)
    if len(data) > limit:
        raise UnexpectedAnswerError(f"{what} is over {limit} bytes: not read")
    if declared is not None and declared.strip().isdigit() and int(declared) != len(data):
        raise UnexpectedAnswerError(f"{what} was cut short ({len(data)} of {declared} bytes)")
    return data


def check_package(
    data: bytes, declared: str | None, kind: str, code_sha256: str, name: str
) -> None:
    """Raise UnexpectedAnswerError unless ``data`` is whole, a zip and has ``code_sha256``."""
    problem = None
    if declared is None or not declared.strip().isdigit():
        problem = "no Content-Length (a whole package cannot be told from a cut one)"
    elif int(declared) != len(data):
        problem = f"{len(data)} bytes where Content-Length says {int(declared)}"
    elif not _is_zip(data):
        problem = f"not a zip ({kind[:60]}, {len(data)} bytes)"
    elif not code_sha256:
        problem = "GetFunction gave no CodeSha256 to check it against"
    elif base64.b64encode(hashlib.sha256(data).digest()).decode() != code_sha256:
        problem = "its SHA-256 is not the function's CodeSha256 (another package)"
    if problem is not None:
        raise UnexpectedAnswerError(
            f"the code package of {name} was not downloaded: {problem}",
            hint="Retry; if it persists, something between you and S3 (a proxy) "
            "answers instead of it.",
        )


def _is_zip(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.testzip() is None  # every member's CRC
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        return False
    except NotImplementedError:  # a compression method Python lacks: still a zip
        return True
