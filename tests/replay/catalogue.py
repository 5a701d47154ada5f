"""Which recorded tests are replayed, by which sequence, and what is left out (and why)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tests.replay import seq_aliases as al
from tests.replay import seq_concurrency as pc
from tests.replay import seq_versions as fv
from tests.replay.driver import Replay

API = "test_lambda_api.snapshot.json"
LAMBDA = "test_lambda.snapshot.json"
SQS = "test_lambda_integration_sqs.snapshot.json"


@dataclass(frozen=True)
class Recorded:
    """One recorded test and the sequence that replays it."""

    file: str
    test: str
    replay: Callable[[Replay], None]
    # Recorded keys that are not Lambda control-plane answers (nothing to replay).
    not_api: frozenset[str] = frozenset()


_INVOKES = frozenset(
    {
        "invocation_result_qualifier_v1",
        "invocation_result_qualifier_v1_arn",
        "invocation_result_qualifier_v1_after_update",
        "invocation_result_qualifier_v1_after_publish",
        "invocation_result_qualifier_v2",
    }
)

CATALOGUE: tuple[Recorded, ...] = (
    Recorded(API, "TestLambdaFunction::test_function_lifecycle", fv.function_lifecycle),
    Recorded(API, "TestLambdaFunction::test_redundant_updates", fv.redundant_updates),
    *(
        Recorded(
            API,
            f"TestLambdaFunction::test_ops_on_nonexisting_version[{op}]",
            fv.ops_on_nonexisting_version(op),
        )
        for op in ("get_function", "get_function_configuration")
    ),
    Recorded(
        API, "TestLambdaFunction::test_delete_on_nonexisting_version", fv.delete_on_nonexisting_version
    ),
    *(
        Recorded(
            API,
            f"TestLambdaFunction::test_ops_on_nonexisting_fn[{op}]",
            fv.ops_on_nonexisting_fn(op),
        )
        for op in ("delete_function", "get_function", "get_function_configuration")
    ),
    Recorded(
        API, "TestLambdaFunction::test_lambda_concurrent_code_updates", fv.concurrent_code_updates
    ),
    Recorded(
        API,
        "TestLambdaFunction::test_lambda_concurrent_config_updates",
        fv.concurrent_config_updates,
    ),
    Recorded(LAMBDA, "TestLambdaBaseFeatures::test_function_state", fv.function_state),
    Recorded(
        API, "TestLambdaVersions::test_publish_version_on_create", fv.publish_version_on_create
    ),
    Recorded(API, "TestLambdaVersions::test_version_lifecycle", fv.version_lifecycle),
    Recorded(API, "TestLambdaVersions::test_publish_with_wrong_sha256", fv.publish_with_wrong_sha256),
    Recorded(API, "TestLambdaVersions::test_publish_with_update", fv.publish_with_update),
    Recorded(API, "TestLambdaAlias::test_alias_lifecycle", al.alias_lifecycle),
    Recorded(
        API,
        "TestLambdaAlias::test_notfound_and_invalid_routingconfigs",
        al.notfound_and_invalid_routingconfigs,
    ),
    Recorded(API, "TestLambdaAlias::test_non_existent_alias_deletion", al.non_existent_alias_deletion),
    Recorded(API, "TestLambdaAlias::test_non_existent_alias_update", al.non_existent_alias_update),
    Recorded(API, "TestLambdaAlias::test_alias_naming", al.alias_naming),
    Recorded(
        LAMBDA, "TestLambdaAliases::test_lambda_alias_moving", al.alias_moving, not_api=_INVOKES
    ),
    Recorded(
        API,
        "TestLambdaProvisionedConcurrency::test_provisioned_concurrency_exceptions",
        pc.provisioned_concurrency_exceptions,
    ),
    Recorded(
        API,
        "TestLambdaProvisionedConcurrency::test_lambda_provisioned_lifecycle",
        pc.lambda_provisioned_lifecycle,
    ),
    Recorded(
        LAMBDA,
        "TestLambdaConcurrency::test_lambda_provisioned_concurrency_moves_with_alias",
        pc.provisioned_moves_with_alias,
    ),
    Recorded(
        LAMBDA,
        "TestLambdaConcurrency::test_provisioned_concurrency_init_failure",
        pc.provisioned_init_failure,
    ),
    Recorded(
        LAMBDA,
        "TestLambdaConcurrency::test_provisioned_concurrency_on_alias",
        pc.provisioned_on_alias,
    ),
    Recorded(
        API,
        "TestLambdaEventSourceMappings::test_event_source_mapping_exceptions",
        pc.event_source_mapping_exceptions,
    ),
    Recorded(
        SQS,
        "TestSQSEventSourceMapping::test_sqs_event_source_mapping_update",
        pc.sqs_mapping_update,
        not_api=frozenset({"events", "events_postupdate"}),
    ),
    Recorded(
        SQS, "TestSQSEventSourceMapping::test_duplicate_event_source_mappings", pc.duplicate_mappings
    ),
)
