"""What lambda-wait writes (issue 24, class 2): a spec with secrets is 0600 under any
umask, no path is built from an answer's text, and a download is kept only when it is
whole, a zip and the function's CodeSha256; anything else is exit 8 and no file."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import stat
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from lambda_wait.code_download import fetch_package
from lambda_wait.errors import ExitCode, LambdaWaitError
from lambda_wait.release import actions
from lambda_wait.sandbox import SandboxHandle
from tests.reliability.conftest import CliRun


def a_zip(text: str = "def handler(event, context):\n    return 1\n") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", text)
    return buffer.getvalue()


def sha(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


# Spec files ------------------------------------------------------------------------


@pytest.mark.parametrize(("flags", "mode"), [(("--with-env-values",), 0o600), ((), 0o644)])
@pytest.mark.usefixtures("umask_022")
def test_a_spec_with_values_is_private_under_umask_022(
    lw: CliRun, sandbox: SandboxHandle, tmp_path: Path, flags: tuple[str, ...], mode: int
) -> None:
    sandbox.create_function(
        "secretive", Handler="app.handler", Environment={"Variables": {"DB_PASSWORD": "hunter2"}}
    )
    spec = tmp_path / "s.json"
    spec.write_text("{}")  # an older file (0644) is replaced, not rewritten in place
    run = lw("init", "secretive", "--spec-file", str(spec), *flags)
    assert run.code == 0, run.stderr
    assert stat.S_IMODE(spec.stat().st_mode) == mode
    assert ("hunter2" in spec.read_text()) is bool(flags)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".s.json")) == []


# Downloads -------------------------------------------------------------------------


@dataclass
class Body:
    """What the presigned URL answers: ``data``, with a Content-Length of ``length``
    (None: none, the body ends when the connection closes)."""

    data: bytes
    length: int | None
    content_type: str = "application/zip"


def serve(body: Body) -> tuple[str, Callable[[], None]]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", body.content_type)
            if body.length is not None:
                self.send_header("Content-Length", str(body.length))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body.data)
            self.close_connection = True

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return f"http://127.0.0.1:{server.server_port}/code.zip", stop


class DownloadApi:
    """The two reads init makes, answering ``name`` and downloading from ``url``."""

    def __init__(self, name: str, url: str, code_sha256: str) -> None:
        self.name, self.url, self.code_sha256 = name, url, code_sha256

    def get_function(self, name: str, qualifier: str | None = None) -> dict[str, Any]:
        config = {"FunctionName": self.name, "Runtime": "python3.12", "Handler": "app.handler",
                  "Role": "arn:aws:iam::123456789012:role/r", "PackageType": "Zip",
                  "CodeSha256": self.code_sha256}  # fmt: skip
        return {"Configuration": config}

    def download_code(self, name: str, *, timeout: float = 60.0) -> bytes:
        return fetch_package(self.url, self.code_sha256, name, timeout=5.0)


GOOD = a_zip()
HTML = b"<html><body><h1>Sign in to the proxy</h1></body></html>"

DOWNLOADS = {
    "an HTML page": (Body(HTML, len(HTML), "text/html"), sha(GOOD)),
    "an HTML page whose hash is given": (Body(HTML, len(HTML), "text/html"), sha(HTML)),
    "a body cut short (Content-Length longer)": (Body(GOOD[:-40], len(GOOD)), sha(GOOD)),
    "a body cut short, no Content-Length": (Body(GOOD[:-40], None), sha(GOOD)),
    "another zip (wrong hash)": (Body(a_zip("other"), len(a_zip("other"))), sha(GOOD)),
    "a zip with a corrupt member": (
        Body(GOOD.replace(b"handler", b"hAndler"), len(GOOD)),
        sha(GOOD.replace(b"handler", b"hAndler")),
    ),
    "no CodeSha256 to check": (Body(GOOD, len(GOOD)), ""),
    "an empty body": (Body(b"", 0), sha(b"")),
}


@pytest.mark.parametrize("case", list(DOWNLOADS), ids=list(DOWNLOADS))
def test_a_download_that_is_not_the_package_is_exit_8_and_no_file(
    case: str, tmp_path: Path
) -> None:
    body, code_sha = DOWNLOADS[case]
    url, stop = serve(body)
    out = tmp_path / "build"
    try:
        with pytest.raises(LambdaWaitError) as caught:
            actions.init(DownloadApi("orders", url, code_sha), "orders", download=str(out))  # type: ignore[arg-type]
    finally:
        stop()
    assert caught.value.exit_code is ExitCode.UNAVAILABLE, caught.value.one_line()
    assert "127.0.0.1" not in caught.value.one_line()  # never the (presigned) URL
    assert not out.exists() or list(out.iterdir()) == []


def test_the_package_itself_is_written(tmp_path: Path) -> None:
    url, stop = serve(Body(GOOD, len(GOOD)))
    try:
        result = actions.init(DownloadApi("orders", url, sha(GOOD)), "orders",  # type: ignore[arg-type]
                              download=str(tmp_path / "build"))  # fmt: skip
    finally:
        stop()
    assert (tmp_path / "build" / "orders.zip").read_bytes() == GOOD
    assert result.code_file == str(tmp_path / "build" / "orders.zip")
    assert sorted(p.name for p in (tmp_path / "build").iterdir()) == ["orders.zip"]


HOSTILE = ["../../x", "../escape", "a/b", "..", ".", "x\x00y", "{tmp}/absolute", "n" * 65, "ü"]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_function_name_never_becomes_a_path(tmp_path: Path, name: str) -> None:
    name = name.format(tmp=tmp_path)  # an absolute path, inside this test's directory
    url, stop = serve(Body(GOOD, len(GOOD)))
    work = tmp_path / "deep" / "er"
    work.mkdir(parents=True)
    try:
        with pytest.raises(LambdaWaitError) as caught:
            actions.init(DownloadApi(name, url, sha(GOOD)), "orders", download=str(work / "b"))  # type: ignore[arg-type]
    finally:
        stop()
    assert caught.value.exit_code is ExitCode.UNAVAILABLE
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
