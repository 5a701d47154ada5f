"""The desired function: ``--spec`` (CreateFunction's request shape) merged with flags.

Everything is validated here, before the first call to AWS: the spec's keys and
types (against botocore's CreateFunction input shape, through an injected
:class:`RequestModel`), ``${VAR}`` expansion, environment variable names, the
code source (exactly one) and the zip itself. Pure apart from reading files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from lambda_wait.deploy.package import code_sha256, pack_directory, read_zip_file
from lambda_wait.errors import UsageError
from lambda_wait.inputs import parse_function

ENV_NAME = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]+$")
ENV_MAX_BYTES = 4096  # Lambda's quota for all variables of a function together
# Lambda sets these itself and rejects them in a function's configuration.
RESERVED_ENV = frozenset(
    {
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
    }
)
_VAR = re.compile(r"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
FILEB = "fileb://"

CodeKind = Literal["zip-file", "code-dir", "s3", "image"]


class RequestModel(Protocol):
    """Offline knowledge of Lambda's request shapes (botocore's model, in aws.py)."""

    def validate(self, operation: str, params: Mapping[str, Any], *, where: str) -> None: ...

    def members(self, operation: str) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class CodeSource:
    """Where the function's code comes from; zip kinds carry the bytes and CodeSha256."""

    kind: CodeKind
    label: str
    zip_bytes: bytes | None = field(default=None, repr=False)
    sha256: str | None = None
    s3_bucket: str | None = None
    s3_key: str | None = None
    s3_object_version: str | None = None
    image_uri: str | None = None

    @property
    def package_type(self) -> str:
        return "Image" if self.kind == "image" else "Zip"

    def create_code(self) -> dict[str, Any]:
        """CreateFunction's ``Code``."""
        if self.zip_bytes is not None:
            return {"ZipFile": self.zip_bytes}
        if self.image_uri is not None:
            return {"ImageUri": self.image_uri}
        code: dict[str, Any] = {"S3Bucket": self.s3_bucket, "S3Key": self.s3_key}
        if self.s3_object_version:
            code["S3ObjectVersion"] = self.s3_object_version
        return code

    def update_params(self) -> dict[str, Any]:
        """UpdateFunctionCode's code parameters (same keys, at the top level)."""
        return self.create_code()

    def to_dict(self) -> dict[str, Any]:
        """JSON form (never the bytes)."""
        return {
            "kind": self.kind,
            "source": self.label,
            "code_sha256": self.sha256,
            "size_bytes": None if self.zip_bytes is None else len(self.zip_bytes),
        }


@dataclass(frozen=True)
class FlagValues:
    """The command-line flags that describe the function (None/empty: not given)."""

    function_name: str | None = None
    spec: str | None = None
    zip_file: str | None = None
    code_dir: str | None = None
    s3_bucket: str | None = None
    s3_key: str | None = None
    s3_object_version: str | None = None
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


@dataclass(frozen=True)
class DesiredFunction:
    """What the function should be after the deploy."""

    name: str
    code: CodeSource
    config: dict[str, Any]  # keys UpdateFunctionConfiguration takes: diffed on update
    create_only: dict[str, Any]  # keys only CreateFunction takes (Tags, PackageType, ...)
    publish: bool
    architectures: tuple[str, ...] | None = None  # UpdateFunctionCode takes these

    def create_request(self) -> dict[str, Any]:
        """The CreateFunction request (Publish is done separately, after Active)."""
        request: dict[str, Any] = {"FunctionName": self.name, "Code": self.code.create_code()}
        request.update(self.config)
        request.update(self.create_only)
        if self.architectures:
            request["Architectures"] = list(self.architectures)
        request["PackageType"] = self.code.package_type
        return request


# --- small parsers ------------------------------------------------------------------


def expand_variables(value: Any, env: Mapping[str, str], *, where: str, path: str = "") -> Any:
    """Replace ``${NAME}`` in every string of ``value`` (``$${`` gives a literal ``${``)."""
    if isinstance(value, str):

        def sub(match: re.Match[str]) -> str:
            name = match.group(1)
            if name is None:
                return "${"
            if name not in env:
                at = f" (at {path})" if path else ""
                raise UsageError(
                    f"{where}: ${{{name}}}{at} is not set in the environment: set it, or "
                    "write $${ for a literal ${."
                )
            return env[name]

        return _VAR.sub(sub, value)
    if isinstance(value, dict):
        return {
            k: expand_variables(v, env, where=where, path=f"{path}.{k}" if path else str(k))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [
            expand_variables(v, env, where=where, path=f"{path}[{i}]") for i, v in enumerate(value)
        ]
    return value


def drop_nulls(value: Any) -> Any:
    """Remove null members (null means "not set", as in a generated skeleton)."""
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value if v is not None]
    return value


def _read_text(path: Path, where: str) -> str:
    """A user's file as UTF-8 text; a missing or unreadable file is a usage error."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{where} does not exist.") from None
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else err
        raise UsageError(f"{where} cannot be read: {reason}.") from None


def load_spec(path: str | Path, env: Mapping[str, str]) -> dict[str, Any]:
    """Read a spec file (JSON, CreateFunction's request shape), expanded; not yet validated."""
    p = Path(path)
    where = f"spec file {str(p)!r}"
    text = _read_text(p, where)
    try:
        data = json.loads(text)
    except ValueError as err:
        raise UsageError(f"{where} is not valid JSON: {err}.") from None
    if not isinstance(data, dict):
        raise UsageError(
            f"{where}: expected a JSON object in CreateFunction's request shape "
            "(see `aws lambda create-function --generate-cli-skeleton`)."
        )
    result: dict[str, Any] = drop_nulls(expand_variables(data, env, where=where))
    return result


def parse_key_value(text: str, *, what: str) -> tuple[str, str]:
    """``KEY=VALUE`` -> (KEY, VALUE); the value may contain '=' and be empty."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise UsageError(f"invalid {what} {key or text!r}: expected KEY=VALUE.")
    return key.strip(), value


def parse_env_file(path: str | Path) -> dict[str, str]:
    """A dotenv-style file: ``KEY=VALUE`` lines, ``#`` comments, optional ``export`` and quotes."""
    p = Path(path)
    where = f"env file {str(p)!r}"
    text = _read_text(p, where)
    variables: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            # Never echo the line: it may hold a secret.
            raise UsageError(f"{where}: line {number} is not KEY=VALUE.")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        variables[key.strip()] = value
    return variables


def check_environment(variables: Mapping[str, str]) -> None:
    """Names match Lambda's pattern, none is reserved, the total fits in 4 KB."""
    for name in variables:
        if not ENV_NAME.match(name):
            raise UsageError(
                f"invalid environment variable name {name!r}: it must start with a letter "
                "and have only letters, digits and '_' (at least 2 characters)."
            )
        if name in RESERVED_ENV:
            raise UsageError(
                f"environment variable {name} is reserved: Lambda sets it itself; rename yours."
            )
    size = sum(len(k.encode()) + len(v.encode()) for k, v in variables.items())
    if size > ENV_MAX_BYTES:
        raise UsageError(
            f"environment variables take {size} bytes, over Lambda's 4 KB limit: move large "
            "values to SSM Parameter Store or Secrets Manager."
        )


_ALIAS = re.compile(r"^(?!^[0-9]+$)[a-zA-Z0-9_-]{1,128}$")


def check_alias(alias: str) -> None:
    """Lambda's alias name pattern: letters, digits, '-' and '_', not only digits."""
    if not _ALIAS.match(alias):
        raise UsageError(
            f"invalid alias {alias!r}: use letters, digits, '-' and '_' (not only digits), "
            "at most 128 characters."
        )


# --- the code source ----------------------------------------------------------------


def _flag_code(flags: FlagValues) -> list[tuple[str, CodeSource | None]]:
    sources: list[tuple[str, CodeSource | None]] = []
    if flags.zip_file is not None:
        sources.append(("--zip-file", None))
    if flags.code_dir is not None:
        sources.append(("--code-dir", None))
    if flags.s3_bucket or flags.s3_key or flags.s3_object_version:
        sources.append(("--s3-bucket/--s3-key", None))
    if flags.image_uri is not None:
        sources.append(("--image-uri", None))
    return sources


def _zip_source(kind: CodeKind, label: str, data: bytes) -> CodeSource:
    return CodeSource(kind, label, zip_bytes=data, sha256=code_sha256(data))


def _s3_source(bucket: Any, key: Any, version: Any, *, where: str) -> CodeSource:
    if not bucket or not key:
        raise UsageError(f"{where}: code from S3 needs both a bucket and a key.")
    label = f"s3://{bucket}/{key}" + (f"?versionId={version}" if version else "")
    return CodeSource(
        "s3", label, s3_bucket=str(bucket), s3_key=str(key), s3_object_version=version or None
    )


def resolve_code(flags: FlagValues, spec_code: Mapping[str, Any], spec_dir: Path) -> CodeSource:
    """Exactly one code source: from the flags if any, else from the spec's ``Code``."""
    given = _flag_code(flags)
    if len(given) > 1:
        names = " and ".join(name for name, _ in given)
        raise UsageError(f"two code sources given ({names}): give exactly one.")
    if given:
        if flags.zip_file is not None:
            return _zip_source("zip-file", flags.zip_file, read_zip_file(flags.zip_file))
        if flags.code_dir is not None:
            return _zip_source("code-dir", flags.code_dir, pack_directory(flags.code_dir))
        if flags.image_uri is not None:
            return CodeSource("image", flags.image_uri, image_uri=flags.image_uri)
        return _s3_source(
            flags.s3_bucket, flags.s3_key, flags.s3_object_version, where="--s3-bucket/--s3-key"
        )
    where = "Code in the spec"
    kinds = [
        k
        for k, present in (
            ("ZipFile", "ZipFile" in spec_code),
            ("S3Bucket/S3Key", "S3Bucket" in spec_code or "S3Key" in spec_code),
            ("ImageUri", "ImageUri" in spec_code),
        )
        if present
    ]
    if len(kinds) > 1:
        raise UsageError(f"{where} names two code sources ({' and '.join(kinds)}): keep one.")
    if not kinds:
        raise UsageError(
            "no code to deploy: give --zip-file, --code-dir, --s3-bucket/--s3-key or "
            '--image-uri (or "Code" in --spec).'
        )
    if "ZipFile" in spec_code:
        value = spec_code["ZipFile"]
        if not isinstance(value, str) or not value.startswith(FILEB):
            raise UsageError(
                f'{where}: "ZipFile" must be "fileb://PATH" (relative to the spec file).'
            )
        path = Path(value[len(FILEB) :]).expanduser()
        if not path.is_absolute():
            path = spec_dir / path
        return _zip_source("zip-file", str(path), read_zip_file(path))
    if "ImageUri" in spec_code:
        return CodeSource("image", str(spec_code["ImageUri"]), image_uri=str(spec_code["ImageUri"]))
    return _s3_source(
        spec_code.get("S3Bucket"),
        spec_code.get("S3Key"),
        spec_code.get("S3ObjectVersion"),
        where=where,
    )


# --- merging ------------------------------------------------------------------------


def _flag_config(flags: FlagValues, spec: Mapping[str, Any]) -> dict[str, Any]:
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


def build_desired(
    flags: FlagValues,
    model: RequestModel,
    env: Mapping[str, str],
) -> DesiredFunction:
    """Merge spec and flags into the desired function; raise UsageError on any bad input.

    Makes no AWS call: the request is checked against botocore's CreateFunction
    shape offline (``model``).
    """
    spec: dict[str, Any] = {}
    spec_dir = Path.cwd()
    where = "flags"
    if flags.spec is not None:
        spec = load_spec(flags.spec, env)
        spec_dir = Path(flags.spec).resolve().parent
        where = f"spec file {flags.spec!r}"
    # Shape check of the spec as written (ZipFile replaced: it is a path here, a blob there).
    code_in_spec = spec.get("Code")
    if code_in_spec is not None and not isinstance(code_in_spec, dict):
        raise UsageError(f'{where}: "Code" must be an object.')
    shaped = dict(spec)
    shaped.setdefault("FunctionName", flags.function_name or "placeholder")
    shaped.setdefault("Role", "arn:aws:iam::123456789012:role/placeholder")
    code_shape = dict(code_in_spec or {})
    if isinstance(code_shape.get("ZipFile"), str):
        code_shape["ZipFile"] = b""
    shaped["Code"] = code_shape
    model.validate("CreateFunction", shaped, where=where)

    name = flags.function_name or spec.get("FunctionName")
    if not name:
        raise UsageError("no function name: give --function-name (or FunctionName in --spec).")
    ref = parse_function(str(name))
    if ref.qualifier:
        raise UsageError(
            f"function {name!r} names a qualifier: deploy changes $LATEST; give the bare name "
            "(use --publish and --alias for versions and aliases)."
        )

    merged: dict[str, Any] = {k: v for k, v in spec.items() if k not in ("FunctionName", "Code")}
    merged.update(_flag_config(flags, spec))
    variables = _environment(flags, spec)
    if variables is not None:
        check_environment(variables)
        merged["Environment"] = {**(spec.get("Environment") or {}), "Variables": variables}
    publish = bool(merged.pop("Publish", False)) or flags.publish

    code = resolve_code(flags, code_in_spec or {}, spec_dir)
    package_type = merged.pop("PackageType", None)
    if package_type is not None and package_type != code.package_type:
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
    architectures = merged.pop("Architectures", None)

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
    )
    final = desired.create_request()
    final.setdefault("Role", "arn:aws:iam::123456789012:role/placeholder")
    final["Code"] = {k: (b"" if k == "ZipFile" else v) for k, v in final["Code"].items()}
    model.validate("CreateFunction", final, where="the flags and spec together")
    return desired
