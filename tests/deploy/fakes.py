"""A typed fake Lambda for the deploy steps: in memory, on a ManualClock.

``FakeLambda`` implements :class:`~lambda_wait.deploy.port.LambdaPort` (mypy checks it
like the real ``LambdaApi``). Changes are asynchronous as in Lambda: a create is
Pending and an update InProgress for ``settle`` seconds of the test clock, then
Active/Successful, or Failed when an outcome was queued with :meth:`fail_next`.
Faults are queued per operation with :meth:`inject`: raised before the request is
applied (a 429, a 409), or after it (the answer was lost). ``chaos``, when set, is
asked for a fault on every call, reads included (a stream of faults for a property test).
"""

from __future__ import annotations

import contextlib
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lambda_wait.anchor import ServerClock
from lambda_wait.clock import Deadline, ManualClock, past_deadline
from lambda_wait.deploy.package import code_sha256
from lambda_wait.deploy.port import LambdaPort
from lambda_wait.errors import (
    ConflictError,
    FunctionNotFoundError,
    InvalidRequestError,
    LambdaWaitError,
    RevisionMismatchError,
)

ROLE_NOT_READY = "The role defined for the function cannot be assumed by Lambda."
ARN = "arn:aws:lambda:us-east-1:123456789012:function:"


@dataclass
class Fault:
    error: LambdaWaitError
    applied: bool  # the request took effect before the error (a lost answer)


@dataclass
class Call:
    operation: str
    params: dict[str, Any]
    applied: bool
    error: str | None = None


@dataclass
class _Pending:
    until: float
    fail: str | None  # a reason code: the change ends Failed
    undo: dict[str, Any] = field(default_factory=dict)  # fields restored when an update fails


class FakeLambda:
    """An in-memory Lambda control plane for one test."""

    def __init__(self, clock: ManualClock, *, settle: float = 2.0) -> None:
        self.clock = clock
        self.settle = settle
        self.deadline: Deadline = Deadline.never(clock)
        self.server_clock = ServerClock()  # no Date headers: LastModified as given
        self.functions: dict[str, dict[str, Any]] = {}
        self.tags: dict[str, dict[str, str]] = {}  # function name -> its tags
        self.versions: dict[str, dict[str, dict[str, Any]]] = {}
        self.aliases: dict[tuple[str, str], dict[str, Any]] = {}
        self.calls: list[Call] = []
        self.role_ready_at: float | None = None  # CreateFunction refuses the role until then
        self._faults: dict[str, list[Fault]] = {}
        self._outcomes: list[str | None] = []
        self._pending: dict[tuple[str, str], _Pending] = {}
        self._revisions = itertools.count(1)
        self.provisioned: dict[tuple[str, str], dict[str, Any]] = {}
        self.reserved: dict[str, int] = {}
        self.unreserved: int | None = 1000
        self._allocation_failures: list[str] = []
        # Asked on every call (operation name) after the queued faults: a fault or None.
        self.chaos: Callable[[str], Fault | None] | None = None
        self._nothing_made = False  # the mutation being applied answered without a change
        # function URLs and resource-based policies, by (function, qualifier or "")
        self.urls: dict[tuple[str, str], dict[str, Any]] = {}
        self.policies: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}

    # --- test controls ---------------------------------------------------------------
    def inject(self, operation: str, error: LambdaWaitError, *, applied: bool = False) -> None:
        """The next ``operation`` call raises ``error`` (after applying it if ``applied``)."""
        self._faults.setdefault(operation, []).append(Fault(error, applied))

    def fail_next(self, reason_code: str) -> None:
        """The next change (create, update or publish) ends Failed with ``reason_code``."""
        self._outcomes.append(reason_code)

    def succeed_next(self) -> None:
        """The next change succeeds (to queue a failure for the one after it)."""
        self._outcomes.append(None)

    def add_function(self, name: str, **config: Any) -> dict[str, Any]:
        """A function that already exists, Active and Successful."""
        doc = {
            "FunctionName": name,
            "FunctionArn": ARN + name,
            "Version": "$LATEST",
            "State": "Active",
            "LastUpdateStatus": "Successful",
            "PackageType": "Zip",
            "MemorySize": 128,
            "Timeout": 3,
            "CodeSha256": "old-sha",
            "RevisionId": self._revision(),
            **config,
        }
        self.functions[name] = doc
        return doc

    def operations(self, *, mutating_only: bool = True) -> list[str]:
        reads = (
            "get_function",
            "get_alias",
            "get_function_image_uri",
            "get_provisioned_concurrency_config",
            "get_function_concurrency",
            "get_unreserved_concurrency",
            "list_event_source_mappings",
        )
        return [c.operation for c in self.calls if not (mutating_only and c.operation in reads)]

    # --- LambdaPort ------------------------------------------------------------------
    @property
    def region(self) -> str | None:
        return "us-east-1"

    def past_deadline(
        self, stop_at: float | None = None
    ) -> contextlib.AbstractContextManager[None]:
        return past_deadline(stop_at)

    def get_function(self, name: str, qualifier: str | None = None) -> dict[str, Any]:
        self._call("get_function", {"FunctionName": name, "Qualifier": qualifier})
        return {"Configuration": dict(self._config(name, qualifier))}

    def get_function_image_uri(self, name: str) -> str | None:
        self._call("get_function_image_uri", {"FunctionName": name})
        return None

    def get_alias(self, name: str, alias: str) -> dict[str, Any]:
        self._call("get_alias", {"FunctionName": name, "Name": alias})
        found = self.aliases.get((name, alias))
        if found is None:
            raise FunctionNotFoundError(f"alias {alias} of {name} not found")
        return dict(found)

    def create_function(self, **params: Any) -> dict[str, Any]:
        def apply() -> dict[str, Any]:
            name = params["FunctionName"]
            if name in self.functions:
                raise ConflictError(f"Function already exist: {name}")
            if self.role_ready_at is not None and self.clock.now() < self.role_ready_at:
                raise InvalidRequestError(ROLE_NOT_READY)
            config = {k: v for k, v in params.items() if k not in ("Code", "Tags", "Publish")}
            doc = {
                **config,
                "FunctionArn": ARN + name,
                "Version": "$LATEST",
                "State": "Pending",
                "StateReasonCode": "Creating",
                "CodeSha256": _sha(params["Code"]),
                "RevisionId": self._revision(),
            }
            self.functions[name] = doc
            self._start(name, "$LATEST")
            return dict(doc)

        return self._mutation("create_function", params, apply)

    def list_tags(self, arn: str) -> dict[str, str]:
        self._call("list_tags", {"Resource": arn})
        return dict(self.tags.get(arn.rsplit(":", 1)[-1], {}))

    def tag_resource(self, arn: str, tags: dict[str, str]) -> None:
        def apply() -> dict[str, Any]:
            self.tags.setdefault(arn.rsplit(":", 1)[-1], {}).update(tags)
            return {}

        self._mutation("tag_resource", {"Resource": arn, "Tags": tags}, apply)

    def delete_function(self, name: str) -> None:
        def apply() -> dict[str, Any]:
            self.functions.pop(name, None)
            return {}

        self._mutation("delete_function", {"FunctionName": name}, apply)

    def update_function_code(self, **params: Any) -> dict[str, Any]:
        def apply() -> dict[str, Any]:
            code: dict[str, Any] = {
                k: params[k] for k in ("ZipFile", "S3Bucket", "S3Key") if k in params
            }
            return self._update(params, {"CodeSha256": _sha(code)})

        return self._mutation("update_function_code", params, apply)

    def update_function_configuration(self, **params: Any) -> dict[str, Any]:
        def apply() -> dict[str, Any]:
            fields = {k: v for k, v in params.items() if k not in ("FunctionName", "RevisionId")}
            return self._update(params, fields)

        return self._mutation("update_function_configuration", params, apply)

    def publish_version(self, **params: Any) -> dict[str, Any]:
        def apply() -> dict[str, Any]:
            name = params["FunctionName"]
            latest = self._config(name, None)
            self._check_revision(latest, params)
            if params.get("CodeSha256") not in (None, latest["CodeSha256"]):
                raise InvalidRequestError("CodeSha256 does not match")
            versions = self.versions.setdefault(name, {})
            for number, doc in versions.items():  # $LATEST unchanged: the same version
                if doc["RevisionId"] == latest["RevisionId"]:
                    self._nothing_made = True  # as the sandbox logs it: not applied
                    return dict(doc, Version=number)
            number = str(len(versions) + 1)
            versions[number] = {**latest, "Version": number, "State": "Pending"}
            self._start(name, number)
            latest["RevisionId"] = versions[number]["RevisionId"] = self._revision()
            return dict(versions[number])

        return self._mutation("publish_version", params, apply)

    def create_alias(self, **params: Any) -> dict[str, Any]:
        def apply() -> dict[str, Any]:
            key = (params["FunctionName"], params["Name"])
            if key in self.aliases:
                raise ConflictError(f"Alias already exists: {params['Name']}")
            self.aliases[key] = {
                "Name": params["Name"],
                "FunctionVersion": params["FunctionVersion"],
                "RevisionId": self._revision(),
            }
            return dict(self.aliases[key])

        return self._mutation("create_alias", params, apply)

    def update_alias(self, **params: Any) -> dict[str, Any]:
        def apply() -> dict[str, Any]:
            alias = self.aliases[(params["FunctionName"], params["Name"])]
            self._check_revision(alias, params)
            alias.update(FunctionVersion=params["FunctionVersion"], RevisionId=self._revision())
            if "RoutingConfig" in params:  # as UpdateAlias: left out, the weights stay
                alias["RoutingConfig"] = dict(params["RoutingConfig"])
            return dict(alias)

        return self._mutation("update_alias", params, apply)

    # provisioned concurrency: allocations take ``settle`` seconds, then READY (or
    # FAILED with the reason queued by :meth:`fail_allocation`).
    def fail_allocation(self, reason: str) -> None:
        self._allocation_failures.append(reason)

    def get_provisioned_concurrency_config(
        self, name: str, qualifier: str
    ) -> dict[str, Any] | None:
        self._call(
            "get_provisioned_concurrency_config", {"FunctionName": name, "Qualifier": qualifier}
        )
        found = self.provisioned.get((name, qualifier))
        if found is None:
            return None
        if found["Status"] == "IN_PROGRESS" and self.clock.now() >= found["_until"]:
            fail = found.pop("_fail")
            count = found["RequestedProvisionedConcurrentExecutions"]
            found.update(
                Status="FAILED" if fail else "READY",
                AllocatedProvisionedConcurrentExecutions=0 if fail else count,
                AvailableProvisionedConcurrentExecutions=0 if fail else count,
                **({"StatusReason": fail} if fail else {}),
            )
        return {k: v for k, v in found.items() if not k.startswith("_")}

    def put_provisioned_concurrency_config(
        self, name: str, qualifier: str, count: int
    ) -> dict[str, Any]:
        params = {
            "FunctionName": name,
            "Qualifier": qualifier,
            "ProvisionedConcurrentExecutions": count,
        }

        def apply() -> dict[str, Any]:
            fail = self._allocation_failures.pop(0) if self._allocation_failures else None
            self.provisioned[(name, qualifier)] = {
                "RequestedProvisionedConcurrentExecutions": count,
                "AllocatedProvisionedConcurrentExecutions": 0,
                "AvailableProvisionedConcurrentExecutions": 0,
                "Status": "IN_PROGRESS",
                "_until": self.clock.now() + self.settle,
                "_fail": fail,
            }
            return {"Status": "IN_PROGRESS", "RequestedProvisionedConcurrentExecutions": count}

        return self._mutation("put_provisioned_concurrency_config", params, apply)

    def delete_provisioned_concurrency_config(self, name: str, qualifier: str) -> None:
        params = {"FunctionName": name, "Qualifier": qualifier}
        self._mutation(
            "delete_provisioned_concurrency_config",
            params,
            lambda: (self.provisioned.pop((name, qualifier), None), {})[1],
        )

    def get_function_concurrency(self, name: str) -> int | None:
        self._call("get_function_concurrency", {"FunctionName": name})
        return self.reserved.get(name)

    def get_unreserved_concurrency(self) -> int | None:
        self._call("get_unreserved_concurrency", {})
        return self.unreserved

    def list_event_source_mappings(self, name: str) -> list[dict[str, Any]]:
        self._call("list_event_source_mappings", {"FunctionName": name})
        return []

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        """Function URLs and permissions (what LambdaApi.call sends for them)."""
        key = (str(params.get("FunctionName")), str(params.get("Qualifier") or ""))
        if operation.startswith("get_"):
            self._call(operation, params)
            found = self.urls.get(key) if operation == "get_function_url_config" else None
            if operation == "get_policy" and self.policies.get(key):
                statements = list(self.policies[key].values())
                found = {"Policy": json.dumps({"Statement": statements})}
            if found is None:
                raise FunctionNotFoundError(f"{key} has no {operation[4:]}")
            return dict(found)
        return self._mutation(operation, params, lambda: self._url_change(operation, key, params))

    def _url_change(
        self, operation: str, key: tuple[str, str], params: dict[str, Any]
    ) -> dict[str, Any]:
        if operation in ("create_function_url_config", "update_function_url_config"):
            doc = self.urls.setdefault(key, {"FunctionUrl": f"https://{key[0]}.lambda-url.on.aws/"})
            doc.update({k: params[k] for k in ("AuthType", "Cors") if k in params})
            return dict(doc)
        if operation == "delete_function_url_config":
            self.urls.pop(key, None)
            return {}
        sid = str(params.get("StatementId"))
        if operation == "add_permission":
            fields = {k: v for k, v in params.items() if k not in ("FunctionName", "Qualifier")}
            self.policies.setdefault(key, {})[sid] = {"Sid": sid, "Effect": "Allow", **fields}
            return {"Statement": json.dumps(fields)}
        if operation == "remove_permission":
            self.policies.get(key, {}).pop(sid, None)
            return {}
        raise AssertionError(f"FakeLambda.call does not know {operation}")

    # --- the simulation ----------------------------------------------------------------
    def _call(self, operation: str, params: dict[str, Any]) -> None:
        call = Call(operation, params, applied=False)
        self.calls.append(call)
        self._settle()
        fault = self.chaos(operation) if self.chaos is not None else None
        if fault is not None:  # a read has no effect: applied or not, it only fails
            call.error = type(fault.error).__name__
            raise fault.error

    def _mutation(self, operation: str, params: dict[str, Any], apply: Any) -> dict[str, Any]:
        self._settle()
        call = Call(operation, dict(params), applied=False)
        self.calls.append(call)
        queue = self._faults.get(operation) or []
        fault = queue.pop(0) if queue else None
        if fault is None and self.chaos is not None:
            fault = self.chaos(operation)
        if fault is not None and not fault.applied:
            call.error = type(fault.error).__name__
            raise fault.error
        self._nothing_made = False
        try:
            answer: dict[str, Any] = apply()
        except LambdaWaitError as err:
            call.error = type(err).__name__
            raise
        call.applied = not self._nothing_made
        if fault is not None:
            call.error = type(fault.error).__name__
            raise fault.error
        return answer

    def _update(self, params: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
        name = params["FunctionName"]
        doc = self._config(name, None)
        if doc.get("LastUpdateStatus") == "InProgress" or doc.get("State") == "Pending":
            raise ConflictError(f"The operation cannot be performed at this time: {name} busy")
        self._check_revision(doc, params)
        undo = {key: doc.get(key) for key in fields}
        doc.update(fields)
        doc.update(LastUpdateStatus="InProgress", RevisionId=self._revision())
        for key in ("LastUpdateStatusReason", "LastUpdateStatusReasonCode"):
            doc.pop(key, None)
        self._start(name, "$LATEST", undo)
        return dict(doc)

    def _start(self, name: str, version: str, undo: dict[str, Any] | None = None) -> None:
        fail = self._outcomes.pop(0) if self._outcomes else None
        self._pending[(name, version)] = _Pending(self.clock.now() + self.settle, fail, undo or {})

    def _settle(self) -> None:
        now = self.clock.now()
        for (name, version), pending in list(self._pending.items()):
            if now < pending.until:
                continue
            del self._pending[(name, version)]
            doc = self._config(name, version if version != "$LATEST" else None, settle=False)
            if doc.get("State") == "Pending":  # a create or a new version
                if pending.fail:
                    doc.update(State="Failed", StateReasonCode=pending.fail, StateReason="boom")
                else:
                    doc.update(State="Active", LastUpdateStatus="Successful")
                    doc.pop("StateReasonCode", None)
            elif pending.fail:  # a failed update: the previous code and configuration stay
                doc.update(pending.undo)
                doc.update(
                    LastUpdateStatus="Failed",
                    LastUpdateStatusReasonCode=pending.fail,
                    LastUpdateStatusReason="boom",
                )
            else:
                doc["LastUpdateStatus"] = "Successful"

    def _config(self, name: str, qualifier: str | None, *, settle: bool = True) -> dict[str, Any]:
        if settle:
            self._settle()
        if name not in self.functions:
            raise FunctionNotFoundError(f"Function not found: {ARN}{name}")
        if qualifier in (None, "$LATEST"):
            return self.functions[name]
        alias = self.aliases.get((name, str(qualifier)))
        if alias is not None:  # an alias reads as the version it points to
            qualifier = alias["FunctionVersion"]
        version = self.versions.get(name, {}).get(str(qualifier))
        if version is None:
            raise FunctionNotFoundError(f"Function not found: {ARN}{name}:{qualifier}")
        return version

    def _check_revision(self, doc: dict[str, Any], params: dict[str, Any]) -> None:
        given = params.get("RevisionId")
        if given is not None and given != doc.get("RevisionId"):
            raise RevisionMismatchError("RevisionId mismatch: the function changed meanwhile")

    def _revision(self) -> str:
        return f"rev-{next(self._revisions)}"


def _sha(code: dict[str, Any]) -> str:
    if code.get("ZipFile") is not None:
        return code_sha256(code["ZipFile"])
    return f"s3:{code.get('S3Bucket')}/{code.get('S3Key')}"


def _is_a_port(fake: FakeLambda) -> LambdaPort:
    return fake  # mypy checks this file (pyproject's [tool.mypy] files)
