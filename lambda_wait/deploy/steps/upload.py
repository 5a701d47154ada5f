"""The upload step: put the package in S3 under its content's key, unless it is there.

Planned only when the code will be sent (the CodeSha256 comparison comes first: an
unchanged package is neither uploaded nor updated) and after the bucket's Region was
checked. HeadObject first: an object under the key with the same CodeSha256 (kept in its
metadata) and size is the package already, and nothing is sent. Else s3transfer uploads
it (multipart, parts in parallel) and progress is told every 10 %. The object's version,
when the bucket keeps versions, goes into the create or update request that follows.
"""

from __future__ import annotations

import threading
from functools import partial

from lambda_wait.deploy.model import Step, StepStatus
from lambda_wait.deploy.sender import Sender
from lambda_wait.deploy.source import CodeSource, S3Upload
from lambda_wait.deploy.stores import SHA_METADATA, ObjectStore, same_object

_MB = 1_048_576


def upload_step(sender: Sender, store: ObjectStore, code: CodeSource) -> Step:
    """The plan's upload step for ``code`` (a package with an S3 upload target)."""
    target = code.upload
    assert target is not None  # the planner plans it only for such a package
    return Step(
        "upload",
        f"upload the package to s3://{target.bucket}/{target.key} unless it is there",
        False,  # the key is the content's: sending it again changes nothing
        live=_live,
        run=partial(upload, sender, store=store, code=code, target=target),
    )


def _live(_after: object) -> str:
    return "Nothing was changed in Lambda: the package upload did not finish."


class UploadProgress:
    """Bytes sent, told as one progress event per 10 % (s3transfer calls from its
    threads; the output modes show it: a line in the terminal and in CI logs, an
    ndjson ``deploy.upload`` object)."""

    def __init__(self, sender: Sender, step: Step, total: int) -> None:
        self._sender, self._step, self._total = sender, step, max(total, 1)
        self._sent = 0
        self._told = 0  # the last tenth told
        self._lock = threading.Lock()

    def __call__(self, chunk: int) -> None:
        with self._lock:
            self._sent += chunk
            tenth = min(10, self._sent * 10 // self._total)
            if tenth <= self._told:
                return
            self._told = tenth
            self._sender.ledger.upload(self._step, self._sent, self._total)


def upload(
    sender: Sender, step: Step, *, store: ObjectStore, code: CodeSource, target: S3Upload
) -> None:
    """HeadObject; upload unless the same package is there; remember its version."""
    sender.ledger.begin(step)
    data, sha = code.zip_bytes or b"", code.sha256 or ""
    where = f"s3://{target.bucket}/{target.key}"
    head = store.head_object(target.bucket, target.key)
    if same_object(head, sha, len(data)):
        target.version_id = _version(head)
        sender.ledger.end(step, StepStatus.SKIPPED, f"already in {where} (CodeSha256 {sha})")
        return
    started = sender.clock.now()
    store.upload(
        target.bucket,
        target.key,
        data,
        {SHA_METADATA: sha},
        UploadProgress(sender, step, len(data)),
    )
    head = store.head_object(target.bucket, target.key)  # its version, if the bucket keeps them
    target.version_id = _version(head)
    seconds = sender.clock.now() - started
    version = f", version {target.version_id}" if target.version_id else ""
    size = f"{len(data) / _MB:.1f} MB" if len(data) >= _MB else f"{len(data) / 1024:.1f} KB"
    sender.ledger.end(step, StepStatus.APPLIED, f"{size} to {where}{version} in {seconds:.1f}s")


def _version(head: dict[str, object] | None) -> str | None:
    value = (head or {}).get("VersionId")
    return str(value) if value and value != "null" else None
