"""The wait target for the provisioned concurrency config of an alias or version."""

from __future__ import annotations

from lambda_wait.errors import UsageError
from lambda_wait.serving.provisioned import ProvisionedSnapshot, assess_provisioned
from lambda_wait.states import Assessment, Phase
from lambda_wait.targets.base import Row, ServingReader, ServingTarget, Span


class ProvisionedTarget(ServingTarget[ProvisionedSnapshot]):
    """Status IN_PROGRESS -> READY, or FAILED with a decoded StatusReason."""

    name = "provisioned concurrency config"
    json_key = "provisioned_concurrency"
    for_choice = "provisioned"
    for_help = "the provisioned concurrency config of --qualifier READY (exit 2 when it has none)"
    ready_help = (
        "with --qualifier the alias's or version's provisioned concurrency READY when it has some"
    )
    needs_qualifier = True
    qualifier_why = (
        "provisioned concurrency lives on an alias or a published version, never on $LATEST"
    )

    def read(
        self, reader: ServingReader, function_name: str, qualifier: str | None
    ) -> ProvisionedSnapshot | None:
        assert qualifier is not None  # applies() keeps $LATEST out
        doc = reader.get_provisioned_concurrency_config(function_name, qualifier)
        if doc is None:
            return None
        return ProvisionedSnapshot.from_response(function_name, qualifier, doc)

    def judge(self, snap: ProvisionedSnapshot | None) -> Assessment | None:
        return None if snap is None else assess_provisioned(snap)

    def change_key(self, snap: ProvisionedSnapshot | None) -> object:
        return None if snap is None else snap.key

    def rows(self, snap: ProvisionedSnapshot | None) -> list[Row]:
        if snap is None:
            return [Row("Provisioned", (Span("none on this qualifier", quiet=True),))]
        verdict = assess_provisioned(snap)
        rows = [
            Row(
                "Provisioned",
                (Span(snap.status or "(no Status)", verdict.phase), Span(f"  {snap.counts}")),
            )
        ]
        if snap.reason_decoded is not None:
            rows.append(Row("  Status reason", reason=snap.reason_decoded))
        if verdict.phase is Phase.FAILED:
            rows.append(Row("  Verdict", (Span(verdict.summary),)))
        return rows

    def to_json(self, snap: ProvisionedSnapshot | None) -> object:
        return None if snap is None else snap.to_dict()

    def missing(self, function_name: str, qualifier: str | None) -> UsageError:
        return UsageError(
            f"{function_name}:{qualifier} has no provisioned concurrency config, so there is "
            "nothing to wait for with --for provisioned",
            hint="Use --for ready, or put one first: deploy --alias A --provisioned-concurrency N.",
        )


PROVISIONED = ProvisionedTarget()
