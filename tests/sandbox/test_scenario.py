"""Scenario files (JSON/TOML), their error messages, and per-function tags."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lambda_wait.errors import ExitCode, UsageError
from lambda_wait.sandbox import Timings, load_scenario, parse_scenario
from lambda_wait.sandbox.codes import last_update_reason_codes, state_reason_codes
from tests.sandbox.helpers import Manual, client_error

ManualFactory = Callable[..., Manual]


def _write(tmp_path: Path, data: Any, name: str = "scenario.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


def test_json_scenario_rules_merge_in_order(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {
            "delays": {"create": 5, "cooldown": 60},
            "rules": [
                {"match": "api-*", "update": {"fail": "EniLimitExceeded", "nth": 2}},
                {"match": ["api-slow", "worker"], "delays": {"update": 10}},
                {"match": "api-ok", "update": "ok"},
            ],
            "throttling": True,
        },
    )
    scenario = load_scenario(path)
    assert scenario.throttling is True
    slow = scenario.resolve("api-slow")
    assert slow.timings == Timings(create=5, cooldown=60, update=10)
    assert slow.update is not None and slow.update.code == "EniLimitExceeded"
    assert not slow.update.applies(1) and slow.update.applies(2)
    assert scenario.resolve("api-ok").update is None  # a later rule cleared it
    assert scenario.resolve("other").update is None
    assert scenario.resolve("worker").timings.update == 10


def test_toml_scenario(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
[delays]
vpc_create = 20

[[rules]]
match = "db-*"
initial_state = "Inactive"
restore = { fail = "SubnetOutOfIPAddresses", reason = "no IPs left", nth = [1, 2] }
""",
        name="s.toml",
    )
    resolved = load_scenario(path).resolve("db-main")
    assert resolved.timings.vpc_create == 20
    assert resolved.start_inactive
    assert resolved.restore is not None
    assert (resolved.restore.text, resolved.restore.nth) == ("no IPs left", frozenset({1, 2}))


@pytest.mark.parametrize(
    ("data", "fragments"),
    [
        (
            {"rules": [{"match": "a", "update": {"fial": "EniLimitExceeded"}}]},
            ["rule #1", "'a'", "update.fial"],
        ),
        (
            {"rules": [{"match": "a"}, {"match": "b", "delays": {"craete": 1}}]},
            ["rule #2", "'b'", "delays.craete"],
        ),
        (
            {"rules": [{"match": "a", "delays": {"create": -1}}]},
            ["rule #1", "delays.create", ">= 0"],
        ),
        (
            {"rules": [{"match": "a", "update": {"fail": "EniLimitExceeded", "nth": 0}}]},
            ["update.nth"],
        ),
        ({"rules": [{"match": 3}]}, ["rule #1", "'match'"]),
        ({"rules": [{"match": "a", "colour": "red"}]}, ["rule #1", "'colour'"]),
        ({"rules": [{"match": "a", "initial_state": "Asleep"}]}, ["initial_state"]),
        ({"rule": []}, ["unknown top-level key 'rule'"]),
        ({"faults": {"rate": 3}}, ["fault rate"]),
        ({"throttling": "yes"}, ["'throttling'"]),
        ({"rules": [{"match": "a", "mapping": {"disabel": "X"}}]}, ["rule #1", "'mapping'"]),
        ({"rules": [{"match": "a", "mapping": {"problem": ""}}]}, ["'mapping'", "non-empty"]),
        ({"rules": [{"match": "a", "provisioned": "init failed"}]}, ["provisioned.fail"]),
    ],
)
def test_malformed_scenario_names_file_rule_and_key(
    tmp_path: Path, data: Any, fragments: list[str]
) -> None:
    path = _write(tmp_path, data)
    with pytest.raises(UsageError) as excinfo:
        load_scenario(path)
    assert excinfo.value.exit_code == ExitCode.USAGE
    assert str(path) in excinfo.value.message
    for fragment in fragments:
        assert fragment in excinfo.value.message


def test_unknown_reason_code_lists_the_valid_ones(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as excinfo:
        load_scenario(_write(tmp_path, {"rules": [{"match": "*", "restore": "SubnetFull"}]}))
    message = excinfo.value.message
    assert "'SubnetFull'" in message and "LastUpdateStatusReasonCode" in message
    assert "rule #1" in message and "restore.fail" in message
    for code in last_update_reason_codes():
        assert code in message
    # Create failures use the StateReasonCode enum, which has Idle; updates' does not.
    parse_scenario({"rules": [{"match": "*", "create": "Idle"}]})
    with pytest.raises(UsageError, match="LastUpdateStatusReasonCode 'Idle'"):
        parse_scenario({"rules": [{"match": "*", "update": "Idle"}]})
    assert "Idle" in state_reason_codes() and "Idle" not in last_update_reason_codes()


def test_unreadable_and_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read"):
        load_scenario(tmp_path / "missing.json")
    with pytest.raises(UsageError, match="not valid JSON") as excinfo:
        load_scenario(_write(tmp_path, "{nope"))
    assert "scenario.json" in excinfo.value.message
    with pytest.raises(UsageError, match="not valid TOML"):
        load_scenario(_write(tmp_path, "= 1", name="bad.toml"))


def test_tags_script_a_failed_create(manual: ManualFactory) -> None:
    m = manual()
    m.handle.create_function(
        "tagged", vpc=True, tags={"lambda-wait-sandbox:create": "fail:SubnetOutOfIPAddresses"}
    )
    m.advance(60)
    cfg = m.config("tagged")
    assert (cfg["State"], cfg["StateReasonCode"]) == ("Failed", "SubnetOutOfIPAddresses")


def test_tags_override_the_scenario_and_set_delays(manual: ManualFactory) -> None:
    m = manual({"rules": [{"match": "*", "update": "EniLimitExceeded"}]})
    m.handle.create_function(
        "t", tags={"lambda-wait-sandbox:update": "ok", "lambda-wait-sandbox:delay:create": "10"}
    )
    m.advance(5)
    assert m.config("t")["State"] == "Pending"
    m.advance(5)
    m.lam.update_function_configuration(FunctionName="t", Timeout=8)
    m.advance(2)
    assert m.config("t")["LastUpdateStatus"] == "Successful"


def test_tag_resource_scripts_the_nth_update(manual: ManualFactory) -> None:
    m = manual()
    arn = m.handle.create_function("later")["FunctionArn"]
    m.advance(3)
    m.lam.tag_resource(Resource=arn, Tags={"lambda-wait-sandbox:update": "fail:InvalidSubnet@2"})
    m.lam.update_function_configuration(FunctionName="later", Timeout=4)
    m.advance(2)
    assert m.config("later")["LastUpdateStatus"] == "Successful"
    m.lam.update_function_configuration(FunctionName="later", Timeout=5)
    m.advance(2)
    cfg = m.config("later")
    assert (cfg["LastUpdateStatus"], cfg["LastUpdateStatusReasonCode"], cfg["Timeout"]) == (
        "Failed",
        "InvalidSubnet",
        4,
    )
    m.lam.untag_resource(Resource=arn, TagKeys=["lambda-wait-sandbox:update"])
    assert m.handle.sandbox.function_state("later")["LastUpdateStatus"] == "Failed"


@pytest.mark.parametrize(
    ("tags", "fragment"),
    [
        ({"lambda-wait-sandbox:create": "fail:NoSuchCode"}, "valid values: "),
        ({"lambda-wait-sandbox:create": "explode"}, "expected 'ok', 'fail:CODE'"),
        ({"lambda-wait-sandbox:colour": "red"}, "unknown sandbox tag"),
        ({"lambda-wait-sandbox:update": "fail:EniLimitExceeded@x"}, "@N"),
        ({"lambda-wait-sandbox:mapping": "broken"}, "'disable:REASON' or 'problem:TEXT'"),
        ({"lambda-wait-sandbox:provisioned": "fail:init-error"}, "reason code"),
    ],
)
def test_malformed_tags_are_rejected_with_400(
    manual: ManualFactory, tags: dict[str, str], fragment: str
) -> None:
    m = manual()
    with pytest.raises(m.lam.exceptions.InvalidParameterValueException) as excinfo:
        m.handle.create_function("bad-tags", tags=tags, client=m.lam)
    _, message, status = client_error(excinfo)
    assert status == 400 and fragment in message
    with pytest.raises(m.lam.exceptions.ResourceNotFoundException):
        m.config("bad-tags")  # never reached moto


def test_the_examples_in_the_docs_parse() -> None:
    import re
    import tomllib

    text = (Path(__file__).resolve().parents[2] / "docs" / "sandbox.md").read_text()
    blocks = re.findall(r"```(json|toml)\n(.*?)```", text, flags=re.DOTALL)
    assert {lang for lang, _ in blocks} == {"json", "toml"}
    for lang, body in blocks:
        data = json.loads(body) if lang == "json" else tomllib.loads(body)
        assert parse_scenario(data, source=f"docs ({lang})").rules
