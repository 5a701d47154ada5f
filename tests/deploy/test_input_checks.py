"""Input checked as AWS checks it, before anything is sent: the runtime against the
identifiers Lambda accepts (with "did you mean" and a deprecation warning with its
date), a spec's keys (with "did you mean"), its JSON syntax (the line of the mistake,
shown). The sandbox refuses an unknown runtime as AWS does."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from click.testing import CliRunner

from lambda_wait.aws import BotocoreRequestModel
from lambda_wait.cli import cli
from lambda_wait.deploy.reading import load_spec
from lambda_wait.deploy.runtimes import DEPRECATION_DATES, check_runtime
from lambda_wait.deploy.spec import FlagValues, build_desired
from lambda_wait.errors import UsageError
from lambda_wait.sandbox.server import SandboxHandle

MODEL = BotocoreRequestModel()
ROLE = "arn:aws:iam::123456789012:role/r"
TODAY = date(2026, 12, 5)


def spec_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "fn.json"
    path.write_text(text)
    return str(path)


def test_a_misspelt_runtime_in_a_spec_is_refused_with_the_closest_identifier(
    tmp_path: Path,
) -> None:
    spec = spec_file(tmp_path, json.dumps({"FunctionName": "f", "Runtime": "pyhton3.12"}))
    with pytest.raises(UsageError) as caught:
        build_desired(FlagValues(spec=spec), MODEL, {}, TODAY)
    message = caught.value.message
    assert '"Runtime"' in message and "'pyhton3.12' is not a runtime Lambda accepts" in message
    assert "Did you mean python3.12" in message


def test_an_unknown_runtime_flag_is_refused_and_offers_supported_ones() -> None:
    flags = FlagValues(function_name="f", runtime="python3.99")
    with pytest.raises(UsageError) as caught:
        build_desired(flags, MODEL, {}, TODAY)
    assert caught.value.message.startswith("--runtime: 'python3.99'")
    suggested = caught.value.message.split("Did you mean ")[1]
    assert "python3.9," not in suggested  # deprecated: offered only when nothing else is close


def test_runtime_dry_run_is_refused_before_any_call(aws_env: None) -> None:
    # No endpoint and no sandbox: the refusal comes before the first request.
    result = CliRunner().invoke(
        cli, ["deploy", "--function-name", "f", "--runtime", "python3.99", "--dry-run"]
    )
    assert result.exit_code == 2
    assert "'python3.99' is not a runtime Lambda accepts" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_deprecated_runtime_is_a_warning_with_its_date() -> None:
    flags = FlagValues(function_name="f", runtime="python3.9", role=ROLE, handler="a.b")
    desired = build_desired(flags, MODEL, {}, TODAY)
    assert desired.warnings == (
        "runtime python3.9 has been deprecated since 2025-12-15: Lambda no longer patches "
        "it and blocks creating, then updating, functions with it; move to a supported "
        "runtime (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html).",
    )
    soon = build_desired(FlagValues(function_name="f", runtime="nodejs22.x"), MODEL, {}, TODAY)
    assert "will be deprecated on 2027-04-30" in soon.warnings[0]
    fine = build_desired(FlagValues(function_name="f", runtime="python3.13"), MODEL, {}, TODAY)
    assert fine.warnings == ()


def test_every_dated_runtime_is_one_lambda_knows() -> None:
    # The table is typed by hand from AWS's page: a typo in it would never warn.
    assert set(DEPRECATION_DATES) <= set(MODEL.runtimes())
    assert check_runtime("python3.13", MODEL.runtimes(), where="x", today=TODAY) is None


def test_an_unknown_spec_key_gets_did_you_mean(tmp_path: Path) -> None:
    spec = spec_file(tmp_path, json.dumps({"FunctionName": "f", "MemorySzie": 128}))
    with pytest.raises(UsageError) as caught:
        build_desired(FlagValues(spec=spec), MODEL, {}, TODAY)
    assert "'MemorySzie' is not a CreateFunction key. Did you mean 'MemorySize'?" in str(
        caught.value.message
    )


TRAILING = """{
  "FunctionName": "f",
  "Runtime": "python3.12",
  "Handler": "app.handler",
  "Environment": {"Variables": {"TOKEN": "s3cret"}},
  "MemorySize": 128,
}
"""


def test_a_trailing_comma_is_reported_on_its_own_line_with_the_line_shown(
    tmp_path: Path,
) -> None:
    with pytest.raises(UsageError) as caught:
        load_spec(spec_file(tmp_path, TRAILING), {})
    message = caught.value.message
    assert "line 6, column 20: a trailing comma before '}'" in message
    assert message.endswith('"MemorySize": 128,')


def test_the_line_shown_masks_string_values(tmp_path: Path) -> None:
    broken = TRAILING.replace('"s3cret"}}', '"s3cret" "OTHER": "x"}}')
    with pytest.raises(UsageError) as caught:
        load_spec(spec_file(tmp_path, broken), {})
    assert "line 5" in caught.value.message and "s3cret" not in caught.value.message
    assert '"TOKEN": "***"' in caught.value.message


def test_the_sandbox_refuses_an_unknown_runtime_as_aws_does(sandbox: SandboxHandle) -> None:
    lam = sandbox.client()
    sandbox.ensure_role()
    with pytest.raises(ClientError) as caught:
        lam.create_function(
            FunctionName="typo",
            Runtime="pyhton3.12",
            Role=ROLE,
            Handler="app.handler",
            Code={"ZipFile": b"PK\x05\x06" + b"\0" * 18},
        )
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidParameterValueException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "Value pyhton3.12 at 'runtime' failed to satisfy constraint" in error["Message"]
