"""The `application/graphql-response+json` media type of the GraphQL-over-HTTP spec."""

from collections.abc import Iterator

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension

from app.graphql.context import Context

GRAPHQL_RESPONSE = "application/graphql-response+json"


def prefers_graphql_response(request: Request | WebSocket) -> bool:
    """Whether the client accepts the GraphQL response media type (and so gets it)."""
    return GRAPHQL_RESPONSE in request.headers.get("accept", "")


class RequestErrorStatus(SchemaExtension):
    """A request that does not parse or validate gets HTTP 400 when the client accepts
    `application/graphql-response+json` (plain JSON clients keep 200, as the spec says)."""

    def on_validate(self) -> Iterator[None]:
        yield
        self._mark_if_failed()

    def on_parse(self) -> Iterator[None]:
        yield
        self._mark_if_failed()

    def _mark_if_failed(self) -> None:
        context: Context = self.execution_context.context
        if (
            self.execution_context.pre_execution_errors
            and isinstance(context.response, Response)
            and prefers_graphql_response(context.request)
        ):
            context.response.status_code = 400
