"""deploy --function-url against the sandbox: the URL config on the function or the
alias, the two public permissions for AuthType NONE (and removed again), wait --for
url, status, and an alias-bound URL that follows a rollback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lambda_wait.cli import cli
from lambda_wait.sandbox import SandboxHandle
from tests.deploy.conftest import Deploy, Run, base_args, ops

PUBLIC = {"FunctionURLAllowPublicAccess", "FunctionURLAllowInvokeAction"}


def sids(sandbox: SandboxHandle, name: str, qualifier: str | None = None) -> set[str]:
    params: dict[str, Any] = {"FunctionName": name}
    if qualifier:
        params["Qualifier"] = qualifier
    try:
        policy = json.loads(sandbox.client().get_policy(**params)["Policy"])
    except sandbox.client().exceptions.ResourceNotFoundException:
        return set()
    return {s["Sid"] for s in policy["Statement"]}


def lw(*args: str) -> Run:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


def test_a_public_url_gets_both_permissions_and_loses_them_again(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    run = deploy(*base_args("pub", src, "--function-url", "--function-url-auth", "NONE"))
    assert run.code == 0, run.stderr
    url = sandbox.client().get_function_url_config(FunctionName="pub")
    assert url["AuthType"] == "NONE"
    assert url["FunctionUrl"] in run.stdout
    assert sids(sandbox, "pub") == PUBLIC

    before = len(ops(sandbox))
    again = ("--function-url", "--function-url-auth", "NONE", "-o", "json")
    doc = deploy(*base_args("pub", src, *again)).json()["deploy"]
    assert doc["function_url"] == url["FunctionUrl"]
    assert "function-url" in doc["skipped"]
    assert len(ops(sandbox)) == before  # unchanged: nothing sent

    gone = deploy(*base_args("pub", src, "--no-function-url"))
    assert gone.code == 0, gone.stderr
    with pytest.raises(sandbox.client().exceptions.ResourceNotFoundException):
        sandbox.client().get_function_url_config(FunctionName="pub")
    assert sids(sandbox, "pub") == set()


def test_an_iam_url_with_cors_and_wait_for_url(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    cors = src.parent / "cors.json"
    cors.write_text(json.dumps({"AllowOrigins": ["https://shop.example"], "MaxAge": 60}))
    run = deploy(*base_args("iam", src, "--function-url", "--function-url-cors", str(cors)))
    assert run.code == 0, run.stderr
    url = sandbox.client().get_function_url_config(FunctionName="iam")
    assert url["AuthType"] == "AWS_IAM" and url["Cors"]["MaxAge"] == 60
    assert sids(sandbox, "iam") == set()

    waited = lw("wait", "iam", "--for", "url", "-o", "json")
    assert waited.code == 0, waited.stderr
    (report,) = waited.json()["functions"]
    assert report["function_url"]["url"] == url["FunctionUrl"]
    shown = lw("status", "iam")
    assert url["FunctionUrl"][:40] in shown.stdout

    none = lw("wait", "iam", "--qualifier", "nope", "--for", "url")
    assert none.code in (2, 4)  # no such alias: not found; no URL: bad input


def test_wait_for_url_without_a_url_is_bad_input(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    assert deploy(*base_args("nourl", src)).code == 0
    run = lw("wait", "nourl", "--for", "url")
    assert run.code == 2
    assert "has no function URL" in run.stderr


def test_an_alias_url_follows_the_alias_through_a_rollback(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    args = ("--alias", "live", "--function-url", "--function-url-auth", "NONE")
    assert deploy(*base_args("rb", src, *args)).code == 0
    (src / "app.py").write_text("def handler(event, context):\n    return 2\n")
    assert deploy(*base_args("rb", src, *args)).code == 0
    lam = sandbox.client()
    assert lam.get_alias(FunctionName="rb", Name="live")["FunctionVersion"] == "2"
    assert sids(sandbox, "rb", "live") == PUBLIC

    back = lw("rollback", "rb", "--alias", "live")
    assert back.code == 0, back.stderr
    assert lam.get_alias(FunctionName="rb", Name="live")["FunctionVersion"] == "1"
    url = lam.get_function_url_config(FunctionName="rb", Qualifier="live")
    assert url["AuthType"] == "NONE"  # the URL's Qualifier is the alias: it now serves v1
    assert sids(sandbox, "rb", "live") == PUBLIC
    assert lw("wait", "rb", "--qualifier", "live", "--for", "url").code == 0


def test_url_flags_alone_are_bad_input(deploy: Deploy, src: Path) -> None:
    run = deploy(*base_args("x1", src, "--function-url-auth", "NONE"))
    assert run.code == 2 and "goes with --function-url" in run.stderr
    bad = src.parent / "bad.json"
    bad.write_text('{"Origins": ["*"]}')
    run = deploy(*base_args("x1", src, "--function-url", "--function-url-cors", str(bad)))
    assert run.code == 2 and "unknown key(s) Origins" in run.stderr


def test_init_writes_the_url_into_the_spec_and_deploy_reads_it_back(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    cors = src.parent / "cors.json"
    cors.write_text(json.dumps({"AllowOrigins": ["*"]}))
    args = ("--function-url", "--function-url-auth", "NONE", "--function-url-cors", str(cors))
    assert deploy(*base_args("scaf", src, *args)).code == 0
    init = lw("init", "scaf")
    assert init.code == 0, init.stderr
    spec = json.loads(init.stdout)
    assert spec["FunctionUrl"] == {"AuthType": "NONE", "Cors": {"AllowOrigins": ["*"]}}

    path = src.parent / "scaf.json"
    path.write_text(json.dumps({**spec, "FunctionName": "scaf2"}))
    run = deploy("--spec", str(path), "--code-dir", str(src))
    assert run.code == 0, run.stderr
    assert sandbox.client().get_function_url_config(FunctionName="scaf2")["AuthType"] == "NONE"
    assert sids(sandbox, "scaf2") == PUBLIC
