"""status/wait's serving use cases: what a missing permission does, with a fake reader."""

from __future__ import annotations

import threading
import time
from typing import Any, cast

import pytest

from lambda_wait.clock import Deadline, ManualClock, SystemClock
from lambda_wait.errors import AuthError, ExitCode
from lambda_wait.inputs import FunctionRef, parse_function
from lambda_wait.result import FunctionReport
from lambda_wait.serving.watch import ServingCheck
from lambda_wait.signals import Stopped
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


class Cancellable:
    cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


def test_an_interrupt_stops_the_other_serving_waits_at_once() -> None:
    # Ctrl-C reaches the main thread while another function's serving wait sleeps: the run's
    # clock and API are cancelled before the pool is left, so that sleep ends now, not at
    # the deadline (an hour here: the test would hang).
    clock, api, asleep = SystemClock(), Cancellable(), threading.Event()

    class Waits(ServingWaits):
        def one(self, pair: tuple[FunctionRef, FunctionReport]) -> FunctionReport:
            if pair[0].name == "first":
                asleep.wait(5)
                raise KeyboardInterrupt  # as Ctrl-C surfaces in the main thread's map
            asleep.set()
            self.clock.sleep(3600)
            return pair[1]

    waits = Waits(cast(Any, api), ServingCheck(), clock, Deadline(clock, 3600), quiet)
    started = time.monotonic()
    refs = [parse_function("first"), parse_function("second")]
    with pytest.raises(Stopped):
        waits.all(refs, [ready_report(), ready_report()])
    assert time.monotonic() - started < 5
    assert clock.cancelled and api.cancelled
