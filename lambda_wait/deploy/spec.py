"""The desired function: ``--spec`` (CreateFunction's request shape) merged with flags.

Everything is validated here, before the first call to AWS: the spec's keys and
types (against botocore's CreateFunction input shape, through an injected
:class:`RequestModel`), the code source (exactly one) and the zip itself; reading
the spec and env files and checking the values (``${VAR}``, environment names and
size) is :mod:`.reading`'s. Pure apart from reading files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from lambda_wait.deploy.package import pack_directory, read_zip_file
from lambda_wait.deploy.reading import (
    RequestModel,
    check_environment,
    parse_env_file,
    parse_key_value,
    read_spec,
)
from lambda_wait.deploy.runtimes import check_runtime
from lambda_wait.deploy.source import (
    CodeSource,
    s3_source,
    spec_code_source,
    zip_source,
)
from lambda_wait.errors import UsageError
from lambda_wait.inputs import FunctionRef, parse_function


@dataclass(frozen=True)
class FlagValues:
    """The command-line flags that describe the function (None/empty: not given)."""

    function_name: str | None = None
    spec: str | None = None
    zip_file: str | None = None
    code_dir: str | None = None
    allow_symlinks_outside: bool = False  # pack links in --code-dir that lead outside it
    s3_bucket: str | None = None
    s3_key: str | None = None
    s3_object_version: str | None = None
    s3_prefix: str | None = None  # with --s3-bucket and a zip or directory: upload under it
    image_uri: str | None = None
    role: str | None = None
    runtime: str | None = None
    handler: str | None = None
    memory_size: int | None = None
    function_timeout: int | None = None
    description: str | None = None
    architecture: str | None = None
    env: tuple[str, ...] = ()
    env_file: str | None = None
    layers: tuple[str, ...] = ()
    subnet_ids: tuple[str, ...] = ()
    security_group_ids: tuple[str, ...] = ()
    ephemeral_storage: int | None = None
    tracing: str | None = None
    snapstart: str | None = None
    kms_key_arn: str | None = None
    dead_letter_arn: str | None = None
    log_format: str | None = None
    log_group: str | None = None
    tags: tuple[str, ...] = ()
    publish: bool = False


CODE_FLAGS = "code (--zip-file, --code-dir, --s3-bucket/--s3-key or --image-uri)"

# A zip function cannot be created without these (an image brings its own).
SPEC_KEYS = {"--role": "Role", "--runtime": "Runtime", "--handler": "Handler", CODE_FLAGS: "Code"}
ZIP_CREATE_FIELDS = (("Runtime", "--runtime"), ("Handler", "--handler"))


@dataclass(frozen=True)
class DesiredFunction:
    """What the function should be after the deploy."""

    name: str
    code: CodeSource
    config: dict[str, Any]  # keys UpdateFunctionConfiguration takes: diffed on update
    create_only: dict[str, Any]  # keys only CreateFunction takes (Tags, PackageType, ...)
    publish: bool
    architectures: tuple[str, ...] | None = None  # UpdateFunctionCode takes these
    # Variables whose value comes from SSM or Secrets Manager: what the plan shows
    # instead ("(from ssm:/path/name)"); set when the references are resolved.
    env_sources: Mapping[str, str] = field(default_factory=dict)
    # The spec's "FunctionUrl" ({"AuthType", "Cors"}): deploy --function-url's settings.
    function_url: Mapping[str, Any] | None = None
    warnings: tuple[str, ...] = ()  # worth saying before the deploy (a deprecated runtime)

    def check_creatable(self) -> None:
        """CreateFunction's required fields, checked before it is sent: a missing one is
        one line naming the flag (exit 2), not botocore's parameter validation after a
        call. Updates need none of them."""
        missing = [] if self.config.get("Role") else ["--role"]
        if self.code.kind == "none":
            missing.append(CODE_FLAGS)
        elif self.code.package_type == "Zip":
            missing += [flag for key, flag in ZIP_CREATE_FIELDS if not self.config.get(key)]
        if missing:
            keys = ", ".join(f'"{SPEC_KEYS[flag]}"' for flag in missing)
            needs = " and ".join(missing)
            raise UsageError(
                f"the function does not exist yet, and creating it needs {needs}.",
                hint=f"Give {' '.join(missing)} (or {keys} in --spec).",
            )

    def create_request(self) -> dict[str, Any]:
        """The CreateFunction request (Publish is done separately, after Active)."""
        request: dict[str, Any] = {"FunctionName": self.name, "Code": self.code.create_code()}
        request.update(self.config)
        request.update(self.create_only)
        if self.architectures:
            request["Architectures"] = list(self.architectures)
        request["PackageType"] = self.code.package_type
        return request


# --- the code source ----------------------------------------------------------------


def _uploads(flags: FlagValues) -> bool:
    """--s3-bucket beside --zip-file or --code-dir (no --s3-key): upload the package."""
    packaged = flags.zip_file is not None or flags.code_dir is not None
    return bool(flags.s3_bucket) and packaged and not (flags.s3_key or flags.s3_object_version)


def _flag_code(flags: FlagValues) -> list[tuple[str, CodeSource | None]]:
    sources: list[tuple[str, CodeSource | None]] = []
    if flags.zip_file is not None:
        sources.append(("--zip-file", None))
    if flags.code_dir is not None:
        sources.append(("--code-dir", None))
    if (flags.s3_bucket or flags.s3_key or flags.s3_object_version) and not _uploads(flags):
        sources.append(("--s3-bucket/--s3-key", None))
    if flags.image_uri is not None:
        sources.append(("--image-uri", None))
    return sources


def _upload_bucket(flags: FlagValues, spec_code: Mapping[str, Any]) -> str | None:
    """The bucket a zip or directory package is uploaded to: --s3-bucket, or the spec's
    ``Code.S3Bucket`` when it names no key (None: sent in the request)."""
    if _uploads(flags):
        return flags.s3_bucket
    if spec_code.get("S3Bucket") and not spec_code.get("S3Key"):
        return str(spec_code["S3Bucket"])
    if flags.s3_prefix:
        raise UsageError(
            "--s3-prefix goes with --s3-bucket and a --zip-file or --code-dir to upload."
        )
    return None


def resolve_code(flags: FlagValues, spec_code: Mapping[str, Any], spec_dir: Path) -> CodeSource:
    """Exactly one code source: from the flags if any, else from the spec's ``Code``."""
    given = _flag_code(flags)
    if len(given) > 1:
        names = " and ".join(name for name, _ in given)
        raise UsageError(f"two code sources given ({names}): give exactly one.")
    bucket = _upload_bucket(flags, spec_code)
    via_s3 = bucket is not None
    if flags.zip_file is not None:
        data = read_zip_file(flags.zip_file, via_s3=via_s3)
        return zip_source("zip-file", flags.zip_file, data, bucket, flags.s3_prefix)
    if flags.code_dir is not None:
        data = pack_directory(
            flags.code_dir, symlinks_outside=flags.allow_symlinks_outside, via_s3=via_s3
        )
        return zip_source("code-dir", flags.code_dir, data, bucket, flags.s3_prefix)
    if flags.image_uri is not None:
        return CodeSource("image", flags.image_uri, image_uri=flags.image_uri)
    if given:
        return s3_source(
            flags.s3_bucket, flags.s3_key, flags.s3_object_version, where="--s3-bucket/--s3-key"
        )
    return spec_code_source(spec_code, spec_dir, bucket, flags.s3_prefix)


# --- merging ------------------------------------------------------------------------


def _flag_config(flags: FlagValues, spec: Mapping[str, Any]) -> dict[str, Any]:  # noqa: PLR0912 -- one branch per flag with a CreateFunction key
    """The flags as CreateFunction keys, merged over the spec's values where nested."""
    out: dict[str, Any] = {}
    scalars = {
        "Role": flags.role,
        "Runtime": flags.runtime,
        "Handler": flags.handler,
        "MemorySize": flags.memory_size,
        "Timeout": flags.function_timeout,
        "Description": flags.description,
        "KMSKeyArn": flags.kms_key_arn,
    }
    out.update({k: v for k, v in scalars.items() if v is not None})
    if flags.architecture:
        out["Architectures"] = [flags.architecture]
    if flags.layers:
        out["Layers"] = list(flags.layers)
    if flags.subnet_ids or flags.security_group_ids:
        vpc = dict(spec.get("VpcConfig") or {})
        if flags.subnet_ids:
            vpc["SubnetIds"] = list(flags.subnet_ids)
        if flags.security_group_ids:
            vpc["SecurityGroupIds"] = list(flags.security_group_ids)
        out["VpcConfig"] = vpc
    if flags.ephemeral_storage is not None:
        out["EphemeralStorage"] = {"Size": flags.ephemeral_storage}
    if flags.tracing:
        out["TracingConfig"] = {"Mode": flags.tracing}
    if flags.snapstart:
        out["SnapStart"] = {"ApplyOn": flags.snapstart}
    if flags.dead_letter_arn is not None:
        out["DeadLetterConfig"] = {"TargetArn": flags.dead_letter_arn}
    if flags.log_format or flags.log_group:
        logging = dict(spec.get("LoggingConfig") or {})
        if flags.log_format:
            logging["LogFormat"] = flags.log_format
        if flags.log_group:
            logging["LogGroup"] = flags.log_group
        out["LoggingConfig"] = logging
    if flags.tags:
        tags = dict(spec.get("Tags") or {})
        tags.update(parse_key_value(t, what="--tag") for t in flags.tags)
        out["Tags"] = tags
    return out


def _environment(flags: FlagValues, spec: Mapping[str, Any]) -> dict[str, str] | None:
    """Spec variables, then --env-file, then --env (later wins per name); None if none given."""
    spec_env = spec.get("Environment")
    variables: dict[str, str] | None = None
    if isinstance(spec_env, dict) and isinstance(spec_env.get("Variables"), dict):
        variables = dict(spec_env["Variables"])
    if flags.env_file is not None:
        variables = {**(variables or {}), **parse_env_file(flags.env_file)}
    if flags.env:
        variables = dict(variables or {})
        for item in flags.env:
            key, value = parse_key_value(item, what="--env")
            variables[key] = value
    return variables


def _function_ref(flags: FlagValues, spec: Mapping[str, Any]) -> FunctionRef:
    """The function deployed: a bare name or ARN (deploy changes $LATEST)."""
    name = flags.function_name or spec.get("FunctionName")
    if not name:
        raise UsageError("no function name: give --function-name (or FunctionName in --spec).")
    ref = parse_function(str(name))
    if ref.qualifier:
        raise UsageError(
            f"function {name!r} names a qualifier: deploy changes $LATEST; give the bare name "
            "(use --publish and --alias for versions and aliases)."
        )
    return ref


def build_desired(
    flags: FlagValues,
    model: RequestModel,
    env: Mapping[str, str],
    today: date | None = None,
) -> DesiredFunction:
    """Merge spec and flags into the desired function; raise UsageError on any bad input.

    Makes no AWS call: the request is checked against botocore's CreateFunction
    shape offline (``model``), the runtime against the identifiers Lambda accepts
    (a deprecated one is a warning, by ``today``'s date: UTC's by default).
    """
    spec, spec_dir, where = read_spec(flags.spec, flags.function_name, model, env)
    code_in_spec = spec.get("Code")
    ref = _function_ref(flags, spec)

    own = ("FunctionName", "Code", "FunctionUrl")
    merged: dict[str, Any] = {k: v for k, v in spec.items() if k not in own}
    merged.update(_flag_config(flags, spec))
    variables = _environment(flags, spec)
    if variables is not None:
        check_environment(variables)
        merged["Environment"] = {**(spec.get("Environment") or {}), "Variables": variables}
    publish = bool(merged.pop("Publish", False)) or flags.publish

    code = resolve_code(flags, code_in_spec or {}, spec_dir)
    _check_package(merged, code, where)
    architectures = merged.pop("Architectures", None)
    where_runtime = "--runtime" if flags.runtime is not None else f'{where}: "Runtime"'
    runtime, today = merged.get("Runtime"), today or datetime.now(UTC).date()
    warning = check_runtime(runtime, model.runtimes(), where=where_runtime, today=today)

    updatable = set(model.members("UpdateFunctionConfiguration")) - {"FunctionName", "RevisionId"}
    config = {k: v for k, v in merged.items() if k in updatable}
    create_only = {k: v for k, v in merged.items() if k not in updatable}
    desired = DesiredFunction(
        name=ref.given,
        code=code,
        config=config,
        create_only=create_only,
        publish=publish,
        architectures=tuple(architectures) if architectures else None,
        function_url=spec.get("FunctionUrl"),
        warnings=(warning,) if warning else (),
    )
    _check_shape(desired, model)
    return desired


def _check_package(merged: dict[str, Any], code: CodeSource, where: str) -> None:
    """PackageType agrees with the code given (it is popped: the code decides it); an
    image takes no Runtime, Handler or Layers."""
    package_type = merged.pop("PackageType", None)
    if package_type is not None and code.kind != "none" and package_type != code.package_type:
        raise UsageError(
            f"{where}: PackageType {package_type} does not match the code given "
            f"({code.label} is a {code.package_type} package)."
        )
    if code.kind == "image":
        given = [k for k in ("Runtime", "Handler", "Layers") if k in merged]
        if given:
            raise UsageError(
                f"an image function takes no {', '.join(given)}: set them in the image "
                "(ImageConfig) instead."
            )


def _check_shape(desired: DesiredFunction, model: RequestModel) -> None:
    """The whole CreateFunction request, shape-checked offline (placeholders stand in
    for what is not known yet: the role, the zip's bytes, no code at all)."""
    final = desired.create_request()
    final.setdefault("Role", "arn:aws:iam::123456789012:role/placeholder")
    final["Code"] = {k: (b"" if k == "ZipFile" else v) for k, v in final["Code"].items()}
    if desired.code.kind == "none":  # configuration only: the rest is still checked
        final["Code"] = {"ZipFile": b""}
    model.validate("CreateFunction", final, where="the flags and spec together")
