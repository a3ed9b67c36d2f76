"""What the GraphQL layer tells the request's record (`app/observability`): the operation,
every error's code (GraphQL errors and mutation payloads' `UserError`s), and the failures
nobody expected.

Strawberry's default logs each error with a traceback, a client's typo as loudly as a bug.
Here a client's error is only noted (the request's one info line names its code) and an
unexpected one is handed to the record, whose single error line carries its traceback.
"""

from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import DocumentNode, GraphQLError, OperationDefinitionNode
from sqlalchemy.exc import TimeoutError as PoolTimeout
from strawberry.extensions import FieldExtension, SchemaExtension
from strawberry.extensions.field_extension import AsyncExtensionResolver
from strawberry.types import ExecutionContext

from app.graphql.errors import UserError, cut_message
from app.observability.requests import current_request

# The code an unexpected error is answered with, once masked.
INTERNAL_ERROR = "INTERNAL_SERVER_ERROR"
# The code of a request that found no database connection free in time (HTTP 503).
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
# The codes of errors that carry none: a document that does not parse, or does not validate
# (or whose variables do not fit it).
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
ANONYMOUS = "anonymous"


def is_pool_timeout(error: BaseException | None) -> bool:
    """Whether `error` is a request's wait for a pooled database connection running out."""
    return isinstance(error, PoolTimeout)


def is_unexpected(error: GraphQLError) -> bool:
    """A failure nobody expected: an exception, not a `GraphQLError` raised on purpose, that
    either a resolver raised (the error has a path) or that Strawberry turned into an error
    bearing its Python message (an exception in a schema extension, or in the parser), with
    neither a path nor a place in the document.

    A value that does not fit its scalar also carries the scalar's exception, but is the
    client's error: it is placed at the value in the document.
    """
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return False
    return error.path is not None or not error.nodes


def selected_operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    """The operation of `document` that a request names (the first one when it names none)."""
    return next(
        (
            definition
            for definition in document.definitions
            if isinstance(definition, OperationDefinitionNode)
            and (name is None or (definition.name and definition.name.value) == name)
        ),
        None,
    )


class ObservedSchema(strawberry.Schema):
    """The schema, noting each error in the request's record instead of logging it, and
    cutting every message to a length that cannot echo a huge literal of the document.

    Strawberry hands every error here exactly once (parse, validation and execution errors
    alike), before `MaskUnexpectedErrors` hides the unexpected ones.
    """

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        record = current_request()
        parsed = execution_context is not None and execution_context.graphql_document is not None
        for error in errors:
            error.message = cut_message(error.message)
            code = (error.extensions or {}).get("code")
            if is_pool_timeout(error.original_error):
                # A busy database, not a bug: answered 503 with no traceback in the log.
                code = SERVICE_UNAVAILABLE
            elif is_unexpected(error) and error.original_error is not None:
                record.failed(error.original_error)
                code = INTERNAL_ERROR
            elif not isinstance(code, str):
                code = VALIDATION_FAILED if parsed else PARSE_FAILED
            record.error(code)


class OperationObserver(SchemaExtension):
    """Names the GraphQL operation in the request's record."""

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        finally:
            # Also when an exception refused the parsed operation (a mutation sent with GET).
            context = self.execution_context
            document = context.graphql_document
            if document is not None:
                operation = selected_operation(document, context.operation_name)
                if operation is not None:
                    current_request().operation = (
                        operation.name.value if operation.name else ANONYMOUS
                    )


class PayloadErrorCodes(FieldExtension):
    """Notes the code of each `UserError` a mutation's payload answers: a refused mutation
    answers no GraphQL error, and still counts as the client's error it is."""

    async def resolve_async(
        self, next_: AsyncExtensionResolver, source: Any, info: Any, **kwargs: Any
    ) -> Any:
        payload = await next_(source, info, **kwargs)
        record = current_request()
        for error in getattr(payload, "errors", None) or ():
            if isinstance(error, UserError):
                record.error(error.code.value)
        return payload
