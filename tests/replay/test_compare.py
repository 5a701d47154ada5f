"""The replay's comparison: placeholders bind consistently, types count, paths are named."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.replay.compare import Bindings, compare, normalise

UUID_A = "0f0e1c57-0000-4000-8000-00000000000a"
UUID_B = "0f0e1c57-0000-4000-8000-00000000000b"


def test_one_placeholder_binds_one_value_across_answers() -> None:
    bindings = Bindings()
    assert compare({"RevisionId": "<uuid:1>"}, {"RevisionId": UUID_A}, bindings) == []
    diffs = compare({"RevisionId": "<uuid:1>"}, {"RevisionId": UUID_B}, bindings)
    assert [d.path for d in diffs] == ["RevisionId"]


def test_two_numbered_placeholders_must_be_two_values() -> None:
    bindings = Bindings()
    recorded = {"a": "<uuid:1>", "b": "<uuid:2>"}
    assert compare(recorded, {"a": UUID_A, "b": UUID_B}, bindings) == []
    assert [d.path for d in compare(recorded, {"a": UUID_A, "b": UUID_A}, Bindings())] == ["b"]


def test_placeholders_inside_strings_bind_their_part() -> None:
    bindings = Bindings()
    arn = "arn:<partition>:lambda:<region>:111111111111:function:<function-name:1>:1"
    live = normalise({"FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:fn-1:1"})
    assert compare({"FunctionArn": arn}, live, bindings) == []
    assert compare({"FunctionName": "<function-name:1>"}, {"FunctionName": "fn-2"}, bindings)


def test_numbers_and_booleans_compare_by_type() -> None:
    assert compare({"n": 1}, {"n": True}, Bindings())
    assert compare({"n": 1}, {"n": 1.0}, Bindings())
    assert compare({"b": False}, {"b": 0}, Bindings())
    assert not compare({"CodeSize": "<code-size>"}, {"CodeSize": 1234}, Bindings())


def test_missing_and_extra_keys_are_differences() -> None:
    diffs = compare({"State": "Active"}, {"Layers": []}, Bindings())
    assert {(d.path, d.is_state) for d in diffs} == {("State", True), ("Layers", False)}


def test_lambda_has_one_last_modified_format() -> None:
    assert not compare(
        {"LastModified": "date"}, {"LastModified": "2026-01-01T00:00:00.000+0000"}, Bindings()
    )
    assert compare(
        {"LastModified": "date"}, {"LastModified": "2026-01-01T00:00:00.123456000Z"}, Bindings()
    )
    assert not compare(
        {"LastModified": "<datetime>"}, {"LastModified": datetime.now(UTC)}, Bindings()
    )


def test_errors_compare_status_code_message_and_body_keys() -> None:
    recorded = {
        "Error": {"Code": "ResourceNotFoundException", "Message": "Function not found: x"},
        "Message": "Function not found: x",
        "Type": "User",
        "ResponseMetadata": {"HTTPHeaders": {}, "HTTPStatusCode": 404},
    }
    live = normalise(
        {
            "Error": {"Code": "ResourceNotFoundException", "Message": "Function not found: x"},
            "ResponseMetadata": {"HTTPStatusCode": 404, "RequestId": "r"},
        }
    )
    diffs = compare(recorded, live, Bindings())
    assert {d.path for d in diffs} == {"Message", "Type"}
    assert all(d.is_state for d in diffs)
