"""Parsing and validation of user input (pure): durations and function identifiers.

Everything here raises :class:`~lambda_wait.errors.UsageError` with one line that
names what was wrong and what to do, before any call to AWS is made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum

from lambda_wait.errors import UsageError


class PollApi(StrEnum):
    """Which read polls a function's state (``--poll-api``): parsed once, an enum from
    the option to the read (a str subclass, so the Python API's strings still compare)."""

    GET_FUNCTION_CONFIGURATION = "get-function-configuration"
    GET_FUNCTION = "get-function"


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)?")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}


def _shown(text: str, limit: int = 60) -> str:
    """The user's input as echoed in an error: quoted, and cut when very long."""
    return repr(text if len(text) <= limit else text[:limit] + "...")


def parse_duration(text: str, *, what: str = "duration") -> float:
    """Parse ``90``, ``90s``, ``10m``, ``1h``, ``1m30s`` or ``500ms`` into seconds (> 0)."""
    raw = text.strip().lower()
    if not raw:
        raise UsageError(f"invalid {what} '': give seconds (90), or a unit: 90s, 10m, 1h.")
    total, pos = 0.0, 0
    while pos < len(raw):
        match = _DURATION_PART.match(raw, pos)
        if match is None:
            raise UsageError(
                f"invalid {what} {_shown(text)}: give seconds (90), or a unit: 90s, 10m, 1h, 1m30s."
            )
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        pos = match.end()
    if total <= 0:
        raise UsageError(f"invalid {what} {_shown(text)}: it must be greater than zero.")
    if total > MAX_DURATION_SECONDS:
        raise UsageError(f"invalid {what} {_shown(text)}: at most 7 days (168h).")
    return total


# Lambda's own pattern for a (possibly qualified) function name or ARN.
_FUNCTION_RE = re.compile(
    r"^(?:arn:(?P<partition>aws[a-zA-Z-]*)?:lambda:)?"
    r"(?:(?P<region>(?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):)?"
    r"(?:(?P<account>\d{12}):)?"
    r"(?:function:)?"
    r"(?P<name>[a-zA-Z0-9\-_.]+)"
    r"(?::(?P<qualifier>\$LATEST(?:\.PUBLISHED)?|[a-zA-Z0-9\-_]+))?$",
    re.ASCII,  # Lambda's \d means 0-9, not any Unicode digit
)
_QUALIFIER_RE = re.compile(r"(\$LATEST(?:\.PUBLISHED)?|[a-zA-Z0-9\-_]{1,128})")
MAX_DURATION_SECONDS = 7 * 24 * 3600.0


@dataclass(frozen=True)
class FunctionRef:
    """A function as the user named it, split into Lambda's parts."""

    given: str
    name: str
    qualifier: str | None
    region: str | None

    @property
    def api_name(self) -> str:
        """What to pass as FunctionName (the user's form, without a qualifier suffix)."""
        if self.qualifier and self.given.endswith(":" + self.qualifier):
            return self.given[: -len(self.qualifier) - 1]
        return self.given

    @property
    def label(self) -> str:
        return f"{self.name}:{self.qualifier}" if self.qualifier else self.name

    def with_qualifier(self, qualifier: str | None) -> FunctionRef:
        """This function with ``--qualifier`` merged in: checked to be a qualifier, and
        not a second one beside the one its name already gives."""
        if qualifier is None:
            return self
        if not _QUALIFIER_RE.fullmatch(qualifier):
            raise UsageError(
                f"invalid qualifier {qualifier!r}: give a version number, $LATEST or an alias name."
            )
        if self.qualifier and self.qualifier != qualifier:
            raise UsageError(
                f"function {self.given!r} names qualifier {self.qualifier!r} but --qualifier "
                f"says {qualifier!r}: give only one."
            )
        return replace(self, qualifier=qualifier)


def parse_function(text: str, qualifier: str | None = None) -> FunctionRef:
    """Validate a function name, ARN or partial ARN; merge ``--qualifier``."""
    given = text.strip()
    if not given or len(given) > 170:
        raise UsageError(
            f"invalid function {_shown(text)}: give a name (my-function), an ARN or a partial "
            "ARN (123456789012:function:my-function), at most 140 characters."
        )
    match = _FUNCTION_RE.match(given)
    if match is None or len(match.group("name")) > 140:
        raise UsageError(
            f"invalid function {_shown(text)}: a name has only letters, digits, '-' and '_' "
            "(or give an ARN: arn:aws:lambda:REGION:ACCOUNT:function:NAME)."
        )
    ref = FunctionRef(
        given=given,
        name=match.group("name"),
        qualifier=match.group("qualifier"),
        region=match.group("region"),
    )
    return ref.with_qualifier(qualifier)


def as_ref(function: str | FunctionRef, qualifier: str | None = None) -> FunctionRef:
    """A function parsed once: a :class:`FunctionRef` is taken as it is (``qualifier``
    merged in), a string is parsed (at the public API's edge)."""
    if isinstance(function, FunctionRef):
        return function.with_qualifier(qualifier)
    return parse_function(function, qualifier)


def check_region(ref: FunctionRef, region: str | None) -> None:
    """Refuse a function ARN whose Region contradicts the ``--region`` given (``region``;
    None when the flag was not given: then the ARN's Region is used), before any call."""
    if ref.region and region and ref.region != region:
        raise UsageError(
            f"function {ref.given!r} is in {ref.region}, but --region says {region}: "
            f"drop --region, or pass --region {ref.region}."
        )
