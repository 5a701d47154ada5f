"""RevisionId in the sandbox: it changes on every applied mutation and when an update
finishes, a stale one gets AWS's 412, and PublishVersion checks its CodeSha256 guard."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from lambda_wait.sandbox import SandboxHandle, zip_bytes
from lambda_wait.sandbox.state import REVISION_MISMATCH
from tests.sandbox.helpers import client_error


def _ready(handle: SandboxHandle, name: str) -> str:
    handle.wait_until(name, state="Active", last_update_status="Successful")
    return str(handle.client().get_function_configuration(FunctionName=name)["RevisionId"])


def test_revision_changes_on_accept_and_again_when_the_update_ends(sandbox: SandboxHandle) -> None:
    lam = sandbox.client(max_attempts=1)
    sandbox.create_function("rev")
    before = _ready(sandbox, "rev")
    answer = lam.update_function_configuration(FunctionName="rev", Timeout=9, RevisionId=before)
    accepted = answer["RevisionId"]
    assert accepted != before
    after = _ready(sandbox, "rev")
    assert after not in (before, accepted)
    # GetFunction shows the same RevisionId as GetFunctionConfiguration.
    assert lam.get_function(FunctionName="rev")["Configuration"]["RevisionId"] == after


@pytest.mark.parametrize("operation", ["update_function_code", "update_function_configuration"])
def test_stale_revision_gets_412_and_is_not_applied(sandbox: SandboxHandle, operation: str) -> None:
    lam = sandbox.client(max_attempts=1)
    sandbox.create_function("stale", Timeout=3)
    stale = _ready(sandbox, "stale")
    lam.update_function_configuration(FunctionName="stale", Description="theirs")
    _ready(sandbox, "stale")
    sandbox.sandbox.reset_calls()
    params = (
        {"ZipFile": zip_bytes("x = 2\n")} if operation == "update_function_code" else {"Timeout": 7}
    )
    with pytest.raises(ClientError) as excinfo:
        getattr(lam, operation)(FunctionName="stale", RevisionId=stale, **params)
    assert client_error(excinfo) == ("PreconditionFailedException", REVISION_MISMATCH, 412)
    assert sandbox.sandbox.mutating_calls("stale") == []
    config = lam.get_function_configuration(FunctionName="stale")
    assert config["Timeout"] == 3 and config["Description"] == "theirs"


def test_publish_checks_revision_and_code_sha(sandbox: SandboxHandle) -> None:
    lam = sandbox.client(max_attempts=1)
    sandbox.create_function("pub")
    revision = _ready(sandbox, "pub")
    sha = lam.get_function_configuration(FunctionName="pub")["CodeSha256"]
    with pytest.raises(ClientError) as excinfo:
        lam.publish_version(FunctionName="pub", CodeSha256="A" * 43 + "=", RevisionId=revision)
    code, message, status = client_error(excinfo)
    assert (code, status) == ("InvalidParameterValueException", 400)
    assert sha in message and "is different from current CodeSHA256" in message
    with pytest.raises(ClientError) as excinfo:
        lam.publish_version(FunctionName="pub", CodeSha256=sha, RevisionId="not-the-revision")
    assert client_error(excinfo)[2] == 412
    assert sandbox.sandbox.mutating_calls("pub")[-1].operation == "CreateFunction"

    first = lam.publish_version(FunctionName="pub", CodeSha256=sha, RevisionId=revision)
    assert first["Version"] == "1"
    new_revision = lam.get_function_configuration(FunctionName="pub")["RevisionId"]
    assert new_revision != revision
    # Nothing changed since version 1: the same version back, and nothing was applied.
    again = lam.publish_version(FunctionName="pub", CodeSha256=sha, RevisionId=new_revision)
    assert again["Version"] == "1"
    publishes = [c for c in sandbox.calls if c.operation == "PublishVersion" and c.status < 300]
    assert [c.applied for c in publishes] == [True, False]


def test_alias_revision_changes_and_is_checked(sandbox: SandboxHandle) -> None:
    lam = sandbox.client(max_attempts=1)
    sandbox.create_function("al", publish=True)
    _ready(sandbox, "al")
    created = lam.create_alias(FunctionName="al", Name="live", FunctionVersion="1")
    assert lam.get_alias(FunctionName="al", Name="live")["RevisionId"] == created["RevisionId"]
    moved = lam.update_alias(
        FunctionName="al", Name="live", FunctionVersion="$LATEST", RevisionId=created["RevisionId"]
    )
    assert moved["RevisionId"] != created["RevisionId"]
    listed = lam.list_aliases(FunctionName="al")["Aliases"]
    assert [a["RevisionId"] for a in listed] == [moved["RevisionId"]]
    with pytest.raises(ClientError) as excinfo:
        lam.update_alias(
            FunctionName="al", Name="live", FunctionVersion="1", RevisionId=created["RevisionId"]
        )
    assert client_error(excinfo) == ("PreconditionFailedException", REVISION_MISMATCH, 412)
    assert lam.get_alias(FunctionName="al", Name="live")["FunctionVersion"] == "$LATEST"


def test_publish_after_an_update_makes_one_version_however_often_it_is_sent(
    sandbox: SandboxHandle,
) -> None:
    lam = sandbox.client(max_attempts=1)
    sandbox.create_function("once")
    _ready(sandbox, "once")
    lam.update_function_configuration(FunctionName="once", MemorySize=512)
    _ready(sandbox, "once")
    assert [lam.publish_version(FunctionName="once")["Version"] for _ in range(3)] == ["1"] * 3
    assert [c.applied for c in sandbox.calls if c.operation == "PublishVersion"] == [
        True,
        False,
        False,
    ]
    lam.update_function_code(FunctionName="once", ZipFile=zip_bytes("y = 1\n"))
    _ready(sandbox, "once")
    assert lam.publish_version(FunctionName="once")["Version"] == "2"
