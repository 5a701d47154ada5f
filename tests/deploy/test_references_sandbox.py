"""Environment values from SSM Parameter Store and Secrets Manager, against the sandbox:
resolved before anything is sent to Lambda, masked in text, JSON and --dry-run, a
missing parameter or JSON key is one line and exit 2 with nothing sent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lambda_wait.cli import cli
from lambda_wait.sandbox import SandboxHandle
from tests.deploy.conftest import Deploy, Run, base_args, ops


def lw(*args: str) -> Run:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


DB_PASSWORD = "pw-from-ssm-7c1e9a44"
API_TOKEN = "token-from-secrets-55ab02"


@pytest.fixture
def stored(sandbox: SandboxHandle) -> SandboxHandle:
    sandbox.client("ssm").put_parameter(
        Name="/shop/db-password", Value=DB_PASSWORD, Type="SecureString"
    )
    sandbox.client("secretsmanager").create_secret(
        Name="shop/api", SecretString=json.dumps({"token": API_TOKEN, "port": 8443})
    )
    return sandbox


def env_of(sandbox: SandboxHandle, name: str) -> dict[str, str]:
    config = sandbox.client().get_function_configuration(FunctionName=name)
    variables: dict[str, str] = config["Environment"]["Variables"]
    return variables


REFS = (
    "--env",
    "DB_PASSWORD=${ssm:/shop/db-password}",
    "--env",
    "API_TOKEN=${secretsmanager:shop/api#token}",
    "--env",
    "PORT=${secretsmanager:shop/api#port}",
)


def test_references_resolve_at_deploy_and_are_masked_everywhere(
    deploy: Deploy, stored: SandboxHandle, src: Path
) -> None:
    run = deploy(*base_args("refs", src, *REFS))
    assert run.code == 0, run.stderr
    assert env_of(stored, "refs") == {
        "DB_PASSWORD": DB_PASSWORD,
        "API_TOKEN": API_TOKEN,
        "PORT": "8443",
    }
    for text in (run.stdout, run.stderr):
        assert DB_PASSWORD not in text and API_TOKEN not in text

    as_json = deploy(*base_args("refs", src, *REFS), "--output", "json")
    assert as_json.code == 0, as_json.stderr
    assert DB_PASSWORD not in as_json.stdout + as_json.stderr
    assert API_TOKEN not in as_json.stdout + as_json.stderr


def test_dry_run_shows_where_a_value_comes_from_and_drift_compares_resolved_values(
    deploy: Deploy, stored: SandboxHandle, src: Path
) -> None:
    assert deploy(*base_args("drift", src, *REFS)).code == 0
    same = deploy(*base_args("drift", src, *REFS), "--dry-run", "--detailed-exitcode")
    assert same.code == 0, same.stdout + same.stderr  # resolved values equal what is live

    stored.client("ssm").put_parameter(
        Name="/shop/db-password", Value=DB_PASSWORD + "-rotated", Type="SecureString",
        Overwrite=True,
    )  # fmt: skip
    before = len(ops(stored))
    for mode in ((), ("--output", "json")):
        dry = deploy(*base_args("drift", src, *REFS), "--dry-run", "--detailed-exitcode", *mode)
        assert dry.code == 11, dry.stdout + dry.stderr
        shown = dry.stdout + dry.stderr
        assert "(from ssm:/shop/db-password)" in shown
        assert DB_PASSWORD not in shown and API_TOKEN not in shown
        if not mode:
            assert "API_TOKEN" not in shown  # unchanged: not in the plan's lines
    assert len(ops(stored)) == before  # a dry run sends nothing


def test_a_missing_parameter_is_one_line_exit_2_and_nothing_sent(
    deploy: Deploy, stored: SandboxHandle, src: Path
) -> None:
    run = deploy(*base_args("nope", src, "--env", "VALUE=${ssm:/shop/missing}"))
    assert run.code == 2
    assert "SSM parameter /shop/missing does not exist" in run.stderr
    assert "Traceback" not in run.stderr
    assert [c.operation for c in stored.calls] == []  # not even a read of the function


def test_a_missing_json_key_is_one_line_exit_2_and_nothing_sent(
    deploy: Deploy, stored: SandboxHandle, src: Path
) -> None:
    run = deploy(*base_args("nokey", src, "--env", "VALUE=${secretsmanager:shop/api#Token}"))
    assert run.code == 2
    assert "secret shop/api has no JSON key 'Token'" in run.stderr
    assert API_TOKEN not in run.stderr
    assert [c.operation for c in stored.calls] == []


def test_a_missing_secret_is_exit_2(deploy: Deploy, stored: SandboxHandle, src: Path) -> None:
    run = deploy(*base_args("nosecret", src, "--env", "VALUE=${secretsmanager:shop/none}"))
    assert run.code == 2
    assert "Secrets Manager secret shop/none does not exist" in run.stderr
    assert ops(stored) == []


def test_references_in_a_spec_file(deploy: Deploy, stored: SandboxHandle, src: Path) -> None:
    spec = src.parent / "spec.json"
    spec.write_text(
        json.dumps(
            {
                "FunctionName": "fromspec",
                "Environment": {"Variables": {"DB": "postgres://app:${ssm:/shop/db-password}@db"}},
            }
        )
    )
    run = deploy("--spec", str(spec), *base_args("fromspec", src)[2:])
    assert run.code == 0, run.stderr
    assert env_of(stored, "fromspec") == {"DB": f"postgres://app:{DB_PASSWORD}@db"}


def test_init_never_writes_a_resolved_value_back(
    deploy: Deploy, stored: SandboxHandle, src: Path
) -> None:
    assert deploy(*base_args("scaf", src, *REFS, "--env", "PLAIN=visible-value-123")).code == 0
    init = lw("init", "scaf", "--with-env-values")
    assert init.code == 0, init.stderr
    spec = json.loads(init.stdout)
    assert spec["Environment"]["Variables"] == {
        "DB_PASSWORD": "${DB_PASSWORD}",
        "API_TOKEN": "${API_TOKEN}",
        "PORT": "${PORT}",
        "PLAIN": "visible-value-123",  # asked for with --with-env-values
    }
    assert "lambda-wait:env-from-references" not in (spec.get("Tags") or {})
    assert DB_PASSWORD not in init.stdout + init.stderr


def test_references_in_an_env_file(deploy: Deploy, stored: SandboxHandle, src: Path) -> None:
    env_file = src.parent / "prod.env"
    env_file.write_text(
        'DB_PASSWORD=${ssm:/shop/db-password}\nexport TOKEN="${secretsmanager:shop/api#token}"\n'
    )
    run = deploy(*base_args("envfile", src, "--env-file", str(env_file)))
    assert run.code == 0, run.stderr
    assert env_of(stored, "envfile") == {"DB_PASSWORD": DB_PASSWORD, "TOKEN": API_TOKEN}
