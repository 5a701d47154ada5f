"""What an answer from Lambda must look like, checked before anything reasons about it.
Pure (no boto3, botocore, click or rich).

An answer that is not Lambda's (an unknown error code, an HTML page from a proxy, a
configuration whose ``State`` is 42) is :class:`UnexpectedAnswerError`: exit 8 with the
status and one line, at once, never a wait until ``--timeout`` and never exit 70.
"""

from __future__ import annotations

from typing import Any

from lambda_wait.aws_errors import first_line, iam_action
from lambda_wait.errors import UnexpectedAnswerError
from lambda_wait.untrusted import clean

# Fields the tool reasons about: a configuration whose value of one is not a string is
# not Lambda's answer (a proxy, a broken endpoint), never "a state not known yet".
_TEXT_FIELDS = (
    "FunctionName",
    "FunctionArn",
    "Version",
    "State",
    "StateReason",
    "StateReasonCode",
    "LastUpdateStatus",
    "LastUpdateStatusReason",
    "LastUpdateStatusReasonCode",
    "CodeSha256",
    "RevisionId",
    "PackageType",
    "LastModified",
)


def check_configuration(config: Any, operation: str) -> dict[str, Any]:
    """``config`` if it is a FunctionConfiguration document; else UnexpectedAnswerError
    naming the first thing wrong (exit 8 at once, not a wait until --timeout)."""
    action = iam_action(operation)
    if not isinstance(config, dict) or not config.get("FunctionName"):
        shown = "nothing" if not config else type(config).__name__
        raise UnexpectedAnswerError(
            f"Lambda's answer to {action} holds no function configuration (got {shown})",
            hint="Check --endpoint-url / AWS_ENDPOINT_URL and any proxy (HTTPS_PROXY).",
        )
    for key in _TEXT_FIELDS:
        value = config.get(key)
        if value is not None and not isinstance(value, str):
            raise UnexpectedAnswerError(
                f'Lambda\'s answer to {action} has "{key}": {first_line(repr(value), 40)}, '
                "not a string",
                hint="Not an answer Lambda gives: check --endpoint-url and any proxy.",
            )
    for key, value in config.items():  # AWS text reaches terminals and CI logs: cleaned
        if isinstance(value, str):
            config[key] = clean(value, single_line=True)
    return config
