"""Which recorded tests are replayed, by which sequence, and what is left out (and why)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tests.replay import seq_aliases as al
from tests.replay import seq_concurrency as pc
from tests.replay import seq_more as more
from tests.replay import seq_sqs as sqs
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

SNAPSTART_RUNTIMES = (
    "java11",
    "java17",
    "java21",
    "java25",
    "python3.12",
    "python3.13",
    "dotnet8",
    "dotnet10",
)

# test_sqs_event_filter's recorded parameter ids (two recordings per filter, old and new ids).
EVENT_FILTERS = (
    *(f"filter{i}-item_matching{i}-item_not_matching{i}" for i in (0, 1, 2, 3, 5, 6, 7)),
    "filter4-item_matching4-this is a test string",
    "single-filter",
    "or-filter",
    "and-filter",
    "exists-filter",
    "numeric-bigger",
    "numeric-smaller",
    "numeric-range",
    "numeric-prefix",
    "single",
    "or",
    "and",
    "exists",
    "valid-json-filter",
    "prefix",
)
_DYNAMODB = frozenset({"update_table_response"})  # DynamoDB's answer, not Lambda's

CATALOGUE: tuple[Recorded, ...] = (
    Recorded(API, "TestLambdaFunction::test_function_lifecycle", fv.function_lifecycle),
    Recorded(API, "TestLambdaFunction::test_redundant_updates", fv.redundant_updates),
    Recorded(API, "TestLambdaFunction::test_list_functions", fv.list_functions),
    Recorded(API, "TestLambdaFunction::test_vpc_config", fv.vpc_config),
    Recorded(
        API, "TestLambdaFunction::test_lambda_code_location_zipfile", fv.code_location_zipfile
    ),
    Recorded(API, "TestLambdaFunction::test_lambda_code_location_s3", fv.code_location_s3),
    Recorded(
        API, "TestLambdaFunction::test_lambda_code_location_s3_errors", fv.code_location_s3_errors
    ),
    *(
        Recorded(
            API,
            f"TestLambdaFunction::test_ops_on_nonexisting_version[{op}]",
            fv.ops_on_nonexisting_version(op),
        )
        for op in ("get_function", "get_function_configuration")
    ),
    Recorded(
        API,
        "TestLambdaFunction::test_delete_on_nonexisting_version",
        fv.delete_on_nonexisting_version,
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
    Recorded(LAMBDA, "TestLambdaCleanup::test_recreate_function", fv.recreate_function),
    Recorded(
        API, "TestLambdaVersions::test_publish_version_on_create", fv.publish_version_on_create
    ),
    Recorded(API, "TestLambdaVersions::test_version_lifecycle", fv.version_lifecycle),
    Recorded(
        API, "TestLambdaVersions::test_publish_with_wrong_sha256", fv.publish_with_wrong_sha256
    ),
    Recorded(API, "TestLambdaVersions::test_publish_with_update", fv.publish_with_update),
    Recorded(API, "TestLambdaAlias::test_alias_lifecycle", al.alias_lifecycle),
    Recorded(
        API,
        "TestLambdaAlias::test_notfound_and_invalid_routingconfigs",
        al.notfound_and_invalid_routingconfigs,
    ),
    Recorded(
        API, "TestLambdaAlias::test_non_existent_alias_deletion", al.non_existent_alias_deletion
    ),
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
        SQS,
        "TestSQSEventSourceMapping::test_duplicate_event_source_mappings",
        pc.duplicate_mappings,
    ),
    Recorded(API, "TestLambdaRevisions::test_function_revisions_basic", more.revisions_basic),
    Recorded(
        API,
        "TestLambdaRevisions::test_function_revisions_version_and_alias",
        more.revisions_version_and_alias,
    ),
    *(
        Recorded(
            API,
            f"TestLambdaSnapStart::test_snapstart_lifecycle[{runtime}]",
            more.snapstart_lifecycle(runtime),
        )
        for runtime in SNAPSTART_RUNTIMES
    ),
    Recorded(
        LAMBDA,
        "TestLambdaVersions::test_lambda_versions_with_code_changes",
        more.versions_with_code_changes,
        not_api=frozenset(
            {
                "invocation_result_latest",
                "invocation_result_v1",
                "invocation_result_v2",
                "invocation_result_v3",
                "invocation_result_latest_end",
                "invocation_result_v2_end",
                "invocation_result_v1_end",
            }
        ),
    ),
    Recorded(
        LAMBDA,
        "TestLambdaVersions::test_lambda_handler_update",
        more.handler_update,
        not_api=frozenset(
            {
                "invoke_result_handler_one",
                "invoke_result_handler_two",
                "invoke_result_handler_two_postpublish",
            }
        ),
    ),
    Recorded(
        LAMBDA, "TestLambdaConcurrency::test_provisioned_concurrency", more.provisioned_concurrency
    ),
    Recorded(
        LAMBDA,
        "TestLambdaConcurrency::test_reserved_provisioned_overlap",
        more.reserved_provisioned_overlap,
    ),
    Recorded(LAMBDA, "TestLambdaAliases::test_alias_routingconfig", more.alias_routingconfig),
    Recorded(
        SQS,
        "TestSQSEventSourceMapping::test_sqs_event_source_mapping",
        more.sqs_event_source_mapping,
        not_api=frozenset({"events"}),
    ),
    Recorded(SQS, "test_esm_with_not_existing_sqs_queue", more.esm_with_not_existing_sqs_queue),
    Recorded(
        API,
        "TestLambdaEventSourceMappings::test_function_name_variations",
        more.function_name_variations,
    ),
    Recorded(
        API,
        "TestLambdaEventSourceMappings::test_event_source_mapping_lifecycle",
        more.stream_mapping_lifecycle,
        not_api=_DYNAMODB,
    ),
    Recorded(
        API,
        "TestLambdaEventSourceMappings::test_event_source_mapping_lifecycle_delete_function",
        more.stream_mapping_lifecycle_delete_function,
        not_api=_DYNAMODB,
    ),
    Recorded(
        API,
        "TestLambdaEventSourceMappings::test_create_event_source_validation",
        more.dynamodb_source_validation,
    ),
    Recorded(
        API,
        "TestLambdaEventSourceMappings::test_create_event_source_validation_kinesis",
        more.kinesis_source_validation,
    ),
    *(
        Recorded(
            SQS,
            f"TestSQSEventSourceMapping::test_sqs_event_filter[{param}]",
            sqs.event_filter(f"TestSQSEventSourceMapping::test_sqs_event_filter[{param}]"),
            not_api=frozenset({"invocation_events"}),
        )
        for param in EVENT_FILTERS
    ),
    *(
        Recorded(
            SQS,
            f"TestSQSEventSourceMapping::test_sqs_invalid_event_filter[{param}]",
            sqs.invalid_event_filter(pattern),
        )
        for param, pattern in sqs.INVALID_FILTERS.items()
    ),
    *(
        Recorded(
            SQS,
            f"TestSQSEventSourceMapping::test_sqs_event_source_mapping_batch_size[{size}]",
            sqs.batch_size(size),
            not_api=frozenset(
                {"send-message-batch-result-10", "send-message-batch-result-5", "Records"}
            ),
        )
        for size in (15, 100, 1000, 10000)
    ),
    Recorded(
        SQS,
        "TestSQSEventSourceMapping::test_sqs_event_source_mapping_batching_reserved_concurrency",
        sqs.batching_reserved_concurrency,
        not_api=frozenset({"batch_info", "Records"}),
    ),
    Recorded(
        SQS,
        "TestSQSEventSourceMapping::test_event_source_mapping_default_batch_size",
        sqs.default_batch_size,
    ),
)


# Recorded tests about these resources that are not replayed, and why.
_NOT_API = (
    "its answers are about invocation results, logs or other services, not control-plane state"
)
_OTHER = "about another resource (tags, URLs, layers, permissions, invoke configs, code signing)"
_KAFKA = "needs a self-managed Kafka source moto does not offer"
SKIPPED: dict[tuple[str, str], str] = {
    (API, "TestLambdaVersions::test_publish_with_wrong_revisionid"): (
        "no call sequence: the test is gone from the LocalStack source at the recorded commit"
    ),
    **{
        (API, f"TestLambdaFunction::test_ops_on_nonexisting_fn[{op}]"): _OTHER
        for op in (
            "get_function_url_config",
            "get_function_code_signing_config",
            "get_function_event_invoke_config",
            "get_function_concurrency",
        )
    },
    (
        API,
        "TestLambdaFunction::test_ops_on_nonexisting_version[get_function_event_invoke_config]",
    ): _OTHER,
    (API, "TestLambdaTag::test_tag_lifecycle"): _OTHER,
    (API, "TestLambdaTag::test_tag_nonexisting_resource"): _OTHER,
    (API, "TestLambdaTag::test_tag_lifecycle[lambda_function]"): _OTHER,
    (API, "TestLambdaTag::test_tag_lifecycle[event_source_mapping]"): _OTHER,
    (API, "TestLambdaTag::test_create_tag_on_esm_create"): _OTHER,
    (API, "TestLambdaTag::test_tag_exceptions[event_source_mapping]"): _OTHER,
    (API, "TestLambdaTags::test_tag_lifecycle"): _OTHER,
    (API, "TestLambdaTags::test_tag_versions"): _OTHER,
    (API, "TestLambdaUrl::test_url_config_lifecycle"): _OTHER,
    (API, "TestLambdaLayer::test_layer_lifecycle"): _OTHER,
    (API, "TestLambdaLayer::test_layer_policy_lifecycle"): _OTHER,
    (API, "TestLambdaEventInvokeConfig::test_lambda_eventinvokeconfig_lifecycle"): _OTHER,
    (API, "TestLambdaPermissions::test_lambda_permission_versioning"): _OTHER,
    (API, "TestLambdaPermissions::test_lambda_permission_fn_versioning"): _OTHER,
    (API, "TestLambdaPermissions::test_lambda_permission_revisions"): _OTHER,
    (API, "TestLambdaRevisions::test_function_revisions_permissions"): _OTHER,
    (API, "TestLambdaImages::test_lambda_image_versions"): (
        "container images: moto cannot pull an image, the sandbox takes zip packages"
    ),
    (API, "TestLambdaProvisionedConcurrency::test_provisioned_concurrency_limits"): (
        "account quota errors that depend on the recording account's concurrency limit"
    ),
    (API, "TestLambdaEventSourceMappings::test_create_event_source_self_managed"): _KAFKA,
    (API, "TestLambdaEventSourceMappings::test_create_event_filter_criteria_validation"): (
        "a validation error of FilterCriteria, unrelated to a mapping's state"
    ),
    (LAMBDA, "TestLambdaConcurrency::test_lambda_provisioned_concurrency_scheduling"): _NOT_API,
    (LAMBDA, "TestLambdaVersions::test_async_invoke_queue_upon_function_update"): _NOT_API,
    (LAMBDA, "TestLambdaVersions::test_function_update_during_invoke"): _NOT_API,
    (LAMBDA, "TestLambdaURL::test_lambda_url_persists_after_alias_delete"): _OTHER,
}

_SHAPE = (
    "validation errors of the request's shape (malformed or foreign names, ARNs, regions, "
    "qualifiers, parameters), unrelated to any state"
)
# Families of recorded tests skipped as a whole (test name prefix -> why).
SKIPPED_FAMILIES: dict[str, str] = {
    "TestLambdaFunction::test_function_name_and_qualifier_validation[": _SHAPE,
    "TestLambdaFunction::test_ops_with_arn_qualifier_mismatch[": _SHAPE,
    "TestLambdaFunction::test_get_function_wrong_region[": _SHAPE,
    "TestLambdaFunction::test_function_arns": _SHAPE,
    "TestLambdaFunction::test_create_lambda_exceptions": _SHAPE,
    "TestLambdaFunction::test_update_lambda_exceptions": _SHAPE,
    "TestLambdaFunction::test_invalid_invoke": _SHAPE,
    "TestLambdaFunction::test_invalid_vpc_config_": _SHAPE,
    "TestLoggingConfig::": (
        "advanced logging settings (JSON format, log levels): moto does not store them, "
        "the sandbox answers the default LoggingConfig (docs/sandbox.md, Limits)"
    ),
}


def skipped(file: str, test: str) -> str | None:
    """Why ``test`` is not replayed, or None."""
    if (file, test) in SKIPPED:
        return SKIPPED[(file, test)]
    return next((why for prefix, why in SKIPPED_FAMILIES.items() if test.startswith(prefix)), None)
