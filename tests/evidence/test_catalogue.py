"""Every reason code has its evidence plan or a stated reason for none."""

from __future__ import annotations

from lambda_wait.evidence.catalogue import PLANS, SOURCE_TEXT, plan_for
from lambda_wait.evidence.sources import SOURCES
from lambda_wait.reasons import CATALOGUE, PROVISIONED_STATUS_REASONS


def test_every_reason_code_has_evidence_or_says_why_none() -> None:
    codes = set(CATALOGUE) | set(PROVISIONED_STATUS_REASONS)
    assert codes - set(PLANS) == set()
    assert set(PLANS) - codes == set()  # no plan for a code the catalogue dropped
    for code, plan in PLANS.items():
        assert bool(plan.sources) != bool(plan.why_none), code


def test_every_planned_source_is_registered_and_described() -> None:
    planned = {s for plan in PLANS.values() for s in plan.sources}
    assert planned <= set(SOURCES)
    assert set(SOURCES) == set(SOURCE_TEXT)


def test_an_unknown_code_gets_none_with_a_reason() -> None:
    assert plan_for("SomethingNew").describe().startswith("none: ")
    assert plan_for(None).sources == ()
