"""Secrets quoted back by AWS (issue 24, class 4): an environment value inside Lambda's
error text is masked in every field of every output mode (the JSON envelope's step
``detail`` included, the GitHub annotations and step summary, text), not on stderr only."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest

from lambda_wait import untrusted
from lambda_wait.clock import ManualClock
from lambda_wait.cooldown import CooldownStore
from lambda_wait.deploy.runner import Deployer
from lambda_wait.errors import InvalidRequestError
from lambda_wait.output_mode import OutputMode
from lambda_wait.result import CommandResult, DeployPayload
from lambda_wait.ui import github
from lambda_wait.ui.envelope import envelope
from lambda_wait.ui.output import Output
from lambda_wait.usecases.deploy import _report
from tests.deploy.fakes import FakeLambda
from tests.deploy.test_steps import desired

SECRET = "canary-4kb-s3cr3t-value"
ECHOED = (
    "Lambda was unable to configure your environment variables because the environment "
    f'variables you have provided exceeded the 4KB limit. String measured: {{"TOKEN":"{SECRET}"}}'
)


@pytest.fixture
def failed(clock: ManualClock) -> CommandResult:
    untrusted.forget_secrets()  # as a run's start does
    fake = FakeLambda(clock)
    fake.inject("create_function", InvalidRequestError(ECHOED))
    want = desired(Environment={"Variables": {"TOKEN": SECRET}})
    result = Deployer(
        fake, want, clock=clock, rng=random.Random(1), cooldowns=CooldownStore(None)
    ).run()
    report = _report(result)
    return CommandResult(report.exit_code, [report], DeployPayload([result], 60.0), result.error)


def test_the_json_envelope_masks_it_in_every_field(failed: CommandResult) -> None:
    text = json.dumps(envelope("deploy", failed))
    assert SECRET not in text
    assert "String measured" in text  # the message is still there, the value masked


def test_the_github_annotations_and_summary_mask_it(failed: CommandResult) -> None:
    deploy = failed.payload.result_for(failed.reports[0].function)  # type: ignore[attr-defined]
    outcomes = [github.outcome(r, deploy) for r in failed.reports]
    summary = github.step_summary("deploy", failed.exit_code, outcomes, ECHOED)
    lines = [*github.error_annotations("deploy", outcomes), github.error_annotation("d", ECHOED)]
    for text in (summary, *lines):
        assert SECRET not in text, text


@pytest.mark.parametrize("mode", list(OutputMode))
def test_every_output_mode_masks_it(
    failed: CommandResult, mode: OutputMode, tmp_path: Path
) -> None:
    out, err = io.StringIO(), io.StringIO()
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
        "GITHUB_OUTPUT": str(tmp_path / "output"),
    }
    output = Output(mode=mode, stdout=out, stderr=err, env=env, terminal=False)
    output.result("deploy", failed)
    texts = [out.getvalue(), err.getvalue()]
    texts += [p.read_text() for p in tmp_path.iterdir()]
    for text in texts:
        assert SECRET not in text, text
