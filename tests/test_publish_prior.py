"""The waiting engine's prior for a Pending published version follows recorded AWS answers:
a version of an idle $LATEST is Active at once, so one that reads Pending is waiting on
the update (or create) that published it (UpdateFunctionCode with Publish=True)."""

from __future__ import annotations

from lambda_wait.schedule import OperationKind, prior_for


def test_a_pending_version_is_expected_to_take_what_a_code_update_takes() -> None:
    for image in (False, True):
        publish = prior_for(OperationKind.PUBLISH, image=image)
        update = prior_for(OperationKind.CODE_UPDATE, image=image)
        assert publish == update
    assert prior_for(OperationKind.PUBLISH).quantile(0.5) >= 2.5


def test_snapstart_still_takes_minutes() -> None:
    assert prior_for(OperationKind.SNAPSTART_PUBLISH).quantile(0.5) > 60.0
