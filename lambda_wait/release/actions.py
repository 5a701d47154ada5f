"""The release commands' use cases over :class:`ReleaseApi`: ``rollback``,
``versions`` (and its pruning) and ``init``. Each returns plain data the command
renders; bad input raises :class:`UsageError` before anything changes.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lambda_wait.clock import Clock
from lambda_wait.deploy.reading import check_output_file
from lambda_wait.deploy.stores import ImageTags, with_tag
from lambda_wait.errors import (
    AuthError,
    ExitCode,
    FunctionNotFoundError,
    LambdaWaitError,
    UsageError,
)
from lambda_wait.release.adapters import LambdaAlias
from lambda_wait.release.outcome import previous_version
from lambda_wait.release.patience import Limits, patiently
from lambda_wait.release.ports import ReleaseApi
from lambda_wait.release.prune import (
    LATEST,
    PruneSelection,
    VersionRow,
    aliases_by_version,
    image_digest,
    select_prune,
    served_images,
    short_digest,
)
from lambda_wait.release.record import AliasRecord
from lambda_wait.release.scaffold import referenced_names, spec_from_function
from lambda_wait.targets.url import UrlReader, read_url_config


@dataclass
class RollbackResult:
    """What ``rollback`` did (or, with --dry-run, would do)."""

    function: str
    alias: str
    from_version: str
    from_weights: dict[str, float]
    to_version: str
    dry_run: bool
    applied: bool = False
    live: str | None = None

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.READY

    @property
    def forward(self) -> str:
        """The version to go forward to again: the one that had weight, else the one left."""
        weighted = [v for v in self.from_weights if v != self.to_version]
        return weighted[0] if weighted else self.from_version

    def lines(self) -> list[str]:
        weights = "".join(f", {v} {round(w * 100)}%" for v, w in self.from_weights.items())
        was = f"{self.from_version}{weights}"
        if self.dry_run:
            return [
                f"{self.function}: would point {self.alias} at version {self.to_version} "
                f"(now {was}); nothing changed (--dry-run)"
            ]
        return [
            f"{self.function}: {self.alias} rolled back to version {self.to_version} (was {was})",
            f"now: {self.live}",
            f"to go forward again: {self.go_forward()}",
        ]

    def go_forward(self) -> str:
        return f"lambda-wait rollback {self.function} --alias {self.alias} --to {self.forward}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "function": self.function,
            "alias": self.alias,
            "from_version": self.from_version,
            "from_weights": dict(self.from_weights),
            "to_version": self.to_version,
            "dry_run": self.dry_run,
            "applied": self.applied,
            "live": self.live,
            "go_forward": None if self.dry_run else self.go_forward(),
        }


def rollback(
    api: ReleaseApi,
    function: str,
    alias: str,
    clock: Clock,
    *,
    to: str | None = None,
    dry_run: bool = False,
) -> RollbackResult:
    """Point ``alias`` back at the version that served it at 100% before (as the alias's
    record in AWS says; else the highest earlier version a gate did not reject), or
    ``to``, with no weights, and read it back. An alias left mid-shift (with weights)
    goes back to its main version. Conditional on the RevisionId read: someone else's
    change meanwhile is exit 9, never overwritten."""
    port = LambdaAlias(api, function, alias, clock)
    current = port.read()
    version, weights = current.version, dict(current.weights)
    record = AliasRecord.parse(current.description)
    if weights and to is None:
        target = version  # a shift stopped midway: drop the new version's share
    else:
        listed = patiently(
            lambda: api.list_versions(function),
            clock=clock,
            what="lambda:ListVersionsByFunction",
            patience=port.patience,
            limits=Limits(),
            rng=port.rng,
        )
        target = previous_version(
            [str(v.get("Version")) for v in listed],
            version,
            to=to,
            alias=f"alias {alias}",
            weighted=bool(weights),
            recorded=record.previous,
            rejected=record.rejected,
        )
    result = RollbackResult(function, alias, version, weights, target, dry_run)
    if dry_run:
        return result
    # The version left served at 100% before (unless only weights are dropped).
    kept = record if target == version else record.served(version)
    port.route(target, {}, rollback=True, description=kept.cleared(target).description())
    result.applied = True
    result.live = f"{alias} -> {target} (100%)"
    return result


@dataclass
class VersionsResult:
    """``versions``: every published version, and what pruning did or would do."""

    function: str
    rows: list[VersionRow]
    prune: PruneSelection | None = None
    keep: int | None = None
    dry_run: bool = False
    deleted: list[str] = field(default_factory=list)
    provisioned_known: bool = True

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.READY

    def table(self) -> list[list[str]]:
        """The table's cells, header first (an IMAGE DIGEST column for image functions)."""
        images = any(row.image_digest for row in self.rows)
        header = ["VERSION", "ALIASES", "PROVISIONED", "SIZE"]
        header += ["IMAGE DIGEST"] if images else []
        rows = [[*header, "LAST MODIFIED"]]
        for row in self.rows:
            cells = [
                row.version,
                ",".join(row.aliases) or "-",
                str(row.provisioned or "-") if self.provisioned_known else "?",
                str(row.code_size or "-"),
            ]
            cells += [short_digest(row.image_digest or "-")] if images else []
            rows.append([*cells, row.last_modified or "-"])
        return rows

    def lines(self, table: list[str] | None = None) -> list[str]:
        """The table (``table``: its lines fitted to a terminal; whole by default),
        then what pruning did or would do."""
        if table is None:
            cells = self.table()
            widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
            table = [
                "  ".join(
                    c.rjust(w) if i in (2, 3) else c.ljust(w)
                    for i, (c, w) in enumerate(zip(row, widths, strict=True))
                ).rstrip()
                for row in cells
            ]
        out = list(table)
        if self.prune is not None:
            doing = "would delete" if self.dry_run else "deleted"
            done = self.prune.delete if self.dry_run else tuple(self.deleted)
            out.append(
                f"prune --keep {self.keep}: {doing} {', '.join(done) or 'nothing'}"
                + (" (--dry-run: nothing changed)" if self.dry_run else "")
            )
            for version, why in self.prune.kept.items():
                out.append(f"  kept {version}: {why}")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "function": self.function,
            "versions": [row.to_dict() for row in self.rows],
            "provisioned_known": self.provisioned_known,
            "prune": None
            if self.prune is None
            else {
                **self.prune.to_dict(),
                "keep": self.keep,
                "dry_run": self.dry_run,
                "deleted": list(self.deleted),
            },
        }


def _provisioned(api: ReleaseApi, function: str) -> dict[str, int] | None:
    """{qualifier: requested provisioned concurrency} for every config of the function;
    None when Lambda would not say (then nothing may be pruned)."""
    try:
        configs = api.list_provisioned_concurrency_configs(function)
    except (AuthError, FunctionNotFoundError):
        raise
    except LambdaWaitError:
        return None
    found: dict[str, int] = {}
    for config in configs:
        qualifier = str(config.get("FunctionArn") or "").rsplit(":", 1)[-1]
        found[qualifier] = int(config.get("RequestedProvisionedConcurrentExecutions") or 0)
    return found


def versions(
    api: ReleaseApi,
    function: str,
    *,
    prune: bool = False,
    keep: int = 3,
    dry_run: bool = False,
) -> VersionsResult:
    """List the published versions; with ``prune``, delete the unused older ones."""
    if keep < 0:
        raise UsageError(f"invalid --keep {keep}: give 0 or more versions to keep.")
    listed = [v for v in api.list_versions(function) if v.get("Version") != LATEST]
    aliases = {str(a.get("Name")): a for a in api.list_aliases(function)}
    in_use = aliases_by_version(aliases)
    protected = {version: list(names) for version, names in in_use.items()}
    for name, alias in aliases.items():  # rollback's target, recorded by the alias: kept
        previous = AliasRecord.parse(alias.get("Description")).previous
        if previous:
            protected.setdefault(previous, []).append(f"{name}'s rollback target")
    known = _provisioned(api, function)
    provisioned = known or {}
    # An alias's provisioned concurrency lives on the version it points at.
    for name, alias in aliases.items():
        if provisioned.get(name):
            provisioned.setdefault(str(alias.get("FunctionVersion")), provisioned[name])
    rows = [
        VersionRow(
            str(v.get("Version")),
            tuple(in_use.get(str(v.get("Version")), ())),
            provisioned.get(str(v.get("Version")), 0),
            v.get("CodeSize"),
            v.get("LastModified"),
            v.get("Description") or None,
            image_digest(v),
        )
        for v in sorted(listed, key=lambda v: int(str(v.get("Version"))), reverse=True)
    ]
    result = VersionsResult(function, rows, provisioned_known=known is not None)
    digests = {row.version: row.image_digest for row in rows}
    for version, why in served_images(digests, in_use).items():  # the image an alias serves
        protected.setdefault(version, []).extend(why)
    if not prune:
        return result
    if known is None:
        raise LambdaWaitError(
            f"cannot read the provisioned concurrency of {function}, so no version can be "
            "pruned safely",
            hint="Grant lambda:ListProvisionedConcurrencyConfigs, then re-run.",
        )
    selection = select_prune(
        [row.version for row in rows], protected, [v for v, n in provisioned.items() if n], keep
    )
    result.prune, result.keep, result.dry_run = selection, keep, dry_run
    if dry_run:
        return result
    for version in selection.delete:
        api.delete_version(function, version)
        result.deleted.append(version)
    result.rows = [r for r in rows if r.version not in result.deleted]  # what is there now
    return result


@dataclass
class InitResult:
    """``init``: the spec written (or printed) and the code downloaded."""

    function: str
    spec: dict[str, Any]
    spec_file: str | None = None
    code_file: str | None = None
    placeholders: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.READY

    def text(self) -> str:
        return json.dumps(self.spec, indent=2) + "\n"

    def lines(self) -> list[str]:
        out = []
        if self.spec_file:
            out.append(f"{self.function}: spec written to {self.spec_file}")
        if self.code_file:
            out.append(f"code downloaded to {self.code_file}")
        if self.placeholders:
            out.append(
                "set these before `lambda-wait deploy --spec`: " + ", ".join(self.placeholders)
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "function": self.function,
            "spec": self.spec,
            "spec_file": self.spec_file,
            "code_file": self.code_file,
            "placeholders": list(self.placeholders),
        }


def init(
    api: ReleaseApi,
    function: str,
    *,
    spec_file: str | None = None,
    with_env_values: bool = False,
    download: str | None = None,
    urls: UrlReader | None = None,
    images: ImageTags | None = None,
) -> InitResult:
    """Build the spec of a live function; with ``download``, fetch its zip there too;
    with ``urls``, its function URL (on the function) as the spec's "FunctionUrl"; with
    ``images``, an image pinned by digest also names the tag it came from."""
    if spec_file is not None:
        check_output_file(Path(spec_file), f"--spec-file {spec_file}")
    answer = api.get_function(function)
    config = answer.get("Configuration") or {}
    name = str(config.get("FunctionName") or function)
    if config.get("PackageType") == "Image":
        uri = api.get_function_image_uri(function)
        if uri and images is not None:  # REPO@DIGEST -> REPO:TAG@DIGEST (its one tag)
            uri = with_tag(images, uri)
        answer = {**answer, "Code": {"ImageUri": uri}}
    zip_path: str | None = None
    code_file: str | None = None
    if download is not None:
        if config.get("PackageType") == "Image":
            raise UsageError(f"{name} is an image function: there is no zip to --download.")
        from lambda_wait.code_download import safe_file_stem
        from lambda_wait.writes import write_file

        target = Path(download) / f"{safe_file_stem(name)}.zip"  # never ../ from an answer
        data = api.download_code(function)  # checked: length, zip, CodeSha256
        write_file(target, data, private=False, what=str(target))
        code_file = str(target)
        base = Path(spec_file).resolve().parent if spec_file else Path.cwd()
        zip_path = os.path.relpath(target.resolve(), base)
    spec = spec_from_function(answer, with_env_values=with_env_values, zip_path=zip_path)
    url = None if urls is None else read_url_config(urls, function, None)
    if url:
        spec["FunctionUrl"] = {
            "AuthType": url.get("AuthType"),
            **({"Cors": url["Cors"]} if url.get("Cors") else {}),
        }
    variables = (spec.get("Environment") or {}).get("Variables") or {}
    result = InitResult(
        name,
        spec,
        code_file=code_file,
        placeholders=sorted(referenced_names(answer, variables) if with_env_values else variables),
    )
    if spec_file is not None:
        from lambda_wait.writes import write_file

        # Environment values are secrets: such a spec is 0600 whatever the umask.
        data = result.text().encode("utf-8")
        write_file(Path(spec_file), data, private=with_env_values, what=spec_file)
        result.spec_file = spec_file
    return result
