"""The `application/graphql-response+json` media type of the GraphQL-over-HTTP spec, and how a
request error is answered.

A request error is a request that fails before execution begins: its document does not parse
or validate, it names no operation among several (or one the document lacks), or its variables
do not fit their types. Its answer has no `data` entry, and HTTP 400 when the client accepts
`application/graphql-response+json` (plain JSON clients keep 200, as the spec says).
"""

from collections.abc import Iterator

from graphql import ExecutionResult, Executor, GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from app.graphql.context import Context

GRAPHQL_RESPONSE = "application/graphql-response+json"
# Where a request error is noted for the view that answers it.
_REQUEST_ERROR = "graphql_request_error"


def prefers_graphql_response(request: Request | WebSocket) -> bool:
    """Whether the client accepts the GraphQL response media type (and so gets it)."""
    return GRAPHQL_RESPONSE in request.headers.get("accept", "")


def is_request_error(request: Request | WebSocket) -> bool:
    """Whether the request's GraphQL request failed before execution began."""
    return bool(getattr(request.state, _REQUEST_ERROR, False))


def operation_errors(execution: ExecutionContext) -> list[GraphQLError]:
    """Why a valid document cannot run as the request asks: graphql-core's own checks before
    execution (the operation to run, the variables' values).

    They are made with the operation name the client sent: Strawberry's `operation_name` falls
    back to the first operation's, which would run the first of several operations when the
    request names none, where graphql-core refuses.
    """
    assert execution.graphql_document is not None
    built = Executor.build(
        execution.schema._schema,
        execution.graphql_document,
        raw_variable_values=execution.variables,
        operation_name=execution._provided_operation_name,
    )
    return built if isinstance(built, list) else []


class RequestErrorStatus(SchemaExtension):
    """Marks a request error, for its answer to hold no `data` and, when the client accepts
    `application/graphql-response+json`, to be HTTP 400."""

    def on_operation(self) -> Iterator[None]:
        self.invalid = False
        self.operation_refusal: ExecutionResult | None = None
        try:
            yield
        finally:
            # The parser cache raises its syntax errors through this hook, hence `finally`.
            self._mark()

    def on_validate(self) -> Iterator[None]:
        yield
        execution = self.execution_context
        if execution.pre_execution_errors:
            self.invalid = True
        elif errors := operation_errors(execution):
            # Answered instead of executing, unless a gate answers first: an anonymous caller
            # is told to sign in.
            self.operation_refusal = execution.result = ExecutionResult(data=None, errors=errors)

    def _mark(self) -> None:
        execution = self.execution_context
        context: Context = execution.context
        # A document that failed to parse is never set.
        refused = (
            execution.graphql_document is None
            or self.invalid
            or (self.operation_refusal is not None and execution.result is self.operation_refusal)
        )
        if not refused or not isinstance(context.response, Response):
            return
        setattr(context.request.state, _REQUEST_ERROR, True)
        if prefers_graphql_response(context.request) and context.response.status_code is None:
            context.response.status_code = 400
