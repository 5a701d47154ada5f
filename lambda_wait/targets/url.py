"""The wait target for a function URL: its config on the function or an alias, and,
for a public URL (AuthType NONE), the two resource-based permissions it needs.

Since October 2025 a public URL needs both ``lambda:InvokeFunctionUrl`` (with the
condition ``lambda:FunctionUrlAuthType`` NONE) and ``lambda:InvokeFunction`` (with
``lambda:InvokedViaFunctionUrl`` true) for principal ``*`` (AWS's "Control access to
Lambda function URLs"; fujiwara/lambroll#535). Without them the URL answers 403, so
the URL is not in place until both are. Read through ``LambdaApi.call`` (budgeted,
bounded by the run's Deadline, errors translated). Pure: no boto3, botocore, click
or rich.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from lambda_wait.errors import FunctionNotFoundError, UsageError
from lambda_wait.states import Assessment, Phase
from lambda_wait.targets.base import Row, ServingTarget, Span

# The statements a public URL needs (the console's and terraform's statement ids).
URL_SID = "FunctionURLAllowPublicAccess"
INVOKE_SID = "FunctionURLAllowInvokeAction"
PUBLIC_STATEMENTS: dict[str, dict[str, Any]] = {
    URL_SID: {"Action": "lambda:InvokeFunctionUrl", "FunctionUrlAuthType": "NONE"},
    INVOKE_SID: {"Action": "lambda:InvokeFunction", "InvokedViaFunctionUrl": True},
}


class UrlReader(Protocol):
    """What the target reads with: ``LambdaApi.call`` (the deploy's port has it too)."""

    def call(self, operation: str, **params: Any) -> dict[str, Any]: ...


def _params(name: str, qualifier: str | None) -> dict[str, Any]:
    return {"FunctionName": name, **({"Qualifier": qualifier} if qualifier else {})}


def read_url_config(reader: UrlReader, name: str, qualifier: str | None) -> dict[str, Any] | None:
    """GetFunctionUrlConfig; None when there is none (ResourceNotFoundException)."""
    try:
        return reader.call("get_function_url_config", **_params(name, qualifier))
    except FunctionNotFoundError:
        return None


def read_statements(reader: UrlReader, name: str, qualifier: str | None) -> list[dict[str, Any]]:
    """The resource-based policy's statements (GetPolicy; ResourceNotFound: none)."""
    try:
        policy = reader.call("get_policy", **_params(name, qualifier)).get("Policy")
    except FunctionNotFoundError:
        return []
    try:
        statements = json.loads(policy or "{}").get("Statement") or []
    except (ValueError, AttributeError):
        statements = []
    return [s for s in statements if isinstance(s, dict)]


def public_grants(statements: list[dict[str, Any]]) -> frozenset[str]:
    """Which of the public URL's statements are there, by what they allow (whoever
    added them): :data:`URL_SID` and/or :data:`INVOKE_SID`."""
    return frozenset(kind for s in statements for kind in _grants(s))


def _grants(statement: Mapping[str, Any]) -> list[str]:
    if statement.get("Effect", "Allow") != "Allow" or statement.get("Principal") not in (
        "*",
        {"AWS": "*"},
    ):
        return []
    condition = json.dumps(statement.get("Condition") or {}) + json.dumps(statement)
    if statement.get("Action") == "lambda:InvokeFunctionUrl" and "FunctionUrlAuthType" in condition:
        return [URL_SID]
    if statement.get("Action") == "lambda:InvokeFunction" and "InvokedViaFunctionUrl" in condition:
        return [INVOKE_SID]
    return []


@dataclass(frozen=True)
class UrlSnapshot:
    """One read of a function URL: its config and the public statements present."""

    url: str
    auth_type: str
    qualifier: str | None
    cors: Mapping[str, Any] | None
    invoke_mode: str | None
    grants: frozenset[str]  # URL_SID / INVOKE_SID found in the policy

    @classmethod
    def from_config(
        cls, doc: Mapping[str, Any], qualifier: str | None, grants: frozenset[str]
    ) -> UrlSnapshot:
        return cls(
            str(doc.get("FunctionUrl") or ""),
            str(doc.get("AuthType") or ""),
            qualifier,
            doc.get("Cors") or None,
            doc.get("InvokeMode"),
            grants,
        )

    @property
    def missing(self) -> list[str]:
        """The public statements a NONE URL still lacks (none for AWS_IAM)."""
        if self.auth_type != "NONE":
            return []
        return [sid for sid in PUBLIC_STATEMENTS if sid not in self.grants]

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "auth_type": self.auth_type,
            "qualifier": self.qualifier,
            "cors": dict(self.cors) if self.cors else None,
            "invoke_mode": self.invoke_mode,
            "public_permissions": sorted(self.grants),
            "missing_permissions": self.missing,
        }


def read_url(reader: UrlReader, name: str, qualifier: str | None) -> UrlSnapshot | None:
    """The URL of ``name`` (on ``qualifier``), or None: one request, two for NONE."""
    doc = read_url_config(reader, name, qualifier)
    if doc is None:
        return None
    auth = doc.get("AuthType")
    grants = (
        public_grants(read_statements(reader, name, qualifier)) if auth == "NONE" else frozenset()
    )
    return UrlSnapshot.from_config(doc, qualifier, grants)


def assess_url(snap: UrlSnapshot) -> Assessment:
    """Ready when the config is there and a public URL has both permissions."""
    if snap.missing:
        lacks = " and ".join(PUBLIC_STATEMENTS[sid]["Action"] for sid in snap.missing)
        return Assessment(
            Phase.IN_PROGRESS,
            f"function URL {snap.url} (NONE) lacks the permission for {lacks}: it answers 403",
            None,
        )
    return Assessment(Phase.READY, f"function URL {snap.url} ({snap.auth_type}) in place", None)


class UrlTarget(ServingTarget[UrlSnapshot]):
    """``wait --for url``; a row in ``status``; ``function_url`` in the JSON."""

    name = "function URL"
    json_key = "function_url"
    in_fleet_status = False  # one GetFunctionUrlConfig per function, no account listing
    for_choice = "url"
    for_help = (
        "the function URL (of --qualifier, if given) exists and, with AuthType NONE, both "
        "its public permissions are in place (exit 2 when there is none)"
    )

    def read(
        self, reader: UrlReader, function_name: str, qualifier: str | None
    ) -> UrlSnapshot | None:
        return read_url(reader, function_name, qualifier)

    def judge(self, snap: UrlSnapshot | None) -> Assessment | None:
        return None if snap is None else assess_url(snap)

    def change_key(self, snap: UrlSnapshot | None) -> object:
        return None if snap is None else (snap.url, snap.auth_type, snap.grants)

    def rows(self, snap: UrlSnapshot | None) -> list[Row]:
        if not snap:  # None: read, none there
            return [Row("URL", (Span("none", quiet=True),))]
        verdict = assess_url(snap)
        rows = [Row("URL", (Span(snap.url, verdict.phase), Span(f"  {snap.auth_type}")))]
        if snap.missing:
            rows.append(Row("  Verdict", (Span(verdict.summary),)))
        return rows

    def to_json(self, snap: UrlSnapshot | None) -> object:
        return None if snap is None else snap.to_dict()

    def missing(self, function_name: str, qualifier: str | None) -> UsageError:
        where = f"{function_name}:{qualifier}" if qualifier else function_name
        return UsageError(
            f"{where} has no function URL, so there is nothing to wait for with --for url",
            hint="Create one with deploy --function-url (and --alias for an alias's URL).",
        )


URL = UrlTarget()
