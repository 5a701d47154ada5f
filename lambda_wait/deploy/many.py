"""Several deploys at once (``deploy --spec A --spec B`` or ``--spec DIR``).

Every spec is built and validated before the first call to AWS (any bad input:
exit 2, nothing sent). Then one thread per function (at most
:data:`MAX_DEPLOY_THREADS`) runs a :class:`~lambda_wait.deploy.runner.Deployer`;
all share ONE :class:`~lambda_wait.aws.LambdaApi`, hence one request budget, and
the run's one :class:`~lambda_wait.clock.Deadline` (``--timeout`` bounds the whole
run; the command gives it to the API, whose per-Region APIs share it). Ctrl-C or
SIGTERM cancels every worker (their sleeps and budget waits end at once) and each
function reports the steps it applied.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import replace
from pathlib import Path

from lambda_wait.aws import LambdaApi
from lambda_wait.clock import Clock
from lambda_wait.deploy.model import DeployResult
from lambda_wait.deploy.reading import RequestModel
from lambda_wait.deploy.runner import Deployer
from lambda_wait.deploy.spec import DesiredFunction, FlagValues, build_desired
from lambda_wait.errors import ExitCode, Interrupted, UsageError
from lambda_wait.inputs import parse_function
from lambda_wait.signals import Stopped, interruptible

# Deploys mostly sleep (waits), but each holds its zip in memory and its mutations share
# the 15 req/s control-plane quota: 16 at once keeps both in bounds.
MAX_DEPLOY_THREADS = 16
# After Ctrl-C/SIGTERM: how long to let workers notice the cancel and report their steps.
CANCEL_GRACE_SECONDS = 2.0

# Flags that describe one function, refused with several specs (each spec has its own).
SINGLE_FUNCTION_FLAGS: dict[str, str] = {
    "function_name": "--function-name",
    "zip_file": "--zip-file",
    "code_dir": "--code-dir",
    "s3_bucket": "--s3-bucket",
    "s3_key": "--s3-key",
    "s3_object_version": "--s3-object-version",
    "s3_prefix": "--s3-prefix",
    "image_uri": "--image-uri",
}


def spec_files(given: Sequence[str]) -> list[str]:
    """The ``--spec`` values as spec files: a directory means every ``*.json`` in it
    (not recursive), sorted by name. Missing files are left to the spec reader."""
    files: list[str] = []
    for value in given:
        path = Path(value)
        if path.is_dir():
            found = sorted(p for p in path.glob("*.json") if p.is_file())
            if not found:
                raise UsageError(f"spec directory {value!r} has no *.json file.")
            files.extend(str(p) for p in found)
        else:
            files.append(value)
    return files


def check_shared_flags(flags: FlagValues, count: int) -> None:
    """With several specs, refuse the flags that name one function or its code."""
    given = [flag for attr, flag in SINGLE_FUNCTION_FLAGS.items() if getattr(flags, attr)]
    if given:
        raise UsageError(
            f"{', '.join(given)} cannot be used with {count} spec files: each spec names its "
            'own function and code ("FunctionName", "Code"); other flags apply to every one.'
        )


def build_all(
    files: Sequence[str], flags: FlagValues, model: RequestModel, env: Mapping[str, str]
) -> list[DesiredFunction]:
    """Build and validate every spec (with the shared flags) before anything is sent.

    The first problem raises a UsageError naming its spec file; so does a function
    named by two specs.
    """
    check_shared_flags(flags, len(files))
    desired: list[DesiredFunction] = []
    owners: dict[str, str] = {}
    for path in files:
        try:
            one = build_desired(replace(flags, spec=path), model, env)
        except UsageError as err:
            if repr(path) in err.message or path in err.message:
                raise
            raise UsageError(f"spec file {path!r}: {err.message}", hint=err.hint) from None
        key = parse_function(one.name).name
        if key in owners:
            raise UsageError(
                f"spec files {owners[key]!r} and {path!r} both deploy function {key!r}: keep one."
            )
        owners[key] = path
        desired.append(one)
    return desired


def run_all(
    api: LambdaApi,
    deployers: Sequence[Deployer],
    *,
    max_workers: int = MAX_DEPLOY_THREADS,
    grace: float = CANCEL_GRACE_SECONDS,
    clock: Clock,
) -> list[DeployResult]:
    """Run ``deployers`` (all on ``clock``, under the run's one deadline) concurrently;
    results in their order.

    On KeyboardInterrupt (Ctrl-C, or SIGTERM through :mod:`lambda_wait.signals`) the
    API and the clock are cancelled, queued deploys never start, running ones stop at
    their next sleep or request, and every function gets a result with the signal's
    exit code and the steps it applied. Returns instead of raising.
    """
    pool = ThreadPoolExecutor(
        max_workers=max(1, min(max_workers, len(deployers))), thread_name_prefix="lambda-deploy"
    )
    futures: list[Future[DeployResult]] = [pool.submit(d.run) for d in deployers]
    try:
        with interruptible(api, clock):  # a signal cancels both: every worker stops
            wait_futures(futures)
    except Stopped as stop:
        pool.shutdown(wait=False, cancel_futures=True)
        # A second signal: report what we have.
        with contextlib.suppress(Stopped), interruptible():
            wait_futures(futures, timeout=grace)
        return [_interrupted(d, f, stop.exit_code) for d, f in zip(deployers, futures, strict=True)]
    finally:
        pool.shutdown(wait=False)
    return [f.result() for f in futures]


def _interrupted(deployer: Deployer, future: Future[DeployResult], code: ExitCode) -> DeployResult:
    if not future.done() or future.cancelled() or future.exception() is not None:
        return deployer.interrupted(code)
    result = future.result()
    if isinstance(result.error, Interrupted) or result.exit_code in (
        ExitCode.INTERRUPTED,
        ExitCode.TERMINATED,
    ):
        # Stopped by the cancel: say which signal, keep the steps and what is live.
        return deployer.restamp(result, code)
    return result
