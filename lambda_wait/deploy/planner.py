"""The planner, as chalice's: from the desired function and what Lambda shows now,
the deploy's plan (:class:`~lambda_wait.deploy.plan.Plan`, what differs) and its
steps (a list of :class:`~lambda_wait.deploy.model.Step`, each with its name, action,
"Changed" label, "what is live" note and run). It only reads: the image URI of an
image function, the alias's routing weights, and the provisioned-concurrency
preflight (what Lambda would refuse is exit 2 before any change)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from lambda_wait.deploy.model import Config, Step
from lambda_wait.deploy.plan import Plan, make_plan
from lambda_wait.deploy.sender import Sender
from lambda_wait.deploy.source import CodeSource
from lambda_wait.deploy.spec import DesiredFunction
from lambda_wait.deploy.steps.alias import Weights, alias_step, read_alias, routing
from lambda_wait.deploy.steps.create import create_step
from lambda_wait.deploy.steps.provisioned import ProvisionedPlan, preflight, provisioned_step
from lambda_wait.deploy.steps.publish import publish_step
from lambda_wait.deploy.steps.shift import ShiftRecord, shift_step
from lambda_wait.deploy.steps.tags import tags_step
from lambda_wait.deploy.steps.update import code_step, configuration_step
from lambda_wait.deploy.steps.upload import upload_step
from lambda_wait.deploy.steps.url import FunctionUrlRequest, UrlRecord, plan_url, url_step
from lambda_wait.deploy.stores import CodeStores, check_bucket_region, resolve_image
from lambda_wait.errors import UsageError
from lambda_wait.release.executor import ShiftOptions


@dataclass(frozen=True)
class Intent:
    """What the deploy was asked to do beyond the desired function."""

    alias: str | None = None
    force: bool = False
    shift: ShiftOptions | None = None  # an active shift, or None (a plain move)
    provisioned_concurrency: int | None = None
    version_description: str | None = None
    function_url: FunctionUrlRequest | None = None  # --function-url / --no-function-url
    preflight: bool = True  # check the account before anything is sent


def plan_deploy(
    sender: Sender,
    desired: DesiredFunction,
    current: Config | None,
    intent: Intent,
    record: ShiftRecord,
    stores: CodeStores | None = None,
    url_record: UrlRecord | None = None,
) -> tuple[Plan, list[Step]]:
    """The plan against ``current`` (None: the function does not exist) and its steps;
    ``stores``: S3 for a package to upload, ECR to resolve an image tag to its digest."""
    name, api = sender.name, sender.api
    if intent.preflight:
        _preflight(sender, desired, current)
    stores = stores or CodeStores()
    desired = _pinned(sender, desired, current, stores)
    image_uri = None
    pinned_and_live = (
        desired.code.image_given is not None
        and (current or {}).get("CodeSha256") == desired.code.sha256
    )  # the digest is live already: its URI need not be read
    if current is not None and desired.code.kind == "image" and not pinned_and_live:
        image_uri = sender.with_read_retries(lambda: api.get_function_image_uri(name))
    weights: Weights = {}
    if current is not None and intent.alias and intent.shift is None:
        weights = routing(read_alias(sender, intent.alias))  # a plain move clears them
    plan = make_plan(
        desired,
        current,
        current_image_uri=image_uri,
        force=intent.force,
        alias=intent.alias,
        alias_weights=weights,
    )
    sender.current = current
    steps = _upload_steps(sender, desired, plan, stores) + _change_steps(sender, desired, plan)
    if plan.publish:
        reuse = intent.alias if not plan.changes_anything else None
        steps.append(
            publish_step(sender, desired, description=intent.version_description, reuse_alias=reuse)
        )
    if plan.alias is not None:
        if intent.shift is None:
            steps.append(alias_step(sender, plan.alias, weights))
        else:
            steps.append(shift_step(sender, plan.alias, intent.shift, record))
        provisioned = _provisioned(sender, plan.alias, intent.provisioned_concurrency)
        if provisioned is not None:
            steps.append(provisioned_step(sender, provisioned))
    if intent.function_url is not None:  # on the alias when there is one: it follows it
        url = plan_url(sender, intent.function_url, intent.alias)
        steps.append(url_step(sender, url, url_record or UrlRecord()))
        if url.changes:
            plan = replace(plan, other_changes=(*plan.other_changes, url.description))
    return plan, steps


def _pinned(
    sender: Sender, desired: DesiredFunction, current: Config | None, stores: CodeStores
) -> DesiredFunction:
    """An ECR image by tag, resolved to its digest (reads only, before any change): the
    desired function deploys the digest; a tag that is not there is exit 2."""
    code = desired.code
    if code.kind != "image" or code.image_uri is None or stores.ecr is None:
        return desired
    architecture = (desired.architectures or (current or {}).get("Architectures") or ["x86_64"])[0]
    ecr, uri = stores.ecr, code.image_uri
    region = sender.api.region
    resolved = sender.with_read_retries(lambda: resolve_image(ecr, uri, str(architecture), region))
    if resolved is None:  # not an ECR URI: Lambda judges it
        return desired
    if resolved.warning is not None:
        sender.ledger.note(None, f"image: {resolved.warning}")
    pinned = CodeSource(
        "image",
        f"image {uri} = {resolved.digest} ({resolved.note})",
        image_uri=resolved.uri,
        sha256=resolved.sha256,
        image_given=uri,
    )
    return replace(desired, code=pinned)


def _upload_steps(
    sender: Sender, desired: DesiredFunction, plan: Plan, stores: CodeStores
) -> list[Step]:
    """A package to send through S3, when the code is sent at all (an unchanged
    CodeSha256 uploads nothing): the bucket's Region checked now, then the upload step."""
    target = desired.code.upload
    if target is None or not (plan.action == "create" or plan.code.update):
        return []
    if stores.s3 is None:
        raise UsageError("uploading the package through S3 needs an S3 client: pass a session.")
    s3 = stores.s3
    region = sender.with_read_retries(lambda: s3.bucket_region(target.bucket))
    check_bucket_region(target.bucket, region, sender.api.region)
    return [upload_step(sender, s3, desired.code)]


def _preflight(sender: Sender, desired: DesiredFunction, current: Config | None) -> None:
    """Reads only, before any change: the role, the subnets and security groups, the
    zip's native files (lambda_wait.evidence.preflight). A problem is exit 2; a check
    the caller may not read is a note, and the deploy goes on."""
    from lambda_wait.aws import LambdaApi
    from lambda_wait.evidence.ec2 import Ec2Reads
    from lambda_wait.evidence.iam import IamReads
    from lambda_wait.evidence.preflight import check_account

    api = sender.api
    if not isinstance(api, LambdaApi):
        return  # a fake Lambda (tests): no account behind it to read
    config = {**(current or {}), **desired.config}
    if desired.architectures:
        config["Architectures"] = list(desired.architectures)
    found = check_account(
        Ec2Reads.beside(api), IamReads.beside(api), config, desired.code.zip_bytes
    )
    for warning in found.warnings:
        sender.ledger.note(None, f"preflight: {warning.summary} ({warning.unread})")


def _change_steps(sender: Sender, desired: DesiredFunction, plan: Plan) -> list[Step]:
    """Create, or update the code, the configuration and the tags."""
    if plan.action == "create":
        return [create_step(sender, desired)]
    code = code_step(sender, desired, plan)
    steps = [code, configuration_step(sender, desired, plan, code)]
    wanted = dict(desired.create_only.get("Tags") or {})
    if wanted:  # --tag on an existing function (on create they go with CreateFunction)
        steps.append(tags_step(sender, wanted))
    return steps


def _provisioned(sender: Sender, alias: str, desired: int | None) -> ProvisionedPlan | None:
    """Reads only, before any change: what Lambda would refuse is exit 2 now."""
    if desired is None:
        return None
    result: ProvisionedPlan = sender.with_read_retries(
        lambda: preflight(sender.api, sender.name, alias, desired)
    )
    return result
