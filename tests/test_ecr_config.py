"""An image's config blob read through ECR's adapter: GetDownloadUrlForLayer (botocore's
Stubber) gives a URL that a local HTTP server on 127.0.0.1 answers; the architecture is
read from it, a body too large or cut short is refused, and the URL is never in an error."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import pytest
from botocore.stub import Stubber

from lambda_wait.aws_path import AwsCallPath
from lambda_wait.clock import ManualClock
from lambda_wait.ecr import MAX_CONFIG, EcrApi
from lambda_wait.errors import AuthError, AwsUnavailableError, UnexpectedAnswerError
from tests.test_s3_ecr import client

CONFIG = "sha256:" + "c" * 64
SECRET = "X-Amz-Signature=deadbeefsecret"


class Blobs(BaseHTTPRequestHandler):
    """Answers GET /<name> with BODIES[name] (and a lying Content-Length for /cut)."""

    BODIES: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        name = self.path.split("?")[0].strip("/")
        body = self.BODIES.get(name)
        if body is None:
            self.send_error(403, "Forbidden")
            return
        self.send_response(200)
        declared = len(body) + 10 if name == "cut" else len(body)
        self.send_header("Content-Length", str(declared))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = HTTPServer(("127.0.0.1", 0), Blobs)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def ecr(clock: ManualClock) -> Iterator[tuple[EcrApi, Stubber]]:
    raw = client("ecr")
    with Stubber(raw) as stubber:
        yield EcrApi(AwsCallPath.over({"ecr": raw}, clock=clock)), stubber


def url_for(stub: Stubber, base: str, name: str) -> None:
    stub.add_response(
        "get_download_url_for_layer",
        {"downloadUrl": f"{base}/{name}?{SECRET}", "layerDigest": CONFIG},
        {"registryId": "123456789012", "repositoryName": "app", "layerDigest": CONFIG},
    )


def test_the_config_blobs_architecture_is_read(ecr: tuple[EcrApi, Stubber], server: str) -> None:
    api, stub = ecr
    Blobs.BODIES = {"arm": json.dumps({"architecture": "arm64", "os": "linux"}).encode()}
    url_for(stub, server, "arm")
    assert api.config_architecture("123456789012", "app", CONFIG) == "arm64"
    stub.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("name", "body", "error", "said"),
    [
        ("huge", b" " * (MAX_CONFIG + 1), UnexpectedAnswerError, "over"),
        ("cut", b'{"architecture": "amd64"}', UnexpectedAnswerError, "cut short"),
        ("none", b'{"os": "linux"}', UnexpectedAnswerError, "names no architecture"),
        ("html", b"<html>proxy</html>", UnexpectedAnswerError, "names no architecture"),
        ("absent", None, AwsUnavailableError, "Forbidden"),
    ],
)
def test_a_config_that_is_not_one_is_refused_without_the_url(
    ecr: tuple[EcrApi, Stubber],
    server: str,
    name: str,
    body: bytes | None,
    error: type[Exception],
    said: str,
) -> None:
    api, stub = ecr
    Blobs.BODIES = {} if body is None else {name: body}
    url_for(stub, server, name)
    with pytest.raises(error) as caught:
        api.config_architecture("123456789012", "app", CONFIG)
    assert said in str(caught.value)
    assert SECRET not in str(caught.value) and "127.0.0.1" not in str(caught.value)


def test_a_denied_read_is_an_auth_error(ecr: tuple[EcrApi, Stubber]) -> None:
    api, stub = ecr
    stub.add_client_error(
        "get_download_url_for_layer", "AccessDeniedException", "not authorized", 400
    )
    with pytest.raises(AuthError):
        api.config_architecture(None, "app", CONFIG)
