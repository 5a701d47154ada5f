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

import os
import shlex
import signal
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from types import FrameType

from lambda_wait.commands._action_inputs import (
    Translate,
    architectures,
    boolean,
    each,
    environment,
    function_names,
    function_url,
    in_spec,
    layers,
    logging_config,
    nothing,
    one_field,
    revision_id,
    switch,
    tags,
    text,
    vpc_config,
)
from lambda_wait.commands._action_log import ActionLog, command_of, result_json, step_exit
from lambda_wait.errors import ExitCode, UsageError

COMMANDS = ("deploy", "wait", "status")
DEPLOY = ("deploy",)
WAITING = ("deploy", "wait")
READING = ("wait", "status")
ALL = COMMANDS


def env_name(name: str) -> str:
    """The variable action.yml maps an input to: ``function-name`` -> ``INPUT_FUNCTION_NAME``."""
    return "INPUT_" + name.upper().replace("-", "_")


@dataclass(frozen=True)
class ActionInput:
    """One input of action.yml: the commands it applies to and how it becomes arguments."""

    name: str
    commands: tuple[str, ...]
    translate: Translate
    boolean: bool = False  # "false" counts as not given (for any command)


INPUTS: tuple[ActionInput, ...] = (
    ActionInput("command", ALL, nothing),
    ActionInput("function-name", ALL, nothing),  # a flag for deploy, names for wait/status
    ActionInput("spec", DEPLOY, each("--spec")),
    # aws-actions/aws-lambda-deploy's inputs, same names
    ActionInput("package-type", DEPLOY, nothing),
    ActionInput("image-uri", DEPLOY, text("--image-uri")),
    ActionInput("code-artifacts-dir", DEPLOY, text("--code-dir")),
    ActionInput("handler", DEPLOY, text("--handler")),
    ActionInput("runtime", DEPLOY, text("--runtime")),
    ActionInput("s3-bucket", DEPLOY, text("--s3-bucket")),
    ActionInput("s3-key", DEPLOY, text("--s3-key")),
    ActionInput("publish", DEPLOY, nothing, boolean=True),  # default true: see deploy_flags
    ActionInput("dry-run", DEPLOY, switch("--dry-run"), boolean=True),
    ActionInput("revision-id", DEPLOY, revision_id),
    ActionInput("architectures", DEPLOY, architectures),
    ActionInput("source-kms-key-arn", DEPLOY, in_spec("SourceKMSKeyArn (in Code)")),
    ActionInput("role", DEPLOY, text("--role")),
    ActionInput("function-description", DEPLOY, text("--description")),
    ActionInput("memory-size", DEPLOY, text("--memory-size")),
    ActionInput("timeout", DEPLOY, text("--function-timeout")),
    ActionInput("vpc-config", DEPLOY, vpc_config),
    ActionInput("environment", DEPLOY, environment),
    ActionInput(
        "dead-letter-config",
        DEPLOY,
        one_field("TargetArn", "--dead-letter-arn", '{"TargetArn": "arn:aws:sqs:..."}'),
    ),
    ActionInput("kms-key-arn", DEPLOY, text("--kms-key-arn")),
    ActionInput("tracing-config", DEPLOY, one_field("Mode", "--tracing", '{"Mode": "Active"}')),
    ActionInput("layers", DEPLOY, layers),
    ActionInput("file-system-configs", DEPLOY, in_spec("FileSystemConfigs")),
    ActionInput("image-config", DEPLOY, in_spec("ImageConfig")),
    ActionInput(
        "ephemeral-storage", DEPLOY, one_field("Size", "--ephemeral-storage", '{"Size": 1024}')
    ),
    ActionInput(
        "snap-start",
        DEPLOY,
        one_field("ApplyOn", "--snapstart", '{"ApplyOn": "PublishedVersions"}'),
    ),
    ActionInput("logging-config", DEPLOY, logging_config),
    ActionInput("code-signing-config-arn", DEPLOY, in_spec("CodeSigningConfigArn")),
    ActionInput("tags", DEPLOY, tags),
    # lambda-wait's own
    ActionInput("zip-file", DEPLOY, text("--zip-file")),
    ActionInput("s3-object-version", DEPLOY, text("--s3-object-version")),
    ActionInput("s3-prefix", DEPLOY, text("--s3-prefix")),
    ActionInput("alias", DEPLOY, text("--alias")),
    ActionInput("version-description", DEPLOY, text("--version-description")),
    ActionInput("force", DEPLOY, switch("--force"), boolean=True),
    ActionInput("shift", DEPLOY, text("--shift")),
    ActionInput("alarms", DEPLOY, each("--alarm")),
    ActionInput("provisioned-concurrency", DEPLOY, text("--provisioned-concurrency")),
    ActionInput("function-url", DEPLOY, function_url),
    ActionInput("function-url-auth", DEPLOY, text("--function-url-auth")),
    ActionInput("function-url-cors", DEPLOY, text("--function-url-cors")),
    ActionInput("qualifier", READING, text("--qualifier")),
    ActionInput("wait-for", ("wait",), text("--for")),
    ActionInput("wake", ("wait",), switch("--wake"), boolean=True),
    ActionInput("wait-timeout", WAITING, text("--timeout")),
    ActionInput("max-rps", READING, text("--max-rps")),
    ActionInput("region", ALL, text("--region")),
    ActionInput("extra-args", ALL, nothing),
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
    "function-url",
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
            masked.append(_quote(shown))
        return "lambda-wait " + " ".join(masked)


def _quote(arg: str) -> str:
    """``arg`` as a shell reads it, on one line: shlex.quote keeps a newline (which
    would start a log line with the input's text), so such an argument is ``$'...'``."""
    if arg.isprintable():
        return shlex.quote(arg)
    escaped = arg.encode("unicode_escape").decode("ascii").replace("'", "\\'")
    return f"$'{escaped}'"


def build(environ: Mapping[str, str]) -> Invocation:
    """The lambda-wait command for these INPUT_* variables, or :class:`UsageError`."""
    values = {i.name: environ.get(env_name(i.name), "").strip() for i in INPUTS}
    command = values["command"] or "deploy"
    if command not in COMMANDS:
        raise UsageError(f"input command: expected one of {', '.join(COMMANDS)}, got {command!r}.")
    args = [command]
    names = function_names("function-name", values["function-name"])
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
        if spec.boolean and not boolean(spec.name, value):
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
    packaged = values["code-artifacts-dir"] or values["zip-file"]
    if packaged and (values["s3-key"] or values["s3-object-version"]):
        raise UsageError(
            "input s3-key (or s3-object-version) with a package to upload: lambda-wait names "
            "the object from the package's SHA-256 (s3-prefix sets its folder): drop s3-key."
        )
    if values["s3-prefix"] and not (values["s3-bucket"] and packaged):
        raise UsageError("input s3-prefix goes with s3-bucket and a package to upload.")
    # Publishing is the default, as in aws-actions/aws-lambda-deploy.
    return ["--publish"] if boolean("publish", values["publish"] or "true") else []


def _start(args: list[str], environ: Mapping[str, str]) -> subprocess.Popen[str]:
    """lambda-wait itself, its result on a pipe (a seam for the tests)."""
    return subprocess.Popen(
        [sys.executable, "-m", "lambda_wait", *args],
        env=dict(environ),
        stdout=subprocess.PIPE,
        text=True,
    )


def main(environ: Mapping[str, str] | None = None) -> int:
    """Run lambda-wait as the inputs ask; its exit code is the step's. Every line for
    the log and the outputs go through :class:`ActionLog` (the one writer)."""
    environ = os.environ if environ is None else environ
    log = ActionLog(sys.stdout, sys.stderr, environ.get("GITHUB_OUTPUT"))
    command = command_of(environ)
    try:
        invocation = build(environ)
    except UsageError as err:
        log.error(err.one_line(), title="lambda-wait action: bad input")
        log.outputs(ExitCode.USAGE, result_json("", command, ExitCode.USAGE, err.one_line()))
        return int(ExitCode.USAGE)
    log.note(f"$ {invocation.shown()}")
    try:
        child = _start(invocation.args, environ)
    except OSError as err:  # no interpreter, no fork: say so, and still write the outputs
        why = f"cannot start lambda-wait: {err.strerror or err}"
        log.error(why)
        log.outputs(ExitCode.INTERNAL, result_json("", command, ExitCode.INTERNAL, why))
        return int(ExitCode.INTERNAL)

    def forward(signum: int, frame: FrameType | None) -> None:
        child.send_signal(signum)  # lambda-wait stops cleanly and reports; wait for it

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, forward)
    result, _ = child.communicate()
    code, problem = step_exit(child.returncode)
    if problem is not None:
        log.error(f"{problem} (exit {int(code)}); its result, if any, is incomplete.")
    # The JSON is the result-json output; in the log it is folded away.
    log.folded("lambda-wait result (the result-json output)", result or "")
    log.outputs(code, result_json(result or "", command, code, problem))
    return int(code)


def entry(environ: Mapping[str, str] | None = None) -> int:
    """The run step's entry: :func:`main`, and a bug in it is still exit 70 with the
    three outputs written (never a traceback and a step without them)."""
    environ = os.environ if environ is None else environ
    try:
        return main(environ)
    except Exception as err:
        problem = f"internal error in the action: {type(err).__name__}: {err}"
        log = ActionLog(sys.stdout, sys.stderr, environ.get("GITHUB_OUTPUT"))
        log.error(f"{problem} (please report it)")
        code = ExitCode.INTERNAL
        log.outputs(code, result_json("", command_of(environ), code, problem))
        return int(code)


if __name__ == "__main__":
    sys.exit(entry())
