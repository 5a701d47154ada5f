"""Parsing user input: durations and function names, ARNs and qualifiers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lambda_wait.errors import ExitCode, UsageError
from lambda_wait.inputs import FunctionRef, parse_duration, parse_function

ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders"

# --- durations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90", 90.0),
        ("90s", 90.0),
        ("10m", 600.0),
        ("1h", 3600.0),
        ("1m30s", 90.0),
        ("500ms", 0.5),
        ("1h2m3s", 3723.0),
        ("1.5m", 90.0),
        (" 45s ", 45.0),
        ("10M", 600.0),
    ],
)
def test_parse_duration_accepts(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "0", "-5", "abc", "10x", "5m-", "0s", "0m0s", "m", "1 m"])
def test_parse_duration_rejects_with_a_message_naming_the_value(text: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_duration(text, what="--timeout")
    message = info.value.one_line()
    assert info.value.exit_code is ExitCode.USAGE
    assert repr(text) in message or f"'{text.strip()}'" in message
    assert "--timeout" in message
    assert "\n" not in message


def test_zero_duration_says_it_must_be_positive() -> None:
    with pytest.raises(UsageError, match="greater than zero"):
        parse_duration("0")


@given(st.text(max_size=20))
def test_parse_duration_returns_a_positive_number_or_raises_usage_error(text: str) -> None:
    try:
        seconds = parse_duration(text)
    except UsageError as err:
        assert err.exit_code is ExitCode.USAGE
    else:
        assert seconds > 0


@given(h=st.integers(0, 99), m=st.integers(0, 99), s=st.integers(0, 99), ms=st.integers(0, 999))
def test_parse_duration_sums_its_parts(h: int, m: int, s: int, ms: int) -> None:
    total = h * 3600 + m * 60 + s + ms / 1000
    text = f"{h}h{m}m{s}s{ms}ms"
    if total == 0:
        with pytest.raises(UsageError):
            parse_duration(text)
    else:
        assert parse_duration(text) == pytest.approx(total)


# --- function references --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "qualifier", "expected"),
    [
        ("orders", None, FunctionRef("orders", "orders", None, None)),
        ("my_Func-2", None, FunctionRef("my_Func-2", "my_Func-2", None, None)),
        ("orders:prod", None, FunctionRef("orders:prod", "orders", "prod", None)),
        ("orders:$LATEST", None, FunctionRef("orders:$LATEST", "orders", "$LATEST", None)),
        ("orders:7", None, FunctionRef("orders:7", "orders", "7", None)),
        ("orders", "prod", FunctionRef("orders", "orders", "prod", None)),
        ("orders:prod", "prod", FunctionRef("orders:prod", "orders", "prod", None)),
        (ARN, None, FunctionRef(ARN, "orders", None, "us-east-1")),
        (ARN + ":prod", None, FunctionRef(ARN + ":prod", "orders", "prod", "us-east-1")),
        (ARN, "3", FunctionRef(ARN, "orders", "3", "us-east-1")),
        (
            "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:orders",
            None,
            FunctionRef(
                "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:orders",
                "orders",
                None,
                "us-gov-west-1",
            ),
        ),
        (
            "123456789012:function:orders",
            None,
            FunctionRef("123456789012:function:orders", "orders", None, None),
        ),
        (
            "123456789012:function:orders:live",
            None,
            FunctionRef("123456789012:function:orders:live", "orders", "live", None),
        ),
        ("  orders  ", None, FunctionRef("orders", "orders", None, None)),
    ],
)
def test_parse_function_accepts(text: str, qualifier: str | None, expected: FunctionRef) -> None:
    assert parse_function(text, qualifier) == expected


@pytest.mark.parametrize(
    ("text", "qualifier", "api_name", "label"),
    [
        ("orders", None, "orders", "orders"),
        ("orders:prod", None, "orders", "orders:prod"),
        ("orders", "prod", "orders", "orders:prod"),
        (ARN + ":prod", None, ARN, "orders:prod"),
        (ARN + ":prod", "prod", ARN, "orders:prod"),
        (ARN, None, ARN, "orders"),
        ("123456789012:function:orders:live", None, "123456789012:function:orders", "orders:live"),
    ],
)
def test_api_name_drops_the_qualifier_suffix(
    text: str, qualifier: str | None, api_name: str, label: str
) -> None:
    ref = parse_function(text, qualifier)
    assert ref.api_name == api_name
    assert ref.label == label


def test_a_conflicting_qualifier_is_a_usage_error_naming_both() -> None:
    with pytest.raises(UsageError) as info:
        parse_function("orders:prod", "dev")
    message = info.value.one_line()
    assert "'prod'" in message and "'dev'" in message
    assert info.value.exit_code is ExitCode.USAGE


def test_a_conflicting_qualifier_on_an_arn_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="give only one"):
        parse_function(ARN + ":3", "4")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "my/function",
        "my function",
        "a" * 141,
        "orders:prod:extra",
        "orders:",
        "arn:aws:lambda:us-east-1:123456789012:function:",
        "arn:aws:lambda:us-east-1:12345:function:orders",
        "orders\n--flag",
        # Lambda's \d is ASCII: other scripts' digits are not an account or a region.
        "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662:function:orders",
        "arn:aws:lambda:us-east-\u0663:123456789012:function:orders",
    ],
)
def test_parse_function_rejects_invalid_names_naming_the_input(text: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_function(text)
    assert info.value.exit_code is ExitCode.USAGE
    assert repr(text)[:40] in info.value.one_line()  # long inputs are cut after 60 chars


def test_the_longest_allowed_name_is_accepted() -> None:
    assert parse_function("a" * 140).name == "a" * 140


@pytest.mark.parametrize("qualifier", ["", "bad/alias", "has space", "x" * 129, "prod\n"])
def test_an_invalid_qualifier_option_is_rejected(qualifier: str) -> None:
    with pytest.raises(UsageError, match="invalid qualifier"):
        parse_function("orders", qualifier)


@given(text=st.text(max_size=200), qualifier=st.none() | st.text(max_size=140))
def test_parse_function_never_raises_anything_but_usage_error(
    text: str, qualifier: str | None
) -> None:
    try:
        ref = parse_function(text, qualifier)
    except UsageError as err:
        assert err.exit_code is ExitCode.USAGE
        assert "\n" not in err.message.replace(repr(text), "").replace(repr(qualifier), "")
    else:
        assert ref.name
        assert 1 <= len(ref.name) <= 140
        assert ref.label.startswith(ref.name)


_name_chars = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


@given(
    name=st.text(_name_chars, min_size=1, max_size=64),
    qualifier=st.none() | st.text(_name_chars, min_size=1, max_size=20),
    account=st.from_regex(r"\A[0-9]{12}\Z"),
)
def test_every_valid_arn_round_trips(name: str, qualifier: str | None, account: str) -> None:
    arn = f"arn:aws:lambda:eu-west-1:{account}:function:{name}"
    text = f"{arn}:{qualifier}" if qualifier else arn
    ref = parse_function(text)
    assert ref.name == name
    assert ref.qualifier == qualifier
    assert ref.region == "eu-west-1"
    assert ref.api_name == arn
