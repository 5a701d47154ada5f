"""The create step: CreateFunction, then wait until Active.

A role created moments ago may not be usable by Lambda yet: IAM propagation can take
up to 15 minutes. Those refusals are retried with backoff for up to
``RetryPolicy.role_propagation_seconds``, never past --timeout, with one progress line a
minute (not one per attempt) and a summary when the role becomes usable.
"""

from __future__ import annotations

from functools import partial

from lambda_wait.deploy.model import (
    Aftermath,
    ConcurrentDeployError,
    Config,
    DeployFailedError,
    DeployTimeoutError,
    Step,
    StepStatus,
)
from lambda_wait.deploy.sender import Answer, Sender
from lambda_wait.deploy.spec import DesiredFunction
from lambda_wait.errors import ConflictError, InvalidRequestError
from lambda_wait.schedule import OperationKind

# InvalidParameterValueException texts Lambda gives while a new role propagates in IAM.
ROLE_PROPAGATION_MESSAGES = (
    "cannot be assumed by lambda",
    "execution role does not have permissions",
)


def role_propagating(message: str) -> bool:
    """Whether Lambda refused the create because the role has not propagated yet."""
    lowered = message.lower()
    return any(text in lowered for text in ROLE_PROPAGATION_MESSAGES)


def create_step(sender: Sender, desired: DesiredFunction) -> Step:
    """The plan's create step."""
    return Step(
        "create",
        "CreateFunction, then wait until Active",
        True,
        changed="created",
        live=_live,
        run=partial(create, sender, desired=desired),
    )


def _live(after: Aftermath) -> str:
    if isinstance(after.error, DeployFailedError):
        return (
            "The function was created but is in State Failed and cannot run: delete it "
            f"before re-running: {after.delete_command}"
        )
    return "Nothing was created."


def create(sender: Sender, step: Step, desired: DesiredFunction) -> None:
    """Create the function and wait until it is Active (DeployFailedError if it fails:
    the function then exists in State Failed, which the step records as ``left``)."""
    sender.ledger.begin(step)
    try:
        sender.wait_act_wait(
            step,
            lambda: _send(sender, step, desired),
            label="create",
            recent_create=True,
            kind=OperationKind.CREATE,  # a VPC create when the first answer shows subnets
        )
    except DeployFailedError:
        step.left = "created (State Failed)"
        raise
    sha = (sender.current or {}).get("CodeSha256")
    sender.ledger.end(step, StepStatus.APPLIED, f"created, CodeSha256 {sha}")


def _send(sender: Sender, step: Step, desired: DesiredFunction) -> Answer | None:
    request = desired.create_request()
    sha = desired.code.sha256
    clock, retry = sender.clock, sender.retry
    started = clock.now()
    remaining = sender.deadline.remaining()
    window = retry.role_propagation_seconds
    bounded_by_timeout = remaining is not None and remaining < window
    role_deadline = started + (window if remaining is None else min(window, remaining))
    last_note: float | None = None

    def exists(current: Config | None) -> bool:
        return current is not None and (sha is None or current.get("CodeSha256") == sha)

    attempt = 0
    while True:
        attempt += 1
        try:
            answer = sender.mutate(
                step,
                lambda: sender.api.create_function(**request),
                already_done=exists,
                conflict_is_final=True,
            )
        except InvalidRequestError as err:
            if not role_propagating(err.message):
                raise
            pause = retry.backoff(attempt, sender.rng, role=True)
            waited = clock.now() - started
            if clock.now() + pause > role_deadline:
                raise _role_refused(sender, err, waited, attempt, bounded_by_timeout) from None
            if last_note is None or clock.now() - last_note >= retry.role_note_every:
                last_note = clock.now()
                sender.ledger.note(step, _role_waiting(waited, role_deadline - clock.now()))
            clock.sleep(pause)
        except ConflictError as err:
            raise ConcurrentDeployError(
                f"function {sender.name} was created by someone else while this deploy "
                f"started ({err.message})",
                hint="Re-run deploy to update it.",
            ) from None
        else:
            if attempt > 1:
                sender.ledger.note(
                    step,
                    f"role usable after {clock.now() - started:.0f}s of IAM propagation "
                    f"({attempt} attempts)",
                )
            return answer


def _role_waiting(waited: float, left: float) -> str:
    """The one progress line a minute while IAM propagates the role."""
    if waited < 1:
        return (
            "role not usable yet (IAM propagation, which can take minutes); retrying for up "
            f"to {left / 60:.0f} min"
        )
    return f"role still not usable after {waited:.0f}s (IAM propagation); {left:.0f}s left"


def _role_refused(
    sender: Sender, err: InvalidRequestError, waited: float, attempts: int, by_timeout: bool
) -> Exception:
    """How a role that never became usable ends: the --timeout (3) or the window (2)."""
    tried = f"after {waited:.0f}s and {attempts} attempts"
    if by_timeout:
        return DeployTimeoutError(
            f"the deploy's --timeout ({sender.timeout:.0f}s) ran out while the role was "
            f"still not usable ({tried}; IAM propagation can take up to 15 minutes)",
            hint="Re-run deploy with a longer --timeout, or check the role's trust policy.",
        )
    return InvalidRequestError(
        f"{err.message} (still refused {tried} of retries for IAM propagation)",
        hint="Check the role's trust policy allows lambda.amazonaws.com to sts:AssumeRole, "
        "and its permissions.",
    )
