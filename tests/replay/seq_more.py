"""More recorded sequences: revisions, versions through updates, runtimes, reserved
concurrency next to provisioned concurrency, and event source mapping names and errors."""

from __future__ import annotations

from typing import Any

from tests.replay.driver import Replay, code

PY = "python3.12"
WRONG = "wrong"  # a RevisionId that is not the current one


def revisions_basic(r: Replay) -> None:
    fn = r.name()
    package = code("echo")
    r.create_fixture(
        "create_function_response_rev1", fn, Handler="index.handler", Code={"ZipFile": package}
    )
    rev2 = r.call("get_function_response_rev2", "get_function", FunctionName=fn)
    rev = rev2["Configuration"]["RevisionId"]
    update = {"FunctionName": fn, "ZipFile": package}
    r.call("update_function_revision_exception", "update_function_code", RevisionId=WRONG, **update)
    r.call("update_function_code_response_rev3", "update_function_code", RevisionId=rev, **update)
    r.wait()
    rev4 = r.call("get_function_response_rev4", "get_function", FunctionName=fn)
    rev = rev4["Configuration"]["RevisionId"]
    config = {"FunctionName": fn, "Runtime": "python3.8"}
    r.call(
        "update_function_configuration_revision_exception",
        "update_function_configuration",
        RevisionId=WRONG,
        **config,
    )
    r.call(
        "update_function_configuration_response_rev5",
        "update_function_configuration",
        RevisionId=rev,
        **config,
    )
    r.wait()
    r.call("get_function_response_rev6", "get_function", FunctionName=fn)


def revisions_version_and_alias(r: Replay) -> None:
    fn = r.name()
    r.create_fixture("create_function_response_rev1", fn)
    got = r.call("get_function_active_rev2", "get_function", FunctionName=fn)
    rev = got["Configuration"]["RevisionId"]
    r.call(
        "publish_version_revision_exception", "publish_version", FunctionName=fn, RevisionId=WRONG
    )
    v = r.call(
        "publish_version_response_rev_v1", "publish_version", FunctionName=fn, RevisionId=rev
    )
    r.wait()
    version = v["Version"]
    r.call(
        "get_function_published_version_rev_v2", "get_function", FunctionName=fn, Qualifier=version
    )
    r.call("get_function_latest_rev3", "get_function", FunctionName=fn)
    alias = r.call(
        "create_alias_response_rev_a1",
        "create_alias",
        FunctionName=fn,
        Name="revision_alias",
        FunctionVersion=version,
    )
    r.call("get_function_latest_rev4", "get_function", FunctionName=fn)
    r.call(
        "get_function_published_version_rev_v3", "get_function", FunctionName=fn, Qualifier=version
    )
    where = {"FunctionName": fn, "Name": "revision_alias"}
    r.call("update_alias_revision_exception", "update_alias", RevisionId=WRONG, **where)
    r.call(
        "update_alias_response_rev_a2",
        "update_alias",
        Description="something changed",
        RevisionId=alias["RevisionId"],
        **where,
    )


def snapstart_lifecycle(runtime: str):  # type: ignore[no-untyped-def]
    handler = {"java": "echo.Handler", "dotnet": "dotnet::Dotnet.Function::FunctionHandler"}

    def replay(r: Replay) -> None:
        fn = r.name()
        family = runtime.rstrip("0123456789.")
        r.create(
            "create_function_response",
            fn,
            Runtime=runtime,
            Handler=handler.get(family, "handler.handler"),
            MemorySize=1024,
            Timeout=5,
        )
        v1 = r.call(None, "publish_version", FunctionName=fn, Description="version1")["Version"]
        r.wait()
        r.call("get_function_response_latest", "get_function", FunctionName=fn)
        r.call("get_function_response_version_1", "get_function", FunctionName=f"{fn}:{v1}")

    return replay


def versions_with_code_changes(r: Replay) -> None:
    """test_lambda.py; the invocations' answers are not replayed (the sandbox runs no code)."""
    fn = r.name()
    r.create(
        "create_response",
        fn,
        Handler="handler.handler",
        Code={"ZipFile": code("version1")},
        PackageType="Zip",
        Runtime=PY,
        Description="No version :(",
    )
    r.call(
        "first_publish_response",
        "publish_version",
        FunctionName=fn,
        Description="First version description :)",
    )
    r.call(
        "update_lambda_response", "update_function_code", FunctionName=fn, ZipFile=code("version2")
    )
    r.wait()
    r.call(
        "second_publish_response",
        "publish_version",
        FunctionName=fn,
        Description="Second version description :)",
    )
    r.wait()
    r.call(
        "update_lambda_response_with_publish",
        "update_function_code",
        FunctionName=fn,
        ZipFile=code("version3"),
        Publish=True,
    )
    r.wait()


def handler_update(r: Replay) -> None:
    fn = r.name("test_lambda")
    r.create_fixture(None, fn)
    r.call(
        "update_function_configuration_result",
        "update_function_configuration",
        FunctionName=fn,
        Handler="handler.handler_two",
    )
    r.wait()
    r.call("get_function_result", "get_function", FunctionName=fn)
    r.call(None, "publish_version", FunctionName=fn)
    r.wait()


def provisioned_concurrency(r: Replay) -> None:
    fn = r.name("test_lambda")
    r.create_fixture(None, fn)
    v1 = r.call(None, "publish_version", FunctionName=fn)["Version"]
    where = {"FunctionName": fn, "Qualifier": v1}
    r.call(
        "put_provisioned_5",
        "put_provisioned_concurrency_config",
        ProvisionedConcurrentExecutions=5,
        **where,
    )
    r.call("get_provisioned_prewait", "get_provisioned_concurrency_config", **where)
    r.wait()
    r.call("get_provisioned_postwait", "get_provisioned_concurrency_config", **where)


def reserved_provisioned_overlap(r: Replay) -> None:
    fn = r.name("test_lambda")
    r.create_fixture(None, fn)
    v1 = r.call(None, "publish_version", FunctionName=fn)["Version"]
    put = "put_provisioned_concurrency_config"
    r.call(
        "put_provisioned_5", put, FunctionName=fn, Qualifier=v1, ProvisionedConcurrentExecutions=2
    )
    where = {"FunctionName": fn, "Qualifier": v1}
    r.call("get_provisioned_prewait", "get_provisioned_concurrency_config", **where)
    r.wait()
    r.call("get_provisioned_postwait", "get_provisioned_concurrency_config", **where)
    reserve = "put_function_concurrency"
    r.call(
        "reserved_lower_than_provisioned_exc",
        reserve,
        FunctionName=fn,
        ReservedConcurrentExecutions=1,
    )
    r.call(None, reserve, FunctionName=fn, ReservedConcurrentExecutions=2)
    r.call("get_concurrency", "get_function_concurrency", FunctionName=fn)
    r.call("reserved_equals_provisioned_latest_invoke_exc", "invoke", FunctionName=fn)
    r.call(None, "invoke", FunctionName=fn, Qualifier=v1)
    r.call("update_func_config", "update_function_configuration", FunctionName=fn, Timeout=15)
    r.wait()
    v2 = r.call(None, "publish_version", FunctionName=fn)["Version"]
    r.call(
        "reserved_equals_provisioned_another_provisioned_exc",
        put,
        FunctionName=fn,
        Qualifier=v2,
        ProvisionedConcurrentExecutions=1,
    )
    r.call(
        "reserved_equals_provisioned_increase_provisioned_exc",
        put,
        FunctionName=fn,
        Qualifier=v1,
        ProvisionedConcurrentExecutions=3,
    )


def alias_routingconfig(r: Replay) -> None:
    fn = r.name()
    created = r.create(
        None,
        fn,
        Handler="handler.handler",
        Code={"ZipFile": code("version1")},
        PackageType="Zip",
        Runtime=PY,
        Description="First version :)",
        Publish=True,
    )
    r.call(None, "update_function_code", FunctionName=fn, ZipFile=code("version2"))
    r.wait()
    second = r.call(
        None, "publish_version", FunctionName=fn, Description="Second version description :)"
    )
    r.wait()
    r.call(
        "create_alias_response",
        "create_alias",
        FunctionName=fn,
        FunctionVersion=created["Version"],
        Name="alias1",
        RoutingConfig={"AdditionalVersionWeights": {second["Version"]: 0.5}},
    )


def sqs_event_source_mapping(r: Replay) -> None:
    fn = r.name("lambda_func")
    r.create_fixture(None, fn)
    queue = r.queue()
    r.call(
        "create-event-source-mapping-response",
        "create_event_source_mapping",
        EventSourceArn=queue,
        FunctionName=fn,
        MaximumBatchingWindowInSeconds=1,
    )
    r.wait()


def esm_with_not_existing_sqs_queue(r: Replay) -> None:
    fn = r.name("simple-lambda")
    r.create_fixture(None, fn, Timeout=5)
    missing = f"arn:aws:sqs:us-east-1:123456789012:not-existing-queue-{fn}"
    r.call(
        "error", "create_event_source_mapping", EventSourceArn=missing, FunctionName=fn, BatchSize=1
    )


def function_name_variations(r: Replay) -> None:
    fn = r.name("lambda_func")
    queue = r.queue()
    r.create_fixture(None, fn)
    v1 = r.call(None, "publish_version", FunctionName=fn)
    alias = r.call(
        None, "create_alias", FunctionName=fn, FunctionVersion=v1["Version"], Name="myalias"
    )
    arn = r.call(None, "get_function", FunctionName=fn)["Configuration"]["FunctionArn"]
    names: dict[str, Any] = {
        "name_only": fn,
        "partial_arn_latest": f"{fn}:$LATEST",
        "partial_arn_version": f"{fn}:{v1['Version']}",
        "partial_arn_alias": f"{fn}:myalias",
        "full_arn_latest": arn,
        "full_arn_version": v1["FunctionArn"],
        "full_arn_alias": alias["AliasArn"],
    }
    for scope, name in names.items():
        made = r.call(
            f"{scope}_create_esm",
            "create_event_source_mapping",
            FunctionName=name,
            EventSourceArn=queue,
        )
        r.wait()
        r.call(None, "delete_event_source_mapping", UUID=made["UUID"])
        r.wait()


def _stream_mapping(r: Replay) -> tuple[str, str, dict[str, Any]]:
    """A DynamoDB stream, a function and a mapping from the stream (the recorded set-up)."""
    fn, table = r.name("lambda_func"), r.name("teststreamtable")
    destination = r.queue()
    ddb = r.handle.client("dynamodb")
    ddb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    stream = ddb.update_table(
        TableName=table,
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )["TableDescription"]["LatestStreamArn"]
    r.create_fixture(None, fn)
    created = r.call(
        "create_response",
        "create_event_source_mapping",
        FunctionName=fn,
        EventSourceArn=stream,
        DestinationConfig={"OnFailure": {"Destination": destination}},
        BatchSize=1,
        StartingPosition="TRIM_HORIZON",
        MaximumBatchingWindowInSeconds=1,
        MaximumRetryAttempts=1,
    )
    r.wait()
    r.call("get_response", "get_event_source_mapping", UUID=created["UUID"])
    return fn, str(created["UUID"]), created


def stream_mapping_lifecycle(r: Replay) -> None:
    _, uuid, _ = _stream_mapping(r)
    r.call("delete_response", "delete_event_source_mapping", UUID=uuid)


def stream_mapping_lifecycle_delete_function(r: Replay) -> None:
    fn, uuid, _ = _stream_mapping(r)
    r.call("delete_function_response", "delete_function", FunctionName=fn)
    r.wait()
    r.call("get_response_post_delete", "get_event_source_mapping", UUID=uuid)
    r.call("delete_response", "delete_event_source_mapping", UUID=uuid)


def _stream_validation(r: Replay, stream: str, *, at_timestamp: bool) -> None:
    fn = r.name("function")
    r.create_fixture(None, fn)
    esm = "create_event_source_mapping"
    r.call("no_starting_position", esm, FunctionName=fn, EventSourceArn=stream)
    r.call(
        "invalid_starting_position",
        esm,
        FunctionName=fn,
        EventSourceArn=stream,
        StartingPosition="invalid",
    )
    if at_timestamp:
        r.call(
            "incompatible_starting_position",
            esm,
            FunctionName=fn,
            EventSourceArn=stream,
            StartingPosition="AT_TIMESTAMP",
            StartingPositionTimestamp="1741010802",
        )


def dynamodb_source_validation(r: Replay) -> None:
    table = r.name("table")
    ddb = r.handle.client("dynamodb")
    ddb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    stream = ddb.update_table(
        TableName=table,
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]["LatestStreamArn"]
    _stream_validation(r, stream, at_timestamp=True)


def kinesis_source_validation(r: Replay) -> None:
    kinesis = r.handle.client("kinesis")
    name = r.name("stream")
    kinesis.create_stream(StreamName=name, ShardCount=1)
    stream = kinesis.describe_stream(StreamName=name)["StreamDescription"]["StreamARN"]
    _stream_validation(r, stream, at_timestamp=False)
