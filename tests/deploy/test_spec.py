"""Spec and flags merged into the desired function, validated offline (no AWS call)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from lambda_wait.aws import BotocoreRequestModel
from lambda_wait.deploy.package import code_sha256, pack_directory
from lambda_wait.deploy.reading import check_environment, expand_variables, parse_env_file
from lambda_wait.deploy.spec import FlagValues, build_desired
from lambda_wait.errors import UsageError

MODEL = BotocoreRequestModel()
ROLE = "arn:aws:iam::123456789012:role/r"


def skeleton(**overrides: Any) -> dict[str, Any]:
    """What `aws lambda create-function --generate-cli-skeleton` prints, filled in: the keys
    not wanted are left null (null means "not set")."""
    doc: dict[str, Any] = {
        "FunctionName": "from-spec",
        "Runtime": "python3.12",
        "Role": "${ROLE_ARN}",
        "Handler": "app.handler",
        "Code": {
            "ZipFile": None,
            "S3Bucket": None,
            "S3Key": None,
            "S3ObjectVersion": None,
            "S3ObjectStorageMode": None,
            "ImageUri": None,
            "SourceKMSKeyArn": None,
        },
        "Description": "made from a skeleton",
        "Timeout": 10,
        "MemorySize": 256,
        "Publish": False,
        "PublishTo": None,
        "VpcConfig": None,
        "PackageType": "Zip",
        "DeadLetterConfig": None,
        "Environment": {"Variables": {"STAGE": "${STAGE}", "TOKEN": "abc"}},
        "KMSKeyArn": None,
        "TracingConfig": {"Mode": "PassThrough"},
        "Tags": {"team": "core"},
        "Layers": [],
        "FileSystemConfigs": None,
        "CodeSigningConfigArn": None,
        "ImageConfig": None,
        "Architectures": ["x86_64"],
        "EphemeralStorage": {"Size": 512},
        "SnapStart": {"ApplyOn": "None"},
        "LoggingConfig": None,
        "TenancyConfig": None,
        "CapacityProviderConfig": None,
        "DurableConfig": None,
        "RuntimeConfig": None,
        "AcceleratorConfig": None,
    }
    doc.update(overrides)
    return doc


def write_spec(tmp_path: Path, doc: dict[str, Any]) -> str:
    path = tmp_path / "function.json"
    path.write_text(json.dumps(doc))
    return str(path)


ENV = {"ROLE_ARN": ROLE, "STAGE": "prod"}


def test_skeleton_spec_with_code_dir(tmp_path: Path, src: Path) -> None:
    flags = FlagValues(spec=write_spec(tmp_path, skeleton()), code_dir=str(src))
    desired = build_desired(flags, MODEL, ENV)
    assert desired.name == "from-spec"
    assert desired.config["Role"] == ROLE
    assert desired.config["Environment"] == {"Variables": {"STAGE": "prod", "TOKEN": "abc"}}
    assert desired.create_only == {"Tags": {"team": "core"}}
    assert desired.architectures == ("x86_64",)
    assert desired.code.sha256 == code_sha256(pack_directory(src))
    request = desired.create_request()
    assert request["PackageType"] == "Zip" and "Publish" not in request


def test_flags_override_the_spec(tmp_path: Path, src: Path) -> None:
    flags = FlagValues(
        spec=write_spec(tmp_path, skeleton()),
        code_dir=str(src),
        function_name="from-flag",
        memory_size=1024,
        env=("STAGE=dev", "EXTRA=1=2"),
        subnet_ids=("subnet-1",),
        security_group_ids=("sg-1",),
        publish=True,
    )
    desired = build_desired(flags, MODEL, ENV)
    assert desired.name == "from-flag" and desired.publish
    assert desired.config["MemorySize"] == 1024
    assert desired.config["Environment"]["Variables"] == {
        "STAGE": "dev",
        "TOKEN": "abc",
        "EXTRA": "1=2",
    }
    assert desired.config["VpcConfig"] == {"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}


def test_spec_zipfile_is_a_fileb_path_relative_to_the_spec(tmp_path: Path, src: Path) -> None:
    (tmp_path / "fn.zip").write_bytes(pack_directory(src))
    doc = skeleton(Code={"ZipFile": "fileb://fn.zip"})
    desired = build_desired(FlagValues(spec=write_spec(tmp_path, doc)), MODEL, ENV)
    assert desired.code.kind == "zip-file"
    assert desired.code.sha256 == code_sha256(pack_directory(src))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"Colour": "blue"}, r"'Colour' is not a CreateFunction key"),
        ({"MemorySize": "big"}, r"Invalid type for parameter MemorySize"),
        ({"VpcConfig": {"Subnets": ["a"]}}, r'Unknown parameter in VpcConfig: "Subnets"'),
        ({"Code": "fn.zip"}, r'"Code" must be an object'),
    ],
)
def test_spec_shape_errors(tmp_path: Path, src: Path, change: dict[str, Any], message: str) -> None:
    flags = FlagValues(spec=write_spec(tmp_path, skeleton(**change)), code_dir=str(src))
    with pytest.raises(UsageError, match=message):
        build_desired(flags, MODEL, ENV)


def test_wrongly_typed_secret_is_not_echoed(tmp_path: Path, src: Path) -> None:
    doc = skeleton(Environment={"Variables": {"TOKEN": 918273645}})
    flags = FlagValues(spec=write_spec(tmp_path, doc), code_dir=str(src))
    with pytest.raises(UsageError) as info:
        build_desired(flags, MODEL, ENV)
    assert "918273645" not in info.value.one_line()


def test_unset_variable_is_an_error_and_dollar_dollar_escapes() -> None:
    with pytest.raises(UsageError, match=r"\$\{NOPE\} \(at a\.b\) is not set"):
        expand_variables({"a": {"b": "x-${NOPE}"}}, {}, where="spec")
    assert expand_variables("$${HOME} ${A}", {"A": "1"}, where="spec") == "${HOME} 1"


def test_two_code_sources(tmp_path: Path, src: Path) -> None:
    with pytest.raises(UsageError, match="two code sources"):
        build_desired(
            FlagValues(function_name="f", code_dir=str(src), image_uri="r:1", role=ROLE), MODEL, {}
        )
    doc = skeleton(Code={"S3Bucket": "bucket", "S3Key": "k", "ImageUri": "r:1"})
    with pytest.raises(UsageError, match="two code sources"):
        build_desired(FlagValues(spec=write_spec(tmp_path, doc)), MODEL, ENV)


def test_no_code_is_configuration_only_and_no_name() -> None:
    desired = build_desired(FlagValues(function_name="f", memory_size=256), MODEL, {})
    assert desired.code.kind == "none" and desired.config["MemorySize"] == 256
    with pytest.raises(UsageError, match=r"creating it needs --role and code \(--zip-file"):
        desired.check_creatable()  # an existing function keeps its code; a new one needs it
    with pytest.raises(UsageError, match="no function name"):
        build_desired(FlagValues(image_uri="r:1"), MODEL, {})


@pytest.mark.parametrize("name", ["1BAD", "A", "HAS-DASH", "AWS_REGION"])
def test_invalid_environment_names(name: str) -> None:
    with pytest.raises(UsageError, match=name):
        check_environment({name: "v"})


def test_environment_size_limit() -> None:
    with pytest.raises(UsageError, match="4 KB"):
        check_environment({"BIG": "x" * 5000})


def test_env_file(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("# comment\nexport A=1\nB='two words'\n\nC=x=y\n")
    assert parse_env_file(path) == {"A": "1", "B": "two words", "C": "x=y"}
    path.write_text("A=1\nnot-a-pair-secret\n")
    with pytest.raises(UsageError, match="line 2") as info:
        parse_env_file(path)
    assert "secret" not in info.value.message


def test_image_function_refuses_runtime_and_handler() -> None:
    flags = FlagValues(function_name="f", image_uri="r:1", role=ROLE, runtime="python3.12")
    with pytest.raises(UsageError, match="image function takes no Runtime"):
        build_desired(flags, MODEL, {})


def test_qualified_function_name_is_refused(src: Path) -> None:
    with pytest.raises(UsageError, match="qualifier"):
        build_desired(FlagValues(function_name="f:live", code_dir=str(src)), MODEL, {})


def test_s3_bucket_beside_a_package_uploads_it_under_its_content_key(
    tmp_path: Path, src: Path
) -> None:
    flags = FlagValues(function_name="f", code_dir=str(src), s3_bucket="code-bkt", s3_prefix="p/")
    desired = build_desired(flags, MODEL, ENV)
    hexed = base64.b64decode(desired.code.sha256 or "").hex()
    assert desired.code.kind == "code-dir" and desired.code.upload is not None
    assert desired.create_request()["Code"] == {"S3Bucket": "code-bkt", "S3Key": f"p/{hexed}.zip"}
    desired.code.upload.version_id = "v7"  # learnt by the upload step
    assert desired.code.update_params()["S3ObjectVersion"] == "v7"


def test_a_specs_code_s3_bucket_without_a_key_uploads_the_package(
    tmp_path: Path, src: Path
) -> None:
    (tmp_path / "fn.zip").write_bytes(pack_directory(src))
    doc = skeleton(Code={"ZipFile": "fileb://fn.zip", "S3Bucket": "spec-bucket"})
    desired = build_desired(FlagValues(spec=write_spec(tmp_path, doc)), MODEL, ENV)
    assert desired.code.upload is not None and desired.code.upload.bucket == "spec-bucket"
    with_flag = build_desired(
        FlagValues(
            spec=write_spec(tmp_path, skeleton(Code={"S3Bucket": "spec-bucket"})), code_dir=str(src)
        ),
        MODEL,
        ENV,
    )
    assert with_flag.code.upload is not None and with_flag.code.upload.bucket == "spec-bucket"
    alone = skeleton(Code={"S3Bucket": "spec-bucket"})
    with pytest.raises(UsageError, match='"S3Bucket" without "S3Key" uploads a package'):
        build_desired(FlagValues(spec=write_spec(tmp_path, alone)), MODEL, ENV)


def test_s3_key_keeps_meaning_code_already_in_s3_and_a_lone_prefix_is_refused(
    src: Path,
) -> None:
    existing = build_desired(
        FlagValues(function_name="f", s3_bucket="code-bkt", s3_key="k.zip"), MODEL, ENV
    )
    assert existing.code.kind == "s3" and existing.code.upload is None
    with pytest.raises(UsageError, match="two code sources"):
        build_desired(
            FlagValues(function_name="f", code_dir=str(src), s3_bucket="b", s3_key="k"), MODEL, ENV
        )
    with pytest.raises(UsageError, match="--s3-prefix goes with --s3-bucket"):
        build_desired(FlagValues(function_name="f", code_dir=str(src), s3_prefix="p"), MODEL, ENV)
