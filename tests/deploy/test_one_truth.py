"""One truth per report: the summary's "Changed" names exactly the changes the sandbox's
call log shows applied, for every kind of deploy (create, update, configuration only,
provisioned concurrency, alias, shift, recreate, several specs); a fleet's progress
times never go back."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from lambda_wait.errors import ExitCode
from lambda_wait.sandbox import SandboxHandle

from .conftest import ROLE, Deploy, base_args

# Each applied mutating call, as the summary's "Changed" names it.
KIND = {
    "CreateFunction": "created",
    "UpdateFunctionCode": "code",
    "UpdateFunctionConfiguration": "configuration",
    "PublishVersion": "version",
    "CreateAlias": "alias",
    "UpdateAlias": "alias",
    "PutProvisionedConcurrencyConfig": "provisioned concurrency",
    "DeleteProvisionedConcurrencyConfig": "provisioned concurrency",
    "DeleteFunction": "deleted (State Failed)",
    "TagResource": "tags",
    "UntagResource": "tags",
}
FAIL = "lambda-wait-sandbox:create=fail:InvalidSubnet"


def applied(sandbox: SandboxHandle, function: str | None = None) -> set[str]:
    return {
        KIND[c.operation]
        for c in sandbox.calls
        if c.mutating and c.applied and (function is None or c.function == function)
    }


def changed(stdout: str) -> set[str]:
    match = re.search(r"^  Changed +(.*)$", stdout, re.MULTILINE)
    assert match, stdout
    if match.group(1) == "nothing":
        return set()
    return {re.sub(r" on \S+ \d+ -> \d+$", "", item) for item in match.group(1).split(", ")}


def new_code(src: Path, n: int) -> None:
    (src / "app.py").write_text(f"def handler(event, context):\n    return {n}\n")


def write_specs(folder: Path, src: Path, names: list[str], **extra: object) -> None:
    """One spec per function, each with its own zip (fileb://, relative to the spec)."""
    from lambda_wait.deploy.package import pack_directory

    folder.mkdir(exist_ok=True)
    (folder / "code.zip").write_bytes(pack_directory(src))
    for name in names:
        spec = {
            "FunctionName": name,
            "Role": ROLE,
            "Runtime": "python3.12",
            "Handler": "app.handler",
            "Code": {"ZipFile": "fileb://code.zip"},
            **extra,
        }
        (folder / f"{name}.json").write_text(json.dumps(spec))


@pytest.mark.parametrize(
    ("kind", "first", "then"),
    [
        ("create", None, []),
        ("update", [], ["code"]),
        ("config-only", [], ["config"]),
        ("provisioned", ["--alias", "live"], ["--alias", "live", "--provisioned-concurrency", "2"]),
        ("alias", [], ["code", "--alias", "live"]),
        ("shift", ["--alias", "live"], ["code", "--alias", "live", "--shift", "linear:50:1s"]),
        ("recreate", ["--tag", FAIL], ["--recreate-failed"]),
    ],
)
def test_the_summary_names_exactly_what_the_sandbox_applied(
    deploy: Deploy,
    sandbox: SandboxHandle,
    src: Path,
    kind: str,
    first: list[str] | None,
    then: list[str],
) -> None:
    name = f"truth-{kind}"
    if first is not None:
        deploy(*base_args(name, src, *first))
        sandbox.sandbox.reset_calls()
    extra = [a for a in then if a not in ("code", "config")]
    if "code" in then:
        new_code(src, 2)
    if "config" in then:
        run = deploy("--function-name", name, "--memory-size", "512", *extra)
    else:
        run = deploy(*base_args(name, src, *extra))
    assert run.code == ExitCode.READY, run.stderr
    assert changed(run.stdout) == applied(sandbox), (run.stdout, sandbox.calls)


def test_several_specs_each_name_what_was_applied_to_them(
    deploy: Deploy, sandbox: SandboxHandle, src: Path, tmp_path: Path
) -> None:
    specs = tmp_path / "specs"
    write_specs(specs, src, ["many-a", "many-b"])
    deploy("--spec", str(specs))
    sandbox.sandbox.reset_calls()
    new_code(src, 3)
    write_specs(specs, src, ["many-a", "many-b"])
    run = deploy("--spec", str(specs), "-o", "json")
    assert run.code == ExitCode.READY, run.stderr
    for one in run.json()["deploys"]:
        named = {re.sub(r" on \S+ \d+ -> \d+$", "", c) for c in one["changed"]}
        assert named == applied(sandbox, one["function"]) == {"code"}


def test_a_fleets_progress_times_never_go_back(
    deploy: Deploy, sandbox: SandboxHandle, src: Path, tmp_path: Path
) -> None:
    specs = tmp_path / "fleet"
    # creates of 0.3-0.9 s (time scale 0.01): each deploy's own clock would restart at 0
    names = [f"fleet-{i}" for i in range(4)]
    write_specs(specs, src, names[:2], Tags={"lambda-wait-sandbox:delay:create": "30"})
    write_specs(specs, src, names[2:], Tags={"lambda-wait-sandbox:delay:create": "90"})
    run = deploy("--spec", str(specs), "--ci-format", "plain")
    assert run.code == ExitCode.READY, run.stderr
    times = [float(t) for t in re.findall(r"\[ *([0-9.]+)s\]", run.stderr)]
    # Threads print in turn: a line may trail another by a hair, never by a step.
    backwards = [a - b for a, b in itertools.pairwise(times) if b < a]
    assert len(times) > 8 and max(backwards, default=0.0) < 0.15, run.stderr
