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
from strawberry.extensions import FieldExtension, SchemaExtension
from strawberry.extensions.field_extension import AsyncExtensionResolver
from strawberry.types import ExecutionContext

from app.graphql.errors import UserError
from app.observability.requests import current_request

# The code an unexpected error is answered with, once masked.
INTERNAL_ERROR = "INTERNAL_SERVER_ERROR"
# The codes of errors that carry none: a document that does not parse, or does not validate
# (or whose variables do not fit it).
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
ANONYMOUS = "anonymous"


def is_unexpected(error: GraphQLError) -> bool:
    """A resolver's own failure (not a validation error, nor one we raised on purpose)."""
    original = error.original_error
    return (
        error.path is not None and original is not None and not isinstance(original, GraphQLError)
    )


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
    """The schema, noting each error in the request's record instead of logging it.

    Strawberry hands every error here exactly once (parse, validation and execution errors
    alike), before `MaskUnexpectedErrors` hides the unexpected ones.
    """

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        record = current_request()
        parsed = execution_context is not None and execution_context.graphql_document is not None
        for error in errors:
            code = (error.extensions or {}).get("code")
            if is_unexpected(error) and error.original_error is not None:
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
