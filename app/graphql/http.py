"""GraphQL over HTTP: context per request, the offline GraphiQL page, and the
`application/graphql-response+json` media type of the GraphQL-over-HTTP spec.

Each request is refused as early as it can be (`app.graphql.transport`): the body before it is
read, the document before it is parsed; every refusal and failure is answered in JSON.
"""

from datetime import UTC, datetime
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError
from limits.aio.storage import Storage
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, GraphQLRequestProtocol
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from app.db import Database
from app.domain.auth import authenticate
from app.graphql import transport
from app.graphql.context import Clock, Context
from app.graphql.graphiql import GRAPHIQL_HTML
from app.graphql.media import GRAPHQL_RESPONSE, is_request_error, prefers_graphql_response
from app.graphql.observation import INTERNAL_ERROR, SERVICE_UNAVAILABLE, is_pool_timeout
from app.graphql.schema import MaskUnexpectedErrors, schema
from app.loaders import Loaders
from app.observability.requests import Interface, current_request
from app.reads import RequestReads
from app.settings import Settings


def bearer_token(request: Request | WebSocket) -> str | None:
    """The token of an `Authorization: Bearer <token>` header."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


class GraphQLApp(GraphQL[Context, None]):
    """The `/graphql` endpoint."""

    def __init__(
        self, settings: Settings, database: Database, clock: Clock, counters: Storage, **kwargs: Any
    ):
        super().__init__(schema, **kwargs)
        self.settings = settings
        self.counters = counters
        self.database = database
        self.clock = clock
        self.masking = MaskUnexpectedErrors()

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        try:
            return await self._answer(request, context, root_value)
        finally:
            reads: RequestReads | None = getattr(request.state, "reads", None)
            if reads is not None:
                await reads.close()

    async def _answer(self, request: Any, context: Any, root_value: Any) -> Any:
        if not isinstance(request, Request):
            return await super().run(request, context, root_value)
        # Counted as a GraphQL request from here on, so that every refusal counts too.
        current_request().interface = Interface.GRAPHQL
        try:
            if request.method == "POST":
                # Before the token's database read: a body too large is never read whole.
                await transport.read_body(request, self.settings.max_body_bytes)
            response = await super().run(request, context, root_value)
        except transport.RefusalError as refusal:
            return self._refused(request, refusal)
        except HTTPException as error:
            return self._refused(request, transport.from_http_exception(error))
        except Exception as error:  # answered in JSON, logged once by the request's record
            if is_pool_timeout(error):
                # A busy database, not a bug: a warning line with no traceback.
                return self._refused(request, transport.unavailable(self.settings))
            current_request().failed(error)
            return self._refused(request, transport.unexpected())
        if prefers_graphql_response(request) and response.media_type == "application/json":
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE}; charset=utf-8"
        return response

    def _refused(self, request: Request, refusal: transport.RefusalError) -> Response:
        if not refusal.recorded:
            current_request().error(refusal.code)
        return transport.refusal_response(request, refusal)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        observed = current_request()
        now = self.clock()
        token = bearer_token(request)
        reads = RequestReads(self.database.reader, self.database.key_reader)
        # Closed when the request ends (`run`), whatever becomes of it.
        request.state.reads = reads
        signed_in = None
        if token is not None:
            async with reads.by_key() as session:
                signed_in = await authenticate(session, token, now)
        actor = None if signed_in is None else signed_in.actor
        observed.user = None if actor is None else actor.username
        return Context(
            request=request,
            response=response,
            database=self.database,
            settings=self.settings,
            counters=self.counters,
            now=now,
            loaders=Loaders.create(reads, actor),
            reads=reads,
            user=None if signed_in is None else signed_in.user,
            signed_in_as=actor,
            token=token,
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        if not self.settings.serves_explorer:
            raise transport.explorer_not_found()
        current_request().interface = None  # the explorer's page is no API request
        return HTMLResponse(GRAPHIQL_HTML)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        """A request's JSON, which must be an object (or a list, which is refused as a batch).

        orjson refuses invalid UTF-8, lone surrogates and nesting deeper than 1024 levels with
        a `JSONDecodeError`, answered as 400 before any of it reaches the schema.
        """
        decoded = orjson.loads(data)
        if not isinstance(decoded, dict | list):
            raise HTTPException(400, "The request body must be a JSON object.")
        return decoded

    def _validate_batch_request(
        self, request_data: list[GraphQLRequestData], protocol: GraphQLRequestProtocol
    ) -> None:
        raise transport.batch_refused()

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        transport.check_request(
            request_data, signed_in=context.user is not None, settings=self.settings
        )
        return await super().execute_single(
            request, request_adapter, sub_response, context, root_value, request_data
        )

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """The response to an executed request: with no `data` after a request error; the
        whole of it refused when a database connection did not come free in time, or when
        something failed unexpectedly outside any field."""
        if result.errors:
            result.errors = self.masking.masked(result.errors)
            if any(code_of(error) == SERVICE_UNAVAILABLE for error in result.errors):
                raise transport.unavailable(self.settings, recorded=True)
            if any(
                code_of(error) == INTERNAL_ERROR and error.path is None for error in result.errors
            ):
                raise transport.unexpected(recorded=True)
        response = await super().process_result(request, result)
        if is_request_error(request):
            del response["data"]
        return response


def code_of(error: GraphQLError) -> object:
    """An error's `extensions.code`, if any."""
    return (error.extensions or {}).get("code")


def system_clock() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)
