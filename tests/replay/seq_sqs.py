"""Recorded SQS event source mapping sequences (test_lambda_integration_sqs.py).

The invocations these tests then wait for (log events, messages the function sends
on) are not control-plane answers and are not replayed: the sandbox runs no code.
"""

from __future__ import annotations

import json
from typing import Any

from tests.replay.driver import Replay, recorded

SQS = "test_lambda_integration_sqs.snapshot.json"
MAX_FIFO_BATCH = 10  # LocalStack's MAX_SQS_BATCH_SIZE_FIFO


def event_filter(test: str):  # type: ignore[no-untyped-def]
    """The filter is the recorded one (the test's parameter, as its answer shows it)."""
    answer = recorded(SQS, test)["create_event_source_mapping_response"]
    pattern: Any = answer["FilterCriteria"]["Filters"][0]["Pattern"]

    def replay(r: Replay) -> None:
        fn = r.name("lambda_func")
        r.create_fixture(None, fn)
        queue = r.queue()
        r.call(
            "create_event_source_mapping_response",
            "create_event_source_mapping",
            EventSourceArn=queue,
            FunctionName=fn,
            MaximumBatchingWindowInSeconds=1,
            FilterCriteria={"Filters": [{"Pattern": json.dumps(pattern)}]},
        )
        r.wait()

    return replay


def invalid_event_filter(pattern: str):  # type: ignore[no-untyped-def]
    def replay(r: Replay) -> None:
        fn = r.name("lambda_func")
        r.create_fixture(None, fn)
        r.call(
            "create_event_source_mapping_exception",
            "create_event_source_mapping",
            EventSourceArn=r.queue(),
            FunctionName=fn,
            MaximumBatchingWindowInSeconds=1,
            FilterCriteria={"Filters": [{"Pattern": pattern}]},
        )

    return replay


# test_sqs_invalid_event_filter's parameters, as the test sends them.
INVALID_FILTERS = {
    "None": json.dumps(None),
    "simple string": "simple string",
    "invalid_filter2": json.dumps({"eventSource": "aws:sqs"}),
    "invalid_filter3": json.dumps({"eventSource": []}),
}


def batch_size(size: int):  # type: ignore[no-untyped-def]
    def replay(r: Replay) -> None:
        destination = r.queue()
        fn = r.name("lambda_func")
        r.create_fixture(None, fn, Environment={"Variables": {"SQS_QUEUE_URL": destination}})
        r.call(
            "create-event-source-mapping-response",
            "create_event_source_mapping",
            EventSourceArn=r.queue(),
            FunctionName=fn,
            MaximumBatchingWindowInSeconds=2,  # LocalStack's value off AWS (the recording hides it)
            BatchSize=size,
        )
        r.wait()

    return replay


def batching_reserved_concurrency(r: Replay) -> None:
    destination = r.queue()
    fn = r.name("lambda_func")
    r.create_fixture(None, fn, Environment={"Variables": {"SQS_QUEUE_URL": destination}})
    r.call(
        "put_concurrency_resp",
        "put_function_concurrency",
        FunctionName=fn,
        ReservedConcurrentExecutions=2,
    )
    r.call(
        "create-event-source-mapping-response",
        "create_event_source_mapping",
        EventSourceArn=r.queue(),
        FunctionName=fn,
        MaximumBatchingWindowInSeconds=1,
        BatchSize=20,
        ScalingConfig={"MaximumConcurrency": 2},
    )
    r.wait()


def default_batch_size(r: Replay) -> None:
    fn = r.name("lambda_func")
    r.create_fixture(None, fn)
    made = r.call(
        "create-event-source-mapping",
        "create_event_source_mapping",
        EventSourceArn=r.queue(),
        FunctionName=fn,
    )
    r.wait()
    r.call(
        "invalid-update-event-source-mapping",
        "update_event_source_mapping",
        UUID=made["UUID"],
        FunctionName=fn,
        BatchSize=MAX_FIFO_BATCH + 1,
    )
    r.call(
        "invalid-create-event-source-mapping",
        "create_event_source_mapping",
        EventSourceArn=r.queue(),
        FunctionName=fn,
        BatchSize=MAX_FIFO_BATCH + 1,
    )
