"""The one place the GraphQL schema is assembled."""

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors, ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig

from app.graphql.auth import AuthenticationGate, AuthMutation, AuthQuery
from app.graphql.leads.mutations import LeadMutation
from app.graphql.leads.queries import LeadQuery
from app.graphql.lists import ListsQuery
from app.graphql.media import RequestErrorStatus
from app.graphql.nul_text import NulTextGuard
from app.graphql.observation import (
    INTERNAL_ERROR,
    ObservedSchema,
    OperationObserver,
    is_unexpected,
)


@strawberry.type(description="Everything that can be read.")
class Query(LeadQuery, ListsQuery, AuthQuery):
    pass


@strawberry.type(description="Everything that can be changed.")
class Mutation(LeadMutation, AuthMutation):
    pass


class MaskUnexpectedErrors(MaskErrors):
    """Hides unexpected failures (no traceback, no SQL) behind one message and code."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message="Unexpected error.")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": INTERNAL_ERROR}
        return masked


schema = ObservedSchema(
    query=Query,
    mutation=Mutation,
    config=StrawberryConfig(auto_camel_case=True),
    # Factories, not instances: one shared extension instance would mix up concurrent requests.
    extensions=[
        OperationObserver,
        lambda: MaskUnexpectedErrors(),
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        RequestErrorStatus,
        AuthenticationGate,
        NulTextGuard,
    ],
)
