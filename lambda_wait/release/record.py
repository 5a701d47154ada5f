"""What an alias remembers about its releases, kept in AWS: its Description. Pure.

``rollback`` must find the version that served the alias at 100% before the current
one, from any machine (a laptop after a CI release), after ``versions --prune``, and
never a version a gate rejected. The record lives in the alias's own Description:

- it is written by the same UpdateAlias that moves the alias, under the same
  RevisionId, so the record and the routing can never disagree (a tag would be a
  second call, and Lambda tags functions, not aliases);
- GetAlias returns it, which ``rollback`` reads anyway: no extra call or permission;
- it is per alias (``live`` and ``beta`` keep their own), and it survives pruning
  (``versions --prune`` keeps the version it names).

Format, appended to whatever description the alias had (kept as it was)::

    lambda-wait: previous=3 rejected=4,6

Descriptions hold 256 characters: the oldest rejected versions are dropped first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MARK = "lambda-wait:"
MAX_DESCRIPTION = 256
_RECORD = re.compile(r"\s*lambda-wait:\s*(?P<body>[^\n]*)$")


@dataclass(frozen=True)
class AliasRecord:
    """The version that served at 100% before the current one, and the rejected ones."""

    previous: str | None = None
    rejected: tuple[str, ...] = ()
    text: str = field(default="", compare=False)  # the rest of the description, kept

    @classmethod
    def parse(cls, description: object) -> AliasRecord:
        """From an alias's Description (anything else: an empty record)."""
        if not isinstance(description, str):
            return cls()
        found = _RECORD.search(description)
        if found is None:
            return cls(text=description)
        previous: str | None = None
        rejected: tuple[str, ...] = ()
        for part in found.group("body").split():
            key, _, value = part.partition("=")
            if key == "previous" and value.isdigit():
                previous = value
            elif key == "rejected":
                rejected = tuple(v for v in value.split(",") if v.isdigit())
        return cls(previous, rejected, description[: found.start()])

    def served(self, before: str) -> AliasRecord:
        """After a release completed: ``before`` served until now; whatever serves now
        is not rejected any more (a version released cleanly later)."""
        return AliasRecord(before, self.rejected, self.text)

    def cleared(self, version: str) -> AliasRecord:
        """``version`` now serves at 100%: it is no longer rejected."""
        kept = tuple(v for v in self.rejected if v != version)
        return AliasRecord(self.previous, kept, self.text)

    def reject(self, version: str) -> AliasRecord:
        """A gate rejected ``version``."""
        rejected = (*(v for v in self.rejected if v != version), version)
        return AliasRecord(self.previous, rejected, self.text)

    def description(self) -> str:
        """The Description to send (at most 256 characters)."""
        rejected = list(self.rejected)
        while True:
            parts = [MARK]
            if self.previous:
                parts.append(f"previous={self.previous}")
            if rejected:
                parts.append("rejected=" + ",".join(rejected))
            line = " ".join(parts)
            text = f"{self.text.rstrip()} {line}" if self.text.strip() else line
            if len(text) <= MAX_DESCRIPTION:
                return text
            if rejected:
                rejected.pop(0)
            else:  # the user's own text is too long: keep the record, cut the text
                return f"{self.text[: MAX_DESCRIPTION - len(line) - 1].rstrip()} {line}"
