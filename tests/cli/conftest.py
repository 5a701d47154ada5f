"""Fixtures for CLI tests: an isolated AWS environment and moto functions."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator

import pytest

SECRET = "canary-secret-value-7f3a9c"


def zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("app.py", "def handler(event, context):\n    return 'ok'\n")
    return buf.getvalue()


LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


@pytest.fixture
def moto_function(aws_env: None) -> Iterator[str]:
    """A function created in moto (which reports it Active/Successful at once)."""
    import boto3
    from moto import mock_aws

    with mock_aws():
        iam = boto3.client("iam", region_name="us-east-1")
        role = iam.create_role(
            RoleName="lambda-role",
            AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST),  # deploy's preflight reads it
        )["Role"]["Arn"]
        boto3.client("lambda", region_name="us-east-1").create_function(
            FunctionName="happy-fn",
            Runtime="python3.12",
            Role=role,
            Handler="app.handler",
            Code={"ZipFile": zip_bytes()},
            Environment={"Variables": {"DB_PASSWORD": SECRET}},
        )
        yield "happy-fn"
