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


# --- every other answer whose fields the tool reads (issue 13, class 3) -----------------
# A 200 whose body is not JSON, or is cut short, parses to an EMPTY answer in botocore
# (no error): each operation below says what its answer must hold, so an empty or
# garbled one is exit 8 naming the operation, never a wrong decision taken on nothing.

_HINT = "Not an answer Lambda gives: check --endpoint-url / AWS_ENDPOINT_URL and any proxy."
# Answers that are a function configuration (the new one after a change).
_CONFIGURATION_ANSWERS = frozenset(
    {"create_function", "update_function_code", "update_function_configuration", "publish_version"}
)
# Fields that must be there, and fields that must be strings when present.
_ALIAS = (("Name", "FunctionVersion"), ("AliasArn", "Name", "FunctionVersion", "RevisionId"))
_MAPPING = (("UUID",), ("UUID", "State", "StateTransitionReason", "EventSourceArn", "FunctionArn"))
_PROVISIONED = (("Status",), ("Status", "StatusReason", "FunctionArn", "LastModified"))
_DOCUMENTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "get_alias": _ALIAS,
    "create_alias": _ALIAS,
    "update_alias": _ALIAS,
    "get_provisioned_concurrency_config": _PROVISIONED,
    "put_provisioned_concurrency_config": _PROVISIONED,
}
# Paginated listings: the key of the page's items, and what each item must be.
_PAGES: dict[str, tuple[str, tuple[tuple[str, ...], tuple[str, ...]] | None]] = {
    "list_functions": ("Functions", None),  # None: a function configuration
    "list_versions_by_function": ("Versions", None),
    "list_aliases": ("Aliases", _ALIAS),
    "list_event_source_mappings": ("EventSourceMappings", _MAPPING),
    "list_provisioned_concurrency_configs": (
        "ProvisionedConcurrencyConfigs",
        ((), _PROVISIONED[1]),  # a listed config names its alias or version, no Status needed
    ),
}
# Kept as sent: the environment is compared with what the user asked for, never shown.
_UNCLEANED = frozenset({"Environment"})


def unexpected(operation: str, what: str) -> UnexpectedAnswerError:
    """Exit 8: ``operation``'s answer is not Lambda's (``what`` says how)."""
    return UnexpectedAnswerError(f"Lambda's answer to {iam_action(operation)} {what}", hint=_HINT)


def _check_document(
    doc: Any, operation: str, shape: tuple[tuple[str, ...], tuple[str, ...]], where: str = ""
) -> dict[str, Any]:
    required, text = shape
    if not isinstance(doc, dict):
        got = "nothing" if doc in (None, "", {}) else type(doc).__name__
        raise unexpected(operation, f"holds no document{where} (got {got})")
    for key in required:
        if not doc.get(key):
            raise unexpected(operation, f'lacks "{key}"{where} (an empty or cut-short body?)')
    for key in text:
        value = doc.get(key)
        if value is not None and not isinstance(value, str):
            raise unexpected(operation, f'has "{key}": {first_line(repr(value), 40)}, not a string')
    return doc


def check_answer(operation: str, answer: dict[str, Any]) -> dict[str, Any]:
    """``answer`` checked for what ``operation`` must return and with every string in it
    cleaned (:func:`clean_tree`); else UnexpectedAnswerError (exit 8) naming the operation.
    Operations whose fields the tool does not read pass as they are (cleaned)."""
    validate_answer(operation, answer)
    clean_tree(answer)
    return answer


def validate_answer(operation: str, answer: dict[str, Any]) -> None:
    """UnexpectedAnswerError (exit 8) naming ``operation`` when ``answer`` lacks what it
    must hold (the call path cleans it afterwards, for every service)."""
    if operation in _CONFIGURATION_ANSWERS:
        check_configuration(answer, operation)
    elif operation in _DOCUMENTS:
        _check_document(answer, operation, _DOCUMENTS[operation])
    elif operation in _PAGES:
        key, shape = _PAGES[operation]
        items = answer.get(key)
        if not isinstance(items, list):
            got = "nothing" if items is None else type(items).__name__
            raise unexpected(operation, f'holds no "{key}" list (got {got})')
        for i, item in enumerate(items):
            if shape is None:
                check_configuration(item, operation)
            else:
                _check_document(item, operation, shape, f" in item {i}")
        marker = answer.get("NextMarker")
        if marker is not None and not isinstance(marker, str):
            raise unexpected(operation, f'has "NextMarker": {first_line(repr(marker), 40)}')
    elif operation == "list_tags":
        tags = answer.get("Tags")
        if tags is not None and not (
            isinstance(tags, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in tags.items())
        ):
            raise unexpected(operation, '"Tags" is not an object of strings')


def clean_tree(value: Any) -> Any:
    """``value`` with every string in it (keys too) cleaned onto one line, in place for
    dicts and lists; the ``Environment`` is left as sent (compared, never printed)."""
    if isinstance(value, str):
        return clean(value, single_line=True)
    if isinstance(value, list):
        value[:] = [clean_tree(item) for item in value]
    elif isinstance(value, dict):
        for key in list(value):
            item = value.pop(key)
            if key in _UNCLEANED:
                value[key] = item
            else:
                value[clean_tree(key) if isinstance(key, str) else key] = clean_tree(item)
    return value


class PageGuard:
    """Bounds a paginated listing: a marker seen before (a service that keeps answering
    the same page) or more than ``max_pages`` pages is exit 8, never a loop for ever."""

    def __init__(self, operation: str, max_pages: int = 1000) -> None:
        self.operation = operation
        self.max_pages = max_pages
        self._seen: set[str] = set()

    def next(self, marker: str | None) -> str | None:
        """The marker to send next (None: the listing is complete)."""
        if not marker:
            return None
        if marker in self._seen:
            raise unexpected(
                self.operation,
                f"repeats the page marker {first_line(repr(marker), 40)} "
                "(the listing would never end)",
            )
        self._seen.add(marker)
        if len(self._seen) >= self.max_pages:
            raise unexpected(self.operation, f"goes on past {self.max_pages} pages")
        return marker


def clean_except(answer: dict[str, Any], verbatim: tuple[tuple[str, ...], ...]) -> Any:
    """:func:`clean_tree` of ``answer`` but the values at the ``verbatim`` key paths,
    kept as they are (a secret's value: cleaning would cut or change it)."""
    kept = [(path, _at(answer, path, take=True)) for path in verbatim]
    cleaned = clean_tree(answer)
    for path, value in kept:
        parent = _at(cleaned, path[:-1]) if len(path) > 1 else cleaned
        if value is not None and isinstance(parent, dict):
            parent[path[-1]] = value
    return cleaned


def _at(node: Any, path: tuple[str, ...], *, take: bool = False) -> Any:
    """The value at ``path`` (None when absent); ``take`` removes it."""
    for key in path[:-1]:
        node = node.get(key) if isinstance(node, dict) else None
    if not isinstance(node, dict) or not path:
        return None
    return node.pop(path[-1], None) if take else node.get(path[-1])
