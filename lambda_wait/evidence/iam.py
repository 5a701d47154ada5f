"""IAM's typed reads: the execution role, whether it trusts Lambda, and whether it
allows the actions Lambda needs (IAM's policy simulation where the caller may run it,
else the role's own policies read and matched here)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import unquote

from lambda_wait.evidence.services import IAM, ServiceReads, listed

LAMBDA_PRINCIPAL = "lambda.amazonaws.com"
MAX_POLICIES = 10  # policies read when simulation is not allowed (2 requests each)


@dataclass(frozen=True)
class Role:
    name: str
    arn: str | None
    trusts_lambda: bool


class IamReads(ServiceReads):
    """GetRole, SimulatePrincipalPolicy, and the role's policies."""

    service = IAM

    def role(self, name: str) -> Role:
        """The role (raises not found when it does not exist)."""
        role = self._call("get_role", RoleName=name).get("Role") or {}
        document = _document(role.get("AssumeRolePolicyDocument"))
        return Role(name, role.get("Arn"), _trusts_lambda(document))

    def simulate(self, role_arn: str, actions: Sequence[str]) -> list[str]:
        """The actions of ``actions`` the role is not allowed (IAM's simulation)."""
        page = self._call(
            "simulate_principal_policy", PolicySourceArn=role_arn, ActionNames=list(actions)
        )
        return [
            str(r.get("EvalActionName"))
            for r in listed(page, "EvaluationResults")
            if r.get("EvalDecision") != "allowed"
        ]

    def policy_documents(self, name: str) -> list[dict[str, Any]]:
        """The role's inline and attached policies (the default versions), at most
        :data:`MAX_POLICIES` of them."""
        documents: list[dict[str, Any]] = []
        inline = self._call("list_role_policies", RoleName=name).get("PolicyNames") or []
        for policy in [p for p in inline if isinstance(p, str)][:MAX_POLICIES]:
            answer = self._call("get_role_policy", RoleName=name, PolicyName=policy)
            documents.append(_document(answer.get("PolicyDocument")))
        attached = listed(
            self._call("list_attached_role_policies", RoleName=name), "AttachedPolicies"
        )
        for entry in attached[: MAX_POLICIES - len(documents)]:
            arn = str(entry.get("PolicyArn"))
            meta = self._call("get_policy", PolicyArn=arn).get("Policy") or {}
            version = self._call(
                "get_policy_version", PolicyArn=arn, VersionId=str(meta.get("DefaultVersionId"))
            )
            documents.append(_document((version.get("PolicyVersion") or {}).get("Document")))
        return documents


def lacking(documents: Sequence[dict[str, Any]], actions: Sequence[str]) -> list[str]:
    """The actions no Allow statement of ``documents`` grants, or a Deny names (a
    reading, not IAM's evaluation: conditions, boundaries and SCPs are not weighed)."""
    allowed: set[str] = set()
    denied: set[str] = set()
    for document in documents:
        for statement in _statements(document):
            patterns = _strings(statement.get("Action"))
            hits = {a for a in actions if any(fnmatchcase(a.lower(), p.lower()) for p in patterns)}
            (allowed if statement.get("Effect") == "Allow" else denied).update(hits)
    return [a for a in actions if a not in allowed or a in denied]


def _trusts_lambda(document: dict[str, Any]) -> bool:
    for statement in _statements(document):
        principal = statement.get("Principal")
        services = _strings(principal.get("Service")) if isinstance(principal, dict) else []
        if (
            statement.get("Effect") == "Allow"
            and LAMBDA_PRINCIPAL in services
            and any(
                fnmatchcase("sts:assumerole", a.lower()) for a in _strings(statement.get("Action"))
            )
        ):
            return True
    return False


def _document(value: Any) -> dict[str, Any]:
    """A policy document: botocore decodes IAM's URL-encoded JSON; a raw one is read here."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        try:
            parsed = json.loads(unquote(value))
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return {}


def _statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    statements = document.get("Statement")
    if isinstance(statements, dict):
        return [statements]
    return [s for s in statements if isinstance(s, dict)] if isinstance(statements, list) else []


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
