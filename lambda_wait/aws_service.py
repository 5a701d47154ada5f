"""What the call path must know of one AWS service (:class:`Service`) and of the request
quotas it spends (:class:`Quota`): declared by each service's adapter, read by
:mod:`lambda_wait.aws_path`. Pure data."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lambda_wait.aws_errors import ServiceErrors

Answer = dict[str, Any]


@dataclass(frozen=True)
class Quota:
    """One of AWS's request quotas (per account and Region) and the rate, in requests a
    second, this process keeps to by default (well under AWS's: others share it)."""

    name: str
    rps: float


@dataclass(frozen=True)
class Service:
    """What the call path must know of one AWS service; its adapter declares it."""

    name: str  # botocore's ("lambda", "cloudwatch")
    errors: ServiceErrors
    quota: Quota  # what every operation counts against, unless ``quotas`` names another
    quotas: Mapping[str, Quota] = field(default_factory=dict)
    # The answer's shape, checked before anything reads it (UnexpectedAnswerError if bad).
    check: Callable[[str, Answer], None] | None = None
    # Answer fields passed on verbatim, never cleaned: a secret's value goes to Lambda as
    # it is (cleaning would cut or change it) and is masked wherever it could be shown.
    # Each is a path of keys ("Parameter", "Value").
    verbatim: tuple[tuple[str, ...], ...] = ()

    def quota_of(self, operation: str) -> Quota:
        return self.quotas.get(operation, self.quota)
