"""The wait target for the function's own state: State and LastUpdateStatus of
``$LATEST``, or of the published version or alias a qualifier names."""

from __future__ import annotations

from typing import Any, Protocol

from lambda_wait.inputs import FunctionRef, PollApi
from lambda_wait.states import Assessment, FunctionSnapshot, Target, assess

GET_FUNCTION = PollApi.GET_FUNCTION


class FunctionReader(Protocol):
    """The adapter's two reads of a function's configuration."""

    def get_function_configuration(
        self, name: str, qualifier: str | None = None
    ) -> dict[str, Any]: ...

    def get_function(self, name: str, qualifier: str | None = None) -> dict[str, Any]: ...


class FunctionStateTarget:
    """Reads GetFunctionConfiguration (or GetFunction, ``--poll-api``), judges with
    :func:`lambda_wait.states.assess` against a :class:`Target` rule; its rows are the
    head of every ``status`` block (``lambda_wait.ui.tables``), its JSON ``snapshot``."""

    name = "function state"
    json_key = "snapshot"

    def read(self, reader: FunctionReader, ref: FunctionRef, poll_api: PollApi) -> FunctionSnapshot:
        """One read of ``ref`` through the request budget."""
        if poll_api == GET_FUNCTION:
            doc = reader.get_function(ref.api_name, ref.qualifier)
        else:
            doc = reader.get_function_configuration(ref.api_name, ref.qualifier)
        return FunctionSnapshot.from_configuration(doc)

    def judge(self, snap: FunctionSnapshot, rule: Target = Target.READY) -> Assessment:
        return assess(snap, rule)

    def to_json(self, snap: FunctionSnapshot | None) -> object:
        return None if snap is None else snap.to_dict()


FUNCTION_STATE = FunctionStateTarget()
