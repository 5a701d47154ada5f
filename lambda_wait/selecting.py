"""Selecting functions by listing: ``--prefix`` and ``--tag`` (the use case behind
:func:`lambda_wait.api.select_functions` and the commands' selection)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lambda_wait.inputs import PollApi

if TYPE_CHECKING:
    from lambda_wait.aws import LambdaApi


@dataclass
class Selection:
    """The functions a listing selected, and the GetFunction answers read on the way."""

    names: list[str]
    listed: int = 0  # functions in the region before filtering
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)


def list_selection(
    api: LambdaApi,
    prefix: str | None,
    tags: Mapping[str, str | None] | None,
    poll_api: PollApi,
) -> Selection:
    """What :func:`lambda_wait.api.select_functions` selects, through ``api``."""
    listed = api.list_functions()
    names = sorted(
        {
            str(doc.get("FunctionName"))
            for doc in listed
            if doc.get("FunctionName") and str(doc["FunctionName"]).startswith(prefix or "")
        }
    )
    if not tags:
        return Selection(names, listed=len(listed))
    arns = {str(d.get("FunctionName")): str(d.get("FunctionArn") or "") for d in listed}
    selected: list[str] = []
    documents: dict[str, dict[str, Any]] = {}
    for name in names:
        if poll_api == PollApi.GET_FUNCTION:
            doc = api.get_function(name)
            found = dict(doc.get("Tags") or {})
        else:
            doc = None
            found = api.list_tags(arns.get(name) or name)
        if all(key in found and (want is None or found[key] == want) for key, want in tags.items()):
            selected.append(name)
            if doc is not None:
                documents[name] = doc
    return Selection(selected, listed=len(listed), documents=documents)
