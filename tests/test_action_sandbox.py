"""The GitHub Action's steps, run as the runner runs them, against the sandbox: the
install script (.github/action/install.sh) and the run script (.github/action/run.sh)
with INPUT_* (as action.yml maps them), GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and
GITHUB_ACTIONS set, and the credentials aws-actions/configure-aws-credentials would
export pointed at the sandbox."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lambda_wait.commands.action import env_name
from lambda_wait.sandbox.server import SandboxHandle

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / ".github" / "action"
EXAMPLE = ROOT / "lambda_wait" / "examples" / "hello"
SECRET = "api-token-from-a-github-secret"


def read_outputs(path: Path) -> dict[str, str]:
    """$GITHUB_OUTPUT as the runner parses it: key=value lines and key<<DELIM heredocs."""
    outputs: dict[str, str] = {}
    lines = iter(path.read_text().splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            body = []
            for inner in lines:
                if inner == delimiter:
                    break
                body.append(inner)
            outputs[key] = "\n".join(body)
        else:
            key, _, value = line.partition("=")
            outputs[key] = value
    return outputs


class Step:
    """One run of run.sh in a workspace, as the runner would start it."""

    def __init__(self, sandbox: SandboxHandle, workspace: Path, python: str) -> None:
        self.sandbox = sandbox
        self.workspace = workspace
        self.python = python
        self.runs = 0

    def __call__(
        self, env_of_step: dict[str, str] | None = None, **inputs: str
    ) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
        self.runs += 1
        files = self.workspace.parent / f"runner-{self.runs}"
        files.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GITHUB_"))}
        env.update(
            # the runner
            GITHUB_ACTIONS="true",
            CI="true",
            GITHUB_OUTPUT=str(files / "output"),
            GITHUB_STEP_SUMMARY=str(files / "summary"),
            GITHUB_WORKSPACE=str(self.workspace),
            # aws-actions/configure-aws-credentials, pointed at the sandbox
            AWS_ENDPOINT_URL_LAMBDA=self.sandbox.endpoint_url,
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_REGION="us-east-1",
            AWS_CONFIG_FILE=str(files / "aws-config"),
            AWS_SHARED_CREDENTIALS_FILE=str(files / "aws-credentials"),
            LAMBDA_WAIT_CACHE_DIR=str(files / "cache"),
            # the install step's output
            LAMBDA_WAIT_PYTHON=self.python,
        )
        env.update(env_of_step or {})  # the step's own `env:`
        env.update({env_name(k.replace("_", "-")): v for k, v in inputs.items()})
        done = subprocess.run(
            ["bash", str(ACTION / "run.sh")],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        outputs = read_outputs(files / "output") if (files / "output").exists() else {}
        self.summary = (files / "summary").read_text() if (files / "summary").exists() else ""
        return done, outputs


@pytest.fixture
def step(sandbox: SandboxHandle, tmp_path: Path) -> Step:
    """A user's repository holding the bundled example, and the action's run step."""
    workspace = tmp_path / "repo"
    shutil.copytree(EXAMPLE, workspace)
    return Step(sandbox, workspace, sys.executable)


def test_deploy_step_creates_publishes_and_writes_the_outputs(
    step: Step, sandbox: SandboxHandle
) -> None:
    done, outputs = step(
        {"DEMO_ROLE_ARN": "arn:aws:iam::123456789012:role/deployer", "DEMO_API_TOKEN": SECRET},
        spec="function.json",
        code_artifacts_dir="src",
        alias="live",
        environment=json.dumps({"GREETING": "hello", "API_TOKEN": SECRET}),
        wait_timeout="2m",
        dry_run="false",
        **{"shift": "", "alarms": "", "provisioned_concurrency": ""},  # not passed when empty
    )
    assert done.returncode == 0, done.stderr
    live = sandbox.client().get_function_configuration(FunctionName="hello-vpc", Qualifier="live")
    assert outputs["exit-code"] == "0" and outputs["exit-status"] == "ready"
    assert outputs["version"] == live["Version"] == "1"
    assert outputs["function-arn"] == live["FunctionArn"].rsplit(":", 1)[0]
    assert outputs["code-sha256"] == live["CodeSha256"]
    assert outputs["state"] == "Active" and outputs["last-update-status"] == "Successful"
    (entry,) = json.loads(outputs["functions-json"])
    assert entry["function"] == "hello-vpc" and entry["version"] == "1"
    result = json.loads(outputs["result-json"])
    assert result["command"] == "deploy" and result["exit_code"] == 0
    assert result["deploy"]["alias"] == "live" and result["deploy"]["version"] == "1"
    assert json.loads(done.stdout.split("\n", 1)[1].rsplit("::endgroup::", 1)[0]) == result
    assert "| `hello-vpc` | ✅ ready |" in step.summary
    # The command line is logged, the secret is not (nor anywhere else).
    assert "$ lambda-wait deploy --spec function.json --code-dir src" in done.stderr
    assert "--env 'API_TOKEN=***'" in done.stderr
    assert "--alias live --timeout 2m --publish --output json\n" in done.stderr
    for text in (done.stdout, done.stderr, step.summary, *outputs.values()):
        assert SECRET not in text
    for flag in ("--shift", "--alarm", "--provisioned-concurrency"):
        assert flag not in done.stderr


def test_a_public_url_and_a_secret_from_ssm_through_the_action(
    step: Step, sandbox: SandboxHandle
) -> None:
    sandbox.client("ssm").put_parameter(Name="/hello/token", Value=SECRET, Type="SecureString")
    done, outputs = step(
        {"DEMO_ROLE_ARN": "arn:aws:iam::123456789012:role/deployer", "DEMO_API_TOKEN": "x"},
        spec="function.json",
        code_artifacts_dir="src",
        alias="live",
        environment=json.dumps({"API_TOKEN": "${ssm:/hello/token}"}),
        function_url="true",
        function_url_auth="NONE",
        wait_timeout="2m",
    )
    assert done.returncode == 0, done.stderr
    lam = sandbox.client()
    url = lam.get_function_url_config(FunctionName="hello-vpc", Qualifier="live")
    assert outputs["function-url"] == url["FunctionUrl"] and url["AuthType"] == "NONE"
    assert "--function-url --function-url-auth NONE" in done.stderr
    live = lam.get_function_configuration(FunctionName="hello-vpc", Qualifier="live")
    assert live["Environment"]["Variables"]["API_TOKEN"] == SECRET
    for text in (done.stdout, done.stderr, step.summary, *outputs.values()):
        assert SECRET not in text


def test_wait_step_on_two_functions_reports_the_failed_one(
    step: Step, sandbox: SandboxHandle
) -> None:
    sandbox.create_function("orders-api")
    sandbox.create_function(
        "payments", tags={"lambda-wait-sandbox:create": "fail:SubnetOutOfIPAddresses"}
    )
    done, outputs = step(command="wait", function_name="orders-api\npayments", wait_timeout="1m")
    assert done.returncode == 1, done.stderr
    assert outputs["exit-status"] == "failed"
    assert outputs["orders-api-state"] == "Active" and outputs["orders-api-exit-status"] == "ready"
    assert outputs["payments-state"] == "Failed"
    assert [f["function"] for f in json.loads(outputs["functions-json"])] == [
        "orders-api",
        "payments",
    ]
    assert "function-arn" not in outputs  # unprefixed keys only for a single function
    assert "::error title=lambda-wait wait%3A payments failed (SubnetOutOfIPAddresses)" in (
        done.stderr
    )
    assert json.loads(outputs["result-json"])["exit_status"] == "failed"


def test_bad_input_fails_the_step_before_any_aws_call(step: Step, sandbox: SandboxHandle) -> None:
    done, outputs = step(function_name="fn", environment="STAGE=prod")
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == (
        "lambda-wait action: error: input environment: not valid JSON (Expecting value)."
    )
    assert (outputs["exit-code"], outputs["exit-status"]) == ("2", "usage")
    assert json.loads(outputs["result-json"])["error"]["message"].startswith("input environment")
    assert sandbox.calls == []


INJECTED = "release\n::error::pwned\n::add-mask::hunter2\n::stop-commands::tok\n  ::warning::x"


def test_a_newline_in_an_input_never_starts_a_workflow_command(
    step: Step, sandbox: SandboxHandle
) -> None:
    done, outputs = step(
        {"DEMO_ROLE_ARN": "arn:aws:iam::123456789012:role/deployer", "DEMO_API_TOKEN": SECRET},
        spec="function.json",
        code_artifacts_dir="src",
        version_description=INJECTED,
        function_description=INJECTED,
    )
    assert done.returncode == 0, done.stderr
    for line in (done.stdout + done.stderr).splitlines():
        for command in ("::error::pwned", "::add-mask::", "::stop-commands::", "::warning::x"):
            assert not line.lstrip().startswith(command), line
    assert outputs["exit-code"] == "0" and json.loads(outputs["result-json"])["exit_code"] == 0


def test_a_name_click_rejects_still_writes_every_output(step: Step, sandbox: SandboxHandle) -> None:
    done, outputs = step(command="wait", function_name="not/a/function")
    assert done.returncode == 2, done.stderr
    assert (outputs["exit-code"], outputs["exit-status"]) == ("2", "usage")
    assert json.loads(outputs["result-json"])["exit_status"] == "usage"
    assert sandbox.calls == []


def test_install_script_installs_the_locked_package_and_names_its_python(tmp_path: Path) -> None:
    if shutil.which("uv") is None:
        pytest.skip("needs uv (the action's setup-uv step provides it)")
    output = tmp_path / "output"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV"))}
    env.update(GITHUB_OUTPUT=str(output), RUNNER_TEMP=str(tmp_path))
    done = subprocess.run(
        ["bash", str(ACTION / "install.sh")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("lambda-wait, version ")
    key, _, python = output.read_text().strip().partition("=")
    assert key == "python" and Path(python).is_relative_to(tmp_path)
    probe = subprocess.run(
        [python, "-c", "import moto"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "No module named 'moto'" in probe.stderr  # the dev group and extras stay out
    probe = subprocess.run(
        [python, "-m", "lambda_wait.commands.action"], capture_output=True, text=True, check=False
    )
    # no inputs: deploy with nothing to deploy reaches lambda-wait's own check, not a crash
    assert "Traceback" not in probe.stderr
    assert probe.stderr.startswith("$ lambda-wait deploy --publish --output json")


def test_s3_bucket_uploads_the_package_and_deploys_from_it(
    step: Step, sandbox: SandboxHandle
) -> None:
    sandbox.client("s3").create_bucket(Bucket="action-code")
    done, outputs = step(
        {
            "DEMO_ROLE_ARN": "arn:aws:iam::123456789012:role/deployer",
            "DEMO_API_TOKEN": SECRET,
            "AWS_ENDPOINT_URL_S3": sandbox.endpoint_url,
        },
        spec="function.json",
        code_artifacts_dir="src",
        s3_bucket="action-code",
        s3_prefix="hello",
    )
    assert done.returncode == 0, done.stderr
    assert "--code-dir src --s3-bucket action-code --s3-prefix hello" in done.stderr
    assert "uploaded 100%" in done.stderr
    (listed,) = sandbox.client("s3").list_objects_v2(Bucket="action-code")["Contents"]
    assert listed["Key"].startswith("hello/") and listed["Key"].endswith(".zip")
    live = sandbox.client().get_function_configuration(FunctionName="hello-vpc")
    assert outputs["code-sha256"] == live["CodeSha256"]
