"""``versions --prune --keep N``: which published versions may be deleted. Pure.

Never ``$LATEST``; never a version an alias points at (its main version or one
in its RoutingConfig weights); never a version with provisioned concurrency;
never one of the ``keep`` newest published versions; never a version of a container
image whose digest an alias serves (through another version).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from lambda_wait.errors import UsageError

LATEST = "$LATEST"


@dataclass(frozen=True)
class VersionRow:
    """One version as ``versions`` shows it."""

    version: str
    aliases: tuple[str, ...] = ()
    provisioned: int = 0  # requested provisioned concurrency, 0 for none
    code_size: int | None = None
    last_modified: str | None = None
    description: str | None = None
    image_digest: str | None = None  # an Image version's digest (sha256:...)

    def to_dict(self) -> dict[str, object]:
        return {
            "version": self.version,
            "image_digest": self.image_digest,
            "aliases": list(self.aliases),
            "provisioned_concurrency": self.provisioned,
            "code_size": self.code_size,
            "last_modified": self.last_modified,
            "description": self.description,
        }


@dataclass(frozen=True)
class PruneSelection:
    """The versions to delete and, for every kept one, why it stays."""

    delete: tuple[str, ...]
    kept: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {"delete": list(self.delete), "kept": dict(self.kept)}


def _order(version: str) -> int:
    return int(version) if version.isdigit() else -1


def aliases_by_version(aliases: Mapping[str, Mapping[str, object]]) -> dict[str, list[str]]:
    """{version: [alias names]} from {alias: GetAlias-shaped answer}, weights included."""
    found: dict[str, list[str]] = {}
    for name, alias in sorted(aliases.items()):
        targets = [str(alias.get("FunctionVersion"))]
        routing = alias.get("RoutingConfig")
        if isinstance(routing, Mapping):
            weights = routing.get("AdditionalVersionWeights")
            if isinstance(weights, Mapping):
                targets.extend(str(v) for v in weights)
        for version in dict.fromkeys(targets):
            found.setdefault(version, []).append(name)
    return found


def image_digest(version: Mapping[str, object]) -> str | None:
    """An Image version's digest: Lambda's CodeSha256 of an image is its digest's hex."""
    sha = version.get("CodeSha256")
    if version.get("PackageType") != "Image" or not isinstance(sha, str) or not sha:
        return None
    return sha if sha.startswith("sha256:") else f"sha256:{sha}"


def short_digest(digest: str) -> str:
    """``sha256:`` and the first 12 hex digits, as docker shows an image id."""
    return digest[:19]


def served_images(
    digests: Mapping[str, str | None], in_use: Mapping[str, Iterable[str]]
) -> dict[str, list[str]]:
    """{version: why it stays} for the versions whose image an alias serves through
    another version: deleting them would not free the image, and a rollback may name them."""
    served: dict[str, list[str]] = {}
    for version, aliases in in_use.items():
        digest = digests.get(version)
        if digest:
            served.setdefault(digest, []).extend(aliases)
    kept: dict[str, list[str]] = {}
    for version, digest in digests.items():
        if digest in served and version not in in_use:
            names = ", ".join(dict.fromkeys(served[digest]))
            kept[version] = [f"{names} (serves the same image {short_digest(digest)})"]
    return kept


def select_prune(
    versions: Iterable[str],
    in_use: Mapping[str, Iterable[str]],
    provisioned: Iterable[str],
    keep: int,
) -> PruneSelection:
    """Choose what ``--prune --keep keep`` deletes.

    ``in_use`` maps a version to the aliases pointing at it; ``provisioned`` lists
    versions with provisioned concurrency.
    """
    if keep < 0:
        raise UsageError(f"invalid --keep {keep}: give 0 or more versions to keep.")
    published = sorted({v for v in versions if v != LATEST}, key=_order, reverse=True)
    with_pc = set(provisioned)
    kept: dict[str, str] = {}
    delete: list[str] = []
    for index, version in enumerate(published):
        users = list(in_use.get(version, ()))
        if users:
            kept[version] = f"alias {', '.join(users)}"
        elif version in with_pc:
            kept[version] = "provisioned concurrency"
        elif index < keep:
            kept[version] = f"one of the {keep} newest"
        elif not version.isdigit():
            kept[version] = "not a published version number"
        else:
            delete.append(version)
    return PruneSelection(tuple(sorted(delete, key=_order)), kept)
