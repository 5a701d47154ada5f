"""LastModified moves when an update is accepted, as in Lambda (moto keeps the create's)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from tests.sandbox.helpers import Manual

FORMAT = "%Y-%m-%dT%H:%M:%S.%f%z"


def test_update_sets_last_modified_to_when_it_was_accepted(
    manual: Callable[..., Manual],
) -> None:
    m = manual()
    m.handle.create_function("fn")
    m.advance(5)
    before = time.time()
    answer = m.lam.update_function_configuration(FunctionName="fn", Description="x")
    after = time.time()
    stamp = datetime.strptime(answer["LastModified"], FORMAT).timestamp()
    assert before - 0.001 <= stamp <= after + 0.001
    m.advance(1)
    assert m.config("fn")["LastModified"] == answer["LastModified"]  # while InProgress
    m.advance(5)
    assert m.config("fn")["LastModified"] == answer["LastModified"]  # and once settled
