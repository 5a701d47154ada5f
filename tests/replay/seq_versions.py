"""Recorded sequences about functions and versions (LocalStack's test_lambda_api.py).

Each function replays one recorded test: the same calls in the same order, with
``r.wait()`` where the recorded test waited. Comments name what differs from the
recorded source and why.
"""

from __future__ import annotations

from typing import Any

from tests.replay.driver import Replay, code

PY = "python3.12"


def function_lifecycle(r: Replay) -> None:
    fn = r.name()
    r.create_fixture("create_response", fn, Runtime=PY, MemorySize=256, Timeout=5)
    r.call("get_function_response", "get_function", FunctionName=fn)
    r.call(
        "update_func_conf_response",
        "update_function_configuration",
        FunctionName=fn,
        Runtime="python3.11",
        Description="Changed-Description",
        MemorySize=512,
        Timeout=10,
        Environment={"Variables": {"ENV_A": "a"}},
    )
    r.wait()
    r.call("get_function_response_postupdate", "get_function", FunctionName=fn)
    r.call("update_code_response", "update_function_code", FunctionName=fn, ZipFile=code("v1"))
    r.wait()
    r.call("get_function_response_postcodeupdate", "get_function", FunctionName=fn)
    r.call("delete_response", "delete_function", FunctionName=fn)
    r.call("delete_postdelete", "delete_function", FunctionName=fn)


def redundant_updates(r: Replay) -> None:
    fn = r.name()
    r.create_fixture("create_response", fn, Runtime=PY, Description="Initial description")
    update = {"FunctionName": fn, "Description": "1st update description"}
    r.call("first_update_result", "update_function_configuration", **update)
    r.wait()
    r.call("get_fn_config_result", "get_function_configuration", FunctionName=fn)
    r.call("get_fn_result", "get_function", FunctionName=fn)
    r.call("redundant_update_result", "update_function_configuration", **update)
    r.wait()
    r.call("get_fn_result_after_redundant_update", "get_function", FunctionName=fn)


def ops_on_nonexisting_version(operation: str):  # type: ignore[no-untyped-def]
    def replay(r: Replay) -> None:
        fn = r.name("i-exist")
        r.create_fixture(None, fn, Runtime=PY, Description="Initial description")
        r.call("version_not_found_exception", operation, FunctionName=fn, Qualifier="1221")

    return replay


def delete_on_nonexisting_version(r: Replay) -> None:
    fn = r.name("i-exist")
    r.create_fixture(None, fn, Runtime=PY, Description="Initial description")
    r.call(None, "delete_function", FunctionName=fn, Qualifier="1233")
    r.call(None, "delete_function", FunctionName=fn, Qualifier="1233")
    r.call(None, "delete_function", FunctionName=fn)
    r.call("delete_function_response_non_existent", "delete_function", FunctionName=fn)
    r.call(
        "delete_function_response_non_existent_with_qualifier",
        "delete_function",
        FunctionName=fn,
        Qualifier="1233",
    )


def ops_on_nonexisting_fn(operation: str):  # type: ignore[no-untyped-def]
    def replay(r: Replay) -> None:
        r.call("not_found_exception", operation, FunctionName=r.name("i-dont-exist"))

    return replay


def _create_aws(r: Replay, key: str | None, fn: str, **params: object) -> None:
    r.create(key, fn, Handler="index.handler", PackageType="Zip", Runtime=PY, **params)


def publish_version_on_create(r: Replay) -> None:
    fn = r.name()
    _create_aws(r, "create_response", fn, Publish=True)
    r.call("get_function_result", "get_function", FunctionName=fn)
    r.call("get_function_version_result", "get_function", FunctionName=fn, Qualifier="1")
    r.call("get_function_latest_result", "get_function", FunctionName=fn, Qualifier="$LATEST")
    r.call("list_versions_result", "list_versions_by_function", FunctionName=fn)
    r.call(
        "repeated_publish_response",
        "publish_version",
        FunctionName=fn,
        Description="Repeated version description :)",
    )
    r.call("list_versions_result_after_publish", "list_versions_by_function", FunctionName=fn)


def version_lifecycle(r: Replay) -> None:
    fn = r.name()
    _create_aws(r, "create_response", fn, Description="No version :(")
    r.call("get_function_result", "get_function", FunctionName=fn)
    r.call("list_versions_result", "list_versions_by_function", FunctionName=fn)
    r.call(
        "first_update_response",
        "update_function_configuration",
        FunctionName=fn,
        Description="First version :)",
    )
    r.wait()
    r.call("first_update_get_function", "get_function", FunctionName=fn)
    first = r.call(
        "first_publish_response",
        "publish_version",
        FunctionName=fn,
        Description="First version description :)",
    )
    v1 = first["Version"]
    r.call("first_publish_get_function", "get_function", FunctionName=fn, Qualifier=v1)
    r.call(
        "first_publish_get_function_config",
        "get_function_configuration",
        FunctionName=fn,
        Qualifier=v1,
    )
    r.call(
        "second_update_response",
        "update_function_configuration",
        FunctionName=fn,
        Description="Second version :))",
    )
    r.wait()
    r.call("first_publish_get_function_after_update", "get_function", FunctionName=fn, Qualifier=v1)
    r.call("second_publish_response", "publish_version", FunctionName=fn)
    r.call(
        "third_publish_response",
        "publish_version",
        FunctionName=fn,
        Description="Third version description :)))",
    )
    r.call("list_versions_result_after_third_publish", "list_versions_by_function", FunctionName=fn)
    r.call(None, "delete_function", FunctionName=f"{fn}:{v1}")
    r.call(
        "list_versions_result_after_deletion_of_first_version",
        "list_versions_by_function",
        FunctionName=fn,
    )


def publish_with_wrong_sha256(r: Replay) -> None:
    fn = r.name()
    _create_aws(r, "create_response", fn)
    got = r.call("get_fn_response", "get_function", FunctionName=fn)
    r.call(
        "publish_wrong_sha256_exc",
        "publish_version",
        FunctionName=fn,
        CodeSha256="somenonexistentsha256",
    )
    sha = got["Configuration"]["CodeSha256"]
    r.call("publish_result", "publish_version", FunctionName=fn, CodeSha256=sha)


def publish_with_update(r: Replay) -> None:
    fn = r.name()
    _create_aws(r, "create_response", fn)
    r.call("get_function_result", "get_function", FunctionName=fn)
    r.call(
        "update_function_code_result",
        "update_function_code",
        FunctionName=fn,
        ZipFile=code("v1"),
        Publish=True,
    )
    r.call("get_function_version_result", "get_function", FunctionName=fn, Qualifier="1")
    r.call("get_function_latest_result", "get_function", FunctionName=fn, Qualifier="$LATEST")


def concurrent_code_updates(r: Replay) -> None:
    fn = r.name()
    r.create(
        "create-function-response",
        fn,
        Runtime=PY,
        Handler="handler.handler",
        Code={"ZipFile": code()},
    )
    r.call(None, "update_function_code", FunctionName=fn, ZipFile=code("v1"))
    r.call(
        "update-during-in-progress-update-exc",
        "update_function_code",
        FunctionName=fn,
        ZipFile=code("v2"),
    )
    r.wait()


def concurrent_config_updates(r: Replay) -> None:
    fn = r.name()
    r.create_fixture("create-function-response", fn, Runtime=PY)
    env = {"Variables": {"TEST": "TEST1"}}
    r.call(None, "update_function_configuration", FunctionName=fn, Environment=env)
    env = {"Variables": {"TEST": "TEST2"}}
    r.call(
        "update-during-in-progress-update-exc",
        "update_function_configuration",
        FunctionName=fn,
        Environment=env,
    )
    r.wait()


def function_state(r: Replay) -> None:
    fn = r.name()
    r.create("create-fn-response", fn, Runtime=PY, Handler="handler.handler")
    r.call("get-fn-response", "get_function", FunctionName=fn)


def list_functions(r: Replay) -> None:
    """The recorded test keeps only its own two functions and sorts them by ARN."""
    fn1, fn2 = r.name("list-fn-1"), r.name("list-fn-2")
    r.create_fixture("create_response_1", fn1, Publish=True)
    r.create_fixture("create_response_2", fn2, Code={"ZipFile": code("two")})
    r.call("list_functions_invalid_functionversion", "list_functions", FunctionVersion="invalid")
    pages = r.lam.get_paginator("list_functions")
    for key, params in (("list_all", {"FunctionVersion": "ALL"}), ("list_default", {})):
        listed = pages.paginate(PaginationConfig={"PageSize": 1}, **params).build_full_result()
        mine = [f for f in listed["Functions"] if f["FunctionName"] in (fn1, fn2)]
        r.keep(key, {"Functions": sorted(mine, key=lambda f: f["FunctionArn"])})


def vpc_config(r: Replay) -> None:
    """A VPC function created, moved to other subnets, then detached (EC2 from moto)."""
    ec2 = r.handle.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    groups = [
        ec2.create_security_group(VpcId=vpc, GroupName=r.name("sg"), Description="test")["GroupId"]
        for _ in range(2)
    ]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24")["Subnet"]["SubnetId"]
        for i in range(2)
    ]
    fn = r.name()
    first = {"SubnetIds": subnets[:1], "SecurityGroupIds": groups[:1]}
    r.create_fixture("create_response", fn, MemorySize=256, Timeout=5, VpcConfig=first)
    r.call("get_function_response", "get_function", FunctionName=fn)
    second = {"SubnetIds": subnets[1:], "SecurityGroupIds": groups[1:]}
    r.call(
        "update_vpcconfig_update_response",
        "update_function_configuration",
        FunctionName=fn,
        VpcConfig=second,
    )
    r.wait()
    r.call("update_vpcconfig_get_function_response", "get_function", FunctionName=fn)
    none: dict[str, list[str]] = {"SubnetIds": [], "SecurityGroupIds": []}
    r.call(
        "delete_vpcconfig_update_response",
        "update_function_configuration",
        FunctionName=fn,
        VpcConfig=none,
    )
    r.wait()
    r.call("delete_vpcconfig_get_function_response", "get_function", FunctionName=fn)


def code_location_zipfile(r: Replay) -> None:
    fn = r.name("code-function")
    _create_aws(r, "create-response-zip-file", fn, Code={"ZipFile": code("echo")})
    r.call("get-function-response", "get_function", FunctionName=fn)
    r.call("update-function-response", "update_function_code", FunctionName=fn, ZipFile=code("v"))
    r.call("get-function-response-updated", "get_function", FunctionName=fn)


def _bucket(r: Replay, package: bytes) -> tuple[Any, str]:
    s3, bucket = r.handle.client("s3"), r.name("bucket")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key=CODE_KEY, Body=package)
    return s3, bucket


CODE_KEY = "code/code-function.zip"


def code_location_s3(r: Replay) -> None:
    fn = r.name("code-function")
    s3, bucket = _bucket(r, code("echo"))
    _create_aws(r, "create_response_s3", fn, Code={"S3Bucket": bucket, "S3Key": CODE_KEY})
    r.call("get-function-response", "get_function", FunctionName=fn)
    s3.put_object(Bucket=bucket, Key=CODE_KEY, Body=code("v"))
    r.call(
        "update-function-response",
        "update_function_code",
        FunctionName=fn,
        S3Bucket=bucket,
        S3Key=CODE_KEY,
    )
    r.call("get-function-response-updated", "get_function", FunctionName=fn)


def code_location_s3_errors(r: Replay) -> None:
    fn = r.name("code-function")
    _, bucket = _bucket(r, code("echo"))
    missing = f"some-random-non-existent-bucket-{fn}"
    create = {
        "FunctionName": fn,
        "Handler": "index.handler",
        "PackageType": "Zip",
        "Role": r.role,
        "Runtime": PY,
    }
    r.call(
        "create-error-wrong-bucket",
        "create_function",
        Code={"S3Bucket": missing, "S3Key": CODE_KEY},
        **create,
    )
    r.call(
        "create-error-wrong-key",
        "create_function",
        Code={"S3Bucket": bucket, "S3Key": "non/existent.zip"},
        **create,
    )
    _create_aws(r, None, fn, Code={"S3Bucket": bucket, "S3Key": CODE_KEY})
    update = {"FunctionName": fn}
    r.call(
        "update-error-wrong-bucket",
        "update_function_code",
        S3Bucket=missing,
        S3Key=CODE_KEY,
        **update,
    )
    r.call(
        "update-error-wrong-key",
        "update_function_code",
        S3Bucket=bucket,
        S3Key="non/existent.zip",
        **update,
    )


def recreate_function(r: Replay) -> None:
    """test_lambda.py: a function deleted and created again at once under its name."""
    fn = r.name("test-function")
    r.create_fixture("create_function_response_one", fn, Handler="lambda_echo.handler")
    r.call(None, "delete_function", FunctionName=fn)
    r.create_fixture("create_function_response_two", fn, Handler="lambda_echo.handler")
