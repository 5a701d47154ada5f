"""The sandbox's typed errors: an AWS error answer, and the control API's not-found."""

from __future__ import annotations

from dataclasses import dataclass

from lambda_wait.errors import UsageError


@dataclass(frozen=True)
class ApiError:
    """An error answer the layer gives instead of forwarding to moto."""

    status: int
    code: str
    message: str
    message_key: str = "message"
    typed: bool = True  # the body carries "Type" (AWS leaves it out of a few answers)


class UnknownFunctionError(UsageError):
    """The sandbox has no function of that name (the control API answers 404)."""

    def __init__(self, name: str, region: str) -> None:
        super().__init__(f"the sandbox has no function named {name!r} in {region}")
        self.name = name
        self.region = region
