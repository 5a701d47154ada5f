"""One call path to AWS for every service, as chalice's ``TypedAWSClient._client``.

:class:`AwsCallPath` is built once per session (the run's credentials, so one
account). It is the only code that builds botocore clients (one per service and
Region, on first use) and sends every request of every service:

- through the request budget of the account, Region and quota it counts against
  (:class:`Quota`; Lambda's 15 req/s control plane, GetFunction's 100, CloudWatch's);
- bounded by the run's one :class:`~lambda_wait.clock.Deadline` (no request sent past
  it, none answered after it plus :data:`DEADLINE_GRACE`);
- feeding the server clock from every answer's ``Date`` (:mod:`lambda_wait.anchor`);
- with every failure turned into the tool's own error (:mod:`lambda_wait.aws_errors`,
  with the service's :class:`~lambda_wait.aws_errors.ServiceErrors`), so nothing above
  sees ClientError;
- and every string of every answer cleaned (:mod:`lambda_wait.untrusted`) after the
  service's own shape check.

A service is a :class:`Service` (its botocore name, errors, quotas and shape check)
and a thin typed adapter that calls :meth:`AwsCallPath.call` for one Region:
:class:`lambda_wait.aws.LambdaApi`, :class:`lambda_wait.cloudwatch.CloudWatchApi`.

botocore's own retries are off (``total_max_attempts=1``, :mod:`lambda_wait.aws_setup`):
every attempt must pass the budget and the deadline; callers retry deliberately.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol

import botocore.exceptions
import botocore.parsers

from lambda_wait.anchor import TIME_SCALE_HEADER, ServerClock
from lambda_wait.answers import clean_except
from lambda_wait.aws_errors import first_line, translate_error
from lambda_wait.aws_service import Answer, Quota, Service
from lambda_wait.aws_setup import (
    CONNECTION_ERRORS,
    SETUP_ERRORS,
    AwsSession,
    AwsSettings,
    client_config,
    make_session,
    no_credentials_error,
    no_region_error,
    service_endpoint,
    setup_error,
)
from lambda_wait.budget import READ_URGENCY, RequestBudget
from lambda_wait.clock import Clock, Deadline, SystemClock, deadline_lifted, past_deadline
from lambda_wait.errors import (
    AwsUnavailableError,
    DeadlineReachedError,
    InvalidRequestError,
    LambdaWaitError,
    ThrottledError,
    UnexpectedAnswerError,
    UsageError,
)

__all__ = [
    "DEADLINE_GRACE",
    "Answer",
    "AwsCallPath",
    "ClientSource",
    "GivenClients",
    "Quota",
    "Service",
    "SessionClients",
    "open_path",
]

# How far past the deadline a request may still be answered: the waiter's last read
# happens at the deadline itself, and it needs a usable read time-out.
DEADLINE_GRACE = 0.5

# The read time-out of the request this thread is sending (None: the client's own).
_CALL = threading.local()


class ClientSource(Protocol):
    """Where the call path's clients come from."""

    region: str | None  # the home Region: the session's, or the given client's

    def build(self, service: Service, region: str | None) -> Any:
        """A client of ``service`` for ``region`` (None: the home Region)."""
        ...

    @property
    def regional(self) -> bool:
        """Whether clients for other Regions can be built."""
        ...


class SessionClients:
    """Clients from one session: the CLI's :class:`~lambda_wait.aws_setup.AwsSession`, or
    a boto3 Session a Python caller gave (the same ``client()`` signature)."""

    regional = True

    def __init__(self, session: Any, endpoint_url: str | None = None) -> None:
        self._session = session
        self._endpoint_url = endpoint_url or None
        self._config = client_config()
        region = getattr(session, "region_name", None)
        self.region: str | None = str(region) if region else None

    def build(self, service: Service, region: str | None) -> Any:
        endpoint, where = service_endpoint(service.name, self._endpoint_url)
        try:
            return self._session.client(
                service.name,
                region_name=region or self.region,
                endpoint_url=endpoint,
                config=self._config,
            )
        except ValueError as err:  # botocore rejects a malformed endpoint URL this way
            raise UsageError(f"invalid endpoint URL {endpoint!r} ({where}): {err}") from None
        except botocore.exceptions.NoRegionError:
            raise no_region_error() from None
        except botocore.exceptions.BotoCoreError as err:
            raise setup_error(err) from None


class GivenClients:
    """Clients a caller built (the Python API's ``client=``, tests), one per service,
    each in its own Region: no other Region can be reached through them."""

    regional = False

    def __init__(self, clients: Mapping[str, Any]) -> None:
        self._clients = dict(clients)
        first = next(iter(self._clients.values()), None)
        region = getattr(getattr(first, "meta", None), "region_name", None)
        self.region: str | None = region if isinstance(region, str) and region else None

    def build(self, service: Service, region: str | None) -> Any:
        try:
            return self._clients[service.name]
        except KeyError:
            raise UsageError(
                f"no {service.errors.title} client was given: pass a session instead."
            ) from None


def _clamp_read_timeout(context: dict[str, Any], **_: Any) -> None:
    """botocore hook: shorten this request's read time-out to what the deadline leaves
    (botocore >= 1.40 reads ``read_timeout`` from the request context; older ones ignore it)."""
    timeout = getattr(_CALL, "read_timeout", None)
    if timeout is not None:
        context["read_timeout"] = timeout


class AwsCallPath:
    """Every client and every request of one session (see the module docstring).

    ``budgets`` seeds the home Region's budgets (the CLI's ``--max-rps``); another Region
    gets budgets of its own at the same rates, on the same clock. ``clock`` is the run's
    Clock (by default a seeded budget's); :meth:`cancel` ends every sleep of every thread.
    """

    def __init__(
        self,
        clients: ClientSource,
        *,
        clock: Clock | None = None,
        deadline: Deadline | None = None,
        budgets: Mapping[Quota, RequestBudget] | None = None,
    ) -> None:
        seeded = dict(budgets or {})
        if clock is None:
            clock = next((b.clock for b in seeded.values()), None) or SystemClock()
        self.clock: Clock = clock
        self.deadline: Deadline = deadline if deadline is not None else Deadline.never(clock)
        self.server_clock = ServerClock()
        self._source = clients
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str | None], Any] = {}
        self._budgets = {(clients.region, q.name): b for q, b in seeded.items()}
        self._rates = {q.name: b.max_rps for q, b in seeded.items()}

    @classmethod
    def over(
        cls,
        clients: Mapping[str, Any],
        *,
        clock: Clock | None = None,
        deadline: Deadline | None = None,
        budgets: Mapping[Quota, RequestBudget] | None = None,
    ) -> AwsCallPath:
        """A path over clients the caller built, by botocore service name."""
        return cls(GivenClients(clients), clock=clock, deadline=deadline, budgets=budgets)

    @property
    def region(self) -> str | None:
        """The home Region (the session's)."""
        return self._source.region

    def region_of(self, region: str | None) -> str | None:
        """The Region a request for ``region`` goes to (the home one when None, or when
        the clients were given and cannot reach another)."""
        return region if region and self._source.regional else self._source.region

    def client(self, service: Service, region: str | None = None) -> Any:
        """The client of ``service`` in ``region``: built once, then shared."""
        key = (service.name, self.region_of(region))
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self._source.build(service, key[1])
                events = getattr(getattr(client, "meta", None), "events", None)
                if events is not None and hasattr(events, "register"):
                    events.register(
                        "before-call", _clamp_read_timeout, unique_id="lambda-wait-read-timeout"
                    )
                self._clients[key] = client
            return client

    def budget(self, quota: Quota, region: str | None = None) -> RequestBudget:
        """The budget of ``quota`` in ``region``, shared by every request counted against it."""
        key = (self.region_of(region), quota.name)
        with self._lock:
            budget = self._budgets.get(key)
            if budget is None:
                rate = self._rates.get(quota.name, quota.rps)
                budget = self._budgets[key] = RequestBudget(rate, clock=self.clock)
            return budget

    def bounded_by(self, deadline: Deadline) -> AwsCallPath:
        """This path (same clients, budgets, clocks) bounded by ``deadline``; self unchanged."""
        view = copy.copy(self)
        view.deadline = deadline
        return view

    def past_deadline(self, stop_at: float | None = None) -> AbstractContextManager[None]:
        """Inside, this thread's requests ignore the deadline but not ``stop_at`` (clock.py)."""
        return past_deadline(stop_at)

    def cancel(self) -> None:
        """Stop every thread using this path: a wait for a budget ends at once with
        :class:`~lambda_wait.errors.Interrupted`, and so does :meth:`sleep`."""
        with self._lock:
            clocks = {id(b.clock): b.clock for b in self._budgets.values()}
        clocks[id(self.clock)] = self.clock
        for clock in clocks.values():
            clock.cancel()

    def sleep(self, seconds: float) -> None:
        """Sleep on the run's clock, unless :meth:`cancel` is called meanwhile."""
        self.clock.sleep(seconds)

    def call(
        self, service: Service, region: str | None, operation: str, params: Mapping[str, Any]
    ) -> Answer:
        """Send one request (no retry) of ``service`` in ``region``; return its answer,
        checked and cleaned; every failure is the tool's own error."""
        client = self.client(service, region)
        budget = self.budget(service.quota_of(operation), region)
        self._acquire(budget)
        _CALL.read_timeout = self._read_timeout(client)
        sent = self.clock.wall()
        try:
            response = getattr(client, operation)(**params)
            self._observe(response, sent)
        except botocore.exceptions.ClientError as err:
            self._observe(err.response, sent)
            error = translate_error(dict(err.response), operation, params, service.errors)
            if isinstance(error, ThrottledError):
                budget.throttled(error.retry_after)
            raise error from None
        except (
            *SETUP_ERRORS,
            *CONNECTION_ERRORS,
            botocore.exceptions.ParamValidationError,
            botocore.parsers.ResponseParserError,
            AttributeError,
            TypeError,
        ) as err:
            raise self._failure(err, service, operation) from None
        finally:
            _CALL.read_timeout = None
        return self._answer(service, operation, response)

    def transfer(
        self, service: Service, region: str | None, operation: str, start: Callable[[Any], Any]
    ) -> None:
        """A library's managed transfer (``start(client)`` returns s3transfer's future):
        one budget slot first, cancelled at the deadline and on Ctrl-C, failures
        translated. The one exception to :meth:`call`: the library's threads send the
        parts, so they are not budgeted one by one nor their read time-outs clamped."""
        self._acquire(self.budget(service.quota_of(operation), region))
        try:
            future = start(self.client(service, region))
            try:
                while not future.done():
                    left = self._remaining()
                    if left is not None and left <= 0:
                        title = service.errors.title
                        raise DeadlineReachedError(
                            f"the --timeout ran out in {title}'s {operation}"
                        )
                    self.clock.sleep(0.05)
            except BaseException:  # the deadline, Ctrl-C, a cancelled clock: stop the parts
                future.cancel()
                raise
            future.result()
        except botocore.exceptions.ClientError as err:
            raise translate_error(dict(err.response), operation, {}, service.errors) from None
        except (*SETUP_ERRORS, *CONNECTION_ERRORS) as err:
            raise self._failure(err, service, operation) from None

    def _remaining(self) -> float | None:
        """Seconds left until this thread's hard limit (:meth:`Deadline.hard_remaining`)."""
        return self.deadline.hard_remaining(DEADLINE_GRACE)

    def _acquire(self, budget: RequestBudget) -> None:
        """Wait for the budget's slot, unless that slot lies past the deadline."""
        remaining = self._remaining()
        until = None if remaining is None else budget.clock.now() + remaining - 0.1
        # A waiter's read says how urgent it is; everything else goes first come, first served.
        budget.acquire(until, urgency=READ_URGENCY.get())

    def _read_timeout(self, client: Any) -> float | None:
        config = getattr(getattr(client, "meta", None), "config", None)
        own = float(getattr(config, "read_timeout", 0) or 0)
        remaining = self._remaining()
        if remaining is not None and (not own or remaining < own):
            return max(0.05, remaining)
        return None

    def _observe(self, response: Any, sent: float) -> None:
        meta = response.get("ResponseMetadata") if isinstance(response, Mapping) else None
        headers = (meta or {}).get("HTTPHeaders") or {}
        self.server_clock.observe(headers.get("date"), sent, self.clock.wall())
        if TIME_SCALE_HEADER in headers:
            self.server_clock.observe_time_scale(headers.get(TIME_SCALE_HEADER))

    def _failure(self, err: Exception, service: Service, operation: str) -> LambdaWaitError:
        """A request that got no answer from the service, as the tool's own error."""
        title, action = service.errors.title, service.errors.action(operation)
        if isinstance(err, SETUP_ERRORS):
            return setup_error(err)
        if isinstance(err, CONNECTION_ERRORS):
            remaining = self._remaining()
            if remaining is not None and remaining <= 0.05:
                why = "the stop time after a signal" if deadline_lifted() else "the --timeout"
                return DeadlineReachedError(
                    f"{why} ran out while waiting for {title}'s answer to {operation}"
                )
            return AwsUnavailableError(f"could not reach {title}: {err}")
        if isinstance(err, botocore.exceptions.ParamValidationError):
            return InvalidRequestError(f"invalid request: {err}")
        # botocore could not parse the body (a list, HTML, truncated JSON on a 200).
        return UnexpectedAnswerError(
            f"{title}'s answer to {action} could not be read: {first_line(str(err))}",
            hint=f"Not an answer {title} gives: {service.errors.endpoint_hint}.",
        )

    def _answer(self, service: Service, operation: str, response: Any) -> Answer:
        if not isinstance(response, dict):
            raise UnexpectedAnswerError(
                f"{service.errors.title}'s answer to {service.errors.action(operation)} "
                "is not a JSON object",
                hint=f"Not an answer {service.errors.title} gives: {service.errors.endpoint_hint}.",
            )
        response.pop("ResponseMetadata", None)
        if service.check is not None:
            service.check(operation, response)
        cleaned: Answer = clean_except(response, service.verbatim)  # text reaches terminals
        return cleaned


def open_path(
    settings: AwsSettings,
    *,
    budgets: Mapping[Quota, RequestBudget] | None = None,
    check_credentials: bool = True,
    credentials_by: Deadline | None = None,
) -> AwsCallPath:
    """The call path of the session ``settings`` name; fails before any request when the
    Region or the credentials lack. A credential_process still running at
    ``credentials_by`` (the --timeout, counted from the set-up) is ended: exit 5."""
    try:
        limit = None if credentials_by is None else credentials_by.remaining
        session: AwsSession = make_session(settings, limit)
        region = session.region_name
        credentials = session.get_credentials() if check_credentials and region else True
    except botocore.exceptions.BotoCoreError as err:
        raise setup_error(err) from None
    if not region:
        raise no_region_error()
    if credentials is None:
        raise no_credentials_error()
    return AwsCallPath(SessionClients(session, settings.endpoint_url), budgets=budgets)
