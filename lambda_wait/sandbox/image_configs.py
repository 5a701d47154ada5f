"""ECR's GetDownloadUrlForLayer for image config blobs, which moto lacks: a test puts a
config (``Sandbox.put_image_config``: its digest is its SHA-256, as in a registry),
pushes a manifest naming that digest, and GetDownloadUrlForLayer answers a URL on the
sandbox's own endpoint that serves the blob, as ECR answers a presigned S3 URL. A digest
the sandbox holds no blob for is LayersNotFoundException."""

from __future__ import annotations

import hashlib
import json

from lambda_wait.sandbox.wsgi import Response, WSGIEnviron

BLOB_PATH = "/_blobs/ecr/"  # not under /_sandbox: the control API answers those
TARGET = "AmazonEC2ContainerRegistry_V20150921.GetDownloadUrlForLayer"


class ImageConfigs:
    """The config blobs the sandbox's ECR serves, by digest."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def put(self, body: bytes) -> str:
        """Hold ``body``; its digest (``sha256:<hex>``)."""
        digest = "sha256:" + hashlib.sha256(body).hexdigest()
        self.blobs[digest] = body
        return digest

    def layer_url(self, environ: WSGIEnviron, body: bytes) -> Response | None:
        """GetDownloadUrlForLayer's answer, or None (another request: moto's)."""
        if str(environ.get("HTTP_X_AMZ_TARGET") or "") != TARGET:
            return None
        asked = json.loads(body or b"{}")
        digest = str(asked.get("layerDigest") or "")
        kind = [("Content-Type", "application/x-amz-json-1.1")]
        if digest not in self.blobs:
            error = {"__type": "LayersNotFoundException", "message": f"{digest} not found"}
            return Response(400, kind, json.dumps(error).encode())
        host = str(environ.get("HTTP_HOST") or "127.0.0.1")
        url = f"http://{host}{BLOB_PATH}{digest}?X-Amz-Signature=sandbox"
        return Response(200, kind, json.dumps({"downloadUrl": url, "layerDigest": digest}).encode())

    def blob(self, path: str) -> Response | None:
        """The blob a download URL names, or None (not a blob path)."""
        if not path.startswith(BLOB_PATH):
            return None
        found = self.blobs.get(path.removeprefix(BLOB_PATH))
        if found is None:
            return Response(403, [("Content-Type", "application/xml")], b"<Error>Denied</Error>")
        return Response(200, [("Content-Type", "application/octet-stream")], found)
