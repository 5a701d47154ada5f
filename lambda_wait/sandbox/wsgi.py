"""HTTP plumbing: buffered answers, AWS error bodies, and the bridge to moto's server app."""

from __future__ import annotations

import contextlib
import http
import io
import json
import os
import re
import socket
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lambda_wait.sandbox.errors import ApiError

WSGIEnviron = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[WSGIEnviron, StartResponse], Iterable[bytes]]

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d+/([^/]+)/([^/]+)/aws4_request")


@dataclass
class Response:
    """A buffered HTTP answer."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    shaped: bool = False  # an error body already in Lambda's shape (made by the sandbox)

    @classmethod
    def of_json(cls, status: int, data: Any) -> Response:
        """A JSON answer."""
        resp = cls(status, [("Content-Type", "application/json")])
        resp.set_json(data)
        return resp

    def json(self) -> Any:
        """The body decoded as JSON (None if it is not JSON)."""
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    def set_json(self, data: Any) -> None:
        """Replace the body with ``data`` as JSON and fix Content-Length."""
        self.body = json.dumps(data).encode()
        self.headers = [(k, v) for k, v in self.headers if k.lower() != "content-length"]
        self.headers.append(("Content-Length", str(len(self.body))))

    def set_header(self, name: str, value: str) -> None:
        """Replace (or add) header ``name``."""
        self.headers = [(k, v) for k, v in self.headers if k.lower() != name.lower()]
        self.headers.append((name, value))

    def header(self, name: str) -> str | None:
        """The value of header ``name``, if present."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    @property
    def ok(self) -> bool:
        """True for a 2xx answer."""
        return 200 <= self.status < 300

    @property
    def error_code(self) -> str | None:
        """The x-amzn-ErrorType of an error answer, if any."""
        for key, value in self.headers:
            if key.lower() == "x-amzn-errortype":
                return value.split(":")[0]
        if self.ok:
            return None
        data = self.json()
        if isinstance(data, dict):
            code = data.get("__type") or data.get("code") or data.get("Code")
            return str(code) if code else None
        return None


def error_response(err: ApiError, extra_headers: Iterable[tuple[str, str]] = ()) -> Response:
    """An error body botocore's rest-json parser understands."""
    payload: dict[str, Any] = {}
    if err.typed and err.code != "ValidationException":  # AWS's ValidationException: neither
        payload["Type"] = "User" if err.status < 500 else "Service"
    key = "Message" if err.code == "ResourceNotFoundException" else err.message_key
    payload[key] = err.message
    resp = Response(
        err.status,
        [
            ("Content-Type", "application/json"),
            ("x-amzn-ErrorType", err.code),
            ("x-amzn-RequestId", str(uuid.uuid4())),
            *extra_headers,
        ],
    )
    resp.set_json(payload)
    resp.shaped = True
    return resp


class Dropped(ConnectionAbortedError):
    """Raised to make werkzeug drop the connection silently (fault injection)."""


def json_body(body: bytes) -> Any:
    """A request body decoded as JSON, or None."""
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None


def read_body(environ: WSGIEnviron) -> bytes:
    """Read the request body once and put it back so moto can read it again."""
    stream = environ.get("wsgi.input")
    length = environ.get("CONTENT_LENGTH")
    if stream is None:
        body = b""
    elif length:
        body = stream.read(int(length))
    elif environ.get("wsgi.input_terminated"):
        body = stream.read()
    else:
        body = b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    return body


def send(resp: Response, start_response: StartResponse) -> Iterable[bytes]:
    """Hand a buffered answer to the WSGI server."""
    try:
        phrase = http.HTTPStatus(resp.status).phrase
    except ValueError:
        phrase = "Unknown"
    headers = [(k, v) for k, v in resp.headers if k.lower() != "content-length"]
    headers.append(("Content-Length", str(len(resp.body))))
    start_response(f"{resp.status} {phrase}", headers)
    return [resp.body]


def send_truncated(
    resp: Response, keep: int, environ: WSGIEnviron, start_response: StartResponse
) -> Iterable[bytes]:
    """Announce the whole body (Content-Length) but send ``keep`` bytes, then hang up."""
    try:
        phrase = http.HTTPStatus(resp.status).phrase
    except ValueError:
        phrase = "Unknown"
    headers = [(k, v) for k, v in resp.headers if k.lower() != "content-length"]
    headers.append(("Content-Length", str(len(resp.body))))
    start_response(f"{resp.status} {phrase}", headers)

    def body() -> Iterator[bytes]:
        yield resp.body[:keep]
        sock = environ.get("werkzeug.socket")
        if sock is not None:
            with contextlib.suppress(OSError):  # the client may have gone already
                sock.shutdown(socket.SHUT_RDWR)
        raise Dropped("sandbox chaos: answer truncated")

    return body()


def scope(environ: WSGIEnviron) -> tuple[str | None, str]:
    """(service, region) from the request's SigV4 credential scope."""
    match = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
    if not match:
        return None, "us-east-1"
    return match.group(3), match.group(2)


class Moto:
    """moto's server application, and the layer's own requests to it."""

    def __init__(self) -> None:
        self._app: WSGIApp | None = None

    @property
    def app(self) -> WSGIApp:
        """moto's server application (created and configured on first use)."""
        if self._app is None:
            from moto.moto_server.werkzeug_app import (
                DomainDispatcherApplication,
                create_backend_app,
            )

            self._app = DomainDispatcherApplication(create_backend_app)
            self.configure()
        return self._app

    def configure(self) -> None:
        """Invoke without Docker: moto's "lambda-simple" backend echoes the payload. An
        image function's ImageUri is looked up in moto's ECR, as Lambda does (its
        CodeSha256 is then the image's digest), not stubbed."""
        os.environ.setdefault("MOTO_LAMBDA_STUB_ECR", "false")
        body = json.dumps({"lambda": {"use_docker": False}}).encode()
        self.request({}, "POST", "/moto-api/config", body=body, service=None)

    def reset(self) -> None:
        """Empty moto's process-wide store, then configure it again."""
        self.request({}, "POST", "/moto-api/reset", service=None)
        self.configure()

    def forward(self, environ: WSGIEnviron) -> Response:
        """Pass a request to moto and buffer its answer."""
        captured: dict[str, Any] = {}
        chunks: list[bytes] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            captured["status"], captured["headers"] = status, headers
            return chunks.append

        result = self.app(environ, start_response)
        try:
            chunks.extend(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status = int(str(captured.get("status", "500")).split()[0])
        return Response(status, list(captured.get("headers", [])), b"".join(chunks))

    def request(
        self,
        base: WSGIEnviron,
        method: str,
        path: str,
        *,
        query: str = "",
        body: bytes = b"",
        service: str | None = "lambda",
        region: str = "us-east-1",
        content_type: str = "application/json",
    ) -> Response:
        """A request of the layer's own to moto (never logged, never throttled)."""
        environ: WSGIEnviron = {
            k: v for k, v in base.items() if k.startswith(("wsgi.", "SERVER_", "REMOTE_"))
        }
        environ.setdefault("wsgi.url_scheme", "http")
        environ.setdefault("wsgi.errors", io.StringIO())
        environ.setdefault("SERVER_NAME", "127.0.0.1")
        environ.setdefault("SERVER_PORT", "80")
        environ.setdefault("SERVER_PROTOCOL", "HTTP/1.1")
        environ.update(
            REQUEST_METHOD=method,
            PATH_INFO=path,
            QUERY_STRING=query,
            CONTENT_TYPE=content_type,
            CONTENT_LENGTH=str(len(body)),
            HTTP_HOST=base.get("HTTP_HOST", "127.0.0.1"),
        )
        environ["wsgi.input"] = io.BytesIO(body)
        if service is not None:
            key = "testing"
            match = _CREDENTIAL.search(base.get("HTTP_AUTHORIZATION", ""))
            if match:
                key = match.group(1)
            environ["HTTP_AUTHORIZATION"] = (
                f"AWS4-HMAC-SHA256 Credential={key}/20200101/{region}/{service}/aws4_request, "
                "SignedHeaders=host, Signature=0"
            )
        return self.forward(environ)
