"""Serving the sandbox: a threaded werkzeug server in a background thread."""

from __future__ import annotations

import functools
import io
import socket
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from lambda_wait.clock import Clock
from lambda_wait.sandbox.app import Call, Sandbox
from lambda_wait.sandbox.faults import FaultConfig
from lambda_wait.sandbox.scenario import Scenario

if TYPE_CHECKING:
    from werkzeug.serving import BaseWSGIServer

REGION = "us-east-1"
ACCESS_KEY = "testing"
SECRET_KEY = "testing"  # dummy: moto accepts any credentials
DEFAULT_ROLE_NAME = "lambda-wait-sandbox-role"
DEFAULT_ROLE_ARN = f"arn:aws:iam::123456789012:role/{DEFAULT_ROLE_NAME}"
HANDLER_SOURCE = "def handler(event, context):\n    return {'ok': True}\n"


_SESSION_LOCK = threading.Lock()


@functools.cache
def _session() -> Any:
    # One boto3 session for every handle: loading the service models is the slow part.
    import boto3

    return boto3.session.Session(
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name=REGION
    )


def zip_bytes(source: str = HANDLER_SOURCE, filename: str = "index.py") -> bytes:
    """A deployment package made in memory (one Python file)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(filename, source)
    return buf.getvalue()


def _quiet_handler() -> type[Any]:
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    class QuietHandler(MotoRequestHandler):
        """moto's handler without werkzeug's per-request log lines (the call log has them)."""

        def log(self, type: str, message: str, *args: Any) -> None:
            return None

    return QuietHandler


def make_server(sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0) -> BaseWSGIServer:
    """Bind a threaded werkzeug server for ``sandbox``; OSError if the address is unusable.

    The socket is bound here, not by werkzeug, because werkzeug answers a bind
    failure by printing two lines and calling sys.exit(1).
    """
    from werkzeug.serving import make_server as wz_make_server

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sockaddr = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM)[0][4]
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(sockaddr)
        sock.listen(128)
        return wz_make_server(
            host,
            port,
            sandbox,
            threaded=True,
            request_handler=_quiet_handler(),
            fd=sock.fileno(),
        )
    finally:
        sock.close()  # werkzeug keeps its own duplicate of the descriptor


def endpoint_of(server: BaseWSGIServer) -> tuple[str, int, str]:
    """(host, port, endpoint URL) a server is listening on."""
    raw_host, port = server.server_address[:2]
    host = raw_host.decode() if isinstance(raw_host, bytes) else str(raw_host)
    shown = f"[{host}]" if ":" in host else host
    return host, int(port), f"http://{shown}:{port}"


class SandboxHandle:
    """A running sandbox: its endpoint, the in-process object and boto3 helpers."""

    def __init__(self, sandbox: Sandbox, server: BaseWSGIServer) -> None:
        self.sandbox = sandbox
        self.server = server
        self.host, self.port, self.endpoint_url = endpoint_of(server)
        self._clients: dict[tuple[Any, ...], Any] = {}
        self._role_arn: str | None = None
        self._role_lock = threading.Lock()

    @property
    def calls(self) -> list[Call]:
        """The sandbox's call log."""
        return self.sandbox.calls

    def client(
        self,
        service: str = "lambda",
        *,
        max_attempts: int | None = None,
        read_timeout: float | None = None,
        connect_timeout: float | None = None,
        config: Any = None,
    ) -> Any:
        """A boto3 client for ``service`` pointed at the sandbox (us-east-1, dummy keys).

        ``max_attempts`` is botocore's total attempts (1 = no retries); ``config``
        (a botocore Config) is merged over these options.
        """
        from botocore.config import Config

        key = (service, max_attempts, read_timeout, connect_timeout)
        if config is None and key in self._clients:
            return self._clients[key]
        options: dict[str, Any] = {}
        if max_attempts is not None:
            options["retries"] = {"total_max_attempts": max_attempts, "mode": "standard"}
        if read_timeout is not None:
            options["read_timeout"] = read_timeout
        if connect_timeout is not None:
            options["connect_timeout"] = connect_timeout
        merged = Config(**options)
        if config is not None:
            merged = merged.merge(config)
        with _SESSION_LOCK:
            client = _session().client(service, endpoint_url=self.endpoint_url, config=merged)
        if config is None:
            self._clients[key] = client
        return client

    def ensure_role(self, name: str = DEFAULT_ROLE_NAME) -> str:
        """Create an IAM role Lambda can assume (idempotent, thread-safe); return its ARN."""
        with self._role_lock:  # two threads would both CreateRole: EntityAlreadyExists
            return self._ensure_role(name)

    def _ensure_role(self, name: str) -> str:
        if name == DEFAULT_ROLE_NAME and self._role_arn is not None:
            return self._role_arn
        iam = self.client("iam")
        try:
            arn = str(iam.get_role(RoleName=name)["Role"]["Arn"])
            if name == DEFAULT_ROLE_NAME:
                self._role_arn = arn
            return arn
        except iam.exceptions.NoSuchEntityException:
            pass
        policy = (
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":'
            '{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
        )
        arn = str(iam.create_role(RoleName=name, AssumeRolePolicyDocument=policy)["Role"]["Arn"])
        if name == DEFAULT_ROLE_NAME:
            self._role_arn = arn
        return arn

    def create_function(
        self,
        name: str,
        *,
        vpc: bool = False,
        snapstart: bool = False,
        tags: dict[str, str] | None = None,
        publish: bool = False,
        client: Any = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """CreateFunction with an in-memory zip and a role created in the sandbox's IAM.

        ``vpc`` attaches two dummy subnets (the slow VPC path); ``snapstart``
        sets SnapStart ApplyOn=PublishedVersions; ``extra`` goes to CreateFunction.
        """
        params: dict[str, Any] = {
            "FunctionName": name,
            "Runtime": "python3.12",
            "Role": self.ensure_role(),
            "Handler": "index.handler",
            "Code": {"ZipFile": zip_bytes()},
            "Publish": publish,
        }
        if vpc:
            params["VpcConfig"] = {
                "SubnetIds": ["subnet-0a1b2c3d", "subnet-4e5f6a7b"],
                "SecurityGroupIds": ["sg-0123abcd"],
            }
        if snapstart:
            params["SnapStart"] = {"ApplyOn": "PublishedVersions"}
        if tags:
            params["Tags"] = tags
        params.update(extra)
        lam = client or self.client("lambda")
        return dict(lam.create_function(**params))

    def create_queue(self, name: str) -> str:
        """Create an SQS queue in the sandbox (a source for event source mappings); its ARN."""
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        return str(attributes["Attributes"]["QueueArn"])

    def state(self, name: str) -> dict[str, Any]:
        """The state fields of function ``name`` as the sandbox computes them now."""
        return self.sandbox.function_state(name)

    def wait_until(
        self,
        name: str,
        *,
        state: str | None = None,
        last_update_status: str | None = None,
        timeout: float = 5.0,
        interval: float = 0.005,
    ) -> dict[str, Any]:
        """Poll in-process (no HTTP, no call log) until the function reaches the state asked.

        Raises TimeoutError with the last state seen.
        """
        deadline = time.monotonic() + timeout
        while True:
            current = self.state(name)
            if (state is None or current.get("State") == state) and (
                last_update_status is None or current.get("LastUpdateStatus") == last_update_status
            ):
                return current
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{name} did not reach {state}/{last_update_status}: {current}")
            time.sleep(interval)

    def stop(self) -> None:
        """Stop serving (idempotent)."""
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def running_sandbox(
    scenario: Scenario | None = None,
    *,
    time_scale: float = 1.0,
    throttling: bool | None = None,
    faults: FaultConfig | None = None,
    clock: Clock | Callable[[], float] | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    sandbox: Sandbox | None = None,
    reset: bool = True,
) -> Iterator[SandboxHandle]:
    """Serve a sandbox on ``host:port`` (ephemeral by default) in a background thread.

    moto's store is process-wide: with ``reset`` (the default) it is emptied on
    entry, so run one sandbox per process at a time. Stops cleanly on exit.
    """
    sb = sandbox or Sandbox(
        scenario, time_scale=time_scale, throttling=throttling, faults=faults, clock=clock
    )
    if reset:
        sb.reset()
    else:
        _ = sb.moto_app  # configure moto (Invoke without Docker) before serving
    server = make_server(sb, host, port)
    handle = SandboxHandle(sb, server)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        daemon=True,
        name="lambda-wait-sandbox",
    )
    thread.start()
    try:
        yield handle
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
