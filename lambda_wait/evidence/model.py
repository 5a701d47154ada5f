"""One piece of evidence: what a read showed, or which permission would show it. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lambda_wait.untrusted import clean

MAX_LINES = 12  # lines of one item shown under a failure (logs are capped further)


@dataclass(frozen=True)
class Evidence:
    """What one read (or a few reads of one source) showed about a failure.

    ``denied`` names the IAM action whose grant would show more (the read was refused);
    ``unread`` says why nothing was read (no time left, the service failed)."""

    kind: str  # "subnets", "enis", "role", "logs", "image", "kms", "efs"
    source: str  # the AWS action that showed it: "ec2:DescribeSubnets"
    summary: str
    lines: tuple[str, ...] = ()
    denied: str | None = None
    unread: str | None = None
    facts: tuple[tuple[str, Any], ...] = ()  # typed values for scripts (JSON only)

    @property
    def shown(self) -> tuple[str, ...]:
        """The lines people see: capped, each one cleaned onto one line."""
        kept = [clean(line, 300, single_line=True) for line in self.lines[:MAX_LINES]]
        if len(self.lines) > MAX_LINES:
            kept.append(f"... {len(self.lines) - MAX_LINES} more")
        return tuple(kept)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (docs/json-output.md: ``evidence``)."""
        return {
            "kind": self.kind,
            "source": self.source,
            "summary": self.summary,
            "lines": list(self.shown),
            "denied_permission": self.denied,
            "unread": self.unread,
            "facts": {key: value for key, value in self.facts},
        }


def denied(kind: str, action: str, what: str) -> Evidence:
    """A read the caller may not make: which permission would show ``what``."""
    return Evidence(
        kind,
        action,
        f"not read: {action} was denied",
        denied=action,
        unread=f"grant {action} to see {what}",
    )


def unread(kind: str, source: str, why: str) -> Evidence:
    """A read that did not happen or failed for another reason than a permission."""
    return Evidence(kind, source, f"not read: {why}", unread=why)


_DENIED_ACTION = re.compile(r"permission denied for ([a-z0-9-]+:[A-Za-z0-9]+)")


def denied_action(message: str) -> str:
    """The IAM action an AuthError's message names (the call path's wording)."""
    match = _DENIED_ACTION.search(message)
    return match.group(1) if match else "the read"
