"""Secrets never reach any output (issue 8, rule 3).

Canary values are planted in environment variables (flags, env file, spec and
${VAR} expansion), in the AWS credentials (access key, secret key, session
token), and the sandbox's presigned code URL is read; every stdout, stderr and
GitHub file of deploy (create, update, dry run, failures), wait and status in
every output mode is searched for them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from lambda_wait.sandbox import SandboxHandle
from tests.reliability.conftest import TAG, CliRun, deploy_args

ENV_FLAG = "canary-envflag-5b1e9d"
ENV_FILE = "canary-envfile-7c2f0a"
ENV_SPEC = "canary-envspec-3d8e4b"
ENV_EXPANDED = "canary-expanded-9a6c1f"
ACCESS_KEY = "AKIACANARY7Q2W3E4R5T"
SECRET_KEY = "canary-secret-key-Zx8Vb7Nm6Lk5Jh4G"
SESSION_TOKEN = "canary-session-token-Qw1Er2Ty3Ui4Op5"
CANARIES = [ENV_FLAG, ENV_FILE, ENV_SPEC, ENV_EXPANDED, ACCESS_KEY, SECRET_KEY, SESSION_TOKEN]
MODES: dict[str, list[str]] = {
    "text": [],
    "json": ["-o", "json"],
    "debug": ["--debug"],
    "plain": ["--ci-format", "plain"],
    "github": ["--ci-format", "github"],
}
FOUND: list[str] = []


@pytest.fixture(autouse=True)
def canary_credentials(monkeypatch: pytest.MonkeyPatch, aws_env: dict[str, str]) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)
    monkeypatch.setenv("FROM_THE_ENVIRONMENT", ENV_EXPANDED)


@pytest.fixture(autouse=True, scope="module")
def report() -> Iterator[None]:
    yield
    print(f"\nsecrets found in outputs: {len(FOUND)}")


def _inputs(tmp_path: Path) -> list[str]:
    env_file = tmp_path / "fn.env"
    env_file.write_text(f"FROM_FILE={ENV_FILE}\nexport QUOTED='{ENV_FILE}'\n")
    spec = tmp_path / "spec.json"
    spec.write_text(
        json.dumps(
            {
                "Environment": {
                    "Variables": {"FROM_SPEC": ENV_SPEC, "EXPANDED": "${FROM_THE_ENVIRONMENT}"}
                }
            }
        )
    )
    return ["--env", f"FROM_FLAG={ENV_FLAG}", "--env-file", str(env_file), "--spec", str(spec)]


def _search(texts: list[str], secrets: list[str]) -> list[str]:
    leaks = [s for s in secrets for text in texts if s in text]
    FOUND.extend(leaks)
    return leaks


def _presigned_url(sandbox: SandboxHandle, name: str) -> list[str]:
    location = str(sandbox.client().get_function(FunctionName=name)["Code"]["Location"])
    return [location, location.split("?", maxsplit=1)[0]]


@pytest.mark.parametrize("mode", list(MODES))
def test_no_secret_in_any_output(
    sandbox: SandboxHandle,
    lw: CliRun,
    src: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    mode: str,
) -> None:
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs.txt"
    if mode == "github":
        monkeypatch.setenv("GITHUB_ACTIONS", "true")
        monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
        monkeypatch.setenv("GITHUB_OUTPUT", str(outputs))
    name = f"secret-{mode}"
    flags = [*_inputs(tmp_path), *MODES[mode]]
    texts: list[str] = []
    runs = [
        lw(*deploy_args(name, src, *flags, "--dry-run")),  # the plan, masked
        lw(*deploy_args(name, src, *flags, "--publish", "--alias", "live")),  # create
    ]
    (src / "app.py").write_text("VERSION = 2\n")
    runs.append(lw(*deploy_args(name, src, *flags, "--memory-size", "512")))  # update
    runs.append(lw("wait", name, *MODES[mode]))
    runs.append(lw("status", name, *MODES[mode]))
    # Failures: a config update that fails in Lambda, and a spec Lambda's model rejects.
    failing = f"{name}-fails"
    runs.append(lw(*deploy_args(failing, src, *flags, "--tag", f"{TAG}update=fail:InvalidSubnet")))
    runs.append(lw(*deploy_args(failing, src, *flags, "--memory-size", "1024")))
    bad_spec = tmp_path / "bad.json"
    bad_spec.write_text(json.dumps({"Environment": {"Variables": {"K": [ENV_SPEC]}}}))
    runs.append(lw(*deploy_args(name, src, "--spec", str(bad_spec), *MODES[mode])))
    assert [r.code for r in runs][:5] == [0, 0, 0, 0, 0], [r.stderr for r in runs]
    assert runs[6].code == 1 and runs[7].code == 2, (runs[6].stderr, runs[7].stderr)
    for run in runs:
        texts += [run.stdout, run.stderr]
    for path in (summary, outputs):
        if path.exists():
            texts.append(path.read_text())
    secrets = CANARIES + _presigned_url(sandbox, name)
    assert _search(texts, secrets) == []
    # The canaries did reach Lambda: the test would catch a leak if there were one.
    config = sandbox.client().get_function_configuration(FunctionName=name)
    assert set(config["Environment"]["Variables"].values()) >= {ENV_FLAG, ENV_FILE, ENV_SPEC}
    assert ENV_EXPANDED in config["Environment"]["Variables"].values()
