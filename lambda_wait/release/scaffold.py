"""``init``: a deploy spec written from a live function. Pure.

The spec has the shape ``deploy --spec`` reads (CreateFunction's request), built
from GetFunction's answer: response-only members are dropped (VpcId,
OptimizationStatus, State...), Layers become ARNs, ImageConfigResponse becomes
ImageConfig. Environment values become ``${NAME}`` placeholders (deploy expands
them from its own environment) unless the caller asks for the values; a literal
``${`` anywhere is written ``$${`` so the spec reads back as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# deploy tags a function whose environment holds ${ssm:...} / ${secretsmanager:...}
# with the names of those variables ("*": too many to list), so init never writes
# their resolved values back (lambda_wait.deploy.references).
REFERENCES_TAG = "lambda-wait:env-from-references"
_SCALARS = ("Runtime", "Handler", "Description", "Timeout", "MemorySize", "KMSKeyArn")
_LOG_GROUP_DEFAULT = "/aws/lambda/"


def _escape(value: Any) -> Any:
    """Make ``${`` literal for deploy's ``${VAR}`` expansion."""
    if isinstance(value, str):
        return value.replace("${", "$${")
    if isinstance(value, dict):
        return {k: _escape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escape(v) for v in value]
    return value


def _vpc(config: Mapping[str, Any]) -> dict[str, Any] | None:
    vpc = config.get("VpcConfig") or {}
    if not vpc.get("SubnetIds") and not vpc.get("SecurityGroupIds"):
        return None
    out: dict[str, Any] = {
        "SubnetIds": list(vpc.get("SubnetIds") or []),
        "SecurityGroupIds": list(vpc.get("SecurityGroupIds") or []),
    }
    if vpc.get("Ipv6AllowedForDualStack"):
        out["Ipv6AllowedForDualStack"] = True
    return out


def _logging(config: Mapping[str, Any]) -> dict[str, Any] | None:
    logging = config.get("LoggingConfig") or {}
    out = {
        k: logging[k]
        for k in ("LogFormat", "ApplicationLogLevel", "SystemLogLevel", "LogGroup")
        if logging.get(k)
    }
    if out.get("LogGroup") == _LOG_GROUP_DEFAULT + str(config.get("FunctionName")):
        out.pop("LogGroup")  # the default: keep the spec portable across names
    if out == {"LogFormat": "Text"}:
        return None
    return out or None


def placeholders(variables: Mapping[str, str]) -> dict[str, str]:
    """``{NAME: "${NAME}"}``: the values come from deploy's environment."""
    return {name: "${" + name + "}" for name in variables}


def spec_from_function(
    function: Mapping[str, Any],
    *,
    with_env_values: bool = False,
    zip_path: str | None = None,
) -> dict[str, Any]:
    """A ``deploy --spec`` document for the function GetFunction described.

    ``zip_path`` (relative to the spec file) becomes ``Code.ZipFile`` as
    ``fileb://PATH``; without it a zip function's spec has no ``Code`` (give
    ``--zip-file``/``--code-dir`` to deploy). An image function keeps its ImageUri.
    """
    config: Mapping[str, Any] = function.get("Configuration") or {}
    code: Mapping[str, Any] = function.get("Code") or {}
    spec: dict[str, Any] = {"FunctionName": _escape(config.get("FunctionName"))}
    for key in ("Role", *_SCALARS):
        if config.get(key) not in (None, ""):
            spec[key] = _escape(config[key])
    spec.update(_package(config, code, zip_path))
    if config.get("Architectures"):
        spec["Architectures"] = list(config["Architectures"])
    variables = (config.get("Environment") or {}).get("Variables")
    if variables:
        spec["Environment"] = {"Variables": _env_values(function, variables, with_env_values)}
    if config.get("Layers"):
        spec["Layers"] = [layer.get("Arn") for layer in config["Layers"] if layer.get("Arn")]
    vpc = _vpc(config)
    if vpc:
        spec["VpcConfig"] = vpc
    spec.update(_non_defaults(config))
    if config.get("FileSystemConfigs"):
        spec["FileSystemConfigs"] = [
            {"Arn": fs["Arn"], "LocalMountPath": fs["LocalMountPath"]}
            for fs in config["FileSystemConfigs"]
        ]
    logging = _logging(config)
    if logging:
        spec["LoggingConfig"] = _escape(logging)
    tags = {k: v for k, v in (function.get("Tags") or {}).items() if k != REFERENCES_TAG}
    if tags:
        spec["Tags"] = _escape(tags)
    return spec


def _env_values(
    function: Mapping[str, Any], variables: Mapping[str, Any], with_values: bool
) -> dict[str, Any]:
    """Placeholders, or the values; never a value resolved from SSM or Secrets Manager."""
    values: dict[str, Any] = placeholders(variables)
    if with_values:
        hidden = referenced_names(function, variables)
        values = {k: values[k] if k in hidden else _escape(v) for k, v in variables.items()}
    return values


def referenced_names(function: Mapping[str, Any], variables: Mapping[str, Any]) -> set[str]:
    """The variables whose value deploy resolved from SSM or Secrets Manager."""
    listed = str((function.get("Tags") or {}).get(REFERENCES_TAG) or "")
    if listed.strip() == "*":
        return set(variables)
    return set(listed.split()) & set(variables)


def _package(
    config: Mapping[str, Any], code: Mapping[str, Any], zip_path: str | None
) -> dict[str, Any]:
    """The spec's package keys: an image's PackageType, Code and ImageConfig, or a zip's Code."""
    spec: dict[str, Any] = {}
    if (config.get("PackageType") or "Zip") == "Image":
        spec["PackageType"] = "Image"
        uri = code.get("ImageUri") or code.get("ResolvedImageUri")
        if uri:
            spec["Code"] = {"ImageUri": _escape(uri)}
        image_config = (config.get("ImageConfigResponse") or {}).get("ImageConfig")
        if image_config:
            spec["ImageConfig"] = _escape(dict(image_config))
    elif zip_path is not None:
        spec["Code"] = {"ZipFile": "fileb://" + zip_path.replace("${", "$${")}
    return spec


def _non_defaults(config: Mapping[str, Any]) -> dict[str, Any]:
    """The nested settings that differ from Lambda's defaults (DLQ, tracing, storage, SnapStart)."""
    spec: dict[str, Any] = {}
    dlq = (config.get("DeadLetterConfig") or {}).get("TargetArn")
    if dlq:
        spec["DeadLetterConfig"] = {"TargetArn": dlq}
    mode = (config.get("TracingConfig") or {}).get("Mode")
    if mode and mode != "PassThrough":
        spec["TracingConfig"] = {"Mode": mode}
    storage = (config.get("EphemeralStorage") or {}).get("Size")
    if storage and storage != 512:
        spec["EphemeralStorage"] = {"Size": storage}
    apply_on = (config.get("SnapStart") or {}).get("ApplyOn")
    if apply_on and apply_on != "None":
        spec["SnapStart"] = {"ApplyOn": apply_on}
    return spec


def secret_free(spec: Mapping[str, Any]) -> bool:
    """True when every environment value in ``spec`` is its own placeholder."""
    variables = (spec.get("Environment") or {}).get("Variables") or {}
    return all(value == "${" + name + "}" for name, value in variables.items())
