"""Compare a live answer with a recorded one, field by field.

The recordings (LocalStack snapshots of real AWS answers) replace values that vary
by run with placeholders: ``<uuid:1>``, ``<function-name:1>``, ``<code-size>``,
``<partition>``... The same numbered placeholder in one recorded test is one value
and two numbered placeholders of the same kind are two values; :class:`Bindings`
holds those promises for the whole replayed test. A few fixed replacements stand
for a whole value: ``date`` (Lambda's ``LastModified``), ``<datetime>`` (a timestamp
botocore parses) and ``code-sha256``.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ACCOUNT = "123456789012"  # the sandbox's account
RECORDED_ACCOUNT = "111111111111"  # LocalStack's stand-in for the recording account
TOKEN = re.compile(r"<([a-z0-9_-]+)(?::(\d+))?>")
# Placeholders that stand for "some value" and promise nothing across answers.
UNBOUND = frozenset({"code-size", "location", "partition", "region", "datetime"})
# Numbers a recording hid under their key's name (LocalStack's key_value transformer).
HIDDEN_NUMBERS = frozenset({"maximum-batching-window-in-seconds"})
# Lambda's one LastModified format: 2026-01-01T00:00:00.000+0000.
LAMBDA_DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000")
# The fields a waiting tool reads: states, reasons, and what an error is.
STATE_FIELDS = frozenset(
    {
        "State",
        "StateReason",
        "StateReasonCode",
        "LastUpdateStatus",
        "LastUpdateStatusReason",
        "LastUpdateStatusReasonCode",
        "Status",
        "StatusReason",
        "StateTransitionReason",
        "LastProcessingResult",
        "HTTPStatusCode",
        "Error",
        "Code",
        "Message",
        "message",
        "Type",
    }
)


@dataclass(frozen=True)
class Diff:
    """One field where the live answer is not the recorded one."""

    path: str
    recorded: Any
    actual: Any

    @property
    def is_state(self) -> bool:
        """True when the field is a state, reason or error field."""
        return any(part in STATE_FIELDS for part in self.path.split("."))

    def __str__(self) -> str:
        return f"{self.path}: recorded {self.recorded!r}, sandbox {self.actual!r}"


@dataclass
class Bindings:
    """Placeholder -> value for one replayed test, and the reverse, per kind."""

    values: dict[str, str] = field(default_factory=dict)
    owners: dict[tuple[str, str], str] = field(default_factory=dict)

    def bind(self, token: str, kind: str, value: str) -> bool:
        """Bind ``token`` to ``value``; False when that breaks a promise."""
        if kind in UNBOUND:
            return True
        if token in self.values:
            return self.values[token] == value
        owner = self.owners.get((kind, value))
        if owner is not None and owner != token:
            return False  # two numbered placeholders must be two values
        self.values[token] = value
        self.owners[(kind, value)] = token
        return True


def normalise(answer: Any) -> Any:
    """A boto3 answer as the recordings store it: the sandbox's account replaced,
    only the HTTP status kept from the response metadata."""
    if isinstance(answer, dict):
        out = {k: normalise(v) for k, v in answer.items() if k != "ResponseMetadata"}
        if "ResponseMetadata" in answer:
            status = answer["ResponseMetadata"].get("HTTPStatusCode")
            out["ResponseMetadata"] = {"HTTPHeaders": {}, "HTTPStatusCode": status}
        return out
    if isinstance(answer, list):
        return [normalise(v) for v in answer]
    if isinstance(answer, str):
        return answer.replace(ACCOUNT, RECORDED_ACCOUNT)
    return answer


def compare(recorded: Any, actual: Any, bindings: Bindings, path: str = "") -> list[Diff]:
    """Every difference between ``recorded`` and ``actual`` (already normalised)."""
    if isinstance(recorded, dict) and isinstance(actual, str):
        # LocalStack records a JSON string field (a filter Pattern) parsed.
        with contextlib.suppress(ValueError):
            actual = json.loads(actual)
    if isinstance(recorded, dict):
        if not isinstance(actual, dict):
            return [Diff(path or "$", recorded, actual)]
        diffs: list[Diff] = []
        for key in sorted(set(recorded) | set(actual), key=str):
            sub = f"{path}.{key}" if path else str(key)
            if key not in actual:
                diffs.append(Diff(sub, recorded[key], "<absent>"))
            elif key not in recorded:
                diffs.append(Diff(sub, "<absent>", actual[key]))
            else:
                diffs.extend(compare(recorded[key], actual[key], bindings, sub))
        return diffs
    if isinstance(recorded, list):
        if not isinstance(actual, list) or len(actual) != len(recorded):
            return [Diff(path, recorded, actual)]
        return [
            d
            for i, (r, a) in enumerate(zip(recorded, actual, strict=True))
            for d in compare(r, a, bindings, f"{path}[{i}]")
        ]
    ok = _scalar_matches(recorded, actual, bindings)
    return [] if ok else [Diff(path, recorded, actual)]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# Fixed replacements that stand for a whole value, and what the value must be.
WHOLE_VALUES: dict[str, Any] = {
    "date": lambda v: isinstance(v, str) and LAMBDA_DATE.fullmatch(v) is not None,
    "<datetime>": lambda v: isinstance(v, datetime),
    "datetime": lambda v: isinstance(v, datetime),
    "code-sha256": lambda v: isinstance(v, str) and bool(v),
    **{name: _is_int for name in HIDDEN_NUMBERS},
}


def _scalar_matches(recorded: Any, actual: Any, bindings: Bindings) -> bool:
    if not isinstance(recorded, str):
        # None, booleans and numbers: same type, same value (True is not 1).
        return type(actual) is type(recorded) and bool(actual == recorded)
    if recorded in WHOLE_VALUES:
        return bool(WHOLE_VALUES[recorded](actual))
    if isinstance(actual, (int, float)) and not isinstance(actual, bool):
        # A number the recording replaced (e.g. CodeSize: "<code-size>").
        return TOKEN.fullmatch(recorded) is not None
    return isinstance(actual, str) and _string_matches(recorded, actual, bindings)


def _string_matches(recorded: str, actual: str, bindings: Bindings) -> bool:
    """Match a recorded string with placeholders; bind what they stand for."""
    pattern, groups, last = [], [], 0
    for match in TOKEN.finditer(recorded):
        pattern.append(re.escape(recorded[last : match.start()]))
        token, kind = match.group(0), match.group(1)
        bound = bindings.values.get(token)
        if bound is not None:
            pattern.append(re.escape(bound))
        else:
            pattern.append(r"(.+?)")
            groups.append((token, kind))
        last = match.end()
    if not groups and last == 0:
        return recorded == actual
    pattern.append(re.escape(recorded[last:]))
    found = re.fullmatch("".join(pattern), actual)
    if found is None:
        return False
    return all(
        bindings.bind(token, kind, value)
        for (token, kind), value in zip(groups, found.groups(), strict=True)
    )
