"""The SSM and Secrets Manager adapters (``${ssm:...}``, ``${secretsmanager:...}``):
one request each through the call path, the value passed on verbatim (never cleaned),
a missing one bad input (exit 2); and the pure resolver."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from lambda_wait.aws_path import AwsCallPath
from lambda_wait.clock import Deadline, ManualClock
from lambda_wait.deploy.references import Resolver, references_in, sources_of
from lambda_wait.errors import AuthError, ExitCode, UsageError
from lambda_wait.secretsmanager import SecretsApi
from lambda_wait.ssm import SsmApi

# What cleaning would change: a workflow command at a line start, a CR, over 2000 chars.
RAW = "line one\r\n::add-mask::x\n" + "k" * 3000


def client(service: str) -> Any:
    return boto3.session.Session().client(
        service, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )


def test_an_ssm_value_is_read_decrypted_and_passed_on_verbatim(clock: ManualClock) -> None:
    ssm = client("ssm")
    path = AwsCallPath.over({"ssm": ssm}, clock=clock, deadline=Deadline(clock, 30.0))
    with Stubber(ssm) as stub:
        stub.add_response(
            "get_parameter",
            {"Parameter": {"Name": "/a", "Value": RAW, "Type": "SecureString"}},
            {"Name": "/a", "WithDecryption": True},
        )
        assert SsmApi(path).parameter_value("/a") == RAW
        stub.add_client_error("get_parameter", "ParameterNotFound", "Parameter /b not found.")
        with pytest.raises(UsageError, match=r"SSM parameter /b does not exist") as err:
            SsmApi(path).parameter_value("/b")
        assert err.value.exit_code is ExitCode.USAGE
        stub.add_client_error("get_parameter", "AccessDeniedException", "no", 400)
        with pytest.raises(AuthError, match="ssm:GetParameter"):
            SsmApi(path).parameter_value("/c")


def test_a_secret_string_is_passed_on_verbatim(clock: ManualClock) -> None:
    sm = client("secretsmanager")
    path = AwsCallPath.over({"secretsmanager": sm}, clock=clock, deadline=Deadline(clock, 30.0))
    with Stubber(sm) as stub:
        stub.add_response("get_secret_value", {"SecretString": RAW}, {"SecretId": "s"})
        assert SecretsApi(path).secret_string("s") == RAW
        stub.add_client_error("get_secret_value", "ResourceNotFoundException", "not found")
        with pytest.raises(UsageError, match="secret t does not exist"):
            SecretsApi(path).secret_string("t")


class Source:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def parameter_value(self, name: str) -> str:
        self.asked.append(f"ssm:{name}")
        return "p-" + name

    def secret_string(self, name: str) -> str:
        self.asked.append(f"sm:{name}")
        return json.dumps({"user": "u", "n": 3, "nested": {"a": 1}})


def test_the_resolver_reads_each_name_once_and_replaces_inside_values() -> None:
    source = Source()
    resolver = Resolver(source)
    out = resolver.resolve(
        {
            "A": "${ssm:/x}",
            "B": "pre-${ssm:/x}-post",
            "C": "${secretsmanager:s#user}:${secretsmanager:s#n}",
            "D": "${secretsmanager:s#nested}",
            "E": "plain ${HOME} $${ssm:/x}",
        }
    )
    assert out["A"] == "p-/x" and out["B"] == "pre-p-/x-post"
    assert out["C"] == "u:3" and out["D"] == '{"a": 1}'
    assert out["E"] == "plain ${HOME} $p-/x"  # only references are replaced
    assert source.asked == ["ssm:/x", "sm:s"] and resolver.reads == 2


def test_what_the_plan_shows_names_the_source_never_the_value() -> None:
    assert sources_of({"A": "${ssm:/x}", "B": "v", "C": "${secretsmanager:s#k}"}) == {
        "A": "(from ssm:/x)",
        "C": "(from secretsmanager:s#k)",
    }
    assert references_in("no refs ${VAR}") == []


def test_a_missing_json_key_or_a_secret_that_is_not_json_is_bad_input() -> None:
    with pytest.raises(UsageError, match="secret s has no JSON key 'pw'"):
        Resolver(Source()).resolve({"PW": "${secretsmanager:s#pw}"})

    class Plain(Source):
        def secret_string(self, name: str) -> str:
            return "not json"

    with pytest.raises(UsageError, match="is not a JSON object"):
        Resolver(Plain()).resolve({"PW": "${secretsmanager:s#pw}"})
