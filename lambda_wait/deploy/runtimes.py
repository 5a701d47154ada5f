"""The runtime, checked as Lambda checks it: one of the identifiers Lambda accepts
(botocore's ``Runtime`` enum, read offline and handed in), with "did you mean" for a
typo, and a warning with the date for a runtime AWS deprecates. Pure.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from datetime import date

from lambda_wait.errors import UsageError

RUNTIMES_PAGE = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html"

# The deprecation dates of AWS Lambda's managed runtimes, from the "Supported runtimes"
# and "Deprecated runtimes" tables of the AWS Lambda Developer Guide's "Lambda runtimes"
# page (RUNTIMES_PAGE), as published in November 2025. After the date Lambda no longer
# patches the runtime, and later blocks creating, then updating, functions that use it.
# A runtime not listed has no published date. Update this table from that page.
DEPRECATION_DATES: dict[str, date] = {
    "nodejs24.x": date(2028, 4, 30),
    "nodejs22.x": date(2027, 4, 30),
    "nodejs20.x": date(2026, 4, 30),
    "nodejs18.x": date(2025, 9, 1),
    "nodejs16.x": date(2024, 6, 12),
    "nodejs14.x": date(2023, 12, 4),
    "nodejs12.x": date(2023, 3, 31),
    "nodejs10.x": date(2021, 7, 30),
    "nodejs8.10": date(2020, 3, 6),
    "nodejs6.10": date(2019, 8, 12),
    "nodejs4.3": date(2020, 3, 5),
    "nodejs4.3-edge": date(2020, 3, 5),
    "nodejs": date(2016, 10, 31),
    "python3.14": date(2029, 6, 30),
    "python3.13": date(2029, 6, 30),
    "python3.12": date(2028, 10, 31),
    "python3.11": date(2026, 6, 30),
    "python3.10": date(2026, 6, 30),
    "python3.9": date(2025, 12, 15),
    "python3.8": date(2024, 10, 14),
    "python3.7": date(2023, 12, 4),
    "python3.6": date(2022, 7, 18),
    "python2.7": date(2021, 7, 15),
    "java25": date(2029, 6, 30),
    "java21": date(2029, 6, 30),
    "java17": date(2026, 6, 30),
    "java11": date(2026, 6, 30),
    "java8.al2": date(2026, 6, 30),
    "java8": date(2024, 1, 8),
    "dotnet10": date(2028, 11, 14),
    "dotnet8": date(2026, 11, 10),
    "dotnet6": date(2024, 11, 12),
    "dotnetcore3.1": date(2023, 4, 3),
    "dotnetcore2.1": date(2022, 1, 5),
    "dotnetcore2.0": date(2019, 5, 30),
    "dotnetcore1.0": date(2019, 7, 27),
    "ruby3.4": date(2028, 3, 31),
    "ruby3.3": date(2027, 3, 31),
    "ruby3.2": date(2026, 3, 31),
    "ruby2.7": date(2023, 11, 27),
    "ruby2.5": date(2021, 7, 30),
    "go1.x": date(2024, 1, 8),
    "provided": date(2024, 1, 8),
    "provided.al2": date(2026, 6, 30),
    "provided.al2023": date(2029, 6, 30),
}
# A deprecation this close is worth a warning before it happens.
WARN_DAYS_AHEAD = 180


def check_runtime(
    runtime: object, accepted: Sequence[str], *, where: str, today: date
) -> str | None:
    """Refuse a runtime Lambda would refuse (UsageError naming ``where``, "--runtime" or
    the spec's "Runtime", with the closest identifiers); for one AWS deprecates, return
    the warning (with its date), else None. A value of the wrong type is left to the
    request's shape check."""
    if not isinstance(runtime, str) or not accepted:
        return None
    if runtime not in accepted:
        close = _closest(runtime, accepted, today)
        guess = f" Did you mean {one_of(close)}?" if close else ""
        raise UsageError(
            f"{where}: {runtime!r} is not a runtime Lambda accepts.{guess}",
            hint=f"Give a runtime identifier from {RUNTIMES_PAGE}.",
        )
    return deprecation_warning(runtime, today)


def deprecation_warning(runtime: str, today: date) -> str | None:
    """The warning for a runtime deprecated (or to be within WARN_DAYS_AHEAD), or None."""
    when = DEPRECATION_DATES.get(runtime)
    if when is None:
        return None
    if when <= today:
        return (
            f"runtime {runtime} has been deprecated since {when.isoformat()}: Lambda no "
            "longer patches it and blocks creating, then updating, functions with it; "
            f"move to a supported runtime ({RUNTIMES_PAGE})."
        )
    if (when - today).days <= WARN_DAYS_AHEAD:
        return (
            f"runtime {runtime} will be deprecated on {when.isoformat()}: plan the move to "
            f"a newer runtime ({RUNTIMES_PAGE})."
        )
    return None


def one_of(names: Sequence[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _closest(runtime: str, accepted: Sequence[str], today: date) -> list[str]:
    """The closest identifiers Lambda still supports; deprecated ones only if none is."""
    supported = [r for r in accepted if DEPRECATION_DATES.get(r, date.max) > today]
    return difflib.get_close_matches(runtime, supported, n=3, cutoff=0.6) or (
        difflib.get_close_matches(runtime, accepted, n=3, cutoff=0.6)
    )
