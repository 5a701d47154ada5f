"""The GitHub Action's inputs become lambda-wait arguments (lambda_wait/commands/action.py):
fast, pure tests of the translation; the sandbox runs are in test_action_sandbox.py."""

from __future__ import annotations

import json

import pytest

from lambda_wait.commands import action
from lambda_wait.commands.action import build, env_name
from lambda_wait.errors import UsageError


def args_for(**inputs: str) -> list[str]:
    """lambda-wait's arguments for these inputs (keyword names use _ for -)."""
    environ = {env_name(name.replace("_", "-")): value for name, value in inputs.items()}
    return build(environ).args


def test_env_name_is_what_action_yml_maps() -> None:
    assert env_name("function-name") == "INPUT_FUNCTION_NAME"
    assert env_name("code-artifacts-dir") == "INPUT_CODE_ARTIFACTS_DIR"


def test_deploy_is_the_default_and_publishes_as_aws_lambda_deploy_does() -> None:
    assert args_for(function_name="fn", code_artifacts_dir="src") == [
        "deploy", "--function-name", "fn", "--code-dir", "src", "--publish", "--output", "json",
    ]  # fmt: skip
    assert "--publish" not in args_for(function_name="fn", publish="false")


def test_s3_bucket_with_a_package_uploads_it_as_aws_lambda_deploy_does() -> None:
    args = args_for(function_name="fn", code_artifacts_dir="src", s3_bucket="b", s3_prefix="p")
    assert args[:9] == [
        "deploy", "--function-name", "fn", "--code-dir", "src", "--s3-bucket", "b",
        "--s3-prefix", "p",
    ]  # fmt: skip


def test_upstream_flags_map_to_lambda_wait_flags() -> None:
    args = args_for(
        function_name="fn",
        handler="app.handler",
        runtime="python3.12",
        role="arn:aws:iam::123456789012:role/r",
        memory_size="256",
        timeout="30",
        function_description="orders",
        image_uri="",
        kms_key_arn="arn:aws:kms:us-east-1:123456789012:key/k",
        dry_run="true",
        publish="false",
    )
    assert args == [
        "deploy", "--function-name", "fn",
        "--handler", "app.handler", "--runtime", "python3.12",
        "--dry-run",
        "--role", "arn:aws:iam::123456789012:role/r",
        "--description", "orders", "--memory-size", "256", "--function-timeout", "30",
        "--kms-key-arn", "arn:aws:kms:us-east-1:123456789012:key/k",
        "--output", "json",
    ]  # fmt: skip


def test_upstream_json_inputs_become_flags() -> None:
    args = args_for(
        function_name="fn",
        environment='{"STAGE": "prod", "RETRIES": 3, "DEBUG": false}',
        vpc_config='{"SubnetIds": ["subnet-1", "subnet-2"], "SecurityGroupIds": ["sg-1"]}',
        dead_letter_config='{"TargetArn": "arn:aws:sqs:us-east-1:123456789012:dlq"}',
        tracing_config='{"Mode": "Active"}',
        layers='["arn:l:1", "arn:l:2"]',
        ephemeral_storage='{"Size": 1024}',
        snap_start='{"ApplyOn": "PublishedVersions"}',
        logging_config='{"LogFormat": "JSON", "LogGroup": "/aws/lambda/fn"}',
        tags='{"team": "payments"}',
        architectures='["arm64"]',
        publish="false",
    )
    joined = " ".join(args)
    for expected in (
        "--env STAGE=prod --env RETRIES=3 --env DEBUG=false",
        "--subnet-id subnet-1,subnet-2 --security-group-id sg-1",
        "--dead-letter-arn arn:aws:sqs:us-east-1:123456789012:dlq",
        "--tracing Active",
        "--layer arn:l:1 --layer arn:l:2",
        "--ephemeral-storage 1024",
        "--snapstart PublishedVersions",
        "--log-format JSON --log-group /aws/lambda/fn",
        "--tag team=payments",
        "--architecture arm64",
    ):
        assert expected in joined


def test_bare_values_are_accepted_where_upstream_takes_json() -> None:
    joined = " ".join(
        args_for(
            function_name="fn",
            tracing_config="PassThrough",
            ephemeral_storage="2048",
            layers="arn:l:1\narn:l:2",
            architectures="x86_64",
            environment='{"Variables": {"A": "1"}}',  # CreateFunction's own shape
        )
    )
    assert "--tracing PassThrough --layer arn:l:1 --layer arn:l:2" in joined
    assert "--ephemeral-storage 2048" in joined
    assert "--architecture x86_64" in joined
    assert "--env A=1" in joined


def test_lambda_wait_inputs_pass_through_only_when_set() -> None:
    args = args_for(
        spec="a.json\nb.json",
        alias="live",
        shift="Canary10Percent5Minutes",
        alarms="errors, latency",
        provisioned_concurrency="5",
        wait_timeout="20m",
        force="true",
        version_description="release 7",
    )
    assert args == [
        "deploy", "--spec", "a.json", "--spec", "b.json",
        "--alias", "live", "--version-description", "release 7", "--force",
        "--shift", "Canary10Percent5Minutes", "--alarm", "errors", "--alarm", "latency",
        "--provisioned-concurrency", "5", "--timeout", "20m", "--publish", "--output", "json",
    ]  # fmt: skip
    bare = args_for(spec="a.json", shift="", alarms="", provisioned_concurrency="")
    assert not {"--shift", "--alarm", "--provisioned-concurrency"} & set(bare)


def test_wait_and_status_take_several_names_and_their_own_inputs() -> None:
    assert args_for(
        command="wait",
        function_name="orders-api payments,\nbilling",
        wait_for="active",
        wait_timeout="5m",
        qualifier="live",
        wake="true",
        region="eu-west-1",
    ) == [
        "wait", "orders-api", "payments", "billing", "--qualifier", "live",
        "--for", "active", "--wake", "--timeout", "5m", "--region", "eu-west-1",
        "--output", "json",
    ]  # fmt: skip
    assert args_for(command="status", function_name="fn", wake="false", publish="false") == [
        "status", "fn", "--output", "json",
    ]  # fmt: skip


def test_extra_args_are_shell_split_and_come_last() -> None:
    invocation = build(
        {
            "INPUT_COMMAND": "wait",
            "INPUT_MAX_RPS": "4",
            "INPUT_EXTRA_ARGS": "--prefix orders- --tag 'team=pay ments'",
        }
    )
    assert invocation.args == [
        "wait", "--max-rps", "4", "--prefix", "orders-", "--tag", "team=pay ments",
        "--output", "json",
    ]  # fmt: skip


def test_the_logged_command_masks_environment_values() -> None:
    invocation = build(
        {
            "INPUT_FUNCTION_NAME": "fn",
            "INPUT_ENVIRONMENT": '{"API_TOKEN": "s3cr3t value"}',
            "INPUT_EXTRA_ARGS": "--env=OTHER=hush",
        }
    )
    shown = invocation.shown()
    assert "s3cr3t" not in shown and "hush" not in shown
    assert "API_TOKEN=***" in shown and "--env=OTHER=***" in shown
    assert shown.startswith("lambda-wait deploy --function-name fn")


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"command": "delete"}, "input command: expected one of deploy, wait, status"),
        ({"function_name": "a b"}, "deploy takes one function"),
        ({"command": "wait"}, "wait needs at least one function name"),
        ({"command": "status", "function_name": "fn", "alias": "live"}, "alias applies to"),
        ({"command": "wait", "function_name": "fn", "dry_run": "true"}, "dry-run applies to"),
        ({"command": "wait", "function_name": "fn", "publish": "true"}, "publish applies to"),
        ({"function_name": "fn", "max_rps": "3"}, "max-rps applies to wait and status"),
        ({"function_name": "fn", "environment": "STAGE=prod"}, "input environment: not valid JSON"),
        ({"function_name": "fn", "environment": '["A"]'}, "expected a JSON object"),
        ({"function_name": "fn", "environment": '{"A": {"b": 1}}'}, "must be a string"),
        ({"function_name": "fn", "publish": "maybe"}, "input publish: expected true or false"),
        ({"function_name": "fn", "vpc_config": '{"SubnetIds": "subnet-1"}'}, "list of strings"),
        ({"function_name": "fn", "vpc_config": '{"Ipv6AllowedForDualStack": true}'}, "spec file"),
        ({"function_name": "fn", "logging_config": '{"SystemLogLevel": "WARN"}'}, "spec file"),
        ({"function_name": "fn", "architectures": '["x86_64", "arm64"]'}, "exactly one"),
        ({"function_name": "fn", "file_system_configs": "[]"}, "FileSystemConfigs"),
        ({"function_name": "fn", "image_config": "{}"}, "ImageConfig"),
        ({"function_name": "fn", "code_signing_config_arn": "arn"}, "CodeSigningConfigArn"),
        ({"function_name": "fn", "source_kms_key_arn": "arn"}, "SourceKMSKeyArn"),
        ({"function_name": "fn", "revision_id": "abc"}, "RevisionId it last read"),
        ({"function_name": "fn", "package_type": "Jar"}, "expected Zip or Image"),
        ({"function_name": "fn", "package_type": "Image"}, "set image-uri too"),
        ({"function_name": "fn", "package_type": "Zip", "image_uri": "x"}, "package-type Image"),
        ({"function_name": "fn", "s3_key": "k", "code_artifacts_dir": "s"}, "drop s3-key"),
        ({"function_name": "fn", "s3_prefix": "p", "zip_file": "f.zip"}, "goes with s3-bucket"),
        ({"function_name": "fn", "extra_args": "--tag 'open"}, "input extra-args"),
    ],
)
def test_bad_input_is_one_line_naming_the_input(inputs: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError) as caught:
        args_for(**inputs)
    text = caught.value.one_line()
    assert message in text
    assert "\n" not in text


def test_main_reports_bad_input_as_exit_2_with_an_annotation_and_outputs(
    tmp_path: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = tmp_path / "out"  # type: ignore[operator]
    code = action.main({"INPUT_COMMAND": "wait", "GITHUB_OUTPUT": str(outputs)})
    assert code == 2
    err = capsys.readouterr().err
    assert "lambda-wait action: error: input function-name: wait needs" in err
    assert "::error title=lambda-wait action%3A bad input::input function-name" in err
    written = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    assert (written["exit-code"], written["exit-status"]) == ("2", "usage")
    result = json.loads(written["result-json"])
    assert (result["exit_code"], result["exit_status"], result["command"]) == (2, "usage", "wait")
    assert "wait needs at least one function name" in result["error"]["message"]


def test_every_input_has_one_translation() -> None:
    names = [i.name for i in action.INPUTS]
    assert len(names) == len(set(names))
    assert all(set(i.commands) <= set(action.COMMANDS) for i in action.INPUTS)
