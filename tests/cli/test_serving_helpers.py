"""status/wait's serving use cases: what a missing permission does, with a fake reader."""

from __future__ import annotations

from typing import Any, cast

import pytest

from lambda_wait.clock import Deadline, ManualClock
from lambda_wait.errors import AuthError, ExitCode
from lambda_wait.inputs import parse_function
from lambda_wait.result import FunctionReport
from lambda_wait.serving.watch import ServingCheck
from lambda_wait.states import Assessment, FunctionSnapshot, assess
from lambda_wait.usecases.serving import ServingWaits, status_with_serving

DENIED = AuthError("permission denied for lambda:GetProvisionedConcurrencyConfig: no")


class Denied:
    def get_provisioned_concurrency_config(self, name: str, qualifier: str) -> Any:
        raise DENIED

    def list_event_source_mappings(self, name: str) -> Any:
        raise DENIED


def quiet(label: str, verdict: Assessment) -> None:
    raise AssertionError(f"{label}: {verdict.summary}")


def ready_report() -> FunctionReport:
    snap = FunctionSnapshot.from_configuration(
        {"FunctionName": "shop", "State": "Active", "LastUpdateStatus": "Successful"}
    )
    verdict = assess(snap)
    return FunctionReport("shop:live", verdict.exit_code, snap, verdict)


def run(check: ServingCheck, clock: ManualClock) -> FunctionReport:
    waits = ServingWaits(cast(Any, Denied()), check, clock, Deadline(clock, 60), quiet)
    (report,) = waits.all([parse_function("shop", "live")], [ready_report()])
    return report


def test_wait_ready_without_the_permission_notes_it_and_stays_ready(clock: ManualClock) -> None:
    report = run(ServingCheck(provisioned="auto"), clock)
    assert report.exit_code is ExitCode.READY
    assert any("GetProvisionedConcurrencyConfig" in note for note in report.notes)


@pytest.mark.parametrize(
    "check", [ServingCheck(provisioned="require"), ServingCheck(provisioned="auto", mappings=True)]
)
def test_an_explicit_wait_without_the_permission_is_exit_5(
    check: ServingCheck, clock: ManualClock
) -> None:
    with pytest.raises(AuthError):
        run(check, clock)


def test_status_without_the_permission_notes_it() -> None:
    report = status_with_serving(
        cast(Any, Denied()), parse_function("shop", "live"), ready_report()
    )
    assert report.exit_code is ExitCode.READY
    assert report.serving is None
    assert any("not read" in note for note in report.notes)


class UrlDenied:
    """Reads provisioned concurrency and mappings, but not the function URL."""

    def get_provisioned_concurrency_config(self, name: str, qualifier: str) -> Any:
        return None

    def list_event_source_mappings(self, name: str) -> Any:
        return []

    def call(self, operation: str, **params: Any) -> Any:
        raise AuthError(f"permission denied for lambda:{operation}: no")


def test_status_without_the_url_permission_still_shows_the_rest() -> None:
    report = status_with_serving(
        cast(Any, UrlDenied()), parse_function("shop", "live"), ready_report()
    )
    assert report.exit_code is ExitCode.READY
    assert report.serving is not None and report.serving.mappings == ()
    assert any("get_function_url_config" in note for note in report.notes)
