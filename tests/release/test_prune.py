"""Prune selection: never $LATEST, an aliased or provisioned version, or the N newest."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lambda_wait.release.prune import aliases_by_version, select_prune


def test_keeps_the_newest_the_aliased_and_the_provisioned() -> None:
    aliases: dict[str, dict[str, object]] = {
        "live": {"FunctionVersion": "5", "RoutingConfig": {"AdditionalVersionWeights": {"6": 0.1}}},
        "old": {"FunctionVersion": "2"},
    }
    in_use = aliases_by_version(aliases)
    assert in_use == {"5": ["live"], "6": ["live"], "2": ["old"]}
    versions = ["$LATEST", *map(str, range(1, 9))]
    picked = select_prune(versions, in_use, provisioned=["3"], keep=2)
    assert picked.delete == ("1", "4")
    assert picked.kept == {
        "8": "one of the 2 newest",
        "7": "one of the 2 newest",
        "6": "alias live",
        "5": "alias live",
        "3": "provisioned concurrency",
        "2": "alias old",
    }


version_numbers = st.sets(st.integers(min_value=1, max_value=60), max_size=25)


@given(
    versions=version_numbers,
    aliased=version_numbers,
    weighted=version_numbers,
    provisioned=version_numbers,
    keep=st.integers(min_value=0, max_value=10),
)
def test_prune_never_deletes_a_version_in_use(
    versions: set[int], aliased: set[int], weighted: set[int], provisioned: set[int], keep: int
) -> None:
    names = [str(v) for v in versions]
    aliases: dict[str, dict[str, object]] = {
        f"a{v}": {
            "FunctionVersion": str(v),
            "RoutingConfig": {"AdditionalVersionWeights": {str(w): 0.1 for w in weighted}},
        }
        for v in aliased
    }
    picked = select_prune(
        ["$LATEST", *names], aliases_by_version(aliases), [str(p) for p in provisioned], keep
    )
    deleted = {int(v) for v in picked.delete}
    assert "$LATEST" not in picked.delete
    assert deleted <= versions
    assert not deleted & aliased
    if aliased:
        assert not deleted & weighted
    assert not deleted & provisioned
    newest = set(sorted(versions, reverse=True)[:keep])
    assert not deleted & newest
    # and everything else goes: nothing is kept without a reason
    assert deleted | {int(v) for v in picked.kept} == versions
