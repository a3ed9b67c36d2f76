"""The CRM.COM v2 REST facade: `GET /crmapi/rest/v2/leads/<query>`, `POST
/crmapi/rest/v2/leads/<action>` and `POST /crmapi/rest/v2/authentication/token`.

Each method reads its parameters (all of them, reporting every problem at once), signs in by
`token`, and calls one domain service, exactly as the GraphQL endpoint does, so that roles and
visibility hold alike. Answers are the seeds' envelope; nothing a client sends leads to a 5xx.
"""

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import Any

import orjson
from limits.aio.storage import Storage
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from app.db import Database, in_transaction
from app.domain import auth, models
from app.domain.auth import Actor
from app.domain.enums import LifeCycleState
from app.domain.errors import DomainError, ErrorCode
from app.domain.identifiers import Ref
from app.domain.leads import queries, service
from app.domain.leads.commands import UNSET, LeadAction, Unset
from app.domain.leads.queries import LeadView
from app.observability.requests import current_request
from app.reads import RequestReads
from app.rest import parameters
from app.rest.errors import UNAUTHENTICATED, Refusal, RequestError, answer, refused
from app.rest.serialise import LEAD_KEYS, LeadWriter, moment, read_around
from app.rest.values import Reader
from app.security.bodies import BodyRefusedError, read_capped
from app.security.clients import client_address
from app.security.sign_in_throttle import SignInAttempt, SignInThrottle, SignInThrottledError
from app.settings import Settings

Clock = Callable[[], datetime]
PREFIX = "/crmapi/rest/v2"
# Every verb reaches the endpoints, so that a wrong one is answered in the envelope too.
_VERBS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

# The seeds' examples, copied out of web pages, end a list with a comma (create) and open
# with a non-breaking space (win, lost), which strict JSON refuses: a body that fails is read
# again without the white space around it and without a comma before a closing bracket (text
# inside strings is matched first, and kept).
_TRAILING_COMMA = re.compile(r'("(?:[^"\\]|\\.)*")|,(\s*[}\]])')


def _refusal(code: str, reason: str, parameter: str | None = None) -> RequestError:
    return RequestError([Refusal(parameter, None, code, reason)])


def _json_object(body: bytes) -> dict[str, Any]:
    """A request body, which must be a JSON object."""
    try:
        decoded = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        try:
            text = body.decode()
        except UnicodeDecodeError:
            raise _refusal(ErrorCode.INVALID, "The body is not UTF-8 text.") from None
        lenient = _TRAILING_COMMA.sub(lambda match: match.group(1) or match.group(2), text.strip())
        try:
            decoded = orjson.loads(lenient)
        except orjson.JSONDecodeError:
            raise _refusal(ErrorCode.INVALID, f"The body is not JSON: {error}.") from None
    if not isinstance(decoded, dict):
        raise _refusal(ErrorCode.INVALID, "The body must be a JSON object of parameters.")
    return decoded


async def _parameters(request: Request, body_limit: int) -> Reader:
    """The parameters of a call: the query string of a GET, the JSON body of a POST."""
    refusals: list[Refusal] = []
    if request.method == "GET":
        given: dict[str, str] = {}
        for key in request.query_params:
            sent = set(request.query_params.getlist(key))
            if len(sent) > 1:
                # A parameter sent twice counts once, but only when it says the same thing.
                refusals.append(
                    Refusal(
                        key, None, ErrorCode.INVALID, "Given more than once, with different values."
                    )
                )
            given[key] = request.query_params[key]
        return Reader(given, refusals, query=True)
    if request.query_params:
        raise _refusal(
            ErrorCode.INVALID,
            "A POST takes its parameters, token included, in its JSON body, not in the URL.",
        )
    try:
        body = await read_capped(request, body_limit)
    except BodyRefusedError as refused:
        status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE if refused.too_large else None
        raise RequestError([Refusal(None, None, ErrorCode.INVALID, str(refused))], status) from None
    return Reader(_json_object(body), refusals, query=False)


@dataclass
class Call:
    """One call of a method: its parameters, its moment, who makes it, and the database."""

    params: Reader
    now: datetime
    actor: Actor
    database: Database
    fields: tuple[str, ...] | None
    reads: RequestReads

    def ready(self) -> None:
        """Refuse the call unless all its parameters, read by now, were right."""
        self.params.check()

    async def leads(self, rows: list[models.Lead]) -> list[dict[str, Any]]:
        """Leads as the seeds write them, with the keys of `fields_set`; what they name is
        read through the call's reads (in one session inside their `shared` block)."""
        async with self.reads() as session:
            related = await read_around(session, rows, self.fields)
        return LeadWriter(related, self.now, self.fields).many(rows)

    async def lead(self, row: models.Lead) -> dict[str, Any]:
        """One lead as the seeds write it."""
        (written,) = await self.leads([row])
        return written

    def action(self, ref: Ref | Unset, status: Ref | None = None) -> LeadAction:
        """Who acts on which lead, now (once the call is `ready`, `ref` was given)."""
        assert isinstance(ref, Ref)
        return LeadAction(ref=ref, actor=self.actor, now=self.now, status=status)

    async def write(self, work: Callable[[AsyncSession], Awaitable[models.Lead]]) -> Any:
        """Run one service in one transaction; the lead as it is then, read by key."""
        written = await in_transaction(self.database.writer, work)
        self.reads.read_by_key()
        async with self.reads.shared():
            return await self.lead(written)


Method = Callable[[Call], Awaitable[Any]]


# queries ------------------------------------------------------------------------------------


async def show(call: Call) -> Any:
    ref = parameters.lead_ref(call.params)
    call.ready()
    assert isinstance(ref, Ref)
    call.reads.read_by_key()
    async with call.reads.shared():
        async with call.reads() as session:
            lead = await queries.find_lead_or_raise(session, call.actor, ref)
        return await call.lead(lead)


def lead_list(view: LeadView, *, semi_optional: bool = False) -> Method:
    """A list method over `view`, with the seeds' filters and paging."""

    async def run(call: Call) -> Any:
        return await _page(call, view, semi_optional)

    return run


async def _page(call: Call, view: LeadView, semi_optional: bool) -> Any:
    lead_filter = parameters.lead_filter(call.params, semi_optional=semi_optional)
    page = parameters.page(call.params)
    call.ready()
    async with call.reads.shared():
        async with call.reads() as session:
            found = await queries.find_leads(session, call.actor, view, lead_filter, page, call.now)
        return await call.leads(found.leads)


async def close_to_completion(call: Call) -> Any:
    due = parameters.due_within(call.params)
    view = LeadView(due_within=None if isinstance(due, Unset) else due)
    return await _page(call, view, semi_optional=False)


def _in(state: LifeCycleState) -> LeadView:
    return LeadView(states=frozenset({state}))


QUERIES: dict[str, Method] = {
    "show": show,
    "list": lead_list(LeadView(), semi_optional=True),
    "get_overdue": lead_list(LeadView(overdue=True)),
    "get_close_to_estimated_completion_time": close_to_completion,
    "get_pending": lead_list(_in(LifeCycleState.PENDING)),
    "get_in_progress": lead_list(_in(LifeCycleState.IN_PROGRESS)),
    "get_won_leads": lead_list(_in(LifeCycleState.WON)),
    "get_lost_leads": lead_list(_in(LifeCycleState.LOST)),
    "get_cancelled": lead_list(_in(LifeCycleState.CANCELLED)),
}


# actions ------------------------------------------------------------------------------------


async def create(call: Call) -> Any:
    changes = parameters.lead_changes(call.params, creating=True)
    call.ready()
    return await call.write(
        lambda session: service.create_lead(session, changes, call.actor, call.now)
    )


async def update(call: Call) -> Any:
    ref = parameters.lead_ref(call.params)
    changes = parameters.lead_changes(call.params, creating=False)
    # Deprecated since CRM.COM R11.1.0: the billing address of an update into a won status,
    # and applicable only to one. The domain refuses that update (`win` replaced it), so the
    # address is read, and used for nothing, as the seeds say of any other update.
    call.params.raw("billing_address_identifier")
    call.ready()
    action = call.action(ref)
    return await call.write(lambda session: service.update_lead(session, action, changes))


def transition(
    act: Callable[[AsyncSession, LeadAction, Any], Awaitable[models.Lead]],
    read_more: Callable[[Reader], Any] = lambda _: None,
) -> Method:
    """A method for a move along the life cycle: the lead, a status, and what `read_more`
    reads besides (the accounts receivable of a win, the reason of a loss)."""

    async def run(call: Call) -> Any:
        ref = parameters.lead_ref(call.params)
        status = parameters.status_ref(call.params)
        more = read_more(call.params)
        call.ready()
        action = call.action(ref, status)
        return await call.write(lambda session: act(session, action, more))

    return run


ACTIONS: dict[str, Method] = {
    "create": create,
    "update": update,
    "start_progress": transition(
        lambda session, action, _: service.start_lead_progress(session, action)
    ),
    "win": transition(service.win_lead, parameters.win_account),
    "lost": transition(service.lose_lead, parameters.lost_reason_ref),
    "cancel": transition(lambda session, action, _: service.cancel_lead(session, action)),
}


# HTTP ---------------------------------------------------------------------------------------


def _fields(params: Reader) -> tuple[str, ...] | None:
    """`fields_set`: the keys of a lead to write (with `id`), comma separated (or, in a body,
    a list); every key when not given."""
    raw = params.raw("fields_set")
    if raw is UNSET or raw is None:
        return None
    names = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        params.refuse("fields_set", raw, ErrorCode.INVALID, "Give field names, comma separated.")
        return None
    chosen = tuple(name.strip() for name in names if name.strip())
    unknown = [name for name in chosen if name not in LEAD_KEYS]
    if unknown or not chosen:
        params.refuse(
            "fields_set",
            raw,
            ErrorCode.INVALID,
            f"A lead has the fields {', '.join(LEAD_KEYS)}; "
            + (f"not {', '.join(unknown)}." if unknown else "name at least one."),
        )
        return None
    return chosen


class RestApi:
    """The facade's endpoints over one database and clock."""

    def __init__(
        self, settings: Settings, database: Database, clock: Clock, counters: Storage
    ) -> None:
        self.settings = settings
        self.counters = counters
        self.database = database
        self.clock = clock

    async def _actor(self, params: Reader, now: datetime) -> Actor:
        token = params.text("token")
        refused_token = [refusal for refusal in params.refusals if refusal.parameter == "token"]
        if refused_token:
            raise RequestError(refused_token)
        if not isinstance(token, str):
            raise _refusal(
                UNAUTHENTICATED,
                "Give the token of POST /crmapi/rest/v2/authentication/token (or of the "
                "GraphQL login).",
                "token",
            )
        async with (self.database.key_reader or self.database.reader)() as session:
            signed_in = await auth.authenticate(session, token, now)
        if signed_in is None:
            raise _refusal(UNAUTHENTICATED, "This token is unknown, revoked or expired.", "token")
        current_request().user = signed_in.actor.username
        return signed_in.actor

    async def leads(self, request: Request) -> Response:
        """`/leads/<method>`."""
        name = request.path_params["method"]
        try:
            method = self._method(name, request.method)
            params = await _parameters(request, self.settings.max_body_bytes)
            now = self.clock()
            actor = await self._actor(params, now)
            reads = RequestReads(self.database.reader, self.database.key_reader)
            call = Call(params, now, actor, self.database, _fields(params), reads)
            return answer(await method(call))
        except DomainError as error:
            return refused(RequestError.of(error))
        except RequestError as error:
            return refused(error)

    @staticmethod
    def _method(name: str, verb: str) -> Method:
        for methods, expected in ((QUERIES, "GET"), (ACTIONS, "POST")):
            if name in methods:
                if verb != expected:
                    raise RequestError(
                        [
                            Refusal(
                                None,
                                None,
                                ErrorCode.INVALID,
                                f"leads/{name} is called with {expected}, not {verb}.",
                            )
                        ],
                        HTTPStatus.METHOD_NOT_ALLOWED,
                    )
                return methods[name]
        every = ", ".join([*QUERIES, *ACTIONS])
        raise _refusal(ErrorCode.NOT_FOUND, f"There is no method leads/{name}; there are {every}.")

    async def token(self, request: Request) -> Response:
        """`/authentication/token {"username", "password"}`: a token for the other methods."""
        try:
            if request.method != "POST":
                raise RequestError(
                    [Refusal(None, None, ErrorCode.INVALID, "Call it with POST.")],
                    HTTPStatus.METHOD_NOT_ALLOWED,
                )
            params = await _parameters(request, self.settings.max_body_bytes)
            username = params.required("username", params.text("username"), "the username")
            password = params.required("password", params.text("password"), "the password")
            params.check()
            lifetime = timedelta(hours=self.settings.token_lifetime_hours)
            attempt = SignInAttempt(username, password, client_address(request))
            throttle = SignInThrottle(self.counters, self.settings)
            issued = await auth.sign_in(self.database, throttle, attempt, self.clock(), lifetime)
        except SignInThrottledError as error:
            response = refused(RequestError.of(error))
            response.headers["Retry-After"] = str(error.retry_after)
            return response
        except DomainError as error:
            return refused(RequestError.of(error))
        except RequestError as error:
            return refused(error)
        return answer({"token": issued.token, "expires_at": moment(issued.expires_at)})

    async def unknown(self, request: Request) -> Response:
        """Any other path of the facade."""
        path = request.url.path.removeprefix(PREFIX)
        return refused(_refusal(ErrorCode.NOT_FOUND, f"There is no method {path}."))


def rest_api(settings: Settings, database: Database, clock: Clock, counters: Storage) -> Mount:
    """The facade, mounted at /crmapi/rest/v2."""
    api = RestApi(settings, database, clock, counters)
    return Mount(
        PREFIX,
        routes=[
            Route("/leads/{method}", api.leads, methods=_VERBS),
            Route("/authentication/token", api.token, methods=_VERBS),
            Route("/{path:path}", api.unknown, methods=_VERBS),
        ],
    )
