"""What a deploy would change, field by field. Pure.

The desired configuration is in CreateFunction's request shape; the current one
is GetFunctionConfiguration's answer, which differs in places (Layers are
objects, VpcConfig carries a VpcId, LoggingConfig has defaults filled in, an
empty Description is absent...). A field differs only when the values asked for
differ from what Lambda reports; keys not asked for are left alone. Environment
variable values are never shown: only which names are added, changed or removed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lambda_wait.deploy.source import CodeSource
from lambda_wait.deploy.spec import DesiredFunction

MASK = "***"
_UNORDERED = frozenset({"SubnetIds", "SecurityGroupIds"})


@dataclass(frozen=True)
class FieldChange:
    """One configuration field that would change (values masked where secret)."""

    field: str
    old: Any
    new: Any

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "old": self.old, "new": self.new}

    def line(self) -> str:
        return f"{self.field}: {_show(self.old)} -> {_show(self.new)}"


@dataclass(frozen=True)
class CodeChange:
    """Whether the code would be updated, and why."""

    update: bool
    reason: str
    old_sha256: str | None = None
    new_sha256: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "update": self.update,
            "reason": self.reason,
            "old_code_sha256": self.old_sha256,
            "new_code_sha256": self.new_sha256,
        }


@dataclass(frozen=True)
class Plan:
    """The plan for one deploy: create, or which of code and configuration change."""

    action: str  # "create" or "update"
    code: CodeChange
    config_changes: tuple[FieldChange, ...] = ()
    config_update: dict[str, Any] = field(default_factory=dict, repr=False)  # never printed
    ignored_on_update: tuple[str, ...] = ()
    publish: bool = False
    alias: str | None = None
    # The routing weights the alias has now, which a plain move clears ({}: none).
    alias_weights: dict[str, float] = field(default_factory=dict)
    # What later steps will change besides the function (a function URL), as their
    # actions: counted by --detailed-exitcode.
    other_changes: tuple[str, ...] = ()

    @property
    def changes_anything(self) -> bool:
        return (
            self.action == "create"
            or self.code.update
            or bool(self.config_update)
            or bool(self.other_changes)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "code": self.code.to_dict(),
            "configuration": [change.to_dict() for change in self.config_changes],
            "configuration_fields": sorted(self.config_update),
            "ignored_on_update": list(self.ignored_on_update),
            "publish": self.publish,
            "alias": self.alias,
            "alias_weights_cleared": dict(self.alias_weights),
        }

    def lines(self) -> list[str]:
        """The plan for people, one line each."""
        if self.action == "create":
            shown = self.code.new_sha256 or self.code.reason
            if self.code.reason.startswith("image "):  # both the tag and its digest
                shown = self.code.reason
            out = [f"create the function (code {shown})"]
        else:
            out = []
            if self.code.update:
                out.append(f"update code: {self.code.reason}")
            else:
                out.append(f"code unchanged ({self.code.reason})")
            if self.config_changes:
                out.append(f"update configuration ({len(self.config_update)} field(s)):")
                out.extend(f"  {change.line()}" for change in self.config_changes)
            else:
                out.append("configuration unchanged")
            if self.ignored_on_update:
                out.append(
                    "not changed on an existing function (CreateFunction only): "
                    + ", ".join(self.ignored_on_update)
                )
        if self.publish:
            out.append(
                "publish a version" + (f" and point alias {self.alias} at it" if self.alias else "")
            )
        if self.alias_weights:
            shares = weights_text(self.alias_weights)
            out.append(f"clear alias {self.alias}'s routing weights ({shares})")
        out.extend(self.other_changes)
        return out


def weights_text(weights: Mapping[str, float]) -> str:
    """An alias's routing weights in words: ``50% on version 2``."""
    return ", ".join(f"{round(w * 100, 2):g}% on version {v}" for v, w in sorted(weights.items()))


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return value if value else '""'
    import json

    return json.dumps(value, sort_keys=True)


def _empty(value: Any) -> bool:
    return value is None or value in ("", [], {})


def current_value(key: str, current: Mapping[str, Any]) -> Any:
    """A field of GetFunctionConfiguration's answer, in CreateFunction's request shape."""
    value = current.get(key)
    if key == "Layers":
        return [layer.get("Arn") if isinstance(layer, dict) else layer for layer in value or []]
    if key == "ImageConfig":
        return (current.get("ImageConfigResponse") or {}).get("ImageConfig")
    if key == "Environment":
        return {"Variables": dict((value or {}).get("Variables") or {})}
    return value


def matches(desired: Any, current: Any, key: str = "") -> bool:  # noqa: PLR0911 -- one return per kind of field Lambda normalises
    """True when ``current`` already has what ``desired`` asks for."""
    if key == "Variables":  # the whole set: a variable left out is removed
        return dict(desired or {}) == dict(current or {})
    if isinstance(desired, dict):
        if _empty(desired) and _empty(current):
            return True
        if current is not None and not isinstance(current, dict):
            return False
        cur = current or {}
        return all(matches(v, cur.get(k), k) for k, v in desired.items())
    if isinstance(desired, list):
        cur_list = list(current or [])
        if key in _UNORDERED:
            return sorted(map(str, desired)) == sorted(map(str, cur_list))
        return len(desired) == len(cur_list) and all(
            matches(d, c) for d, c in zip(desired, cur_list, strict=True)
        )
    if _empty(desired) and _empty(current):
        return True
    return bool(desired == current)


def _env_changes(
    desired: Mapping[str, str],
    current: Mapping[str, str],
    sources: Mapping[str, str] | None = None,
) -> list[FieldChange]:
    """Masked: a value is never shown; one from SSM or Secrets Manager shows where it
    comes from instead (``sources``: "(from ssm:/path/name)")."""
    changes: list[FieldChange] = []
    sources = sources or {}
    for name in sorted(set(desired) | set(current)):
        where = f"Environment.Variables.{name}"
        new = sources.get(name, MASK)
        if name not in current:
            changes.append(FieldChange(where, None, new))
        elif name not in desired:
            changes.append(FieldChange(where, MASK, None))
        elif desired[name] != current[name]:
            changes.append(FieldChange(where, MASK, new))
    return changes


def config_changes(
    desired: Mapping[str, Any],
    current: Mapping[str, Any],
    sources: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], list[FieldChange]]:
    """(UpdateFunctionConfiguration parameters for the differing fields, their changes)."""
    update: dict[str, Any] = {}
    changes: list[FieldChange] = []
    for key in sorted(desired):
        want = desired[key]
        have = current_value(key, current)
        if matches(want, have, key):
            continue
        update[key] = want
        if key == "Environment":
            want_vars = dict((want or {}).get("Variables") or {})
            have_vars = dict((have or {}).get("Variables") or {})
            env_lines = _env_changes(want_vars, have_vars, sources)
            for sub, value in (want or {}).items():  # e.g. a KMS key, not secret
                if sub != "Variables" and not matches(value, (have or {}).get(sub)):
                    env_lines.append(FieldChange(f"Environment.{sub}", None, value))
            changes.extend(env_lines or [FieldChange("Environment", None, None)])
        else:
            changes.append(FieldChange(key, have, want))
    return update, changes


def code_change(  # noqa: PLR0911 -- one return per code source against what is live
    source: CodeSource,
    current: Mapping[str, Any],
    *,
    current_image_uri: str | None = None,
    architectures: tuple[str, ...] | None = None,
    force: bool = False,
) -> CodeChange:
    """Decide whether UpdateFunctionCode is needed."""
    old = current.get("CodeSha256")
    if source.kind == "none":
        return CodeChange(False, "no code given: configuration only", old)
    arch_differs = architectures is not None and list(architectures) != list(
        current.get("Architectures") or ["x86_64"]
    )
    if current.get("PackageType", "Zip") != source.package_type:
        return CodeChange(
            True, f"package type {current.get('PackageType')} -> {source.package_type}", old
        )
    if force:
        return CodeChange(True, "--force", old, source.sha256)
    if arch_differs:
        return CodeChange(
            True,
            f"architectures {current.get('Architectures')} -> {list(architectures or ())}",
            old,
            source.sha256,
        )
    if source.image_given is not None:  # an ECR image resolved to its digest
        if source.sha256 == old or source.image_uri == current_image_uri:
            return CodeChange(False, source.label, old, source.sha256)
        was = current_image_uri or f"CodeSha256 {old}"
        return CodeChange(True, f"{source.label}, was {was}", old, source.sha256)
    if source.sha256 is not None:
        if source.sha256 == old:
            return CodeChange(False, f"CodeSha256 {old}", old, source.sha256)
        return CodeChange(True, f"CodeSha256 {old} -> {source.sha256}", old, source.sha256)
    if source.kind == "image":
        uri = source.image_uri or ""
        if "@sha256:" in uri and uri == current_image_uri:
            return CodeChange(False, f"image {uri}", old)
        if "@sha256:" in uri:
            return CodeChange(True, f"image {current_image_uri} -> {uri}", old)
        return CodeChange(True, f"image tag {uri} (a tag may point to a new image)", old)
    return CodeChange(True, f"{source.label} (an S3 object's digest is not known in advance)", old)


def make_plan(
    desired: DesiredFunction,
    current: Mapping[str, Any] | None,
    *,
    current_image_uri: str | None = None,
    force: bool = False,
    alias: str | None = None,
    alias_weights: Mapping[str, float] | None = None,
) -> Plan:
    """The plan for ``desired`` given the current configuration (None: does not exist);
    ``alias_weights``: the alias's routing weights now, which moving it clears."""
    publish = desired.publish or alias is not None
    if current is None:
        return Plan(
            "create",
            CodeChange(True, desired.code.label, None, desired.code.sha256),
            publish=publish,
            alias=alias,
        )
    code = code_change(
        desired.code,
        current,
        current_image_uri=current_image_uri,
        architectures=desired.architectures,
        force=force,
    )
    update, changes = config_changes(desired.config, current, desired.env_sources)
    ignored = tuple(sorted(k for k in desired.create_only if k not in ("PackageType",)))
    return Plan(
        "update",
        code,
        tuple(changes),
        update,
        ignored_on_update=ignored,
        publish=publish,
        alias=alias,
        alias_weights=dict(alias_weights or {}),
    )
