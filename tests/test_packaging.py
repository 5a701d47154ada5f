"""The package as an index would ship it: `uv build`, then the wheel installed in a
clean virtual environment (the sandbox extra included, dependencies as locked) and
run from there, so a broken package cannot be released."""

from __future__ import annotations

import email
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml

try:
    import fcntl
except ImportError:  # Windows: each worker builds its own
    fcntl = None  # type: ignore[assignment]

import lambda_wait

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
UV = shutil.which("uv")

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(UV is None, reason="needs uv (CI installs it)")]


def _uv(*args: str, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV"))}
    done = subprocess.run(
        [str(UV), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, f"uv {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


@contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    """One xdist worker at a time (the others wait, then reuse what it built)."""
    with lock.open("w") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """sdist, wheel (built from the sdist, as `uv build` does) and a clean venv with the
    wheel, its sandbox extra and the locked dependencies: built once per test run and
    shared by the xdist workers."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        where = tmp_path_factory.mktemp("package")
    else:  # the run's base directory, shared by its workers
        where = tmp_path_factory.getbasetemp().parent / "package"
    with _exclusive(where.parent / "package.lock"):
        if (where / "ready").exists():
            return where
        shutil.rmtree(where, ignore_errors=True)  # a worker that failed half-way
        where.mkdir()
        _uv("build", "--out-dir", str(where / "dist"), "--quiet", cwd=ROOT)
        (wheel,) = (where / "dist").glob("lambda_wait-*.whl")
        venv = where / "venv"
        _uv("venv", "--quiet", "--python", sys.executable, str(venv), cwd=where)
        locked = where / "requirements.txt"
        _uv(
            "export", "--frozen", "--no-dev", "--extra", "sandbox", "--no-emit-project",
            "--no-hashes", "--quiet", "--output-file", str(locked), cwd=ROOT,
        )  # fmt: skip
        _uv(
            "pip", "install", "--quiet", "--python", str(_bin(venv) / "python"),
            "-r", str(locked), f"{wheel}[sandbox]", cwd=where,
        )  # fmt: skip
        (where / "ready").write_text("")
    return where


def _bin(venv: Path) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin")


@pytest.fixture
def dist(built: Path) -> Path:
    return built / "dist"


@pytest.fixture
def wheel(dist: Path) -> Path:
    (found,) = dist.glob("lambda_wait-*.whl")
    return found


@pytest.fixture
def installed(built: Path) -> Path:
    """The clean venv's bin directory."""
    return _bin(built / "venv")


def _run(bin_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTHON"))}
    return subprocess.run(
        [str(bin_dir / "lambda-wait"), *args],
        cwd=bin_dir.parent,  # not the source tree: nothing may import from it
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_installed_command_reports_the_source_version(installed: Path) -> None:
    done = _run(installed, "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"lambda-wait, version {lambda_wait.__version__}"


def test_the_installed_demo_finds_its_sandbox_and_example(installed: Path) -> None:
    done = _run(installed, "demo", "--help")
    assert done.returncode == 0, done.stderr
    assert "Usage: lambda-wait demo" in done.stdout
    probe = subprocess.run(
        [
            str(installed / "python"),
            "-c",
            "import lambda_wait, lambda_wait.sandbox, pathlib;"
            "from lambda_wait.commands import demo;"
            "print(pathlib.Path(lambda_wait.__file__).parent); print(demo.EXAMPLE_DIR)",
        ],
        cwd=installed.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    package_dir, example_dir = (Path(line) for line in probe.stdout.split())
    assert ROOT not in package_dir.parents  # the wheel's copy, not the checkout
    assert (package_dir / "py.typed").is_file()  # PEP 561: the public API is typed
    assert (example_dir / "function.json").is_file()
    assert (example_dir / "src" / "app.py").is_file()


def test_the_wheel_metadata_is_fit_for_an_index(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        meta = email.message_from_string(archive.read(name).decode())
    assert meta["Version"] == lambda_wait.__version__  # one place: lambda_wait/__init__.py
    assert meta["Requires-Python"] == PYPROJECT["project"]["requires-python"]
    assert meta["Description-Content-Type"] == "text/markdown"
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert {"Repository", "Documentation", "Issues", "Changelog"} <= set(urls)
    classifiers = meta.get_all("Classifier")
    assert "Typing :: Typed" in classifiers
    assert any(c.startswith("Programming Language :: Python :: 3.1") for c in classifiers)
    description = meta.get_payload()
    assert description.startswith("# lambda-wait")
    links = re.findall(r"\]\(([^)]+)\)", description)
    assert links, "the README's links went missing"
    relative = [link for link in links if not re.match(r"[a-z]+:", link)]
    assert relative == [], "relative links break on PyPI; the readme hook makes them absolute"
    repository = urls["Repository"]
    docs = [link for link in links if "/docs/" in link]
    assert docs and all(link.startswith(repository + "/blob/main/docs/") for link in docs)


def test_the_sdist_carries_what_a_rebuild_and_the_tests_need(dist: Path) -> None:
    (sdist,) = dist.glob("lambda_wait-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    assert {"pyproject.toml", "README.md", "CHANGELOG.md", "lambda_wait/py.typed"} <= names
    assert "lambda_wait/examples/hello/function.json" in names
    assert not any(n.startswith((".venv/", "dist/")) for n in names)


CI_BLOCK = re.compile(r"<!-- ci-test: (\w+) -->\n```\w+\n(.*?)```", re.S)


def ci_recipe(kind: str) -> list[str]:
    """The shell lines of a docs/ci.md recipe (the GitLab job's script, or the container's
    steps), without the `pip install "git+<repository>"` the wheel install stands in for."""
    (body,) = [b for k, b in CI_BLOCK.findall((ROOT / "docs" / "ci.md").read_text()) if k == kind]
    if kind == "gitlab":
        lines = next(iter(yaml.safe_load(body).values()))["script"]
    else:
        lines = body.strip().splitlines()
    # Not on PyPI yet: the recipes install from the repository pyproject names.
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]
    git = re.escape(f'"git+{urls["Repository"]}"')
    assert re.fullmatch(rf"pip install( --\S+)* {git}", lines[0]), lines[0]
    return list(lines[1:])


@pytest.mark.parametrize("recipe", ["gitlab", "container"])
def test_docs_ci_recipes_run_with_the_pip_installed_wheel(
    recipe: str, installed: Path, sandbox: Any, tmp_path: Path
) -> None:
    workspace = tmp_path / "repo"  # a user's repository: the bundled example
    shutil.copytree(ROOT / "lambda_wait" / "examples" / "hello", workspace)
    for name in ("orders-worker", "payments-worker"):
        sandbox.create_function(name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTHON"))}
    env.update(
        PATH=f"{installed}{os.pathsep}{env['PATH']}",
        CI="true",
        AWS_ENDPOINT_URL_LAMBDA=sandbox.endpoint_url,  # the CI's credentials, at the sandbox
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_REGION="us-east-1",
        AWS_CONFIG_FILE=str(tmp_path / "aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "aws-credentials"),
        LAMBDA_WAIT_CACHE_DIR=str(tmp_path / "cache"),
        DEMO_ROLE_ARN="arn:aws:iam::123456789012:role/hello",  # the CI's variables
        DEMO_API_TOKEN="ci-variable-token",
    )
    done = subprocess.run(
        ["sh", "-ec", "\n".join(ci_recipe(recipe))],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    alias = sandbox.client().get_alias(FunctionName="hello-vpc", Name="live")
    assert alias["FunctionVersion"] == "1"
    if recipe == "gitlab":
        waited = json.loads((workspace / "wait.json").read_text())
        assert [f["exit_status"] for f in waited["functions"]] == ["ready", "ready"]
    else:
        assert json.loads((workspace / "deploy.json").read_text())["deploy"]["alias"] == "live"
        assert "orders-worker" in done.stdout and "payments-worker" in done.stdout
    assert "ci-variable-token" not in done.stdout + done.stderr
