"""The reason-code catalogue: what every StateReasonCode and
LastUpdateStatusReasonCode means and what to do about it. Pure data.

A test compares this catalogue with the enums in the installed botocore model,
so a botocore upgrade that adds a code fails CI instead of drifting silently.
"""

from __future__ import annotations

from dataclasses import dataclass

COOLDOWN_SECONDS = 300
"""Lambda waits at least this long before retrying ENI creation after a cooldown code."""

# The docs spell it without the trailing s; the API enum with it.
ALIASES: dict[str, str] = {"InsufficientRolePermission": "InsufficientRolePermissions"}


@dataclass(frozen=True)
class ReasonInfo:
    """One catalogue entry."""

    code: str
    title: str
    meaning: str
    remedy: str
    transient: bool
    cooldown: bool = False


@dataclass(frozen=True)
class DecodedReason:
    """A reason code as observed on a function, decoded for people and scripts."""

    code: str | None
    aws_message: str | None
    info: ReasonInfo | None

    @property
    def known(self) -> bool:
        return self.info is not None

    @property
    def title(self) -> str:
        if self.info is not None:
            return self.info.title
        return self.code or "no reason given"

    @property
    def transient(self) -> bool | None:
        return None if self.info is None else self.info.transient

    @property
    def cooldown(self) -> bool:
        return self.info is not None and self.info.cooldown

    @property
    def remedy(self) -> str | None:
        return None if self.info is None else self.info.remedy

    def to_dict(self) -> dict[str, object]:
        """JSON form (stable keys)."""
        return {
            "code": self.code,
            "message": self.aws_message,
            "known": self.known,
            "title": self.title,
            "meaning": None if self.info is None else self.info.meaning,
            "remedy": self.remedy,
            "transient": self.transient,
            "cooldown": self.cooldown,
        }


def _r(
    code: str, title: str, meaning: str, remedy: str, *, transient: bool, cooldown: bool = False
) -> ReasonInfo:
    return ReasonInfo(code, title, meaning, remedy, transient, cooldown)


_FN_LOGS = "CloudWatch Logs group `/aws/lambda/<name>`"
_RECREATE = (
    "If State is Failed the function cannot be repaired in place: fix the cause, then "
    "`aws lambda delete-function --function-name <name>` and create it again. If only "
    "LastUpdateStatus is Failed, fix the cause and run the update again."
)
_REUPDATE = (
    "then run the update that failed again (e.g. `aws lambda update-function-configuration`); "
    "a function in State Failed must be deleted (`aws lambda delete-function`) and recreated"
)
_IMAGE_REDEPLOY = (
    "then redeploy with `aws lambda update-function-code --function-name <name> "
    "--image-uri <account>.dkr.ecr.<region>.amazonaws.com/<repo>@<digest>`"
)
_INIT_LOGS = (
    f"Read the init errors in the {_FN_LOGS} (for a published version, the log streams "
    "named after that version)"
)

CATALOGUE: dict[str, ReasonInfo] = {
    info.code: info
    for info in (
        # --- Lifecycle: not errors, Lambda is working on it ---------------------------------
        _r(
            "Creating",
            "Being created",
            "Lambda is provisioning the function (State Pending right after CreateFunction, "
            "or while a SnapStart version's snapshot is taken).",
            "Wait: usually a few seconds, about a minute (several minutes for new Hyperplane "
            "ENIs) when the function is in a VPC, often minutes for a SnapStart version. "
            "Pending for more than 6 minutes counts as stuck.",
            transient=True,
        ),
        _r(
            "Idle",
            "Network interfaces reclaimed after idling",
            "The function was not invoked for a long time (weeks) and Lambda reclaimed its "
            "VPC network interfaces; State is Inactive.",
            "Invoke the function (e.g. `aws lambda invoke --function-name <name> out.json`) "
            "to restore it. That invocation and those during the restore fail "
            "(ResourceNotReadyException); the function then goes Pending and back to Active.",
            transient=True,
        ),
        _r(
            "Restoring",
            "Being restored",
            "An invocation triggered the restore of an Inactive function's network "
            "interfaces; State is Pending (code name inferred from the API enum).",
            "Wait for the function to become Active. If the restore fails it returns to "
            "Inactive with the failure code in LastUpdateStatusReasonCode, and the next "
            "invocation tries again.",
            transient=True,
        ),
        _r(
            "DrainingDurableExecutions",
            "Draining durable executions",
            "Inferred (no AWS page defines it): Lambda is letting the function's in-flight "
            "durable executions finish before the state change completes.",
            "Wait for the running durable executions to finish; list them with `aws lambda "
            "list-durable-executions-by-function --function-name <name>` and end one early "
            "with `aws lambda stop-durable-execution` if you must.",
            transient=True,
        ),
        _r(
            "InternalError",
            "Lambda internal error",
            "Lambda hit an internal error while provisioning or updating the function; "
            "nothing in your configuration is known to be wrong.",
            "Retry: run the update again (or delete and recreate a Failed function). If it "
            "keeps failing, check the AWS Health Dashboard for the Region and contact AWS "
            "Support with the function ARN and the time.",
            transient=True,
        ),
        # --- VPC networking -----------------------------------------------------------------
        _r(
            "EniLimitExceeded",
            "VPC network interface limit reached",
            "Lambda could not create a network interface (ENI) for the function because the "
            "VPC has reached its ENI quota.",
            "Free ENIs (list them with `aws ec2 describe-network-interfaces --filters "
            "Name=vpc-id,Values=<vpc-id>`, delete unused ones, or detach unused functions from "
            "the VPC), or request a higher Lambda 'Elastic network interfaces per VPC' quota in "
            "Service Quotas; " + _REUPDATE + ".",
            transient=False,
        ),
        _r(
            "InsufficientRolePermissions",
            "Execution role lacks permissions",
            "The execution role does not exist, cannot be assumed by Lambda, or lacks the "
            "permissions Lambda needs to set the function up (for a VPC: "
            "ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces, ec2:DescribeSubnets, "
            "ec2:DeleteNetworkInterface, ec2:AssignPrivateIpAddresses, "
            "ec2:UnassignPrivateIpAddresses). Lambda waits at least 5 minutes before it tries "
            "to create another network interface.",
            "Check the role exists (`aws iam get-role --role-name <role>`) and trusts "
            "lambda.amazonaws.com; for a VPC function attach the managed policy "
            "AWSLambdaVPCAccessExecutionRole (`aws iam attach-role-policy --role-name <role> "
            "--policy-arn arn:aws:iam::aws:policy/service-role/"
            "AWSLambdaVPCAccessExecutionRole`). Then wait out the 5-minute cooldown or trigger "
            "a retry with an update or invocation.",
            transient=False,
            cooldown=True,
        ),
        _r(
            "SubnetOutOfIPAddresses",
            "Subnet out of IP addresses",
            "All IP addresses in a subnet configured in VpcConfig are in use, so Lambda could "
            "not create a network interface. Lambda waits at least 5 minutes before it tries "
            "again.",
            "Free addresses in the subnets (`aws ec2 describe-subnets --subnet-ids <ids> "
            "--query 'Subnets[].AvailableIpAddressCount'`) or add subnets with free addresses "
            "to VpcConfig (`aws lambda update-function-configuration --vpc-config "
            "SubnetIds=...,SecurityGroupIds=...`). Then wait out the 5-minute cooldown.",
            transient=False,
            cooldown=True,
        ),
        _r(
            "InvalidSubnet",
            "Invalid subnet",
            "A subnet in the function's VpcConfig does not exist, was deleted, or is not "
            "usable by Lambda.",
            "Check the ids with `aws ec2 describe-subnets --subnet-ids <ids>` and set valid "
            "ones with `aws lambda update-function-configuration --vpc-config "
            "SubnetIds=...,SecurityGroupIds=...`.",
            transient=False,
        ),
        _r(
            "InvalidSecurityGroup",
            "Invalid security group",
            "A security group in the function's VpcConfig does not exist, was deleted, or "
            "belongs to another VPC.",
            "Check the ids with `aws ec2 describe-security-groups --group-ids <ids>` and set "
            "valid ones (same VPC as the subnets) with `aws lambda "
            "update-function-configuration --vpc-config SubnetIds=...,SecurityGroupIds=...`.",
            transient=False,
        ),
        _r(
            "DisallowedByVpcEncryptionControl",
            "Blocked by VPC encryption controls",
            "The VPC's encryption controls (enforce mode) do not allow the network "
            "interfaces Lambda needs for the function (details partly inferred; read "
            "StateReason).",
            "Review the VPC's encryption control (`aws ec2 describe-vpc-encryption-controls`): "
            "add an exclusion or use monitor mode for this traffic, or attach the function to "
            "another VPC; " + _REUPDATE + ".",
            transient=False,
        ),
        _r(
            "EC2RequestLimitExceeded",
            "EC2 API throttled",
            "EC2 throttled the API calls Lambda made on your behalf (creating network "
            "interfaces or instances); the account's EC2 request rate is exhausted.",
            "Retry later; deploy fewer VPC functions at once and look for other heavy EC2 API "
            "callers in the account and Region.",
            transient=True,
        ),
        # --- Container images ---------------------------------------------------------------
        _r(
            "ImageDeleted",
            "Container image deleted",
            "The container image the function points to was deleted from its Amazon ECR "
            "repository, so Lambda cannot load it.",
            "Push the image again (`docker push`), " + _IMAGE_REDEPLOY + ".",
            transient=False,
        ),
        _r(
            "ImageAccessDenied",
            "Container image access denied",
            "Lambda is not allowed to pull the function's image: the ECR repository policy "
            "does not grant lambda.amazonaws.com (or, cross-account, the function's account) "
            "ecr:BatchGetImage and ecr:GetDownloadUrlForLayer, or the image's KMS key denies "
            "it.",
            "Fix the repository policy (`aws ecr set-repository-policy --repository-name "
            "<repo> ...`) to allow ecr:BatchGetImage and ecr:GetDownloadUrlForLayer, "
            + _IMAGE_REDEPLOY
            + ".",
            transient=False,
        ),
        _r(
            "InvalidImage",
            "Invalid container image",
            "The image cannot run on Lambda: wrong CPU architecture for the function, an "
            "unsupported manifest (for example a multi-platform index or attestation "
            "manifest), or a corrupt image.",
            "Build for the function's architecture with a plain manifest (e.g. `docker buildx "
            "build --platform linux/amd64 --provenance=false`), push it, " + _IMAGE_REDEPLOY + ".",
            transient=False,
        ),
        # --- KMS ----------------------------------------------------------------------------
        _r(
            "KMSKeyAccessDenied",
            "KMS key access denied",
            "Lambda may not use the customer managed KMS key configured for the function "
            "(KMSKeyArn, for environment variables or other encrypted data): the key policy "
            "or IAM policy denies it.",
            "Allow kms:Decrypt (and kms:CreateGrant for whoever updates the function) on the "
            "key in its key policy, " + _REUPDATE + ". Or stop using the key: `aws lambda "
            "update-function-configuration --kms-key-arn ''` switches to the AWS managed key.",
            transient=False,
        ),
        _r(
            "KMSKeyNotFound",
            "KMS key not found",
            "The KMS key configured for the function (KMSKeyArn) does not exist: wrong ARN, "
            "another Region, or deleted.",
            "Point the function at an existing key (`aws lambda update-function-configuration "
            "--kms-key-arn <arn>`) or clear it (`--kms-key-arn ''`) to use the AWS managed "
            "key.",
            transient=False,
        ),
        _r(
            "InvalidStateKMSKey",
            "KMS key in an invalid state",
            "The function's KMS key cannot be used in its current state, typically pending "
            "deletion or pending key material import.",
            "Check it with `aws kms describe-key --key-id <arn>`; cancel a scheduled deletion "
            "(`aws kms cancel-key-deletion` then `aws kms enable-key`) or switch to another "
            "key; " + _REUPDATE + ".",
            transient=False,
        ),
        _r(
            "DisabledKMSKey",
            "KMS key disabled",
            "The KMS key configured for the function is disabled.",
            "Enable it (`aws kms enable-key --key-id <arn>`) or configure another key; "
            + _REUPDATE
            + ".",
            transient=False,
        ),
        # --- EFS ----------------------------------------------------------------------------
        _r(
            "EFSIOError",
            "EFS I/O error",
            "An input/output error occurred on the Amazon EFS file system the function mounts "
            "(FileSystemConfigs).",
            "Check the file system's health and throughput in CloudWatch (BurstCreditBalance, "
            "PercentIOLimit) and that its mount targets are available; " + _REUPDATE + ".",
            transient=False,
        ),
        _r(
            "EFSMountConnectivityError",
            "Cannot reach the EFS mount target",
            "The function could not open a network connection to the EFS mount target.",
            "Allow NFS (TCP 2049) from the function's security group to the mount target's "
            "security group, and make sure there is a mount target in every Availability Zone "
            "of the function's subnets; " + _REUPDATE + ".",
            transient=False,
        ),
        _r(
            "EFSMountFailure",
            "EFS mount failed",
            "The EFS file system could not be mounted: the access point is wrong or deleted, "
            "or the execution role or file-system policy denies the mount.",
            "Check the access point ARN in FileSystemConfigs (`aws efs "
            "describe-access-points`), grant the execution role "
            "elasticfilesystem:ClientMount (and ClientWrite for writes), check the file "
            "system policy and TCP 2049 in the security groups; " + _REUPDATE + ".",
            transient=False,
        ),
        _r(
            "EFSMountTimeout",
            "EFS mount timed out",
            "Mounting the EFS file system took too long.",
            "Retry the update; if it keeps timing out, check the mount targets and that TCP "
            "2049 is open between the function and the file system.",
            transient=True,
        ),
        # --- Package and runtime ------------------------------------------------------------
        _r(
            "InvalidRuntime",
            "Invalid runtime",
            "The function's runtime is not supported: deprecated and blocked, unknown, or not "
            "available for the function's architecture.",
            "Set a supported runtime (`aws lambda update-function-configuration --runtime "
            "<runtime>`; see the Lambda runtimes page) and redeploy code built for it.",
            transient=False,
        ),
        _r(
            "InvalidZipFileException",
            "Invalid deployment package",
            "Lambda could not unpack the .zip deployment package: it is corrupt, not a zip, "
            "or too large once unzipped (250 MB with layers).",
            "Rebuild the .zip and upload it again (`aws lambda update-function-code "
            "--function-name <name> --zip-file fileb://function.zip`).",
            transient=False,
        ),
        _r(
            "InvalidConfiguration",
            "Invalid configuration",
            "Lambda rejected part of the function's configuration; StateReason (or "
            "LastUpdateStatusReason) names the setting.",
            "Read the AWS message shown with this code, fix that setting with `aws lambda "
            "update-function-configuration`. " + _RECREATE,
            transient=False,
        ),
        # --- Function initialisation (SnapStart, Managed Instances) -------------------------
        _r(
            "FunctionError",
            "Function initialisation failed",
            "The function's own initialisation code failed while Lambda prepared the version "
            "(for example while taking a SnapStart snapshot).",
            _INIT_LOGS + ", fix the code, deploy it (`aws lambda update-function-code`) and "
            "publish again.",
            transient=False,
        ),
        _r(
            "FunctionError.InitTimeout",
            "Initialisation timed out",
            "The function's initialisation did not finish within the time Lambda allows while "
            "preparing the version.",
            _INIT_LOGS + "; move slow work out of initialisation or raise the function's "
            "Timeout (`aws lambda update-function-configuration --timeout <seconds>`), then "
            "publish again.",
            transient=False,
        ),
        _r(
            "FunctionError.RuntimeInitError",
            "Runtime failed to initialise",
            "The runtime or the function's initialisation code failed (an uncaught error at "
            "import time, a missing dependency, a bad handler module).",
            _INIT_LOGS + " for the stack trace; fix the code or handler setting, deploy and "
            "publish again.",
            transient=False,
        ),
        _r(
            "FunctionError.ExtensionInitError",
            "Extension failed to initialise",
            "A Lambda extension (usually delivered in a layer) failed during initialisation.",
            _INIT_LOGS + "; update or remove the failing layer (`aws lambda "
            "update-function-configuration --layers ...`), then publish again.",
            transient=False,
        ),
        _r(
            "FunctionError.InvalidEntryPoint",
            "Invalid entry point",
            "The entry point cannot be started: the container image's ENTRYPOINT / the "
            "function's ImageConfig EntryPoint, or the runtime bootstrap, is missing or not "
            "executable.",
            "Fix the image's ENTRYPOINT or the override (`aws lambda "
            "update-function-configuration --image-config EntryPoint=...`) or the bootstrap "
            "file, deploy and publish again. The "
            + _FN_LOGS
            + " shows what Lambda tried to start.",
            transient=False,
        ),
        _r(
            "FunctionError.InvalidWorkingDirectory",
            "Invalid working directory",
            "The working directory set for the container image (WORKDIR or ImageConfig "
            "WorkingDirectory) does not exist or cannot be used.",
            "Fix it in the image or with `aws lambda update-function-configuration "
            "--image-config WorkingDirectory=<path>`, then publish again. The "
            + _FN_LOGS
            + " shows the error.",
            transient=False,
        ),
        _r(
            "FunctionError.PermissionDenied",
            "Permission denied in the package",
            "The runtime could not read or execute files of the deployment package or image "
            "(file permissions).",
            "Make files readable and executables executable before packaging (e.g. `chmod -R "
            "o+rX .` and `chmod 755 bootstrap`), redeploy and publish again. The "
            + _FN_LOGS
            + " names the file.",
            transient=False,
        ),
        _r(
            "FunctionError.TooManyExtensions",
            "Too many extensions",
            "The function registers more extensions than Lambda allows (10).",
            "Remove layers or extensions (`aws lambda update-function-configuration --layers "
            "...`) so at most 10 extensions remain, then publish again. The "
            + _FN_LOGS
            + " lists the extensions that registered.",
            transient=False,
        ),
        _r(
            "FunctionError.InitResourceExhausted",
            "Resources exhausted during initialisation",
            "Initialisation ran out of a resource, such as memory or ephemeral storage.",
            _INIT_LOGS + "; raise MemorySize or EphemeralStorage (`aws lambda "
            "update-function-configuration --memory-size <MB> --ephemeral-storage Size=<MB>`) "
            "or load less during initialisation, then publish again.",
            transient=False,
        ),
        # --- Quotas and capacity (mostly Lambda Managed Instances) --------------------------
        _r(
            "ServiceQuotaExceededException",
            "Service quota exceeded",
            "A service quota was exceeded while Lambda set the function up; read StateReason "
            "for which one.",
            "Free capacity under that quota (for code storage, delete unused versions with "
            "`aws lambda delete-function --function-name <name> --qualifier <version>`) or "
            "request an increase (`aws service-quotas request-service-quota-increase`); "
            + _REUPDATE
            + ".",
            transient=False,
        ),
        _r(
            "VcpuLimitExceeded",
            "vCPU quota exceeded",
            "Inferred (ActiveNonInvocable / Lambda Managed Instances): launching instances for "
            "the function's capacity provider would exceed the account's EC2 vCPU quota.",
            "Request a higher EC2 On-Demand vCPU quota in Service Quotas (`aws service-quotas "
            "request-service-quota-increase --service-code ec2 ...`) or lower the capacity "
            "provider's MaxVCpuCount (`aws lambda update-capacity-provider "
            "--capacity-provider-name <name> --capacity-provider-scaling-config "
            "MaxVCpuCount=<n>`).",
            transient=False,
        ),
        _r(
            "CapacityProviderScalingLimitExceeded",
            "Capacity provider scaling limit reached",
            "Inferred (ActiveNonInvocable / Lambda Managed Instances): the function's capacity "
            "provider reached its configured scaling maximum and cannot add the instances the "
            "function needs.",
            "Raise the capacity provider's MaxVCpuCount (`aws lambda update-capacity-provider "
            "--capacity-provider-name <name> --capacity-provider-scaling-config "
            "MaxVCpuCount=<n>`) or move functions to another capacity provider.",
            transient=False,
        ),
        _r(
            "InsufficientCapacity",
            "Insufficient EC2 capacity",
            "EC2 has no capacity right now for the instance types the function needs "
            "(Lambda Managed Instances; inferred).",
            "Retry later; if it persists, use a capacity provider that allows more instance "
            "types or subnets in more Availability Zones.",
            transient=True,
        ),
        _r(
            "IncompatibleAcceleratorInstanceTypes",
            "Incompatible accelerator instance types",
            "Inferred (undocumented; ActiveNonInvocable / Lambda Managed Instances): the "
            "instance types allowed for the function's capacity provider include accelerator "
            "(GPU or similar) types that Lambda cannot use for this function.",
            "Read StateReason for the offending types; use a capacity provider whose "
            "InstanceRequirements (AllowedInstanceTypes / ExcludedInstanceTypes, set at "
            "`aws lambda create-capacity-provider`) leave out those types, then update the "
            "function again.",
            transient=False,
        ),
        _r(
            "DependencyError",
            "Dependency error",
            "Undocumented: a service or resource Lambda depends on for this function returned "
            "an error. Read StateReason for details.",
            "Read the AWS message shown with this code and fix that resource; if it points to "
            "no resource of yours, retry the update and contact AWS Support if it persists.",
            transient=False,
        ),
    )
}


# --- What serves traffic: provisioned concurrency and event source mappings -----------------
# Sources: AWS Lambda developer guide, "Configuring provisioned concurrency" and the
# PutProvisionedConcurrencyConfig / ProvisionedConcurrencyConfigListItem API reference
# (Status IN_PROGRESS | READY | FAILED); "Using Lambda with Amazon MSK", "Troubleshoot Amazon
# MQ event source mapping errors" and "Troubleshooting Kafka event source mapping errors"
# (StateTransitionReason codes and LastProcessingResult messages); the
# EventSourceMappingConfiguration API reference (the seven mapping states).

_PC_LOGS = "CloudWatch Logs group `/aws/lambda/<name>`"

PROVISIONED_STATUSES: dict[str, ReasonInfo] = {
    info.code: info
    for info in (
        _r(
            "IN_PROGRESS",
            "Allocating",
            "Lambda is preparing execution environments for the alias or version and running "
            "the function's initialisation code in each. Allocation starts after a minute or "
            "two of preparation; after an initial burst Lambda adds about 500 environments a "
            "minute, so a large request takes minutes.",
            "Wait. While a config is IN_PROGRESS, do not move the alias again or change the "
            "config: a new Put replaces the request and starts over.",
            transient=True,
        ),
        _r(
            "READY",
            "Allocated",
            "All requested execution environments are initialised: invocations of this alias "
            "or version run on provisioned concurrency up to the requested amount.",
            "Nothing to do.",
            transient=True,
        ),
        _r(
            "FAILED",
            "Allocation failed",
            "Lambda could not allocate the provisioned concurrency; StatusReason says why "
            "(most often the function's initialisation failed). Invocations are served by "
            "on-demand concurrency with cold starts.",
            "Read StatusReason; for an initialisation failure read the "
            + _PC_LOGS
            + ", fix the code, publish a new version and put the config again (`aws lambda "
            "put-provisioned-concurrency-config --function-name <name> --qualifier <alias> "
            "--provisioned-concurrent-executions <n>`), or remove it with `aws lambda "
            "delete-provisioned-concurrency-config`.",
            transient=False,
        ),
    )
}

PROVISIONED_STATUS_REASONS: dict[str, ReasonInfo] = {
    info.code: info
    for info in (
        _r(
            "FUNCTION_ERROR_INIT_FAILURE",
            "Function initialisation failed",
            "The function's initialisation code (outside the handler) failed or timed out in "
            "the execution environments Lambda prepared for provisioned concurrency. Seen as "
            "StatusReason and in CloudFormation's 'Provisioned Concurrency configuration failed "
            "to be applied. Reason: FUNCTION_ERROR_INIT_FAILURE'.",
            "Read the init errors in the "
            + _PC_LOGS
            + " (log streams of the version the alias points to); fix the code or its "
            "configuration (handler, environment, permissions the init code needs), deploy "
            "and publish a new version, then put the config again.",
            transient=False,
        ),
    )
}

MAPPING_STATES: dict[str, ReasonInfo] = {
    info.code: info
    for info in (
        _r(
            "Creating",
            "Mapping being created",
            "CreateEventSourceMapping was accepted; Lambda is setting up the pollers.",
            "Wait: the mapping becomes Enabled (or Disabled if created disabled). Update and "
            "Delete are refused with ResourceInUseException until it leaves this state.",
            transient=True,
        ),
        _r(
            "Enabling",
            "Mapping being enabled",
            "The mapping is being switched on (after an update with Enabled=true, or when it "
            "was just created).",
            "Wait for Enabled. Update and Delete are refused (ResourceInUseException) meanwhile.",
            transient=True,
        ),
        _r(
            "Enabled",
            "Mapping enabled",
            "Lambda polls the source and invokes the function.",
            "Nothing to do; LastProcessingResult says how the last batch went.",
            transient=True,
        ),
        _r(
            "Disabling",
            "Mapping being disabled",
            "The mapping is being switched off, by a user or by Lambda (StateTransitionReason "
            "says which).",
            "Wait for Disabled. Update and Delete are refused (ResourceInUseException) meanwhile.",
            transient=True,
        ),
        _r(
            "Disabled",
            "Mapping disabled",
            "Lambda does not poll the source: records wait in the queue or stream. If "
            "StateTransitionReason is not a user action, Lambda disabled it because of a "
            "problem.",
            "If you did not disable it, fix the cause named by StateTransitionReason or "
            "LastProcessingResult, then `aws lambda update-event-source-mapping --uuid <uuid> "
            "--enabled`.",
            transient=False,
        ),
        _r(
            "Updating",
            "Mapping being updated",
            "UpdateEventSourceMapping was accepted and is being applied.",
            "Wait. A second update is refused (ResourceInUseException) until this one ends.",
            transient=True,
        ),
        _r(
            "Deleting",
            "Mapping being deleted",
            "DeleteEventSourceMapping was accepted; the mapping disappears when it finishes.",
            "Wait; it will not serve traffic again.",
            transient=True,
        ),
    )
}

# The two spellings of "a person did it" seen in AWS's own examples.
USER_TRANSITION_REASONS = ("USER_INITIATED", "User action")

MAPPING_TRANSITION_REASONS: dict[str, ReasonInfo] = {
    info.code: info
    for info in (
        _r(
            "USER_INITIATED",
            "Changed by a user",
            "The last state change was requested through the API or console (AWS's examples "
            "also spell it 'User action').",
            "Nothing to do.",
            transient=True,
        ),
        _r(
            "ESM_CONFIG_NOT_VALID",
            "Mapping configuration not valid",
            "Lambda stopped the consumer because the event source mapping's configuration is "
            "not valid (documented for Amazon MSK, self-managed Kafka and Amazon MQ).",
            "Check the mapping's source, topics or queues, starting position and access "
            "configuration (`aws lambda get-event-source-mapping --uuid <uuid>`), fix them with "
            "`aws lambda update-event-source-mapping`, then enable it.",
            transient=False,
        ),
        _r(
            "EVENT_SOURCE_AUTHN_ERROR",
            "Could not authenticate to the source",
            "Lambda failed to authenticate to the event source (for example a wrong SASL/SCRAM "
            "secret or client certificate).",
            "Fix the credentials in the mapping's SourceAccessConfigurations (the Secrets "
            "Manager secret) and enable the mapping again.",
            transient=False,
        ),
        _r(
            "EVENT_SOURCE_AUTHZ_ERROR",
            "Not allowed to read the source",
            "Lambda does not have the permissions it needs to access the event source.",
            "Grant the execution role what the source needs (for SQS: sqs:ReceiveMessage, "
            "sqs:DeleteMessage, sqs:GetQueueAttributes; for Kinesis, DynamoDB, MSK, MQ: the "
            "AWSLambda*ExecutionRole managed policy), then enable the mapping again.",
            transient=False,
        ),
        _r(
            "FUNCTION_CONFIG_NOT_VALID",
            "Function configuration not valid",
            "Lambda stopped the consumer because the function's configuration is not valid "
            "for this source (for example no network path from the function's VPC).",
            "Check the function's configuration (`lambda-wait status <name>`), fix it, then "
            "enable the mapping again.",
            transient=False,
        ),
    )
}

PROCESSING_OK = ("OK", "No records processed")
PROBLEM_PREFIX = "PROBLEM:"

# LastProcessingResult values: "OK", "No records processed", or "PROBLEM: <message>". The
# keys of the PROBLEM entries are the start of the message after the prefix.
PROCESSING_RESULTS: dict[str, ReasonInfo] = {
    info.code: info
    for info in (
        _r(
            "OK",
            "Last batch processed",
            "The last batch was read and the function invoked without a processing problem.",
            "Nothing to do.",
            transient=True,
        ),
        _r(
            "No records processed",
            "Nothing to process yet",
            "The mapping has not processed any records (new mapping or empty source).",
            "Nothing to do.",
            transient=True,
        ),
        _r(
            "Cluster failed to authorize Lambda",
            "Kafka cluster refused Lambda",
            "For SASL/SCRAM or mTLS, the user lacks Kafka ACL permissions: DescribeConfigs on "
            "the cluster, Describe and Read on the group (named after the mapping's UUID) and "
            "on the topic.",
            "Add the ACLs (or the kafka-cluster IAM permissions) for the topic and the group; "
            "changes can take a few minutes to apply.",
            transient=False,
        ),
        _r(
            "SASL authentication failed",
            "Kafka SASL sign-in failed",
            "For SASL/SCRAM or SASL/PLAIN, the sign-in credentials in the secret are not valid.",
            "Fix the user name and password in the Secrets Manager secret the mapping names.",
            transient=False,
        ),
        _r(
            "Server failed to authenticate Lambda",
            "Kafka broker rejected Lambda's certificate",
            "For mTLS, the broker could not authenticate Lambda: no client certificate given, "
            "the broker is not set up for mTLS, or it does not trust the certificate.",
            "Provide a client certificate the broker trusts (CLIENT_CERTIFICATE_TLS_AUTH secret).",
            transient=False,
        ),
        _r(
            "Lambda failed to authenticate server",
            "Lambda rejected the broker's certificate",
            "The broker uses a self-signed certificate or a private CA and no matching server "
            "root CA certificate was given, or the certificate lacks the broker's name.",
            "Add the server root CA certificate (SERVER_ROOT_CA_CERTIFICATE secret) or fix the "
            "broker's certificate.",
            transient=False,
        ),
        _r(
            "Provided certificate or private key is invalid",
            "Certificate or key not valid",
            "Lambda could not use the certificate or private key in the secret (wrong format "
            "or encrypted key without password).",
            "Store the certificate chain and the PEM private key as the secret expects.",
            transient=False,
        ),
        _r(
            "Connection error",
            "Cannot reach the source",
            "Lambda could not connect to the event source or to Lambda, STS or Secrets "
            "Manager from the source's VPC.",
            "Give the source's subnets a route to Lambda, STS (and Secrets Manager if "
            "authentication is used): NAT gateway or VPC endpoints; allow the security group "
            "to reach the brokers.",
            transient=False,
        ),
        _r(
            PROBLEM_PREFIX,
            "Processing problem",
            "Lambda reports a problem with the last batch; the message after 'PROBLEM:' says "
            "which.",
            "Read the message; check the mapping's source, permissions and network path, and "
            "the function's logs in " + _FN_LOGS + ".",
            transient=False,
        ),
    )
}


def _token_match(text: str, catalogue: dict[str, ReasonInfo]) -> ReasonInfo | None:
    for code, info in catalogue.items():
        if code in text:
            return info
    return None


def decode_provisioned_reason(reason: str | None) -> DecodedReason | None:
    """Decode a provisioned-concurrency StatusReason (free text that may carry a code)."""
    if not reason:
        return None
    info = _token_match(reason, PROVISIONED_STATUS_REASONS)
    return DecodedReason(code=info.code if info else None, aws_message=reason, info=info)


def decode_transition_reason(reason: str | None) -> DecodedReason | None:
    """Decode an event source mapping's StateTransitionReason."""
    if not reason:
        return None
    text = reason.strip()
    if text.casefold() in (r.casefold() for r in USER_TRANSITION_REASONS):
        info: ReasonInfo | None = MAPPING_TRANSITION_REASONS["USER_INITIATED"]
    else:
        info = _token_match(text, MAPPING_TRANSITION_REASONS)
    return DecodedReason(code=info.code if info else None, aws_message=reason, info=info)


def decode_processing_result(result: str | None) -> DecodedReason | None:
    """Decode an event source mapping's LastProcessingResult."""
    if not result:
        return None
    text = result.strip()
    if text in PROCESSING_OK:
        return DecodedReason(code=text, aws_message=result, info=PROCESSING_RESULTS[text])
    if not text.upper().startswith(PROBLEM_PREFIX):
        return DecodedReason(code=None, aws_message=result, info=None)
    detail = text[len(PROBLEM_PREFIX) :].strip().casefold()
    for code, info in PROCESSING_RESULTS.items():
        if (
            code not in PROCESSING_OK
            and code != PROBLEM_PREFIX
            and detail.startswith(code.casefold())
        ):
            return DecodedReason(code=code, aws_message=result, info=info)
    return DecodedReason(
        code=PROBLEM_PREFIX, aws_message=result, info=PROCESSING_RESULTS[PROBLEM_PREFIX]
    )


def lookup(code: str | None) -> ReasonInfo | None:
    """The catalogue entry for ``code`` (accepting documented spellings), or None."""
    if not code or not isinstance(code, str):
        return None
    code = code.strip()
    return CATALOGUE.get(ALIASES.get(code, code))


def decode(code: str | None, aws_message: str | None) -> DecodedReason | None:
    """Decode a (code, message) pair; None when both are absent.

    An unknown code is kept verbatim with AWS's message (``info`` is None). Never raises.
    """
    if not code and not aws_message:
        return None
    return DecodedReason(code=code, aws_message=aws_message, info=lookup(code))
