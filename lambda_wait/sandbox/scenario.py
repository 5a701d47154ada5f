"""Choosing behaviour: default timings, scenario files and per-function tags.

A scenario is a list of rules matched on function names (shell globs). Every
matching rule applies, in file order, later keys overriding earlier ones; tags
on the function override them all. Reason codes are validated against
botocore's enums (see :mod:`lambda_wait.sandbox.codes`).
"""

from __future__ import annotations

import fnmatch
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lambda_wait.errors import UsageError

# What a function does lives in behaviour.py; re-exported: callers import it from here.
from lambda_wait.sandbox.behaviour import (
    _CODE_KIND,
    DELAY_KEYS,
    FAILURE_OPS,
    Behaviour,
    Failure,
    MappingOutcome,
    Resolved,
    Timings,
)
from lambda_wait.sandbox.cloudwatch import AlarmFlip
from lambda_wait.sandbox.codes import validate_code
from lambda_wait.sandbox.faults import ChaosRule, FaultConfig
from lambda_wait.sandbox.invocations import parse_error_rule, parse_error_tag

TAG_PREFIX = "lambda-wait-sandbox:"

__all__ = [
    "DELAY_KEYS",
    "FAILURE_OPS",
    "TAG_PREFIX",
    "Behaviour",
    "Failure",
    "MappingOutcome",
    "Resolved",
    "Rule",
    "Scenario",
    "Timings",
    "behaviour_from_tags",
    "load_scenario",
    "parse_scenario",
    "validate_tags",
]


@dataclass(frozen=True)
class Rule:
    """Behaviour for the functions whose names match one of ``patterns``."""

    patterns: tuple[str, ...]
    behaviour: Behaviour

    def matches(self, name: str) -> bool:
        """Glob match on the function name (case-sensitive, like Lambda names)."""
        return any(fnmatch.fnmatchcase(name, p) for p in self.patterns)


@dataclass(frozen=True)
class Scenario:
    """Timings and rules; the default scenario has realistic timings and no failures."""

    timings: Timings = field(default_factory=Timings)
    rules: tuple[Rule, ...] = ()
    throttling: bool | None = None
    faults: FaultConfig | None = None
    source: str | None = None
    alarms: tuple[AlarmFlip, ...] = ()
    chaos: tuple[ChaosRule, ...] = ()

    def resolve(self, name: str, tags: Mapping[str, str] | None = None) -> Resolved:
        """The behaviour for function ``name`` with ``tags`` (tags win over rules)."""
        behaviour = Behaviour()
        for rule in self.rules:
            if rule.matches(name):
                behaviour = rule.behaviour.over(behaviour)
        if tags:
            behaviour = behaviour_from_tags(tags, function=name).over(behaviour)
        return Resolved(
            timings=self.timings.with_overrides(behaviour.delays),
            create=behaviour.create,
            update=behaviour.update,
            publish=behaviour.publish,
            restore=behaviour.restore,
            start_inactive=bool(behaviour.start_inactive),
            provisioned=behaviour.provisioned,
            mapping=behaviour.mapping,
            errors=behaviour.errors,
        )


# --- scenario files -------------------------------------------------------------

_RULE_KEYS = ("match", "delays", *FAILURE_OPS, "mapping", "errors", "initial_state")
_FAILURE_KEYS = ("fail", "reason", "nth")


def load_scenario(path: str | Path) -> Scenario:
    """Read a JSON (or, by extension, TOML) scenario file; UsageError names file, rule, key."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise UsageError(f"scenario file {p}: cannot read it: {exc.strerror or exc}") from None
    try:
        if p.suffix.lower() == ".toml":
            data: Any = tomllib.loads(raw.decode("utf-8"))
        else:
            data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"scenario file {p}: not valid {_fmt(p)}: {exc}") from None
    return parse_scenario(data, source=str(p))


def _fmt(p: Path) -> str:
    return "TOML" if p.suffix.lower() == ".toml" else "JSON"


def parse_scenario(data: Any, *, source: str = "<scenario>") -> Scenario:
    """Validate a scenario already decoded from JSON/TOML."""
    where = f"scenario file {source}"
    if not isinstance(data, dict):
        raise UsageError(f"{where}: the top level must be an object with a 'rules' list")
    top_keys = ("delays", "rules", "throttling", "faults", "alarms", "chaos")
    for key in data:
        if key not in top_keys:
            raise UsageError(
                f"{where}: unknown top-level key {key!r}; valid keys: {', '.join(top_keys)}"
            )
    timings = Timings().with_overrides(_delays(data.get("delays", {}), where=where, key="delays"))
    rules_data = data.get("rules", [])
    if not isinstance(rules_data, list):
        raise UsageError(f"{where}: key 'rules': expected a list of rule objects")
    rules = tuple(
        _rule(item, where=f"{where}: rule #{i}", index=i) for i, item in enumerate(rules_data, 1)
    )
    throttling = data.get("throttling")
    if throttling is not None and not isinstance(throttling, bool):
        raise UsageError(f"{where}: key 'throttling': expected true or false")
    faults = None
    if "faults" in data:
        if not isinstance(data["faults"], dict):
            raise UsageError(f"{where}: key 'faults': expected an object")
        faults = FaultConfig.from_mapping(data["faults"], where=where)
    alarms_data = data.get("alarms", [])
    if not isinstance(alarms_data, list):
        raise UsageError(f"{where}: key 'alarms': expected a list of alarm objects")
    alarms = tuple(
        AlarmFlip.from_mapping(item, where=f"{where}: alarm #{i}", default_trigger="start")
        for i, item in enumerate(alarms_data, 1)
    )
    chaos_data = data.get("chaos", [])
    if not isinstance(chaos_data, list):
        raise UsageError(f"{where}: key 'chaos': expected a list of chaos rules")
    chaos = tuple(
        ChaosRule.from_mapping(item, where=f"{where}: chaos rule #{i}")
        for i, item in enumerate(chaos_data, 1)
    )
    return Scenario(
        chaos=chaos,
        timings=timings,
        rules=rules,
        throttling=throttling,
        faults=faults,
        source=source,
        alarms=alarms,
    )


def _delays(value: Any, *, where: str, key: str) -> dict[str, float]:
    if not isinstance(value, dict):
        raise UsageError(f"{where}: key {key!r}: expected an object of seconds")
    out: dict[str, float] = {}
    for name, seconds in value.items():
        if name not in DELAY_KEYS:
            raise UsageError(
                f"{where}: key '{key}.{name}': unknown delay; valid: {', '.join(DELAY_KEYS)}"
            )
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
            raise UsageError(f"{where}: key '{key}.{name}': expected seconds >= 0")
        out[name] = float(seconds)
    return out


def _rule(item: Any, *, where: str, index: int) -> Rule:  # noqa: PLR0912 -- one branch per key of a scenario rule
    if not isinstance(item, dict):
        raise UsageError(f"{where}: expected an object")
    match = item.get("match")
    if isinstance(match, str):
        patterns: tuple[str, ...] = (match,)
    elif isinstance(match, list) and match and all(isinstance(m, str) for m in match):
        patterns = tuple(match)
    else:
        raise UsageError(f"{where}: key 'match': expected a glob or a list of globs")
    where = f"{where} (match {', '.join(patterns)!r})"
    for key in item:
        if key not in _RULE_KEYS:
            raise UsageError(f"{where}: unknown key {key!r}; valid keys: {', '.join(_RULE_KEYS)}")
    delays = _delays(item.get("delays", {}), where=where, key="delays")
    parsed: dict[str, Any] = {}
    cleared: set[str] = set()
    for op in FAILURE_OPS:
        if op not in item:
            continue
        failure = _failure(item[op], op=op, where=where)
        parsed[op] = failure
        if failure is None:
            cleared.add(op)
    if "mapping" in item:
        parsed["mapping"] = _mapping_outcome(item["mapping"], where=f"{where}: key 'mapping'")
        if parsed["mapping"] is None:
            cleared.add("mapping")
    if "errors" in item:
        parsed["errors"] = parse_error_rule(item["errors"], where=f"{where}: key 'errors'")
        if parsed["errors"] is None:
            cleared.add("errors")
    start_inactive = None
    if "initial_state" in item:
        state = item["initial_state"]
        if state not in ("Active", "Inactive"):
            raise UsageError(f"{where}: key 'initial_state': expected 'Active' or 'Inactive'")
        start_inactive = state == "Inactive"
    return Rule(
        patterns,
        Behaviour(
            delays=delays,
            start_inactive=start_inactive,
            cleared=frozenset(cleared),
            **parsed,
        ),
    )


def _failure(value: Any, *, op: str, where: str) -> Failure | None:
    if value == "ok" or value is None:
        return None
    if isinstance(value, str):
        value = {"fail": value}
    if not isinstance(value, dict):
        raise UsageError(f'{where}: key {op!r}: expected "ok", a reason code or an object')
    for key in value:
        if key not in _FAILURE_KEYS:
            raise UsageError(
                f"{where}: key '{op}.{key}': unknown; valid keys: {', '.join(_FAILURE_KEYS)}"
            )
    if "fail" not in value:
        raise UsageError(f"{where}: key '{op}.fail': missing (the reason code to fail with)")
    code = validate_code(value["fail"], kind=_CODE_KIND[op], where=f"{where}: key '{op}.fail'")
    reason = value.get("reason")
    if reason is not None and not isinstance(reason, str):
        raise UsageError(f"{where}: key '{op}.reason': expected a string")
    nth = None
    if "nth" in value:
        raw = value["nth"]
        items = raw if isinstance(raw, list) else [raw]
        if not items or not all(
            isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in items
        ):
            raise UsageError(
                f"{where}: key '{op}.nth': expected a positive integer or a list of them"
            )
        nth = frozenset(items)
    return Failure(code, reason, nth)


def _mapping_outcome(value: Any, *, where: str) -> MappingOutcome | None:
    if value == "ok" or value is None:
        return None
    if isinstance(value, str):
        return _tag_mapping(value, where=where)
    if not isinstance(value, dict) or len(value) != 1 or not {"disable", "problem"} >= set(value):
        raise UsageError(f'{where}: expected "ok", {{"disable": REASON}} or {{"problem": TEXT}}')
    ((kind, text),) = value.items()
    if not isinstance(text, str) or not text.strip():
        raise UsageError(f"{where}: {kind!r} needs a non-empty string")
    return MappingOutcome(**{kind: text.strip()})


def _tag_mapping(value: str, *, where: str) -> MappingOutcome | None:
    kind, sep, text = value.partition(":")
    if value == "ok":
        return None
    if not sep or kind not in ("disable", "problem") or not text.strip():
        raise UsageError(f"{where}: expected 'ok', 'disable:REASON' or 'problem:TEXT'")
    return MappingOutcome(**{kind: text.strip()})


# --- tags ---------------------------------------------------------------------------

_TAG_OPS = FAILURE_OPS


def behaviour_from_tags(tags: Mapping[str, str], *, function: str) -> Behaviour:  # noqa: PLR0912 -- one branch per sandbox tag
    """Read ``lambda-wait-sandbox:*`` tags; UsageError on a malformed one.

    ``lambda-wait-sandbox:<create|update|publish|restore>`` = ``fail:CODE`` or
    ``fail:CODE@N`` (only the Nth attempt) or ``ok``;
    ``lambda-wait-sandbox:state`` = ``Inactive``;
    ``lambda-wait-sandbox:delay:<kind>`` = seconds before time scaling;
    ``lambda-wait-sandbox:mapping`` = ``disable:REASON``, ``problem:TEXT`` or ``ok``;
    ``lambda-wait-sandbox:errors`` = ``VERSION[@RATE] ...`` or ``ok``.
    """
    failures: dict[str, Any] = {}
    cleared: set[str] = set()
    delays: dict[str, float] = {}
    start_inactive = None
    for key, value in tags.items():
        if not key.startswith(TAG_PREFIX):
            continue
        where = f"tag {key}={value!r} on function {function}"
        what = key[len(TAG_PREFIX) :]
        if what in _TAG_OPS:
            failure = _tag_failure(value, op=what, where=where)
            failures[what] = failure
            if failure is None:
                cleared.add(what)
        elif what == "mapping":
            failures["mapping"] = _tag_mapping(value, where=where)
            if failures["mapping"] is None:
                cleared.add("mapping")
        elif what == "errors":
            failures["errors"] = parse_error_tag(value, where=where)
            if failures["errors"] is None:
                cleared.add("errors")
        elif what == "state":
            if value not in ("Inactive", "Active"):
                raise UsageError(f"{where}: expected 'Inactive' or 'Active'")
            start_inactive = value == "Inactive"
        elif what.startswith("delay:") and what[len("delay:") :] in DELAY_KEYS:
            try:
                seconds = float(value)
            except ValueError:
                seconds = -1.0
            if not seconds >= 0:
                raise UsageError(f"{where}: expected seconds >= 0")
            delays[what[len("delay:") :]] = seconds
        else:
            valid = [*(TAG_PREFIX + op for op in _TAG_OPS), TAG_PREFIX + "state"]
            valid += [TAG_PREFIX + "mapping", TAG_PREFIX + "errors"]
            valid += [f"{TAG_PREFIX}delay:{k}" for k in DELAY_KEYS]
            raise UsageError(f"{where}: unknown sandbox tag; valid tags: {', '.join(valid)}")
    return Behaviour(
        delays=delays, start_inactive=start_inactive, cleared=frozenset(cleared), **failures
    )


def _tag_failure(value: str, *, op: str, where: str) -> Failure | None:
    if value == "ok":
        return None
    if not value.startswith("fail:"):
        raise UsageError(f"{where}: expected 'ok', 'fail:CODE' or 'fail:CODE@N'")
    spec = value[len("fail:") :]
    code, _, nth_text = spec.partition("@")
    nth = None
    if nth_text:
        if not nth_text.isdigit() or int(nth_text) < 1:
            raise UsageError(f"{where}: '@N' must be a positive integer")
        nth = frozenset({int(nth_text)})
    return Failure(validate_code(code, kind=_CODE_KIND[op], where=where), None, nth)


def validate_tags(tags: Mapping[str, str], *, function: str) -> None:
    """Raise UsageError if a sandbox tag is malformed (used before accepting the tags)."""
    behaviour_from_tags(tags, function=function)
