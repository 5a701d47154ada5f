"""Issue 13, class 4: text from AWS is untrusted. No escape byte and no workflow command
at a line start reaches any output mode, whatever a reason or an error says; length is
capped; secret values the tool knows are scrubbed from messages Lambda echoes back."""

from __future__ import annotations

import json
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambda_wait.clock import ManualClock
from lambda_wait.cooldown import CooldownStore
from lambda_wait.deploy.runner import Deployer
from lambda_wait.errors import ExitCode, InvalidRequestError
from lambda_wait.untrusted import MAX_AWS_TEXT, clean, scrub
from tests.deploy.fakes import FakeLambda
from tests.deploy.test_steps import desired
from tests.reliability.test_answers import Answer, config, run, world

__all__ = ["world"]  # the fake service, shared with test_answers

PIECES = [
    "\x1b",
    "[",
    "2J",
    "]0;",
    "\x07",
    ":",
    "::error::",
    "::add-mask::",
    "\n",
    "\r",
    " ",
    "\x9b",
    "x",
    "\u2028",
]
HOSTILE = st.one_of(st.text(), st.lists(st.sampled_from(PIECES)).map("".join))


def safe(text: str) -> bool:
    lines = text.splitlines()
    return (
        "\x1b" not in text
        and "\x9b" not in text
        and not any(line.lstrip().startswith("::") for line in lines)
    )


# No per-example deadline: a pure function, but a worker on a loaded machine took 368 ms.
@settings(max_examples=400, derandomize=True, deadline=None)
@given(HOSTILE)
def test_clean_leaves_no_escape_control_or_workflow_command(text: str) -> None:
    out = clean(text)
    assert safe(out)
    assert not any(ord(c) < 32 and c not in "\n\t" for c in out)
    assert len(out) <= MAX_AWS_TEXT + 40


def test_clean_keeps_ordinary_text_and_caps_length() -> None:
    arn = "arn:aws:iam::123456789012:role/x (The role cannot be assumed: fix it.)"
    assert clean(arn) == arn  # '::' inside a line is no workflow command
    long = "line\n" * 200_000  # a reason of a million characters
    out = clean(long)
    assert len(out) < MAX_AWS_TEXT + 60 and out.endswith("more characters cut)")


def test_scrub_replaces_known_values_longest_first() -> None:
    message = 'String measured: {"TOKEN":"s3cr3t-value-2","STAGE":"hello","T2":"s3cr3t-value"}'
    out = scrub(message, ["s3cr3t-value", "hello", "s3cr3t-value-2"])
    assert "s3cr3t" not in out and '"hello"' in out  # short values are no secrets
    assert out.count("***") == 2
    # A short value inside a name is left alone (the demo's alarm hello-vpc-errors).
    assert scrub("alarm hello-vpc-errors is in ALARM", ["hello"]) == (
        "alarm hello-vpc-errors is in ALARM"
    )


@settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(reason=HOSTILE)
def test_no_output_mode_shows_an_escape_or_a_workflow_command_from_aws(
    world: dict[str, Answer], reason: str
) -> None:
    world["*"] = (200, {}, config("fn", StateReason=reason, StateReasonCode="X" + reason[:5]))
    for mode in (["-o", "text"], ["-o", "json"]):
        _, stdout, stderr, _ = run("status", "fn", *mode)
        assert safe(stdout) and safe(stderr), (mode, stdout, stderr)
        if mode[1] == "json":
            json.loads(stdout)
    world["*"] = (400, {"x-amzn-ErrorType": "BadThing"}, json.dumps({"message": reason}).encode())
    _, stdout, stderr, _ = run("status", "fn")
    assert safe(stdout) and safe(stderr)


def test_deploy_errors_never_echo_environment_values(clock: ManualClock) -> None:
    fake = FakeLambda(clock)
    secret = "canary-4kb-s3cr3t-value"
    echoed = (
        "Lambda was unable to configure your environment variables because the environment "
        "variables you have provided exceeded the 4KB limit. "
        f'String measured: {{"TOKEN":"{secret}"}}'
    )
    fake.inject("create_function", InvalidRequestError(echoed))
    want = desired(Environment={"Variables": {"TOKEN": secret}})
    result = Deployer(
        fake, want, clock=clock, rng=random.Random(1), cooldowns=CooldownStore(None)
    ).run()
    assert result.exit_code is ExitCode.USAGE
    assert result.error is not None and secret not in result.error.message
    assert "String measured" in result.error.message


def listed(reason: str) -> bytes:
    """One answer for every path of the fake service: a configuration (flat and wrapped),
    a ListFunctions page, tags and an event source mapping, each carrying ``reason``."""
    doc = {
        "FunctionName": "svc-a",
        "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:svc-a",
        "State": "Active",
        "LastUpdateStatus": "Successful",
        "Description": reason,
        "StateReason": reason,
    }
    mapping = {
        "UUID": "u-1",
        "State": "Enabled",
        "StateTransitionReason": reason,
        "EventSourceArn": "arn:aws:sqs:us-east-1:123456789012:" + reason,
        "LastProcessingResult": reason,
    }
    return json.dumps(
        {
            **doc,
            "Configuration": doc,
            "Functions": [doc],
            "Tags": {"team": "a", "note" + reason[:20]: reason},
            "EventSourceMappings": [mapping],
        }
    ).encode()


@settings(
    max_examples=5,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(reason=HOSTILE)
def test_fleet_selection_and_listings_show_no_escape_in_any_mode(
    world: dict[str, Answer], reason: str
) -> None:
    """--prefix / --tag select from ListFunctions and ListTags; status shows the event
    source mappings: none of that text reaches any output mode unclean."""
    world["*"] = (200, {}, listed(reason))
    for selection, mode in (
        (["--prefix", "svc-"], ["-o", "text"]),
        (["--prefix", "svc-"], ["-o", "json"]),
        (["--tag", "team=a"], ["--ci-format", "plain"]),
        (["--tag", "team=a"], ["--ci-format", "github"]),
    ):
        code, stdout, stderr, _ = run("status", *selection, *mode)
        assert code == 0, (mode, stdout, stderr)  # selected, read and shown
        assert "svc-a" in stdout
        assert safe(stdout) and safe(stderr), (mode, stdout, stderr)
        if mode[1] == "json":
            json.loads(stdout)
