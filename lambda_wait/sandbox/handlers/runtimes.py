"""The runtime, refused as Lambda refuses it: a value outside its enum is a 400."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from lambda_wait.sandbox.errors import ApiError


@functools.cache
def _accepted() -> frozenset[str]:
    import botocore.session

    model = botocore.session.get_session().get_service_model("lambda")
    enum: list[str] = getattr(model.shape_for("Runtime"), "enum", [])
    return frozenset(enum)


def refused_runtime(request: Mapping[str, Any]) -> ApiError | None:
    """AWS's answer to a Runtime it does not know (moto takes any string), or None."""
    runtime = request.get("Runtime")
    if not isinstance(runtime, str) or runtime in _accepted():
        return None
    allowed = ", ".join(sorted(_accepted()))
    message = (
        f"Value {runtime} at 'runtime' failed to satisfy constraint: Member must satisfy "
        f"enum value set: [{allowed}] or be a valid ARN"
    )
    return ApiError(400, "InvalidParameterValueException", message)
