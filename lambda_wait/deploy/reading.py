"""Reading and checking the user's own values, as Lambda would check them: spec files
(JSON, ``${VAR}`` expanded, nulls dropped), dotenv files, ``KEY=VALUE`` flags,
environment variable names and size, alias names. Pure apart from reading files.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import select
import stat
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from lambda_wait.errors import UsageError


class RequestModel(Protocol):
    """Offline knowledge of Lambda's request shapes (botocore's model, in aws.py)."""

    def validate(self, operation: str, params: Mapping[str, Any], *, where: str) -> None: ...

    def members(self, operation: str) -> tuple[str, ...]: ...

    def runtimes(self) -> tuple[str, ...]:
        """The runtime identifiers Lambda accepts (the model's ``Runtime`` enum)."""
        ...


ENV_NAME = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]+$")
ENV_MAX_BYTES = 4096  # Lambda's quota for all variables of a function together
# A spec or env file is a few kilobytes; anything past this is not one (and is never
# read whole into memory).
MAX_TEXT_FILE_BYTES = 1024 * 1024
# A pipe the shell made (``--spec <(...)``, ``/dev/stdin``) already has its writer; it
# must deliver within this long. A named FIFO (mkfifo) may have none: it is refused.
PIPE_WAIT_SECONDS = 30.0
_SHELL_PIPE = re.compile(r"^/(?:dev/fd/\d+|proc/self/fd/\d+|dev/stdin)$")
_KINDS = {
    stat.S_ISFIFO: "a FIFO (named pipe)",
    stat.S_ISSOCK: "a socket",
    stat.S_ISCHR: "a device",
    stat.S_ISBLK: "a device",
    stat.S_ISDIR: "a directory",
}
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


def check_output_file(path: Path, where: str) -> None:
    """Refuse, before anything is sent, a file to write that exists and is not a
    regular file: writing to a FIFO blocks until a reader comes, a device swallows it."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return  # missing (it will be created) or unreadable (the write says why)
    if not stat.S_ISREG(mode):
        kind = next((words for test, words in _KINDS.items() if test(mode)), "a special file")
        raise UsageError(
            f"{where} is {kind}, not a regular file: give the path of a file to write."
        )


def read_file(path: Path, where: str, limit: int, *, what: str = "a spec or env file") -> bytes:
    """A user's file, at most ``limit`` bytes, never a hang: a regular file, or a pipe
    the shell made (``<(...)``, ``/dev/stdin``) that delivers within
    :data:`PIPE_WAIT_SECONDS`. A named FIFO (which may have no writer: opening it would
    block for ever), a device (``/dev/zero`` never ends), a socket or a directory is
    refused before it is opened; so is a file over ``limit``. Each a one-line UsageError."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise UsageError(f"{where} does not exist.") from None
    except OSError as err:
        raise UsageError(f"{where} cannot be read: {err.strerror or err}.") from None
    shell_pipe = stat.S_ISFIFO(mode) and bool(_SHELL_PIPE.match(str(path)))
    if not (stat.S_ISREG(mode) or shell_pipe):
        kind = next((words for test, words in _KINDS.items() if test(mode)), "a special file")
        raise UsageError(
            f"{where} is {kind}, not a regular file: give the path of {what}"
            + (" (or pass its contents with <(cat FILE))." if stat.S_ISFIFO(mode) else ".")
        )
    if stat.S_ISREG(mode) and path.stat().st_size > limit:
        raise UsageError(f"{where} is over {_size(limit)}: not {what}.")
    try:
        data = _read_pipe(path, where, limit) if shell_pipe else _read_regular(path, limit)
    except OSError as err:
        raise UsageError(f"{where} cannot be read: {err.strerror or err}.") from None
    if len(data) > limit:
        raise UsageError(f"{where} is over {_size(limit)}: not {what}.")
    return data


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


def _read_regular(path: Path, limit: int) -> bytes:
    # O_NONBLOCK: were it swapped for a FIFO since the check, opening still cannot block.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        return handle.read(limit + 1)


def _read_pipe(path: Path, where: str, limit: int) -> bytes:
    """Read a pipe until its end, at most ``limit + 1`` bytes, waiting at most
    :data:`PIPE_WAIT_SECONDS` in all."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    give_up = time.monotonic() + PIPE_WAIT_SECONDS
    chunks: list[bytes] = []
    size = 0
    try:
        while size <= limit:
            left = give_up - time.monotonic()
            ready, _, _ = select.select([fd], [], [], max(0.0, left))
            if not ready:
                raise UsageError(
                    f"{where}: the pipe delivered nothing for {PIPE_WAIT_SECONDS:g}s "
                    "(nothing is writing to it?)."
                )
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                continue
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks)


def read_text(path: Path, where: str) -> str:
    """A user's file as UTF-8 text (a byte-order mark is dropped, as editors on Windows
    write one); a missing, unreadable, special or oversized file is a usage error
    (:func:`read_file`, at most :data:`MAX_TEXT_FILE_BYTES`)."""
    data = read_file(path, where, MAX_TEXT_FILE_BYTES)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise UsageError(f"{where} cannot be read: {err}.") from None


def load_spec(path: str | Path, env: Mapping[str, str]) -> dict[str, Any]:
    """Read a spec file (JSON, CreateFunction's request shape), expanded; not yet validated."""
    p = Path(path)
    where = f"spec file {str(p)!r}"
    text = read_text(p, where)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise json_error(text, err, where) from None
    if not isinstance(data, dict):
        raise UsageError(
            f"{where}: expected a JSON object in CreateFunction's request shape "
            "(see `aws lambda create-function --generate-cli-skeleton`)."
        )
    result: dict[str, Any] = drop_nulls(expand_variables(data, env, where=where))
    return result


_STRING_VALUE = re.compile(r'(:\s*)"(?:[^"\\]|\\.)*"?')


def json_error(text: str, err: json.JSONDecodeError, where: str) -> UsageError:
    """Where the JSON breaks, as a person would point at it: the line and column of the
    mistake (a trailing comma is the comma's line, not the next one's ``}``) and the
    line itself, its string values masked (a spec holds environment values)."""
    pos, problem = err.pos, err.msg
    if not text.strip():
        return UsageError(f"{where} is empty: a spec is a JSON object.")
    before = text[:pos].rstrip()
    if before.endswith(",") and text[pos : pos + 1] in "}]":
        pos = len(before) - 1
        problem = f"a trailing comma before {text[err.pos]!r} (JSON allows none)"
    elif before and pos >= len(text.rstrip()):  # the file ends inside an object or array
        pos = len(before) - 1
        problem = f"the file ends too early ({err.msg}: a missing '}}' or ']'?)"
    line_no = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    lines = text.splitlines()
    line = lines[line_no - 1] if line_no <= len(lines) else ""
    shown = _STRING_VALUE.sub(r'\1"***"', line.strip())
    return UsageError(
        f"{where} is not valid JSON: line {line_no}, column {column}: {problem}: {shown}"
        if shown
        else f"{where} is not valid JSON: line {line_no}, column {column}: {problem}."
    )


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
    text = read_text(p, where)
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


def environment_size(variables: Mapping[str, str]) -> int:
    """The size Lambda holds against its 4 KB quota: the variables serialised as compact
    JSON (its error quotes the "String measured"), quotes, separators and escapes
    included, in UTF-8 bytes."""
    text = json.dumps(dict(variables), separators=(",", ":"), ensure_ascii=False)
    return len(text.encode("utf-8"))


def check_environment(variables: Mapping[str, str]) -> None:
    """Names match Lambda's pattern, none is reserved, the JSON of them fits in 4 KB."""
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
    size = environment_size(variables)
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


def check_keys(spec: Mapping[str, Any], known: Sequence[str], *, where: str) -> None:
    """A key CreateFunction does not take is one line with the closest keys it does."""
    for key in spec:
        if key in known:
            continue
        close = difflib.get_close_matches(key, known, n=3, cutoff=0.6)
        if not close:  # a different case is a typo too: "memorysize"
            close = [k for k in known if k.lower() == key.lower()]
        guess = f" Did you mean {' or '.join(repr(k) for k in close)}?" if close else ""
        raise UsageError(
            f"{where}: {key!r} is not a CreateFunction key.{guess}",
            hint="The spec takes CreateFunction's request keys "
            "(aws lambda create-function --generate-cli-skeleton).",
        )


def read_spec(
    path: str | None, function_name: str | None, model: RequestModel, env: Mapping[str, str]
) -> tuple[dict[str, Any], Path, str]:
    """The spec file (if any) as written, shape-checked; its directory (where relative
    code paths start) and how messages name it."""
    spec: dict[str, Any] = {}
    spec_dir = Path.cwd()
    where = "flags"
    if path is not None:
        spec = load_spec(path, env)
        spec_dir = Path(path).resolve().parent
        where = f"spec file {path!r}"
    # Shape check of the spec as written (ZipFile replaced: it is a path here, a blob there).
    code_in_spec = spec.get("Code")
    if code_in_spec is not None and not isinstance(code_in_spec, dict):
        raise UsageError(f'{where}: "Code" must be an object.')
    shaped = dict(spec)
    shaped.pop("FunctionUrl", None)  # lambda-wait's own key (deploy --function-url's)
    check_keys(shaped, model.members("CreateFunction"), where=where)
    shaped.setdefault("FunctionName", function_name or "placeholder")
    shaped.setdefault("Role", "arn:aws:iam::123456789012:role/placeholder")
    code_shape = dict(code_in_spec or {})
    if isinstance(code_shape.get("ZipFile"), str):
        code_shape["ZipFile"] = b""
    shaped["Code"] = code_shape
    model.validate("CreateFunction", shaped, where=where)
    return spec, spec_dir, where
