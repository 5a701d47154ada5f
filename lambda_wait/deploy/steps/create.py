"""The create step: CreateFunction, then wait until Active.

A role created moments ago may not be usable by Lambda yet (IAM propagates it within
minutes): those refusals are retried with backoff for a bounded time.
"""

from __future__ import annotations

from lambda_wait.deploy.model import ConcurrentDeployError, Config, Step, StepStatus
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


def create(sender: Sender, step: Step, desired: DesiredFunction) -> None:
    """Create the function and wait until it is Active (DeployFailedError if it fails)."""
    sender.ledger.begin(step)
    sender.wait_act_wait(
        step,
        lambda: _send(sender, step, desired),
        label="create",
        recent_create=True,
        kind=OperationKind.CREATE,  # a VPC create when the first answer shows subnets
    )
    sha = (sender.current or {}).get("CodeSha256")
    sender.ledger.end(step, StepStatus.APPLIED, f"created, CodeSha256 {sha}")


def _send(sender: Sender, step: Step, desired: DesiredFunction) -> Answer | None:
    request = desired.create_request()
    sha = desired.code.sha256
    clock, retry = sender.clock, sender.retry
    remaining = sender.deadline.remaining()
    window = retry.role_propagation_seconds
    role_deadline = clock.now() + (window if remaining is None else min(window, remaining))

    def exists(current: Config | None) -> bool:
        return current is not None and (sha is None or current.get("CodeSha256") == sha)

    attempt = 0
    while True:
        attempt += 1
        try:
            return sender.mutate(
                step,
                lambda: sender.api.create_function(**request),
                already_done=exists,
                conflict_is_final=True,
            )
        except InvalidRequestError as err:
            if not role_propagating(err.message):
                raise
            pause = retry.backoff(attempt, sender.rng, role=True)
            if clock.now() + pause > role_deadline:
                waited = clock.now() - step.started_at if step.started_at else 0
                raise InvalidRequestError(
                    f"{err.message} (still refused after {waited:.0f}s of "
                    "retries for IAM propagation)",
                    hint="Check the role's trust policy allows lambda.amazonaws.com "
                    "to sts:AssumeRole, and its permissions.",
                ) from None
            sender.ledger.note(
                step, f"role not usable yet (IAM propagation); retrying in {pause:.1f}s"
            )
            clock.sleep(pause)
        except ConflictError as err:
            raise ConcurrentDeployError(
                f"function {sender.name} was created by someone else while this deploy "
                f"started ({err.message})",
                hint="Re-run deploy to update it.",
            ) from None
