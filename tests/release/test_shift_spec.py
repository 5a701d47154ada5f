"""--shift SPEC parsing into (percent, hold) steps, and its bad input."""

from __future__ import annotations

import pytest

from lambda_wait.errors import ExitCode, UsageError
from lambda_wait.release.shift import PREDEFINED, ShiftStep, parse_shift


def test_all_at_once_has_no_weighted_steps() -> None:
    for text in ("all-at-once", "AllAtOnce", "CodeDeployDefault.LambdaAllAtOnce"):
        spec = parse_shift(text)
        assert spec.kind == "all-at-once" and spec.steps() == () and not spec.gradual


def test_canary_is_one_step_then_the_move() -> None:
    spec = parse_shift("Canary10Percent5Minutes")
    assert spec.steps() == (ShiftStep(10, 300.0),)
    assert spec.steps()[0].weight == pytest.approx(0.1)
    assert parse_shift("CodeDeployDefault.LambdaCanary10Percent5Minutes") == spec
    assert parse_shift("canary10percent5minutes") == spec


def test_linear_steps_until_below_100_as_codedeploy_does() -> None:
    spec = parse_shift("Linear10PercentEvery1Minute")
    assert [s.percent for s in spec.steps()] == [10, 20, 30, 40, 50, 60, 70, 80, 90]
    assert {s.hold for s in spec.steps()} == {60.0}
    assert spec.total_seconds == 540.0
    assert [s.percent for s in parse_shift("linear:30:2s").steps()] == [30, 60, 90]
    assert [s.percent for s in parse_shift("linear:50:1s").steps()] == [50]


def test_every_predefined_name_parses_to_its_numbers() -> None:
    for name, (kind, percent, minutes) in PREDEFINED.items():
        spec = parse_shift(name)
        assert (spec.kind, spec.percent, spec.interval) == (kind, percent, minutes * 60.0)
        assert spec.label == name


def test_compact_form() -> None:
    spec = parse_shift("canary:25:90s")
    assert spec.steps() == (ShiftStep(25, 90.0),)
    assert spec.label == "canary:25:90s"
    assert parse_shift("linear:5%:1h").steps()[-1] == ShiftStep(95, 3600.0)
    assert parse_shift("CANARY:1:1s").steps() == (ShiftStep(1, 1.0),)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("canary", "not a known shift"),
        ("blue-green", "not a known shift"),
        ("Canary20Percent5Minutes", "not a known shift"),
        ("canary:0:5m", "1-99, not 0"),
        ("canary:100:5m", "1-99, not 100"),
        ("linear:150:1m", "1-99"),
        ("canary:ten:5m", "not a whole number"),
        ("canary:10.5:5m", "not a whole number"),
        ("canary:10:500ms", "1s to 1h, not 0.5s"),
        ("linear:10:61m", "1s to 1h, not 61m"),
        ("linear:10:soon", "not a duration"),
        ("linear:10:0s", "not a duration"),
        ("canary:10", "not a known shift"),
        ("", "not a known shift"),
    ],
)
def test_bad_specs_are_one_line_usage_errors(text: str, says: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_shift(text)
    line = caught.value.one_line()
    assert says in line and "\n" not in line
    assert "canary:PERCENT:INTERVAL" in line  # says how to fix it
    assert caught.value.exit_code is ExitCode.USAGE


def test_describe_says_what_will_happen() -> None:
    assert parse_shift("canary:10:5m").describe() == "canary:10:5m: 10% for 5m, then 100%"
    assert "9 steps" in parse_shift("Linear10PercentEvery1Minute").describe()
    assert parse_shift("linear:20:1s").to_dict()["steps"] == [
        {"percent": p, "hold_seconds": 1.0} for p in (20, 40, 60, 80)
    ]
