"""The reason catalogue against botocore's Lambda model, and the generated docs page."""

from __future__ import annotations

import ast
from pathlib import Path

import botocore.session
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lambda_wait import reasons, reasons_doc
from lambda_wait.reasons import (
    ALIASES,
    CATALOGUE,
    COOLDOWN_SECONDS,
    DecodedReason,
    decode,
    lookup,
)
from lambda_wait.reasons_doc import render_markdown
from tests.imports import loaded_after

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "reason-codes.md"
REGENERATE = "uv run python -m lambda_wait.reasons_doc"
ENUMS = ("StateReasonCode", "LastUpdateStatusReasonCode")

# Curated expectations from the reference facts (not derived from the catalogue itself).
TRANSIENT = {
    "Idle",
    "Creating",
    "Restoring",
    "InternalError",
    "EFSMountTimeout",
    "InsufficientCapacity",
    "EC2RequestLimitExceeded",
    "DrainingDurableExecutions",
}
COOLDOWN = {"InsufficientRolePermissions", "SubnetOutOfIPAddresses"}
INFERRED = {
    "IncompatibleAcceleratorInstanceTypes",
    "DependencyError",
    "DrainingDurableExecutions",
    "VcpuLimitExceeded",
    "CapacityProviderScalingLimitExceeded",
}


def _enum(shape: str) -> list[str]:
    model = botocore.session.get_session().get_service_model("lambda")
    values: list[str] = model.shape_for(shape).enum  # type: ignore[attr-defined]
    return values


@pytest.fixture(scope="module")
def botocore_codes() -> dict[str, list[str]]:
    return {shape: _enum(shape) for shape in ENUMS}


# --- coverage against botocore --------------------------------------------------------------


@pytest.mark.parametrize("shape", ENUMS)
def test_every_botocore_enum_value_has_a_catalogue_entry(
    shape: str, botocore_codes: dict[str, list[str]]
) -> None:
    values = botocore_codes[shape]
    assert values, f"botocore's Lambda model has no {shape} enum any more"
    missing = [code for code in values if code not in CATALOGUE]
    assert not missing, (
        f"{shape} values with no entry in lambda_wait/reasons.py CATALOGUE: {missing}. "
        f"Add curated entries, then regenerate docs: {REGENERATE}"
    )


def test_catalogue_has_no_codes_botocore_does_not_know(
    botocore_codes: dict[str, list[str]],
) -> None:
    known = set().union(*botocore_codes.values())
    extra = sorted(set(CATALOGUE) - known)
    assert not extra, f"catalogue entries for codes not in botocore's enums: {extra}"


def test_update_status_codes_are_the_state_codes_minus_the_lifecycle_ones(
    botocore_codes: dict[str, list[str]],
) -> None:
    state = set(botocore_codes["StateReasonCode"])
    update = set(botocore_codes["LastUpdateStatusReasonCode"])
    assert update <= state
    assert state - update == {"Idle", "Creating", "Restoring", "DrainingDurableExecutions"}


def test_catalogue_is_curated_data_not_read_from_botocore_at_runtime() -> None:
    tree = ast.parse(Path(reasons.__file__).read_text(encoding="utf-8"))
    top_level_imports: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            top_level_imports |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            top_level_imports.add(node.module.split(".")[0])
    assert top_level_imports <= {"__future__", "dataclasses"}, top_level_imports


def test_importing_reasons_does_not_import_heavy_modules() -> None:
    assert loaded_after("import lambda_wait.reasons", ("boto3", "botocore", "click", "rich")) == []


# --- entry contents ---------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_entry_is_complete(code: str) -> None:
    info = CATALOGUE[code]
    assert info.code == code
    for field in ("title", "meaning", "remedy"):
        value = getattr(info, field)
        assert isinstance(value, str), (code, field)
        assert value.strip(), f"{code}: empty {field}"
        assert value == value.strip(), f"{code}: {field} has stray whitespace"
    assert len(info.title) <= 60, f"{code}: title should be short"
    assert info.meaning != info.remedy


def test_cooldown_is_exactly_the_two_eni_codes() -> None:
    assert {code for code, info in CATALOGUE.items() if info.cooldown} == COOLDOWN
    assert COOLDOWN_SECONDS == 300


def test_transient_codes_match_the_reference() -> None:
    assert {code for code, info in CATALOGUE.items() if info.transient} == TRANSIENT


def test_cooldown_codes_are_not_transient() -> None:
    for code in COOLDOWN:
        assert CATALOGUE[code].transient is False


@pytest.mark.parametrize("code", sorted(INFERRED))
def test_inferred_meanings_say_so(code: str) -> None:
    meaning = CATALOGUE[code].meaning.lower()
    assert "inferred" in meaning or "undocumented" in meaning


@pytest.mark.parametrize("code", sorted(c for c in CATALOGUE if c.startswith("FunctionError")))
def test_function_errors_point_at_the_log_group(code: str) -> None:
    assert "/aws/lambda/<name>" in CATALOGUE[code].remedy


def test_failed_state_remedies_name_the_delete_command() -> None:
    assert "aws lambda delete-function" in CATALOGUE["InvalidConfiguration"].remedy


# --- lookup and decode ----------------------------------------------------------------------


def test_docs_spelling_resolves_to_the_api_entry() -> None:
    assert ALIASES["InsufficientRolePermission"] == "InsufficientRolePermissions"
    info = lookup("InsufficientRolePermission")
    assert info is CATALOGUE["InsufficientRolePermissions"]
    decoded = decode("InsufficientRolePermission", "role missing")
    assert decoded is not None
    assert decoded.code == "InsufficientRolePermission"  # as observed, verbatim
    assert decoded.info is CATALOGUE["InsufficientRolePermissions"]
    assert decoded.cooldown is True


def test_aliases_point_at_catalogue_entries() -> None:
    for alias, code in ALIASES.items():
        assert alias not in CATALOGUE
        assert code in CATALOGUE


def test_known_code_decodes_with_its_entry() -> None:
    decoded = decode("SubnetOutOfIPAddresses", "All IPs in subnet-1 are in use.")
    assert decoded is not None
    assert decoded.known
    assert decoded.title == "Subnet out of IP addresses"
    assert decoded.cooldown is True
    assert decoded.transient is False
    assert decoded.aws_message == "All IPs in subnet-1 are in use."
    body = decoded.to_dict()
    assert body["code"] == "SubnetOutOfIPAddresses"
    assert body["message"] == "All IPs in subnet-1 are in use."
    assert body["known"] is True
    assert body["remedy"] == CATALOGUE["SubnetOutOfIPAddresses"].remedy


def test_unknown_code_is_kept_verbatim_with_the_aws_message() -> None:
    decoded = decode("QuantumFluxCapacitorMisaligned", "The flux is off by 3 degrees.")
    assert decoded == DecodedReason(
        code="QuantumFluxCapacitorMisaligned",
        aws_message="The flux is off by 3 degrees.",
        info=None,
    )
    assert not decoded.known
    assert decoded.title == "QuantumFluxCapacitorMisaligned"
    assert decoded.transient is None
    assert decoded.cooldown is False
    assert decoded.remedy is None
    body = decoded.to_dict()
    assert body == {
        "code": "QuantumFluxCapacitorMisaligned",
        "message": "The flux is off by 3 degrees.",
        "known": False,
        "title": "QuantumFluxCapacitorMisaligned",
        "meaning": None,
        "remedy": None,
        "transient": None,
        "cooldown": False,
    }


def test_nothing_to_decode_is_none() -> None:
    assert decode(None, None) is None
    assert decode("", "") is None


def test_message_without_code_is_kept() -> None:
    decoded = decode(None, "The function is being created.")
    assert decoded is not None
    assert decoded.code is None
    assert decoded.aws_message == "The function is being created."
    assert decoded.title == "no reason given"
    assert not decoded.known


def test_lookup_of_nothing_is_none() -> None:
    assert lookup(None) is None
    assert lookup("") is None
    assert lookup("NoSuchCode") is None


def test_lookup_is_case_sensitive_like_the_api() -> None:
    assert lookup("idle") is None
    assert lookup("Idle") is CATALOGUE["Idle"]


@given(code=st.one_of(st.none(), st.text()), message=st.one_of(st.none(), st.text()))
def test_decode_never_raises_and_keeps_input(code: str | None, message: str | None) -> None:
    decoded = decode(code, message)
    if not code and not message:
        assert decoded is None
        return
    assert decoded is not None
    assert decoded.code == code
    assert decoded.aws_message == message
    assert decoded.info is lookup(code)
    body = decoded.to_dict()
    assert body["code"] == code
    assert body["message"] == message
    assert isinstance(decoded.title, str)
    assert decoded.title


# --- the generated docs page ----------------------------------------------------------------


def test_docs_page_is_up_to_date() -> None:
    expected = render_markdown()
    assert DOC.exists(), f"docs/reason-codes.md is missing: run {REGENERATE}"
    actual = DOC.read_text(encoding="utf-8")
    assert actual == expected, f"docs/reason-codes.md is stale; regenerate it with: {REGENERATE}"


def test_docs_page_covers_every_entry_and_alias() -> None:
    text = render_markdown()
    assert text.startswith("# ")
    assert "python -m lambda_wait.reasons_doc" in text
    for code, info in CATALOGUE.items():
        assert f"### `{code}`" in text
        assert info.remedy in text
        assert info.meaning in text
    for alias in ALIASES:
        assert f"`{alias}`" in text


def test_docs_page_marks_enum_membership() -> None:
    text = render_markdown()
    rows = {
        line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| `")
    }
    assert rows["`Idle`"].rstrip(" |").endswith("State")
    assert rows["`EniLimitExceeded`"].rstrip(" |").endswith("State, Update")
    assert "| yes | yes |" not in text  # no code is both transient and under cooldown


def test_main_prints_to_stdout_with_dash(capsys: pytest.CaptureFixture[str]) -> None:
    assert reasons_doc.main(["-"]) == 0
    assert capsys.readouterr().out == render_markdown()


def test_main_writes_the_given_path(tmp_path: Path) -> None:
    target = tmp_path / "out" / "reason-codes.md"
    assert reasons_doc.main([str(target)]) == 0
    assert target.read_text(encoding="utf-8") == render_markdown()


def test_main_rejects_extra_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert reasons_doc.main(["a", "b"]) == 2
    assert "usage" in capsys.readouterr().err
