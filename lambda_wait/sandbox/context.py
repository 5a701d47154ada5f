"""What every handler shares: the per-function records, the scenario, the clock, moto.

Handlers run under :attr:`Context.lock`; they read the time once per request and
settle a record before looking at it. Answers that carry function configurations
go through :meth:`Context.patched`, which writes in the state the timeline says.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from lambda_wait.errors import UsageError
from lambda_wait.sandbox.calls import CallInfo
from lambda_wait.sandbox.cloudwatch import AlarmFlip, CloudWatch
from lambda_wait.sandbox.errors import ApiError, UnknownFunctionError
from lambda_wait.sandbox.routing import split_function_name
from lambda_wait.sandbox.scenario import Failure, Resolved, Scenario
from lambda_wait.sandbox.serving import MappingRecord
from lambda_wait.sandbox.shape import shape_config
from lambda_wait.sandbox.state import FunctionRecord, VersionRecord
from lambda_wait.sandbox.timeline import Op
from lambda_wait.sandbox.wsgi import Moto, Response, WSGIEnviron, error_response

ACCOUNT = "123456789012"  # the one account the sandbox (and moto) answer for


class Context:
    """The sandbox's state beyond moto's store, and the helpers handlers share."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        time_scale: float,
        clock: Callable[[], float],
        auto_create_roles: bool,
    ) -> None:
        self.scenario = scenario
        self.time_scale = time_scale
        self.clock = clock
        self.auto_create_roles = auto_create_roles
        self.lock = threading.RLock()
        self.records: dict[tuple[str, str], FunctionRecord] = {}
        self.mappings: dict[str, MappingRecord] = {}  # event source mappings by UUID
        self.moto = Moto()
        self.cloudwatch = CloudWatch(ACCOUNT)
        self.started = clock()

    def clear(self) -> None:
        """Forget every function, mapping and alarm flip (moto's store is reset separately)."""
        self.records.clear()
        self.mappings.clear()
        self.cloudwatch.clear()
        self.started = self.clock()
        for flip in self.scenario.alarms:
            self.schedule_alarm(flip)

    def schedule_alarm(self, flip: AlarmFlip) -> None:
        """Flip an alarm at the moment ``flip`` says (on the scaled clock)."""
        self.cloudwatch.schedule(flip, self.clock(), self.scaled(flip.after), self.started)

    # --- time and behaviour --------------------------------------------------------

    def scaled(self, seconds: float) -> float:
        """``seconds`` after the time scale."""
        return seconds * self.time_scale

    def behaviour(self, record: FunctionRecord) -> Resolved:
        """The scenario's and the tags' behaviour for a function, as of now."""
        return self.scenario.resolve(record.name, record.tags)

    def behaviour_of(self, region: str, name: str) -> Resolved:
        """The behaviour for function ``name`` (its tags count when the sandbox made it)."""
        record = self.record(region, name)
        return self.behaviour(record) if record is not None else self.scenario.resolve(name)

    def settle(self, record: FunctionRecord, now: float) -> None:
        """Apply the end of every operation of ``record`` whose end has passed."""
        record.settle(now, self.scaled(self.behaviour(record).timings.cooldown))

    # --- records -------------------------------------------------------------------

    def record(self, region: str, name: str | None) -> FunctionRecord | None:
        """The record of function ``name`` in ``region``, if the sandbox made it."""
        return self.records.get((region, name)) if name else None

    def require(self, name: str, region: str) -> FunctionRecord:
        """The record of ``name`` (a name or ARN); UnknownFunctionError when there is none."""
        fname, _ = split_function_name(name)
        record = self.records.get((region, fname))
        if record is None:
            raise UnknownFunctionError(fname, region)
        return record

    def register_version(
        self, record: FunctionRecord, config: Any, now: float, *, start: float
    ) -> bool:
        """Track a newly published version; False when it already existed (nothing new)."""
        version = str((config or {}).get("Version") or "")
        if not version or version == "$LATEST" or version in record.versions:
            return False  # PublishVersion with nothing changed returns the existing version
        behaviour = self.behaviour(record)
        record.publishes += 1
        failure: Failure | None = None
        if behaviour.publish is not None and behaviour.publish.applies(record.publishes):
            failure = behaviour.publish
        timings = behaviour.timings
        delay = timings.snapstart_publish if record.snapstart else timings.publish
        begin = max(start, now)
        record.versions[version] = VersionRecord(
            version, Op(now, begin + self.scaled(delay), failure), record.snapstart
        )
        return True

    # --- answering -----------------------------------------------------------------

    def apply(self, info: CallInfo, environ: WSGIEnviron) -> Response:
        """Forward the request to moto; the call is applied when moto accepts it."""
        resp = self.moto.forward(environ)
        info.applied = resp.ok
        return resp

    @staticmethod
    def reject(info: CallInfo, err: ApiError) -> Response:
        """Answer with ``err`` without reaching moto."""
        info.rejected = True
        return error_response(err)

    @staticmethod
    def invalid(info: CallInfo, exc: UsageError) -> Response:
        """Answer 400 InvalidParameterValueException with a usage error's message."""
        info.rejected = True
        return error_response(ApiError(400, "InvalidParameterValueException", exc.message))

    def not_found(self, info: CallInfo, region: str, name: str, qualifier: str = "") -> Response:
        """Lambda's 404 for a function (or a qualifier of it) that does not exist."""
        arn = f"arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"
        arn += f":{qualifier}" if qualifier else ""
        return self.reject(
            info, ApiError(404, "ResourceNotFoundException", f"Function not found: {arn}")
        )

    def lambda_get(
        self, environ: WSGIEnviron, path: str, region: str, *, query: str = ""
    ) -> Response:
        """A GET of the layer's own to moto's Lambda (never logged, never throttled)."""
        return self.moto.request(environ, "GET", path, query=query, region=region)

    def configuration(
        self, environ: WSGIEnviron, record: FunctionRecord, region: str, qualifier: str = ""
    ) -> Response:
        """moto's GetFunctionConfiguration of ``record`` (of ``qualifier`` if given)."""
        path = f"/2015-03-31/functions/{quote(record.name)}/configuration"
        query = urlencode({"Qualifier": qualifier}) if qualifier else ""
        return self.lambda_get(environ, path, region, query=query)

    def patched(self, resp: Response, region: str, now: float) -> Response:
        """``resp`` with every function configuration in it showing the timeline's state."""
        if not resp.ok:
            return resp
        data = resp.json()
        if not isinstance(data, dict):
            return resp
        configs: list[tuple[Any, bool]] = []
        if "Configuration" in data:
            configs.append((data["Configuration"], False))
        # AWS lists functions and versions without their state fields.
        configs.extend((c, True) for c in data.get("Functions") or [])
        configs.extend((c, True) for c in data.get("Versions") or [])
        if "FunctionName" in data and "Version" in data:
            configs.append((data, False))
        for config, listed in configs:
            if isinstance(config, dict):
                self._patch_config(config, region, now)
                record = self.records.get((region, str(config.get("FunctionName"))))
                empty_env = record is not None and record.environment_given
                shape_config(config, region, empty_environment=empty_env, listed=listed)
                if record is not None and record.file_systems:  # moto keeps none
                    config.setdefault("FileSystemConfigs", record.file_systems)
        if configs:
            resp.set_json(data)
        return resp

    def _patch_config(self, config: dict[str, Any], region: str, now: float) -> bool:
        record = self.records.get((region, str(config.get("FunctionName"))))
        if record is None:
            return False
        self.settle(record, now)
        version = str(config.get("Version") or "$LATEST")
        if version == "$LATEST":
            view = record.view(now)
        elif version in record.versions:
            view = record.versions[version].view(now)
        else:
            return False
        for key, value in view.items():
            if value is None:
                config.pop(key, None)
            else:
                config[key] = value
        if record.snapstart:
            config["SnapStart"] = {
                "ApplyOn": "PublishedVersions",
                "OptimizationStatus": "Off" if version == "$LATEST" else "On",
            }
        return True
