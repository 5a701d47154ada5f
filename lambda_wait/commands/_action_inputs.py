"""The GitHub Action's input translations: one input's text -> lambda-wait arguments.

Pure (json and shlex only); :mod:`lambda_wait.commands.action` lists which input
uses which.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from lambda_wait.errors import UsageError

Translate = Callable[[str, str], list[str]]  # (input name, value) -> arguments


# --- value parsers ------------------------------------------------------------------


def _items(value: str) -> list[str]:
    """A list input: one item per line or comma (GitHub inputs are strings)."""
    return [item.strip() for line in value.splitlines() for item in line.split(",") if item.strip()]


def _json(name: str, value: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError as err:
        raise UsageError(f"input {name}: not valid JSON ({err.msg}).") from None


def _json_object(name: str, value: str, example: str) -> dict[str, Any]:
    data = _json(name, value)
    if not isinstance(data, dict):
        raise UsageError(f"input {name}: expected a JSON object such as {example}.")
    return data


def boolean(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("true", "yes", "1", "on"):
        return True
    if lowered in ("false", "no", "0", "off", ""):
        return False
    raise UsageError(f"input {name}: expected true or false, got {value!r}.")


def _only_keys(name: str, data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    extra = sorted(set(data) - set(allowed))
    if extra:
        raise UsageError(
            f"input {name}: {', '.join(extra)} has no flag; put it in the spec file "
            f"(input spec, CreateFunction's request shape). Accepted here: {', '.join(allowed)}."
        )


# --- translations ------------------------------------------------------------------


def text(flag: str) -> Translate:
    return lambda name, value: [flag, value.strip()]


def switch(flag: str) -> Translate:
    return lambda name, value: [flag] if boolean(name, value) else []


def each(flag: str) -> Translate:
    return lambda name, value: [arg for item in _items(value) for arg in (flag, item)]


def function_url(name: str, value: str) -> list[str]:
    """``true``: --function-url; ``false``: --no-function-url (removes it)."""
    return ["--function-url" if boolean(name, value) else "--no-function-url"]


def function_names(name: str, value: str) -> list[str]:
    return [item for line in value.split() for item in line.split(",") if item]


def environment(name: str, value: str) -> list[str]:
    data = _json_object(name, value, '{"STAGE": "prod"}')
    if set(data) == {"Variables"} and isinstance(data["Variables"], dict):
        data = data["Variables"]  # CreateFunction's own shape is accepted too
    args: list[str] = []
    for key, val in data.items():
        if isinstance(val, dict | list) or val is None:
            raise UsageError(f"input {name}: the value of {key} must be a string or a number.")
        args += ["--env", f"{key}={_scalar(val)}"]
    return args


def tags(name: str, value: str) -> list[str]:
    data = _json_object(name, value, '{"team": "payments"}')
    return [arg for key, val in data.items() for arg in ("--tag", f"{key}={_scalar(val)}")]


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def vpc_config(name: str, value: str) -> list[str]:
    data = _json_object(name, value, '{"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}')
    _only_keys(name, data, ("SubnetIds", "SecurityGroupIds"))
    args: list[str] = []
    for key, flag in (("SubnetIds", "--subnet-id"), ("SecurityGroupIds", "--security-group-id")):
        ids = data.get(key, [])
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise UsageError(f"input {name}: {key} must be a list of strings.")
        args += [flag, ",".join(ids)] if ids else []
    return args


def one_field(key: str, flag: str, example: str) -> Translate:
    """A JSON object input with one meaningful field (``{"Mode": "Active"}``); a bare
    value is accepted too (``Active``)."""

    def translate(name: str, value: str) -> list[str]:
        stripped = value.strip()
        if not stripped.startswith("{"):
            return [flag, stripped]
        data = _json_object(name, stripped, example)
        _only_keys(name, data, (key,))
        if key not in data:
            raise UsageError(f"input {name}: expected {example}.")
        return [flag, _scalar(data[key])]

    return translate


def logging_config(name: str, value: str) -> list[str]:
    data = _json_object(name, value, '{"LogFormat": "JSON", "LogGroup": "/aws/lambda/fn"}')
    _only_keys(name, data, ("LogFormat", "LogGroup"))
    args = ["--log-format", str(data["LogFormat"])] if "LogFormat" in data else []
    return args + (["--log-group", str(data["LogGroup"])] if "LogGroup" in data else [])


def layers(name: str, value: str) -> list[str]:
    stripped = value.strip()
    layers = _json(name, stripped) if stripped.startswith("[") else _items(stripped)
    if not isinstance(layers, list) or not all(isinstance(i, str) for i in layers):
        raise UsageError(f"input {name}: expected a JSON list of layer version ARNs.")
    return [arg for layer in layers for arg in ("--layer", layer)]


def architectures(name: str, value: str) -> list[str]:
    stripped = value.strip()
    items = _json(name, stripped) if stripped.startswith("[") else _items(stripped)
    if not isinstance(items, list) or len(items) != 1:
        raise UsageError(f"input {name}: Lambda takes exactly one architecture (x86_64 or arm64).")
    return ["--architecture", str(items[0])]


def in_spec(field: str) -> Translate:
    def translate(name: str, value: str) -> list[str]:
        raise UsageError(
            f"input {name}: lambda-wait has no flag for {field}; put it in the spec file "
            "(input spec, CreateFunction's request shape)."
        )

    return translate


def revision_id(name: str, value: str) -> list[str]:
    raise UsageError(
        f"input {name} is not needed: lambda-wait passes the RevisionId it last read with "
        "every change, so a concurrent change is detected (exit 9). Remove the input."
    )


def nothing(name: str, value: str) -> list[str]:
    return []  # handled by build() (command, function-name, package-type, publish, extra-args)
