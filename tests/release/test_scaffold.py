"""init's spec from a live function: the deploy --spec shape, no secret values."""

from __future__ import annotations

from typing import Any

from lambda_wait.aws import BotocoreRequestModel
from lambda_wait.deploy.reading import expand_variables
from lambda_wait.release.scaffold import secret_free, spec_from_function

FUNCTION: dict[str, Any] = {
    "Configuration": {
        "FunctionName": "orders",
        "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:orders",
        "Runtime": "python3.12",
        "Role": "arn:aws:iam::123456789012:role/orders",
        "Handler": "app.handler",
        "CodeSize": 300,
        "Description": "costs ${5}",
        "Timeout": 30,
        "MemorySize": 256,
        "CodeSha256": "abc",
        "Version": "$LATEST",
        "State": "Active",
        "VpcConfig": {"SubnetIds": ["s-1"], "SecurityGroupIds": ["sg-1"], "VpcId": "vpc-1"},
        "Environment": {"Variables": {"DB_PASSWORD": "hunter2", "MODE": "prod"}},
        "TracingConfig": {"Mode": "Active"},
        "Layers": [{"Arn": "arn:aws:lambda:us-east-1:123456789012:layer:l:3", "CodeSize": 9}],
        "Architectures": ["arm64"],
        "EphemeralStorage": {"Size": 512},
        "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
        "LoggingConfig": {"LogFormat": "Text", "LogGroup": "/aws/lambda/orders"},
        "PackageType": "Zip",
    },
    "Code": {"RepositoryType": "S3", "Location": "https://presigned.example/secret"},
    "Tags": {"team": "payments"},
}


def test_spec_has_placeholders_not_values_and_reads_back() -> None:
    spec = spec_from_function(FUNCTION, zip_path="orders.zip")
    assert spec["Environment"] == {
        "Variables": {"DB_PASSWORD": "${DB_PASSWORD}", "MODE": "${MODE}"}
    }
    assert secret_free(spec)
    assert "hunter2" not in repr(spec) and "presigned" not in repr(spec)
    assert spec["Code"] == {"ZipFile": "fileb://orders.zip"}
    assert spec["VpcConfig"] == {"SubnetIds": ["s-1"], "SecurityGroupIds": ["sg-1"]}
    assert spec["Layers"] == ["arn:aws:lambda:us-east-1:123456789012:layer:l:3"]
    assert "SnapStart" not in spec and "LoggingConfig" not in spec
    assert spec["Description"] == "costs $${5}"  # a literal ${ survives deploy's expansion
    expanded = expand_variables(spec, {"DB_PASSWORD": "hunter2", "MODE": "prod"}, where="t")
    assert expanded["Description"] == "costs ${5}"
    assert expanded["Environment"]["Variables"]["DB_PASSWORD"] == "hunter2"
    # CreateFunction's request shape, as deploy --spec checks it
    BotocoreRequestModel().validate("CreateFunction", {**spec, "Code": {}}, where="spec")


def test_with_env_values_keeps_them_escaped() -> None:
    fn = {**FUNCTION, "Configuration": {**FUNCTION["Configuration"]}}
    fn["Configuration"]["Environment"] = {"Variables": {"T": "a${b}"}}
    spec = spec_from_function(fn, with_env_values=True)
    assert spec["Environment"]["Variables"] == {"T": "a$${b}"} and "Code" not in spec
    assert not secret_free(spec)


def test_image_function_keeps_its_uri_and_image_config() -> None:
    fn = {
        "Configuration": {
            "FunctionName": "img",
            "Role": "arn:aws:iam::123456789012:role/r",
            "PackageType": "Image",
            "ImageConfigResponse": {"ImageConfig": {"Command": ["app.h"]}},
        },
        "Code": {"ImageUri": "123.dkr.ecr.us-east-1.amazonaws.com/img@sha256:ab"},
    }
    spec = spec_from_function(fn)
    assert spec["PackageType"] == "Image"
    assert spec["Code"] == {"ImageUri": "123.dkr.ecr.us-east-1.amazonaws.com/img@sha256:ab"}
    assert spec["ImageConfig"] == {"Command": ["app.h"]}
