"""GraphQL over HTTP: context per request, the offline GraphiQL page, and the
`application/graphql-response+json` media type of the GraphQL-over-HTTP spec."""

from datetime import UTC, datetime
from typing import Any

import orjson
from cross_web import HTTPException
from limits.aio.storage import Storage
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.types.unset import UNSET

from app.db import Database
from app.domain.auth import authenticate
from app.graphql.context import Clock, Context
from app.graphql.graphiql import GRAPHIQL_HTML
from app.graphql.media import GRAPHQL_RESPONSE, prefers_graphql_response
from app.graphql.schema import schema
from app.loaders import Loaders
from app.observability.requests import Interface, current_request
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

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        # Counted as a GraphQL request from here on, so that a failure to sign in counts too.
        observed = current_request()
        observed.interface = Interface.GRAPHQL
        now = self.clock()
        token = bearer_token(request)
        signed_in = None
        if token is not None:
            async with self.database.reader() as session:
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
            loaders=Loaders.create(self.database.reader, actor),
            user=None if signed_in is None else signed_in.user,
            signed_in_as=actor,
            token=token,
        )

    async def render_graphql_ide(self, request: Request) -> Response:
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

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        response = await super().run(request, context, root_value)
        if (
            isinstance(response, Response)
            and isinstance(request, Request)
            and prefers_graphql_response(request)
            and response.media_type == "application/json"
        ):
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE}; charset=utf-8"
        return response


def system_clock() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)
