"""A failed deploy is told once: one block on stderr (what failed with its reason
code, the cause, what to do, what is live), wrapped at word boundaries; the summary
on stdout does not repeat it; GitHub's annotation and step summary carry the remedy
once each; `Changed` says the function was created in State Failed."""

from __future__ import annotations

import io
from pathlib import Path

from lambda_wait.deploy.model import DeployFailedError, DeployResult, Step
from lambda_wait.errors import ExitCode
from lambda_wait.result import CommandResult, DeployPayload, FunctionReport
from lambda_wait.states import FunctionSnapshot, assess
from lambda_wait.ui.output import Output
from lambda_wait.ui.wrap import labelled_lines

from .scenario import SUBNET_MESSAGE, scenario_clock

ARN = "arn:aws:lambda:eu-west-1:123456789012:function:broken"


def failed_create() -> DeployResult:
    snap = FunctionSnapshot.from_configuration(
        {
            "FunctionName": "broken",
            "FunctionArn": ARN,
            "State": "Failed",
            "StateReasonCode": "SubnetOutOfIPAddresses",
            "StateReason": SUBNET_MESSAGE,
        }
    )
    reason = snap.state_decoded
    assert reason is not None and reason.remedy is not None
    error = DeployFailedError(
        f"create failed: SubnetOutOfIPAddresses: {SUBNET_MESSAGE}", hint=reason.remedy
    )
    step = Step("create", "CreateFunction", mutating=True, status="failed", seconds=3.0)
    step.left = "created (State Failed)"  # as the create step records it
    return DeployResult(
        "broken", ExitCode.FAILED, "create", False, [step], 3.2, snapshot=snap,
        error=error, reason=reason, live="The function was created but is in State Failed.",
    )  # fmt: skip


def render(tmp_path: Path, *, github: bool = False, width: int = 80) -> tuple[str, str, str]:
    result = failed_create()
    assert result.error is not None and result.snapshot is not None
    report = FunctionReport(
        "broken",
        ExitCode.FAILED,
        result.snapshot,
        assess(result.snapshot),
        error=result.error,
        message=result.error.message,
    )
    env = (
        {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(tmp_path / "s.md")} if github else {}
    )
    stdout, stderr = io.StringIO(), io.StringIO()
    output = Output(
        command="deploy", stdout=stdout, stderr=stderr, env=env, terminal=False, width=width,
        clock=scenario_clock(),
    )  # fmt: skip
    output.result(
        "deploy",
        CommandResult(ExitCode.FAILED, [report], DeployPayload([result], 60.0), result.error),
    )
    summary = (tmp_path / "s.md").read_text(encoding="utf-8") if github else ""
    return stdout.getvalue(), stderr.getvalue(), summary


REMEDY_START = "Free addresses in the subnets"


def test_the_failure_is_one_block_and_each_field_appears_once(tmp_path: Path) -> None:
    out, err, _ = render(tmp_path)
    head = err.splitlines()[0]
    assert head == (
        "lambda-wait: error: broken: create failed "
        "(SubnetOutOfIPAddresses: Subnet out of IP addresses)"
    )
    words = " ".join((out + err).split())  # the block wraps at word boundaries
    for text in (REMEDY_START, "unable to create an ENI", "State Failed and cannot run"):
        assert words.count(text) == 1, text
    assert "  Cause " in err and "  What to do " in err and "  Live now " in err
    assert REMEDY_START not in out and "Error" not in out  # stdout: the result only


def test_a_failed_create_says_what_to_do_in_order_without_contradiction(tmp_path: Path) -> None:
    _, err, _ = render(tmp_path)
    todo = err[err.index("What to do") :]
    fix, again, delete = todo.index("1. Fix"), todo.index("2. Deploy again"), todo.index("3. Or")
    assert fix < again < delete  # --recreate-failed first, the delete by hand as the other way
    assert "--recreate-failed" in todo[again:delete]
    assert "update-function-configuration" not in todo  # a failed create cannot be updated
    assert "aws lambda delete-function --function-name broken --region eu-west-1" in " ".join(
        todo.split()
    )
    assert "5 minutes after this failure" in todo
    assert "wait out the 5-minute cooldown" not in err  # replaced by the ordered steps


def test_changed_says_the_function_was_created_in_state_failed(tmp_path: Path) -> None:
    out, _, _ = render(tmp_path)
    assert "  Changed     created (State Failed)" in out.splitlines()


def test_the_block_wraps_at_word_boundaries_within_the_width(tmp_path: Path) -> None:
    _, err, _ = render(tmp_path, width=60)
    block = err.splitlines()[1:]
    for line in block:
        assert line == line.rstrip()
        assert len(line) <= 60 or len(line.split()) <= 2, line  # only an unbreakable word
    cause = [line[14:] for line in block[: next(i for i, x in enumerate(block) if "What" in x)]]
    assert " ".join(cause).split() == SUBNET_MESSAGE.split()  # every word whole, in order
    assert labelled_lines([("Label", "aaa bbb ccc")], 44) == ["  Label       aaa bbb ccc"]
    assert labelled_lines([("L", "one two\nthree")], 80) == [
        "  L           one two",
        "              three",
    ]


def test_github_annotation_and_summary_carry_the_remedy_once_each(tmp_path: Path) -> None:
    _, err, summary = render(tmp_path, github=True)
    (annotation,) = [line for line in err.splitlines() if line.startswith("::error")]
    assert annotation.count(REMEDY_START) == 1
    assert annotation.count("SubnetOutOfIPAddresses") == 2  # the title, and the summary
    assert summary.count(REMEDY_START) == 1
    assert summary.count("SubnetOutOfIPAddresses") == 2  # the table's cell, and the summary
    assert "2. Deploy again" in summary and "--recreate-failed" in summary
