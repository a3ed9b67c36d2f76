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

    def on_operation(self) -> Iterator[None]:
        self.refused = False
        try:
            yield
        finally:
            # The parser cache raises its syntax errors through this hook, hence `finally`.
            self._mark()

    def _mark(self) -> None:
        # A document that failed to parse is never set; validation marks its own failure.
        unparsed = self.execution_context.graphql_document is None
        context: Context = self.execution_context.context
        if (
            (unparsed or self.refused)
            and isinstance(context.response, Response)
            and prefers_graphql_response(context.request)
        ):
            context.response.status_code = 400

    def on_validate(self) -> Iterator[None]:
        yield
        self.refused = bool(self.execution_context.pre_execution_errors)
