"""Environment values from SSM Parameter Store and Secrets Manager.

A value (in a spec's ``Environment.Variables``, an env file or ``--env``) may hold
``${ssm:/path/name}``, ``${secretsmanager:name}`` or ``${secretsmanager:name#json-key}``.
They are resolved at deploy time, before anything is sent to Lambda, through a
:class:`ValueSource` (the SSM and Secrets Manager adapters over the one call path);
each name is read once per deploy. The resolved values are secrets: the caller
registers them for masking, and the plan shows "(from ssm:/path/name)" instead.

Pure: no boto3, botocore, click or rich.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from lambda_wait.deploy.reading import check_environment
from lambda_wait.deploy.spec import DesiredFunction
from lambda_wait.errors import UsageError
from lambda_wait.release.scaffold import REFERENCES_TAG

MAX_TAG_VALUE = 256  # characters of a tag value
# ${ssm:NAME} or ${secretsmanager:NAME} / ${secretsmanager:NAME#KEY}; NAME has no "}".
REFERENCE = re.compile(r"\$\{(ssm|secretsmanager):([^}#]+)(?:#([^}]+))?\}")


@dataclass(frozen=True)
class Reference:
    """One ``${service:name[#key]}`` in an environment value."""

    service: str  # "ssm" or "secretsmanager"
    name: str
    key: str | None = None  # a JSON key of a Secrets Manager secret

    @property
    def label(self) -> str:
        """``ssm:/path/name`` or ``secretsmanager:name#key``: what the plan shows."""
        return f"{self.service}:{self.name}" + (f"#{self.key}" if self.key else "")


class ValueSource(Protocol):
    """Where references are read (the adapters in :mod:`lambda_wait.ssm` and
    :mod:`lambda_wait.secretsmanager`, behind :class:`AwsValues`)."""

    def parameter_value(self, name: str) -> str: ...

    def secret_string(self, name: str) -> str: ...


def references_in(value: str) -> list[Reference]:
    """Every reference in one value, in order."""
    if "${" not in value:
        return []
    return [Reference(m[1], m[2], m[3]) for m in REFERENCE.finditer(value)]


def sources_of(variables: Mapping[str, str]) -> dict[str, str]:
    """Per variable with references, what the plan shows instead of its value:
    ``(from ssm:/path/name)``."""
    shown: dict[str, str] = {}
    for name, value in variables.items():
        refs = references_in(str(value))
        if refs:
            shown[name] = "(from " + ", ".join(r.label for r in refs) + ")"
    return shown


class Resolver:
    """Resolves references through ``source``, each parameter or secret read once."""

    def __init__(self, source: ValueSource) -> None:
        self.source = source
        self._params: dict[str, str] = {}
        self._secrets: dict[str, str] = {}
        self.reads = 0  # requests sent (the cost reported in the docs)

    def value_of(self, ref: Reference, variable: str) -> str:
        """The value ``ref`` stands for; a missing JSON key is bad input (exit 2)."""
        if ref.service == "ssm":
            if ref.name not in self._params:
                self.reads += 1
                self._params[ref.name] = self.source.parameter_value(ref.name)
            return self._params[ref.name]
        if ref.name not in self._secrets:
            self.reads += 1
            self._secrets[ref.name] = self.source.secret_string(ref.name)
        text = self._secrets[ref.name]
        return text if ref.key is None else _json_key(text, ref, variable)

    def resolve(self, variables: Mapping[str, str]) -> dict[str, str]:
        """``variables`` with every reference replaced by what it stands for."""
        out: dict[str, str] = {}
        for name, value in variables.items():
            out[name] = self._resolve_one(name, str(value))
        return out

    def _resolve_one(self, variable: str, text: str) -> str:
        def sub(match: re.Match[str]) -> str:
            return self.value_of(Reference(match[1], match[2], match[3]), variable)

        return REFERENCE.sub(sub, text)


def _json_key(text: str, ref: Reference, variable: str) -> str:
    try:
        doc = json.loads(text)
    except ValueError:
        doc = None
    if not isinstance(doc, dict):
        raise UsageError(
            f"{variable}: ${{{ref.label}}} asks for key {ref.key!r}, but secret {ref.name} "
            "is not a JSON object; nothing was sent to Lambda.",
            hint=f"Drop #{ref.key} to use the whole secret, or store it as JSON.",
        )
    if ref.key not in doc:
        raise UsageError(
            f"{variable}: secret {ref.name} has no JSON key {ref.key!r} "
            f"(referenced as ${{{ref.label}}}); nothing was sent to Lambda.",
            hint="Fix the key after # (keys are case-sensitive), or add it to the secret.",
        )
    found = doc[ref.key]
    return found if isinstance(found, str) else json.dumps(found)


def resolve_desired(desired: DesiredFunction, source: ValueSource) -> DesiredFunction:
    """``desired`` with its environment's references resolved (unchanged when it has
    none: nothing is read). The resolved set is checked again (4 KB)."""
    environment = desired.config.get("Environment") or {}
    variables = dict(environment.get("Variables") or {})
    shown = sources_of(variables)
    if not shown:
        return desired
    resolved = Resolver(source).resolve(variables)
    check_environment(resolved)
    config = {**desired.config, "Environment": {**environment, "Variables": resolved}}
    # The names (never the values) go into a tag, so `init` will not write them back.
    names = " ".join(sorted(shown))
    tags = {**(desired.create_only.get("Tags") or {}), REFERENCES_TAG: names}
    if len(names) > MAX_TAG_VALUE:
        tags[REFERENCES_TAG] = "*"
    create_only = {**desired.create_only, "Tags": tags}
    return replace(desired, config=config, create_only=create_only, env_sources=shown)
