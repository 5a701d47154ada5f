"""Exit codes and the tool's own exceptions.

Every failure the tool can report is a :class:`LambdaWaitError` carrying the
exit code the CLI uses for it, so the mapping lives in one place.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The process exit codes; stable, documented in docs/exit-codes.md."""

    READY = 0
    FAILED = 1
    USAGE = 2
    TIMEOUT = 3
    NOT_FOUND = 4
    AUTH = 5
    COOLDOWN = 6
    INACTIVE = 7
    UNAVAILABLE = 8
    CONFLICT = 9
    ROLLED_BACK = 10
    CHANGES_PENDING = 11
    INTERNAL = 70
    INTERRUPTED = 130
    TERMINATED = 143

    @property
    def label(self) -> str:
        """Short machine-friendly name, as used in JSON output."""
        return _LABELS[self]


_LABELS: dict[ExitCode, str] = {
    ExitCode.READY: "ready",
    ExitCode.FAILED: "failed",
    ExitCode.USAGE: "usage",
    ExitCode.TIMEOUT: "timeout",
    ExitCode.NOT_FOUND: "not-found",
    ExitCode.AUTH: "auth",
    ExitCode.COOLDOWN: "cooldown",
    ExitCode.INACTIVE: "inactive",
    ExitCode.UNAVAILABLE: "unavailable",
    ExitCode.CONFLICT: "conflict",
    ExitCode.ROLLED_BACK: "rolled-back",
    ExitCode.CHANGES_PENDING: "changes-pending",
    ExitCode.INTERNAL: "internal-error",
    ExitCode.INTERRUPTED: "interrupted",
    ExitCode.TERMINATED: "terminated",
}

EXIT_CODE_MEANINGS: dict[ExitCode, str] = {
    ExitCode.READY: "ready: State Active and LastUpdateStatus Successful (or the target asked for)",
    ExitCode.FAILED: "failed: State Failed, or LastUpdateStatus Failed (previous version live)",
    ExitCode.USAGE: "usage or bad input: nothing was changed in AWS",
    ExitCode.TIMEOUT: "timed out while the function was still in progress",
    ExitCode.NOT_FOUND: "function (or qualifier) not found",
    ExitCode.AUTH: "credentials missing or invalid, or permission denied",
    ExitCode.COOLDOWN: "cooldown in effect: Lambda will not retry the network setup yet",
    ExitCode.INACTIVE: "inactive: idle function whose network was reclaimed (not asked to wake)",
    ExitCode.UNAVAILABLE: "AWS unavailable or throttled after retries",
    ExitCode.CONFLICT: "conflict: another deployment changed the function concurrently",
    ExitCode.ROLLED_BACK: "rolled back: a health gate failed during a traffic shift; the alias "
    "is back on the previous version",
    ExitCode.CHANGES_PENDING: "changes pending: deploy --dry-run --detailed-exitcode found "
    "something to change",
    ExitCode.INTERNAL: "internal error in lambda-wait (a bug: please report it)",
    ExitCode.INTERRUPTED: "interrupted (SIGINT / Ctrl-C)",
    ExitCode.TERMINATED: "terminated (SIGTERM)",
}

# With several functions the process exits with the worst outcome. Worst first:
# a human must act on the earlier ones; the later ones may clear by themselves.
SEVERITY: tuple[ExitCode, ...] = (
    ExitCode.INTERNAL,
    ExitCode.INTERRUPTED,
    ExitCode.TERMINATED,
    ExitCode.USAGE,
    ExitCode.AUTH,
    ExitCode.FAILED,
    ExitCode.ROLLED_BACK,
    ExitCode.CONFLICT,
    ExitCode.NOT_FOUND,
    ExitCode.UNAVAILABLE,
    ExitCode.COOLDOWN,
    ExitCode.TIMEOUT,
    ExitCode.INACTIVE,
    ExitCode.CHANGES_PENDING,
    ExitCode.READY,
)


def worst(codes: list[ExitCode] | tuple[ExitCode, ...]) -> ExitCode:
    """Return the most severe of ``codes`` (READY for an empty sequence)."""
    if not codes:
        return ExitCode.READY
    return min(codes, key=SEVERITY.index)


class LambdaWaitError(Exception):
    """Base of every error the tool raises on purpose; carries its exit code."""

    exit_code: ExitCode = ExitCode.FAILED

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        """The message and the hint, as the single line the CLI prints."""
        return f"{self.message} {self.hint}" if self.hint else self.message


class UsageError(LambdaWaitError):
    """Bad input: detected before any call to AWS."""

    exit_code = ExitCode.USAGE


class FunctionNotFoundError(LambdaWaitError):
    """Lambda answered ResourceNotFoundException."""

    exit_code = ExitCode.NOT_FOUND


class ProvisionedConfigNotFoundError(LambdaWaitError):
    """ProvisionedConcurrencyConfigNotFoundException: the qualifier exists, the config not."""

    exit_code = ExitCode.USAGE


class AuthError(LambdaWaitError):
    """No or invalid credentials, or the caller lacks a permission."""

    exit_code = ExitCode.AUTH


class AwsUnavailableError(LambdaWaitError):
    """Lambda could not be reached or kept failing (5xx, connection errors)."""

    exit_code = ExitCode.UNAVAILABLE


class DeadlineReachedError(AwsUnavailableError):
    """The run's --timeout ran out before a request could be sent or answered."""

    exit_code = ExitCode.TIMEOUT


class UnexpectedAnswerError(LambdaWaitError):
    """The service (or something between it and us: a proxy, a wrong endpoint) answered
    in a way Lambda does not: an unknown error code, an HTML page, a 404 that is not
    ResourceNotFound, a body that is not the document asked for. Not retried."""

    exit_code = ExitCode.UNAVAILABLE


class ThrottledError(AwsUnavailableError):
    """TooManyRequestsException; ``retry_after`` is Lambda's Retry-After in seconds."""

    def __init__(
        self, message: str, *, retry_after: float | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.retry_after = retry_after


class ConflictError(LambdaWaitError):
    """ResourceConflictException: the function is not ready, or already exists."""

    exit_code = ExitCode.CONFLICT


class RevisionMismatchError(ConflictError):
    """PreconditionFailedException: the RevisionId changed under us (a concurrent deploy)."""


class FunctionNotReadyError(LambdaWaitError):
    """Invoke refused: ResourceNotReadyException, CodeArtifactUserPendingException or
    SnapStartNotReadyException (expected when waking an Inactive function)."""

    exit_code = ExitCode.INACTIVE

    def __init__(self, message: str, *, code: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.code = code


class InvalidRequestError(LambdaWaitError):
    """Lambda rejected the request's parameters (InvalidParameterValueException & co)."""

    exit_code = ExitCode.USAGE


class Interrupted(LambdaWaitError):
    """SIGINT or SIGTERM arrived; exit_code is set per signal."""

    exit_code = ExitCode.INTERRUPTED
