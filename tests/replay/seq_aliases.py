"""Recorded sequences about aliases (test_lambda_api.py and test_lambda.py)."""

from __future__ import annotations

from typing import Any

from tests.replay.driver import Replay, code

PY = "python3.12"
STAGING = {"Variables": {"testenv": "staging"}}


def _create(r: Replay, key: str | None, fn: str, **params: Any) -> None:
    r.create(key, fn, Handler="index.handler", PackageType="Zip", Runtime=PY, **params)


def _two_versions(r: Replay, fn: str, client: str = "call") -> None:
    call = getattr(r, client)
    call("publish_v1", "publish_version", FunctionName=fn)
    env = {"Variables": {"testenv": "prod"}}
    call(None, "update_function_configuration", FunctionName=fn, Environment=env)
    r.wait()
    call("publish_v2", "publish_version", FunctionName=fn)


def alias_lifecycle(r: Replay) -> None:
    fn = r.name("alias-fn")
    _create(r, "create_response", fn, Environment=STAGING)
    _two_versions(r, fn)
    weighted = {
        "Description": "custom-alias",
        "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.2}},
    }
    a11 = r.call(
        "create_alias_1_1",
        "create_alias",
        FunctionName=fn,
        Name="aliasname1_1",
        FunctionVersion="1",
        **weighted,
    )
    r.call("get_alias_1_1", "get_alias", FunctionName=fn, Name="aliasname1_1")
    r.call("get_function_alias_1_1", "get_function", FunctionName=fn, Qualifier="aliasname1_1")
    r.call("get_function_byarn_alias_1_1", "get_function", FunctionName=a11["AliasArn"])
    r.call(
        "get_function_alias_notfound_exc",
        "get_function",
        FunctionName=fn,
        Qualifier="aliasdoesnotexist",
    )
    r.call(
        "get_function_alias_byarn_notfound_exc",
        "get_function",
        FunctionName=a11["AliasArn"].replace("aliasname1_1", "aliasdoesnotexist"),
    )
    _three_more_aliases(r, fn)
    pages = r.lam.get_paginator("list_aliases").paginate(
        FunctionName=fn, PaginationConfig={"PageSize": 1}
    )
    r.keep("list_aliases_for_fnname", _sorted_aliases(pages.build_full_result()))
    r.call(
        "update_alias_1_1",
        "update_alias",
        FunctionName=fn,
        Name="aliasname1_1",
        RoutingConfig={"AdditionalVersionWeights": {}},
    )
    r.call("get_alias_1_1_after_update", "get_alias", FunctionName=fn, Name="aliasname1_1")
    _list_sorted(r, "list_aliases_for_fnname_after_update", FunctionName=fn)
    r.call("update_alias_1_2", "update_alias", FunctionName=fn, Name="aliasname1_2")
    r.call("get_alias_1_2_after_update", "get_alias", FunctionName=fn, Name="aliasname1_2")
    _list_sorted(r, "list_aliases_for_fnname_after_update_2", FunctionName=fn)
    _list_sorted(r, "list_aliases_for_version", FunctionName=fn, FunctionVersion="1")
    r.call("delete_alias_response", "delete_alias", FunctionName=fn, Name="aliasname1_1")
    _list_sorted(r, "list_aliases_for_fnname_afterdelete", FunctionName=fn)


def _three_more_aliases(r: Replay, fn: str) -> None:
    """test_alias_lifecycle's aliases 1_2, 1_3 (on version 1) and 2, each read back."""
    for name, version, extra in (
        ("aliasname1_2", "1", {"Description": "custom-alias"}),
        ("aliasname1_3", "1", {}),
        ("aliasname2", "2", {"Description": "custom-alias"}),
    ):
        suffix = name.removeprefix("aliasname")
        r.call(
            f"create_alias_{suffix}",
            "create_alias",
            FunctionName=fn,
            Name=name,
            FunctionVersion=version,
            **extra,
        )
        r.call(f"get_alias_{suffix}", "get_alias", FunctionName=fn, Name=name)


def _sorted_aliases(answer: dict[str, Any]) -> dict[str, Any]:
    # The recorded test sorts Aliases by Name before recording (SortingTransformer).
    return {**answer, "Aliases": sorted(answer.get("Aliases", []), key=lambda a: a["Name"])}


def _list_sorted(r: Replay, key: str, **params: Any) -> None:
    r.keep(key, _sorted_aliases(r.call(None, "list_aliases", **params)))


def notfound_and_invalid_routingconfigs(r: Replay) -> None:
    fn = r.name("alias-fn")
    _create(r, "create_response", fn, Publish=True, Environment=STAGING)
    _two_versions(r, fn, "unchecked")
    for key, version, weights in (
        ("routing_config_exc_toomany", "1", {"1": 0.8, "2": 0.2}),
        ("routing_config_exc_toohigh", "1", {"2": 2}),
        ("routing_config_exc_subzero", "1", {"2": -1}),
        ("routing_config_exc_sameversion", "1", {"1": 0.5}),
        ("target_version_doesnotexist", "10", {"2": 0.5}),
        ("routing_config_exc_version_doesnotexist", "1", {"10": 0.5}),
        ("target_version_exc_version_latest", "$LATEST", {"1": 0.5}),
        ("routing_config_exc_version_latest", "1", {"$LATEST": 0.5}),
    ):
        r.unchecked(
            key,
            "create_alias",
            FunctionName=fn,
            Name="custom",
            FunctionVersion=version,
            RoutingConfig={"AdditionalVersionWeights": weights},
        )
    r.unchecked(
        "create-alias-latest",
        "create_alias",
        FunctionName=fn,
        Name="custom-latest",
        FunctionVersion="$LATEST",
    )
    routing = {"AdditionalVersionWeights": {"2": 0.5}}
    r.unchecked(
        "routing_config_exc_fn_doesnotexist",
        "create_alias",
        FunctionName=f"{fn}-unknown",
        Name="custom",
        FunctionVersion="1",
        RoutingConfig=routing,
    )
    r.unchecked(
        "create_alias_empty_routingconfig",
        "create_alias",
        FunctionName=fn,
        Name="custom-empty-routingconfig",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {}},
    )
    for key in ("create_alias_response", "routing_config_exc_already_exist"):
        r.unchecked(
            key,
            "create_alias",
            FunctionName=fn,
            Name="custom",
            FunctionVersion="1",
            RoutingConfig=routing,
        )
    r.unchecked("alias_does_not_exist_esc", "get_alias", FunctionName=fn, Name="non-existent")


def non_existent_alias_deletion(r: Replay) -> None:
    fn = r.name("alias-fn")
    _create(r, "create_response", fn, Environment=STAGING)
    r.call("delete_alias_response", "delete_alias", FunctionName=fn, Name="non-existent")


def non_existent_alias_update(r: Replay) -> None:
    fn = r.name("alias-fn")
    _create(r, "create_response", fn, Environment=STAGING)
    r.call("update_alias_response", "update_alias", FunctionName=fn, Name="non-existent")


def alias_naming(r: Replay) -> None:
    fn = r.name("alias-fn")
    _create(r, "create_response", fn, Environment=STAGING)
    r.call("publish_v1", "publish_version", FunctionName=fn)
    alias = {"FunctionName": fn, "FunctionVersion": "1", "Description": "custom-alias"}
    r.call("create_alias_date", "create_alias", Name="2024-01-02", **alias)
    r.call("get_alias_date", "get_alias", FunctionName=fn, Name="2024-01-02")
    r.call(None, "invoke", FunctionName=f"{fn}:2024-01-02")
    r.call("create_alias_number_exception", "create_alias", Name="2024", **alias)


def alias_moving(r: Replay) -> None:
    """test_lambda.py: the invocations' answers are not replayed (the sandbox runs no code)."""
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
    first = r.call(
        None, "publish_version", FunctionName=fn, Description="First version description :)"
    )
    r.wait()
    alias = r.call(
        "create_alias_response",
        "create_alias",
        FunctionName=fn,
        FunctionVersion=first["Version"],
        Name="alias1",
    )
    r.call(None, "invoke", FunctionName=fn, Qualifier="alias1", Payload=b"{}")
    r.call(None, "invoke", FunctionName=alias["AliasArn"], Payload=b"{}")
    r.call(
        "update_lambda_response",
        "update_function_code",
        FunctionName=fn,
        ZipFile=code("version2"),
    )
    r.wait()
    r.call(None, "invoke", FunctionName=fn, Qualifier="alias1", Payload=b"{}")
    second = r.call(
        "second_publish_response",
        "publish_version",
        FunctionName=fn,
        Description="Second version description :)",
    )
    r.wait()
    r.call(None, "invoke", FunctionName=fn, Qualifier="alias1", Payload=b"{}")
    r.call(
        "update_alias_response",
        "update_alias",
        FunctionName=fn,
        Name="alias1",
        FunctionVersion=second["Version"],
    )
    r.call(
        "invocation_exc_not_existent",
        "invoke",
        FunctionName=fn,
        Qualifier="non-existent-alias",
        Payload=b"{}",
    )
