"""AWS's shape of Lambda's answers, where moto's differs (checked against recordings).

moto stores what it is told and answers in its own shape; real Lambda (the replay
suite's recordings, tests/replay) answers a little differently, and tools read
those differences. Everything here is a pure rewrite of a JSON answer:

- function configurations: one ``LastModified`` format (``...T12:00:00.000+0000``),
  ``LoggingConfig`` and ``RuntimeVersionConfig`` always present, an Environment
  given empty stays ``{"Variables": {}}``, no ``Layers: []``, a ``VpcConfig`` with
  ``VpcId`` and ``Ipv6AllowedForDualStack``;
- ``ListVersionsByFunction`` entries carry no state fields and no
  ``RuntimeVersionConfig`` (AWS lists versions without them);
- error bodies: ``{"Type": "User", "message": ...}``, ``Message`` for
  ``ResourceNotFoundException`` and none for ``ValidationException``.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from lambda_wait.sandbox.wsgi import Response

# Fields ListVersionsByFunction leaves out of each entry.
UNLISTED = (
    "State",
    "StateReason",
    "StateReasonCode",
    "LastUpdateStatus",
    "LastUpdateStatusReason",
    "LastUpdateStatusReasonCode",
    "RuntimeVersionConfig",
)
# moto's timestamps (2026-01-01T00:00:00.123456000Z or ...+00:00) -> Lambda's.
_MOTO_TIME = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(?:Z|\+00:?00)$")
# Error codes whose body names the text "Message" (the rest: "message").
CAPITAL_MESSAGE = frozenset({"ResourceNotFoundException"})
# Errors of the request's shape: no Type, no message in the body botocore exposes.
VALIDATION = "ValidationException"


def lambda_time(value: str) -> str:
    """``value`` in Lambda's LastModified format (unchanged when it already is)."""
    match = _MOTO_TIME.match(value)
    if match is None:
        return value
    millis = (match.group(2) or "0").ljust(3, "0")[:3]
    return f"{match.group(1)}.{millis}+0000"


def runtime_version_arn(region: str, runtime: str) -> str:
    """A stable runtime version ARN per runtime (AWS: one per runtime release)."""
    digest = hashlib.sha256(runtime.encode()).hexdigest()
    return f"arn:aws:lambda:{region}::runtime:{digest}"


def shape_config(
    config: dict[str, Any], region: str, *, empty_environment: bool, listed: bool
) -> None:
    """Rewrite one function configuration in place to AWS's shape."""
    if isinstance(config.get("LastModified"), str):
        config["LastModified"] = lambda_time(config["LastModified"])
    if config.get("Layers") == []:
        del config["Layers"]
    if empty_environment and "Environment" not in config:
        config["Environment"] = {"Variables": {}}
    vpc = config.get("VpcConfig")
    if isinstance(vpc, dict):  # AWS's fields of a VpcConfig, also once detached
        vpc.setdefault("Ipv6AllowedForDualStack", False)
        vpc.setdefault("VpcId", "")
    name = config.get("FunctionName")
    if "LoggingConfig" not in config and isinstance(name, str):
        config["LoggingConfig"] = {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"}
    runtime = config.get("Runtime")
    if isinstance(runtime, str) and "RuntimeVersionConfig" not in config:
        config["RuntimeVersionConfig"] = {"RuntimeVersionArn": runtime_version_arn(region, runtime)}
    if listed:
        for key in UNLISTED:
            config.pop(key, None)


def shape_error(resp: Response) -> Response:
    """An error answer's body as Lambda sends it (the x-amzn-ErrorType header stays)."""
    if resp.ok or resp.status >= 500 or resp.shaped:
        return resp
    code = resp.error_code
    data = resp.json()
    if not code or not isinstance(data, dict):
        return resp
    message = data.get("message", data.get("Message", data.get("errorMessage", "")))
    if code == VALIDATION:
        shaped: dict[str, Any] = {"message": message}
    else:
        key = "Message" if code in CAPITAL_MESSAGE else "message"
        shaped = {"Type": data.get("Type", "User"), key: message}
    for extra in ("Reason",):  # 429's Reason stays
        if extra in data:
            shaped[extra] = data[extra]
    if shaped != data:
        resp.set_json(shaped)
    return resp
