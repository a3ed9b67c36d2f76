"""The one place the GraphQL schema is assembled."""

import strawberry
from graphql import GraphQLError
from strawberry.extensions import AddValidationRules, MaskErrors
from strawberry.schema.config import StrawberryConfig

from app.graphql.auth import AuthenticationGate, AuthMutation, AuthQuery, OneSignInPerDocument
from app.graphql.budget import QueryBudget
from app.graphql.documents import CheckedDocuments
from app.graphql.input_objects import build_input_objects_directly
from app.graphql.leads.mutations import LeadMutation
from app.graphql.leads.queries import LeadQuery
from app.graphql.lists import ListsQuery
from app.graphql.media import RequestErrorStatus
from app.graphql.nul_text import NulTextGuard
from app.graphql.observation import (
    INTERNAL_ERROR,
    SERVICE_UNAVAILABLE,
    ObservedSchema,
    OperationObserver,
    is_pool_timeout,
    is_unexpected,
)
from app.graphql.planned.executor import PlannedExecutor
from app.graphql.transport import UNAVAILABLE_MESSAGE, UNEXPECTED_MESSAGE


@strawberry.type(description="Everything that can be read.")
class Query(LeadQuery, ListsQuery, AuthQuery):
    pass


@strawberry.type(description="Everything that can be changed.")
class Mutation(LeadMutation, AuthMutation):
    pass


class MaskUnexpectedErrors(MaskErrors):
    """Hides unexpected failures (no traceback, no SQL) behind one message and code; a wait
    for a database connection that ran out is told apart, as the service being too busy."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message=UNEXPECTED_MESSAGE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        if is_pool_timeout(error.original_error):
            masked.message = UNAVAILABLE_MESSAGE
            masked.extensions = {"code": SERVICE_UNAVAILABLE}
        else:
            masked.extensions = {"code": INTERNAL_ERROR}
        return masked

    def masked(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        """`errors` with the unexpected ones hidden; for the errors Strawberry makes of an
        exception in an extension, which it does after the hook that masks the others ran."""
        return self._process_errors(errors)


schema = ObservedSchema(
    execution_context_class=PlannedExecutor,
    query=Query,
    mutation=Mutation,
    config=StrawberryConfig(auto_camel_case=True),
    # Factories, not instances: one shared extension instance would mix up concurrent requests.
    extensions=[
        OperationObserver,
        lambda: MaskUnexpectedErrors(),
        lambda: AddValidationRules([OneSignInPerDocument]),
        CheckedDocuments,
        RequestErrorStatus,
        AuthenticationGate,
        # After the checks that refuse a request outright, so that a refused one spends nothing.
        NulTextGuard,
        QueryBudget,
    ],
)

build_input_objects_directly(schema)
