"""Lambda's request shapes from botocore's model, checked offline (no request sent).

A sibling of :mod:`lambda_wait.aws` (the only other module that imports botocore):
the deploy spec is validated against the operation's input shape before any call.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from lambda_wait.errors import UsageError

_VALUE_IN_REPORT = re.compile(r", value: .*?, type")


@functools.cache
def _service_model() -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model("lambda")


def operation_members(operation: str) -> tuple[str, ...]:
    """The request keys of a Lambda operation (e.g. ``UpdateFunctionConfiguration``)."""
    return tuple(_service_model().operation_model(operation).input_shape.members)


def enum_values(shape: str) -> tuple[str, ...]:
    """The values of one of Lambda's enums (e.g. ``StateReasonCode``), offline."""
    return tuple(getattr(_service_model().shape_for(shape), "enum", None) or ())


def validate_request(operation: str, params: Mapping[str, Any], *, where: str) -> None:
    """Check ``params`` against the operation's input shape in botocore's model, offline.

    Unknown keys, wrong types and missing required keys raise one UsageError
    naming ``where`` (e.g. the spec file), before any request is sent.
    """
    import botocore.validate

    shape = _service_model().operation_model(operation).input_shape
    report = botocore.validate.ParamValidator().validate(dict(params), shape)
    if report.has_errors():
        lines = [line for line in report.generate_report().splitlines() if line.strip()]
        # Values are left out: a wrongly typed one may be a secret (an environment value).
        problems = "; ".join(_VALUE_IN_REPORT.sub(", type", line.strip()) for line in lines)
        raise UsageError(f"{where}: not a valid {operation} request: {problems}")


class BotocoreRequestModel:
    """Lambda's request shapes from botocore's model (for :mod:`lambda_wait.deploy.spec`)."""

    def validate(self, operation: str, params: Mapping[str, Any], *, where: str) -> None:
        validate_request(operation, params, where=where)

    def members(self, operation: str) -> tuple[str, ...]:
        return operation_members(operation)

    def runtimes(self) -> tuple[str, ...]:
        return enum_values("Runtime")
