#!/usr/bin/env python3
"""Image-by-digest benchmark against the sandbox (in this process, real HTTP).

    uv run python bench/image_digest.py

Pushes an image to the sandbox's ECR, creates a function from its tag, deploys the
unchanged tag again, moves the tag to a new image and deploys again, then asks for a
tag that is not there, and deploys a linux/arm64 image to the x86_64 function (its
config blob read through GetDownloadUrlForLayer: exit 2, nothing sent). Prints each
run's time and the requests per service. Asserts nothing.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main() -> None:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    from lambda_wait.sandbox.server import running_sandbox
    from tests.deploy.test_image_sandbox import deploy_image, push
    from tests.deploy.test_s3_sandbox import Requests

    with running_sandbox() as sandbox:
        repo = sandbox.client("ecr").create_repository(repositoryName="app")
        uri = str(repo["repository"]["repositoryUri"])
        push(sandbox, "app", "v1", "first")
        push(sandbox, "app", "arm", "third", arch="arm64")
        runs = (
            ("create from tag v1", "v1", None),
            ("unchanged tag v1 again", "v1", None),
            ("tag v1 moved to a new image", "v1", "second"),
            ("missing tag v2", "v2", None),
            ("linux/arm64 image for the x86_64 function", "arm", None),
        )
        for title, tag, new_layer in runs:
            if new_layer:
                push(sandbox, "app", tag, new_layer)
            requests = Requests()
            started = time.perf_counter()
            result = deploy_image(sandbox, f"{uri}:{tag}", requests)
            seconds = time.perf_counter() - started
            print(
                f"{title}: exit {int(result.exit_code)} in {seconds:.2f}s, applied {result.applied}"
            )
            print(f"  Lambda: {requests.of('lambda')}  ECR: {requests.of('ecr')}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
