"""The function URL step: ``deploy --function-url`` creates or updates the URL config
on the function or on ``--alias`` (its Qualifier: the URL follows the alias, so a
rollback moves it too) only where it differs, and for AuthType NONE adds the two
public permissions (:mod:`lambda_wait.targets.url`); ``--no-function-url`` deletes the
config and the permissions this step adds. Every change goes through
:meth:`~lambda_wait.deploy.sender.Sender.mutate`; a URL config changes no function
state, so there is nothing to wait for between the calls.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from lambda_wait.deploy.model import Aftermath, Config, Step, StepStatus
from lambda_wait.deploy.reading import read_text
from lambda_wait.deploy.sender import Sender
from lambda_wait.errors import UsageError
from lambda_wait.targets.url import (
    PUBLIC_STATEMENTS,
    UrlSnapshot,
    public_grants,
    read_statements,
    read_url_config,
)

AUTH_TYPES = ("AWS_IAM", "NONE")


@dataclass(frozen=True)
class FunctionUrlRequest:
    """``--function-url [--function-url-auth A] [--function-url-cors FILE]``, or
    ``--no-function-url`` (``enabled`` False)."""

    enabled: bool
    auth: str = "AWS_IAM"
    cors: Mapping[str, Any] | None = None

    def differs(self, snap: UrlSnapshot) -> bool:
        """The config on Lambda is not what was asked for."""
        return snap.auth_type != self.auth or dict(snap.cors or {}) != dict(self.cors or {})


@dataclass
class UrlRecord:
    """What the step leaves for the result: the URL (None: none, or removed)."""

    url: str | None = None
    removed: bool = False


@dataclass(frozen=True)
class UrlPlan:
    """What the step will do, read before the deploy's first change."""

    request: FunctionUrlRequest
    qualifier: str | None
    current: UrlSnapshot | None
    sids: frozenset[str] = field(default_factory=frozenset)  # our statements present

    @property
    def changes(self) -> bool:
        """The step will send something (for --dry-run --detailed-exitcode)."""
        if not self.request.enabled:
            return self.current is not None or bool(self.sids)
        if self.current is None or self.request.differs(self.current):
            return True
        if self.request.auth == "NONE":
            return bool(self.current.missing)
        return bool(self.sids)

    @property
    def description(self) -> str:
        where = f"on {self.qualifier}" if self.qualifier else "on the function"
        if not self.request.enabled:
            if self.current is None and not self.sids:
                return f"no function URL {where}: nothing to remove"
            return f"DeleteFunctionUrlConfig {where} and RemovePermission of its public statements"
        if self.current is None:
            verb = f"CreateFunctionUrlConfig ({self.request.auth})"
        elif self.request.differs(self.current):
            verb = f"UpdateFunctionUrlConfig ({self.request.auth})"
        else:
            verb = "function URL config unchanged"
        if self.request.auth == "NONE":
            verb += "; AddPermission for the public statements it lacks"
        return f"{verb} {where}"


def plan_url(sender: Sender, request: FunctionUrlRequest, qualifier: str | None) -> UrlPlan:
    """Reads only (nothing there yet when the function or alias is new)."""
    exists = sender.current is not None
    current = None
    sids: frozenset[str] = frozenset()
    if exists:
        name = sender.name
        doc = sender.with_read_retries(lambda: read_url_config(sender.api, name, qualifier))
        statements = sender.with_read_retries(lambda: read_statements(sender.api, name, qualifier))
        sids = frozenset(str(s.get("Sid")) for s in statements) & set(PUBLIC_STATEMENTS)
        if doc is not None:
            current = UrlSnapshot.from_config(doc, qualifier, public_grants(statements))
    return UrlPlan(request, qualifier, current, sids)


def url_step(sender: Sender, plan: UrlPlan, record: UrlRecord) -> Step:
    """The plan's function URL step (after the alias step: the alias exists by then)."""
    return Step(
        "function-url",
        plan.description,
        True,
        changed="function URL",
        live=_live,
        run=partial(_run, sender, plan, record),
    )


def _live(after: Aftermath) -> str:
    return (
        "The function's code and configuration are deployed; its function URL may be "
        f"partly configured: `lambda-wait status {after.function}` shows it."
    )


def _run(sender: Sender, plan: UrlPlan, record: UrlRecord, step: Step) -> None:
    """Two reads (the config, the policy), then only the calls that change something."""
    sender.ledger.begin(step)
    name, qualifier = sender.name, plan.qualifier
    doc = sender.with_read_retries(lambda: read_url_config(sender.api, name, qualifier))
    statements = sender.with_read_retries(lambda: read_statements(sender.api, name, qualifier))
    ours = [str(s.get("Sid")) for s in statements if s.get("Sid") in PUBLIC_STATEMENTS]
    if not plan.request.enabled:
        removed = _remove(sender, step, qualifier, doc is not None, ours)
        record.removed = bool(removed)
        status = StepStatus.APPLIED if removed else StepStatus.SKIPPED
        sender.ledger.end(step, status, ", ".join(removed) if removed else "no function URL")
        return
    snap = None if doc is None else UrlSnapshot.from_config(doc, qualifier, frozenset())
    answer, done = _configure(sender, step, plan.request, qualifier, snap)
    if plan.request.auth == "NONE":
        done += _grant(sender, step, qualifier, public_grants(statements))
    else:  # an IAM URL keeps no public statement of ours
        done += _remove(sender, step, qualifier, False, ours)
    url = (answer or doc or {}).get("FunctionUrl")
    if url is None:  # a lost answer that was applied after all: read it
        url = (read_url_config(sender.api, name, qualifier) or {}).get("FunctionUrl")
    record.url = str(url) if url else None
    detail = f"{record.url} ({plan.request.auth})"
    if done:
        sender.ledger.end(step, StepStatus.APPLIED, f"{detail}: {', '.join(done)}")
    else:
        sender.ledger.end(step, StepStatus.SKIPPED, f"unchanged: {detail}")


def _params(sender: Sender, qualifier: str | None, **more: Any) -> dict[str, Any]:
    return {"FunctionName": sender.name, **({"Qualifier": qualifier} if qualifier else {}), **more}


def _configure(
    sender: Sender,
    step: Step,
    request: FunctionUrlRequest,
    qualifier: str | None,
    snap: UrlSnapshot | None,
) -> tuple[dict[str, Any] | None, list[str]]:
    """Create or update the config where it differs: (the answer, what was done)."""
    if snap is not None and not request.differs(snap):
        return None, []
    operation = "create_function_url_config" if snap is None else "update_function_url_config"
    params = _params(sender, qualifier, AuthType=request.auth)
    if request.cors is not None or (snap is not None and snap.cors):
        params["Cors"] = dict(request.cors or {})  # {} clears what is there

    def in_place(_current: Config | None) -> bool:
        now = read_url_config(sender.api, sender.name, qualifier)
        return now is not None and not request.differs(
            UrlSnapshot.from_config(now, qualifier, frozenset())
        )

    answer = sender.mutate(
        step, lambda: sender.api.call(operation, **params), already_done=in_place,
        conflict_is_final=True,
    )  # fmt: skip
    return answer, ["created" if snap is None else "updated"]


def _grant(sender: Sender, step: Step, qualifier: str | None, have: frozenset[str]) -> list[str]:
    """AddPermission for each public statement the policy lacks (``have``: those it has)."""
    name = sender.name
    added: list[str] = []
    for sid, shape in PUBLIC_STATEMENTS.items():
        if sid in have:
            continue
        params = _params(sender, qualifier, StatementId=sid, Principal="*", **shape)

        def granted(_current: Config | None, sid: str = sid) -> bool:
            return sid in public_grants(read_statements(sender.api, name, qualifier))

        sender.mutate(
            step, partial(sender.api.call, "add_permission", **params), already_done=granted,
            conflict_is_final=True,
        )  # fmt: skip
        added.append(f"allowed {shape['Action']}")
    return added


def _remove(
    sender: Sender, step: Step, qualifier: str | None, config: bool, sids: list[str]
) -> list[str]:
    """Delete the URL config (when ``config``) and the statements ``sids`` (ours)."""
    name = sender.name
    done: list[str] = []
    if config:
        sender.mutate(
            step,
            lambda: sender.api.call("delete_function_url_config", **_params(sender, qualifier)),
            already_done=lambda _c: read_url_config(sender.api, name, qualifier) is None,
        )
        done.append("URL config deleted")
    for sid in sids:

        def gone(_current: Config | None, sid: str = sid) -> bool:
            return all(s.get("Sid") != sid for s in read_statements(sender.api, name, qualifier))

        params = _params(sender, qualifier, StatementId=sid)
        sender.mutate(
            step, partial(sender.api.call, "remove_permission", **params), already_done=gone
        )
        done.append(f"removed {sid}")
    return done


CORS_KEYS = frozenset(
    {"AllowCredentials", "AllowHeaders", "AllowMethods", "AllowOrigins", "ExposeHeaders", "MaxAge"}
)


def url_request(
    enabled: bool | None, auth: str | None, cors_file: str | None
) -> FunctionUrlRequest | None:
    """The flags as a request; bad ones are exit 2 before anything is read."""
    if enabled is None:
        if auth or cors_file:
            given = "--function-url-auth" if auth else "--function-url-cors"
            raise UsageError(f"{given} goes with --function-url: add --function-url.")
        return None
    if not enabled:
        if auth or cors_file:
            raise UsageError("--no-function-url takes no --function-url-auth or -cors.")
        return FunctionUrlRequest(False)
    cors = None if cors_file is None else _read_cors(cors_file)
    return FunctionUrlRequest(True, auth or "AWS_IAM", cors)


def url_from_spec(doc: Any) -> FunctionUrlRequest:
    """A spec's ``"FunctionUrl": {"AuthType": "NONE", "Cors": {...}}`` (``init`` writes it)."""
    where = 'the spec\'s "FunctionUrl"'
    if not isinstance(doc, dict) or set(doc) - {"AuthType", "Cors"}:
        raise UsageError(f'{where} must be an object with "AuthType" and optionally "Cors".')
    auth = doc.get("AuthType", "AWS_IAM")
    if auth not in AUTH_TYPES:
        raise UsageError(f"{where}: AuthType must be AWS_IAM or NONE, not {auth!r}.")
    cors = doc.get("Cors")
    return FunctionUrlRequest(True, auth, None if cors is None else _check_cors(cors, where))


def _read_cors(path: str) -> dict[str, Any]:
    where = f"--function-url-cors {path}"
    try:
        doc = json.loads(read_text(Path(path).expanduser(), where))
    except ValueError as err:
        raise UsageError(f"{where}: not JSON ({err}).") from None
    return _check_cors(doc, where)


def _check_cors(doc: Any, where: str) -> dict[str, Any]:
    if not isinstance(doc, dict):
        raise UsageError(f'{where}: must be a JSON object such as {{"AllowOrigins": ["*"]}}.')
    unknown = sorted(set(doc) - CORS_KEYS)
    if unknown:
        raise UsageError(
            f"{where}: unknown key(s) {', '.join(unknown)}; CORS takes "
            f"{', '.join(sorted(CORS_KEYS))}."
        )
    return doc
