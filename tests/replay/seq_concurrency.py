"""Recorded sequences about provisioned concurrency and event source mappings."""

from __future__ import annotations

from typing import Any

from tests.replay.driver import Replay

PY = "python3.12"
# The sandbox's knob for "this code fails when provisioned concurrency initialises it".
INIT_FAILURE = {"lambda-wait-sandbox:provisioned": "fail:FUNCTION_ERROR_INIT_FAILURE"}


def provisioned_concurrency_exceptions(r: Replay) -> None:
    fn = r.name("lambda_func")
    r.create_fixture(None, fn, Runtime=PY)
    v = r.unchecked("publish_version_result", "publish_version", FunctionName=fn)["Version"]
    pc = "provisioned_concurrency_config"
    for key, name, qualifier in (
        ("get_provisioned_config_doesnotexist", fn, v),
        ("get_provisioned_functionname_doesnotexist", "doesnotexist", "noalias"),
        ("get_provisioned_qualifier_doesnotexist", fn, "noalias"),
        ("get_provisioned_version_doesnotexist", fn, "10"),
        ("get_provisioned_latest", fn, "$LATEST"),
    ):
        r.unchecked(key, f"get_{pc}", FunctionName=name, Qualifier=qualifier)
    r.unchecked("list_provisioned_noconfigs", f"list_{pc}s", FunctionName=fn)
    r.unchecked(
        "list_provisioned_functionname_doesnotexist", f"list_{pc}s", FunctionName="doesnotexist"
    )
    for key, name, qualifier in (
        ("delete_provisioned_functionname_doesnotexist", "doesnotexist", v),
        ("delete_provisioned_qualifier_doesnotexist", fn, "noalias"),
        ("delete_provisioned_version_doesnotexist", fn, "10"),
        ("delete_provisioned_latest", fn, "$LATEST"),
        ("delete_provisioned_config_doesnotexist", fn, v),
    ):
        r.unchecked(key, f"delete_{pc}", FunctionName=name, Qualifier=qualifier)
    for key, name, qualifier, count in (
        ("put_provisioned_invalid_param_0", fn, v, 0),
        ("put_provisioned_functionname_doesnotexist_alias", "doesnotexist", "noalias", 1),
        ("put_provisioned_functionname_doesnotexist_version", "doesnotexist", "1", 1),
        ("put_provisioned_qualifier_doesnotexist", fn, "doesnotexist", 1),
        ("put_provisioned_version_doesnotexist", fn, "10", 1),
        ("put_provisioned_latest", fn, "$LATEST", 1),
    ):
        r.unchecked(
            key,
            f"put_{pc}",
            FunctionName=name,
            Qualifier=qualifier,
            ProvisionedConcurrentExecutions=count,
        )


def lambda_provisioned_lifecycle(r: Replay) -> None:
    fn = r.name("lambda_func")
    r.create_fixture(None, fn, Runtime=PY)
    v = r.call("publish_version_result", "publish_version", FunctionName=fn)["Version"]
    r.wait()
    alias = r.name("alias")
    r.call("create_alias_result", "create_alias", FunctionName=fn, Name=alias, FunctionVersion=v)
    put = "put_provisioned_concurrency_config"
    one = {"FunctionName": fn, "ProvisionedConcurrentExecutions": 1}
    r.call("put_provisioned_on_version", put, Qualifier=v, **one)
    r.call("put_provisioned_on_alias_versionconflict", put, Qualifier=alias, **one)
    r.wait()
    r.call(
        "delete_provisioned_version",
        "delete_provisioned_concurrency_config",
        FunctionName=fn,
        Qualifier=v,
    )
    r.call(
        "get_provisioned_version_postdelete",
        "get_provisioned_concurrency_config",
        FunctionName=fn,
        Qualifier=v,
    )
    r.call("put_provisioned_on_alias", put, Qualifier=alias, **one)
    r.call("put_provisioned_on_version_conflict", put, Qualifier=v, **one)
    r.call("delete_alias_result", "delete_alias", FunctionName=fn, Name=alias)
    r.call(
        "get_provisioned_alias_postaliasdelete",
        "get_provisioned_concurrency_config",
        FunctionName=fn,
        Qualifier=alias,
    )
    r.call("list_response_postdeletes", "list_provisioned_concurrency_configs", FunctionName=fn)


def provisioned_moves_with_alias(r: Replay) -> None:
    """test_lambda.py; recorded in 2023 with python3.8 (the invocations are not replayed)."""
    fn, alias = r.name("test_lambda"), r.name("test_alias")
    r.create_fixture("create-result", fn, Runtime="python3.8", Timeout=2)
    conf = r.call(
        "get-function-configuration",
        "get_function_configuration",
        FunctionName=fn,
        Qualifier="$LATEST",
    )
    first = r.call(
        "publish_version_1",
        "publish_version",
        FunctionName=fn,
        RevisionId=conf["RevisionId"],
        Description="my-first-version",
    )
    v1 = first["Version"]
    r.call(
        "get_function_configuration_version_1",
        "get_function_configuration",
        FunctionName=fn,
        Qualifier=v1,
    )
    r.wait()
    r.call("create_alias", "create_alias", FunctionName=fn, FunctionVersion=v1, Name=alias)
    r.call("get_function_before_provisioned", "get_function", FunctionName=fn, Qualifier=v1)
    r.call(
        None,
        "put_provisioned_concurrency_config",
        FunctionName=fn,
        Qualifier=alias,
        ProvisionedConcurrentExecutions=1,
    )
    r.wait()
    r.call("get_function_after_provisioned", "get_function", FunctionName=fn, Qualifier=alias)
    r.call(None, "update_function_configuration", FunctionName=fn, Timeout=10)
    r.wait()
    conf = r.call("get_function_after_update", "get_function_configuration", FunctionName=fn)
    second = r.call(
        "publish_version_2", "publish_version", FunctionName=fn, RevisionId=conf["RevisionId"]
    )
    r.call(
        "update_alias",
        "update_alias",
        FunctionName=fn,
        FunctionVersion=second["Version"],
        Name=alias,
    )
    get_pc = "get_provisioned_concurrency_config"
    r.call("get_provisioned_config_after_alias_move", get_pc, FunctionName=fn, Qualifier=alias)
    r.wait()
    r.call("provisioned_concurrency_notfound", get_pc, FunctionName=fn, Qualifier=second["Version"])


def provisioned_init_failure(r: Replay) -> None:
    fn = r.name("test_lambda")
    created = r.create_fixture(None, fn, Runtime=PY, Publish=True, Tags=INIT_FAILURE)
    where = {"FunctionName": fn, "Qualifier": created["Version"]}
    r.call(
        "put_provisioned",
        "put_provisioned_concurrency_config",
        ProvisionedConcurrentExecutions=1,
        **where,
    )
    r.call("get_provisioned_prewait", "get_provisioned_concurrency_config", **where)
    r.wait()
    r.call("get_provisioned_postwait", "get_provisioned_concurrency_config", **where)


def provisioned_on_alias(r: Replay) -> None:
    fn = r.name("test_lambda")
    r.create_fixture(None, fn, Runtime=PY)
    v1 = r.call(None, "publish_version", FunctionName=fn)["Version"]
    r.call(None, "create_alias", FunctionName=fn, Name="live", FunctionVersion=v1)
    where = {"FunctionName": fn, "Qualifier": "live"}
    r.call(
        "put_provisioned_5",
        "put_provisioned_concurrency_config",
        ProvisionedConcurrentExecutions=5,
        **where,
    )
    r.call("get_provisioned_prewait", "get_provisioned_concurrency_config", **where)
    r.wait()
    r.call("get_provisioned_postwait", "get_provisioned_concurrency_config", **where)


def event_source_mapping_exceptions(r: Replay) -> None:
    unknown = "c0ffee00-0000-4000-8000-000000000000"
    r.call("get_unknown_uuid", "get_event_source_mapping", UUID=unknown)
    r.call("delete_unknown_uuid", "delete_event_source_mapping", UUID=unknown)
    r.call("update_unknown_uuid", "update_event_source_mapping", UUID=unknown, Enabled=False)
    queue = "arn:aws:sqs:us-east-1:111111111111:somequeue"
    r.call(None, "list_event_source_mappings")
    r.call(None, "list_event_source_mappings", FunctionName="doesnotexist")
    r.call(None, "list_event_source_mappings", EventSourceArn=queue)
    r.unchecked(
        "create_no_event_source_arn", "create_event_source_mapping", FunctionName="doesnotexist"
    )
    r.call(
        "create_unknown_params",
        "create_event_source_mapping",
        FunctionName="doesnotexist",
        EventSourceArn=queue,
    )
    other = "arn:aws:sqs:us-east-1:111111111111:someotherqueue"
    r.call(
        "destination_config_failure",
        "create_event_source_mapping",
        FunctionName="doesnotexist",
        EventSourceArn=queue,
        DestinationConfig={"OnSuccess": {"Destination": other}},
    )


def sqs_mapping_update(r: Replay) -> None:
    """test_lambda_integration_sqs.py; the function's log events are not replayed."""
    fn = r.name("lambda_func")
    r.create_fixture(None, fn, Runtime=PY)
    env: dict[str, Any] = {"Variables": {"CUSTOM_VAR": "a"}}
    r.call(None, "update_function_configuration", FunctionName=fn, Environment=env)
    r.wait()
    v1 = r.call(None, "publish_version", FunctionName=fn)
    r.wait()
    queue = r.queue()
    created = r.call(
        "create-event-source-mapping-response",
        "create_event_source_mapping",
        EventSourceArn=queue,
        FunctionName=v1["FunctionArn"],
        MaximumBatchingWindowInSeconds=1,
    )
    r.wait()
    env = {"Variables": {"CUSTOM_VAR": "b"}}
    r.call(None, "update_function_configuration", FunctionName=fn, Environment=env)
    r.wait()
    v2 = r.call(None, "publish_version", FunctionName=fn)
    r.wait()
    uuid = created["UUID"]
    r.call("updated_esm", "update_event_source_mapping", UUID=uuid, FunctionName=v2["FunctionArn"])
    r.wait()
    r.call("updated_event_source_mapping", "get_event_source_mapping", UUID=uuid)


def duplicate_mappings(r: Replay) -> None:
    fn1, fn2 = r.name("lambda_func"), r.name("lambda_func")
    queue = r.queue()
    r.create_fixture(None, fn1, Runtime=PY)
    r.call("create", "create_event_source_mapping", FunctionName=fn1, EventSourceArn=queue)
    r.call("error", "create_event_source_mapping", FunctionName=fn1, EventSourceArn=queue)
    r.create_fixture(None, fn2, Runtime=PY)
    r.call(None, "create_event_source_mapping", FunctionName=fn2, EventSourceArn=queue)
