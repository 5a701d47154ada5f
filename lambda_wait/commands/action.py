"""The GitHub Action (``action.yml``): its inputs become one lambda-wait command line.

An entry point beside the click commands (it renders GitHub workflow commands): the
action's run step (``.github/action/run.sh``) starts ``python -m
lambda_wait.commands.action`` with the inputs in ``INPUT_<NAME>`` variables
(``function-name`` -> ``INPUT_FUNCTION_NAME``, mapped in action.yml). Empty inputs
pass nothing, so a flag the installed lambda-wait lacks is only ever passed when
asked for. Input names follow aws-actions/aws-lambda-deploy where the meaning is the
same; its JSON inputs (``environment``, ``vpc-config``, ...) become the matching
flags. The command runs with ``--output json`` so that its result is also the
``result-json`` output; lambda-wait writes every other output itself.

Translation plus one subprocess: no click, rich or boto3 here.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import FrameType
from typing import Any, TextIO

from lambda_wait.errors import ExitCode, UsageError
from lambda_wait.ui import github

COMMANDS = ("deploy", "wait", "status")
DEPLOY = ("deploy",)
WAITING = ("deploy", "wait")
READING = ("wait", "status")
ALL = COMMANDS

Translate = Callable[[str, str], list[str]]  # (input name, value) -> arguments


def env_name(name: str) -> str:
    """The variable action.yml maps an input to: ``function-name`` -> ``INPUT_FUNCTION_NAME``."""
    return "INPUT_" + name.upper().replace("-", "_")


# --- value parsers ------------------------------------------------------------------


def _items(value: str) -> list[str]:
    """A list input: one item per line or comma (GitHub inputs are strings)."""
    return [item.strip() for line in value.splitlines() for item in line.split(",") if item.strip()]


def _json(name: str, value: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError as err:
        raise UsageError(f"input {name}: not valid JSON ({err.msg}).") from None


def _json_object(name: str, value: str, example: str) -> dict[str, Any]:
    data = _json(name, value)
    if not isinstance(data, dict):
        raise UsageError(f"input {name}: expected a JSON object such as {example}.")
    return data


def _boolean(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("true", "yes", "1", "on"):
        return True
    if lowered in ("false", "no", "0", "off", ""):
        return False
    raise UsageError(f"input {name}: expected true or false, got {value!r}.")


def _only_keys(name: str, data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    extra = sorted(set(data) - set(allowed))
    if extra:
        raise UsageError(
            f"input {name}: {', '.join(extra)} has no flag; put it in the spec file "
            f"(input spec, CreateFunction's request shape). Accepted here: {', '.join(allowed)}."
        )


# --- translations ------------------------------------------------------------------


def text(flag: str) -> Translate:
    return lambda name, value: [flag, value.strip()]


def switch(flag: str) -> Translate:
    return lambda name, value: [flag] if _boolean(name, value) else []


def each(flag: str) -> Translate:
    return lambda name, value: [arg for item in _items(value) for arg in (flag, item)]


def _function_names(name: str, value: str) -> list[str]:
    return [item for line in value.split() for item in line.split(",") if item]


def _environment(name: str, value: str) -> list[str]:
    data = _json_object(name, value, '{"STAGE": "prod"}')
    if set(data) == {"Variables"} and isinstance(data["Variables"], dict):
        data = data["Variables"]  # CreateFunction's own shape is accepted too
    args: list[str] = []
    for key, val in data.items():
        if isinstance(val, dict | list) or val is None:
            raise UsageError(f"input {name}: the value of {key} must be a string or a number.")
        args += ["--env", f"{key}={_scalar(val)}"]
    return args


def _tags(name: str, value: str) -> list[str]:
    data = _json_object(name, value, '{"team": "payments"}')
    return [arg for key, val in data.items() for arg in ("--tag", f"{key}={_scalar(val)}")]


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _vpc_config(name: str, value: str) -> list[str]:
    data = _json_object(name, value, '{"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}')
    _only_keys(name, data, ("SubnetIds", "SecurityGroupIds"))
    args: list[str] = []
    for key, flag in (("SubnetIds", "--subnet-id"), ("SecurityGroupIds", "--security-group-id")):
        ids = data.get(key, [])
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise UsageError(f"input {name}: {key} must be a list of strings.")
        args += [flag, ",".join(ids)] if ids else []
    return args


def _one_field(key: str, flag: str, example: str) -> Translate:
    """A JSON object input with one meaningful field (``{"Mode": "Active"}``); a bare
    value is accepted too (``Active``)."""

    def translate(name: str, value: str) -> list[str]:
        stripped = value.strip()
        if not stripped.startswith("{"):
            return [flag, stripped]
        data = _json_object(name, stripped, example)
        _only_keys(name, data, (key,))
        if key not in data:
            raise UsageError(f"input {name}: expected {example}.")
        return [flag, _scalar(data[key])]

    return translate


def _logging_config(name: str, value: str) -> list[str]:
    data = _json_object(name, value, '{"LogFormat": "JSON", "LogGroup": "/aws/lambda/fn"}')
    _only_keys(name, data, ("LogFormat", "LogGroup"))
    args = ["--log-format", str(data["LogFormat"])] if "LogFormat" in data else []
    return args + (["--log-group", str(data["LogGroup"])] if "LogGroup" in data else [])


def _layers(name: str, value: str) -> list[str]:
    stripped = value.strip()
    layers = _json(name, stripped) if stripped.startswith("[") else _items(stripped)
    if not isinstance(layers, list) or not all(isinstance(i, str) for i in layers):
        raise UsageError(f"input {name}: expected a JSON list of layer version ARNs.")
    return [arg for layer in layers for arg in ("--layer", layer)]


def _architectures(name: str, value: str) -> list[str]:
    stripped = value.strip()
    items = _json(name, stripped) if stripped.startswith("[") else _items(stripped)
    if not isinstance(items, list) or len(items) != 1:
        raise UsageError(f"input {name}: Lambda takes exactly one architecture (x86_64 or arm64).")
    return ["--architecture", str(items[0])]


def _in_spec(field: str) -> Translate:
    def translate(name: str, value: str) -> list[str]:
        raise UsageError(
            f"input {name}: lambda-wait has no flag for {field}; put it in the spec file "
            "(input spec, CreateFunction's request shape)."
        )

    return translate


def _revision_id(name: str, value: str) -> list[str]:
    raise UsageError(
        f"input {name} is not needed: lambda-wait passes the RevisionId it last read with "
        "every change, so a concurrent change is detected (exit 9). Remove the input."
    )


def _nothing(name: str, value: str) -> list[str]:
    return []  # handled by build() (command, function-name, package-type, publish, extra-args)


@dataclass(frozen=True)
class ActionInput:
    """One input of action.yml: the commands it applies to and how it becomes arguments."""

    name: str
    commands: tuple[str, ...]
    translate: Translate
    boolean: bool = False  # "false" counts as not given (for any command)


INPUTS: tuple[ActionInput, ...] = (
    ActionInput("command", ALL, _nothing),
    ActionInput("function-name", ALL, _nothing),  # a flag for deploy, names for wait/status
    ActionInput("spec", DEPLOY, each("--spec")),
    # aws-actions/aws-lambda-deploy's inputs, same names
    ActionInput("package-type", DEPLOY, _nothing),
    ActionInput("image-uri", DEPLOY, text("--image-uri")),
    ActionInput("code-artifacts-dir", DEPLOY, text("--code-dir")),
    ActionInput("handler", DEPLOY, text("--handler")),
    ActionInput("runtime", DEPLOY, text("--runtime")),
    ActionInput("s3-bucket", DEPLOY, text("--s3-bucket")),
    ActionInput("s3-key", DEPLOY, text("--s3-key")),
    ActionInput("publish", DEPLOY, _nothing, boolean=True),  # default true: see deploy_flags
    ActionInput("dry-run", DEPLOY, switch("--dry-run"), boolean=True),
    ActionInput("revision-id", DEPLOY, _revision_id),
    ActionInput("architectures", DEPLOY, _architectures),
    ActionInput("source-kms-key-arn", DEPLOY, _in_spec("SourceKMSKeyArn (in Code)")),
    ActionInput("role", DEPLOY, text("--role")),
    ActionInput("function-description", DEPLOY, text("--description")),
    ActionInput("memory-size", DEPLOY, text("--memory-size")),
    ActionInput("timeout", DEPLOY, text("--function-timeout")),
    ActionInput("vpc-config", DEPLOY, _vpc_config),
    ActionInput("environment", DEPLOY, _environment),
    ActionInput(
        "dead-letter-config",
        DEPLOY,
        _one_field("TargetArn", "--dead-letter-arn", '{"TargetArn": "arn:aws:sqs:..."}'),
    ),
    ActionInput("kms-key-arn", DEPLOY, text("--kms-key-arn")),
    ActionInput("tracing-config", DEPLOY, _one_field("Mode", "--tracing", '{"Mode": "Active"}')),
    ActionInput("layers", DEPLOY, _layers),
    ActionInput("file-system-configs", DEPLOY, _in_spec("FileSystemConfigs")),
    ActionInput("image-config", DEPLOY, _in_spec("ImageConfig")),
    ActionInput(
        "ephemeral-storage", DEPLOY, _one_field("Size", "--ephemeral-storage", '{"Size": 1024}')
    ),
    ActionInput(
        "snap-start",
        DEPLOY,
        _one_field("ApplyOn", "--snapstart", '{"ApplyOn": "PublishedVersions"}'),
    ),
    ActionInput("logging-config", DEPLOY, _logging_config),
    ActionInput("code-signing-config-arn", DEPLOY, _in_spec("CodeSigningConfigArn")),
    ActionInput("tags", DEPLOY, _tags),
    # lambda-wait's own
    ActionInput("zip-file", DEPLOY, text("--zip-file")),
    ActionInput("s3-object-version", DEPLOY, text("--s3-object-version")),
    ActionInput("alias", DEPLOY, text("--alias")),
    ActionInput("version-description", DEPLOY, text("--version-description")),
    ActionInput("force", DEPLOY, switch("--force"), boolean=True),
    ActionInput("shift", DEPLOY, text("--shift")),
    ActionInput("alarms", DEPLOY, each("--alarm")),
    ActionInput("provisioned-concurrency", DEPLOY, text("--provisioned-concurrency")),
    ActionInput("qualifier", READING, text("--qualifier")),
    ActionInput("wait-for", ("wait",), text("--for")),
    ActionInput("wake", ("wait",), switch("--wake"), boolean=True),
    ActionInput("wait-timeout", WAITING, text("--timeout")),
    ActionInput("max-rps", READING, text("--max-rps")),
    ActionInput("region", ALL, text("--region")),
    ActionInput("extra-args", ALL, _nothing),
)
INPUT_NAMES = tuple(i.name for i in INPUTS)

# The action's outputs: lambda-wait's own single-function GitHub outputs, plus the JSON.
OUTPUTS = (
    "exit-code",
    "exit-status",
    "function-arn",
    "version",
    "code-sha256",
    "state",
    "last-update-status",
    "functions-json",
    "result-json",
)


@dataclass(frozen=True)
class Invocation:
    """What the run step executes: lambda-wait's arguments."""

    args: list[str]

    def shown(self) -> str:
        """The command line for the log, environment values masked."""
        masked: list[str] = []
        for i, arg in enumerate(self.args):
            shown = arg
            if i and self.args[i - 1] == "--env" and "=" in arg:
                shown = arg.split("=", 1)[0] + "=***"
            elif arg.startswith("--env=") and arg.count("=") > 1:
                shown = "--env=" + arg[len("--env=") :].split("=", 1)[0] + "=***"
            masked.append(shlex.quote(shown))
        return "lambda-wait " + " ".join(masked)


def build(environ: Mapping[str, str]) -> Invocation:
    """The lambda-wait command for these INPUT_* variables, or :class:`UsageError`."""
    values = {i.name: environ.get(env_name(i.name), "").strip() for i in INPUTS}
    command = values["command"] or "deploy"
    if command not in COMMANDS:
        raise UsageError(f"input command: expected one of {', '.join(COMMANDS)}, got {command!r}.")
    args = [command]
    names = _function_names("function-name", values["function-name"])
    if command == "deploy":
        if len(names) > 1:
            raise UsageError(
                "input function-name: deploy takes one function (use several spec files, "
                "or a matrix, for more)."
            )
        args += ["--function-name", names[0]] if names else []
    else:
        args += names
    for spec in INPUTS:
        value = values[spec.name]
        if not value or spec.name == "function-name":
            continue
        if spec.boolean and not _boolean(spec.name, value):
            continue
        if command not in spec.commands:
            raise UsageError(
                f"input {spec.name} applies to {' and '.join(spec.commands)}, "
                f"not to command {command}."
            )
        args += spec.translate(spec.name, value)
    if command == "deploy":
        args += _deploy_flags(values)
    elif not names and not values["extra-args"]:
        raise UsageError(f"input function-name: {command} needs at least one function name.")
    if values["extra-args"]:
        try:
            args += shlex.split(values["extra-args"])
        except ValueError as err:
            raise UsageError(f"input extra-args: {err}.") from None
    args += ["--output", "json"]
    return Invocation(args)


def _deploy_flags(values: Mapping[str, str]) -> list[str]:
    package_type = values["package-type"]
    if package_type and package_type not in ("Zip", "Image"):
        raise UsageError(f"input package-type: expected Zip or Image, got {package_type!r}.")
    if package_type == "Image" and not values["image-uri"] and not values["spec"]:
        raise UsageError("input package-type is Image: set image-uri too.")
    if package_type == "Zip" and values["image-uri"]:
        raise UsageError("input image-uri is for package-type Image, not Zip.")
    if values["s3-bucket"] and (values["code-artifacts-dir"] or values["zip-file"]):
        raise UsageError(
            "inputs s3-bucket/s3-key name code already in S3: lambda-wait does not upload. "
            "Copy the zip there first (aws s3 cp), or drop s3-bucket to upload directly."
        )
    # Publishing is the default, as in aws-actions/aws-lambda-deploy.
    return ["--publish"] if _boolean("publish", values["publish"] or "true") else []


def _say(stream: TextIO, line: str) -> None:
    stream.write(line + "\n")
    stream.flush()


def _fail(message: str, environ: Mapping[str, str]) -> int:
    code = ExitCode.USAGE
    _say(sys.stderr, f"lambda-wait action: error: {message}")
    _say(sys.stderr, github.command("error", message, title="lambda-wait action: bad input"))
    pairs = {"exit-code": str(int(code)), "exit-status": code.label}
    github.append(environ.get("GITHUB_OUTPUT"), github.format_outputs(pairs))
    return int(code)


def main(environ: Mapping[str, str] | None = None) -> int:
    """Run lambda-wait as the inputs ask; its exit code is the step's."""
    environ = os.environ if environ is None else environ
    try:
        invocation = build(environ)
    except UsageError as err:
        return _fail(err.one_line(), environ)
    _say(sys.stderr, f"$ {invocation.shown()}")
    child = subprocess.Popen(
        [sys.executable, "-m", "lambda_wait", *invocation.args],
        env=dict(environ),
        stdout=subprocess.PIPE,
        text=True,
    )

    def forward(signum: int, frame: FrameType | None) -> None:
        child.send_signal(signum)  # lambda-wait stops cleanly and reports; wait for it

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, forward)
    result, _ = child.communicate()
    # The JSON is the result-json output; in the log it is folded away.
    _say(sys.stdout, github.command("group", "lambda-wait result (the result-json output)"))
    _say(sys.stdout, result.rstrip("\n"))
    _say(sys.stdout, github.command("endgroup", ""))
    pairs = {"result-json": result.strip()}
    github.append(environ.get("GITHUB_OUTPUT"), github.format_outputs(pairs))
    return child.returncode


if __name__ == "__main__":
    sys.exit(main())
