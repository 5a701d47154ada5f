#!/usr/bin/env python3
"""S3 upload benchmark against the sandbox (in this process, real HTTP, time scale 1).

    uv run python bench/s3_upload.py              # a 120 MB zip of random bytes
    uv run python bench/s3_upload.py --mb 60

Creates the function from a zip of incompressible bytes through ``--s3-bucket`` (the
package is uploaded with s3transfer, 16 MB parts, 4 at a time), then deploys the same
package again (HeadObject-free: the CodeSha256 comparison finds it unchanged, so no
upload and no update). Prints each run's time, the progress notes, and the requests
the sandbox saw per service and operation. Asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
import zipfile
from pathlib import Path
from tempfile import TemporaryDirectory


def big_zip(path: Path, megabytes: int) -> None:
    """A zip of ``megabytes`` MB of random (incompressible) bytes and a handler."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
        archive.writestr("blob.bin", os.urandom(megabytes * 1_048_576))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=120)
    args = parser.parse_args()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    from lambda_wait.sandbox.server import running_sandbox
    from tests.deploy.test_s3_sandbox import Notes, Requests, deploy_zip

    with TemporaryDirectory() as tmp, running_sandbox() as sandbox:
        package = Path(tmp) / "big.zip"
        big_zip(package, args.mb)
        print(f"package: {package.stat().st_size / 1_048_576:.1f} MB of random bytes")
        sandbox.client("s3").create_bucket(Bucket="bench-code")
        for run in ("first deploy (create)", "same package again"):
            notes, requests = Notes(), Requests()
            started = time.perf_counter()
            result = deploy_zip(sandbox, "bench-fn", package, "bench-code", notes, requests)
            seconds = time.perf_counter() - started
            print(f"{run}: exit {int(result.exit_code)} in {seconds:.2f}s")
            for step in result.steps:
                print(f"  {step.name}: {step.status} {step.seconds:.2f}s {step.detail or ''}")
            for line in notes.lines:
                print(f"    {line}")
            print(f"  Lambda requests: {requests.of('lambda')}")
            print(f"  S3 requests: {requests.of('s3')}")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    io.DEFAULT_BUFFER_SIZE = 1 << 20
    main()
