"""Sign-in over GraphQL, and the gate that keeps everything else behind a token."""

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Annotated

import strawberry
from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    ValidationContext,
    ValidationRule,
)
from strawberry.extensions import SchemaExtension

from app.db import in_transaction
from app.domain import auth
from app.domain.errors import DomainError
from app.graphql.catalog import User
from app.graphql.context import Context, Info
from app.graphql.errors import UserError, unauthenticated, user_errors
from app.graphql.limits import QUERY_TOO_COMPLEX
from app.graphql.observation import selected_operation
from app.graphql.records import from_row, mutation, resolved
from app.security.clients import client_address
from app.security.sign_in_throttle import SignInAttempt, SignInThrottle
from app.settings import Settings

PUBLIC_FIELDS = frozenset({"login", "__typename"})


@strawberry.type(description="The result of a sign-in.")
class LoginPayload:
    token: str | None = strawberry.field(
        description="Send it as `Authorization: Bearer <token>`; null when refused."
    )
    expires_at: datetime | None = strawberry.field(description="When the token stops working.")
    user: User | None = strawberry.field(description="Who signed in.")
    errors: list[UserError] = strawberry.field(description="Why the sign-in was refused.")


@strawberry.type
class AuthQuery:
    @resolved(description="The signed-in user.", by_key=True)
    def me(self, info: Info) -> User:
        assert info.context.user is not None
        return from_row(User, info.context.user)


@strawberry.type
class AuthMutation:
    @mutation(description="Sign in; the only operation that needs no token.")
    async def login(
        self,
        info: Info,
        username: Annotated[str, strawberry.argument(description="The user's sign-in name.")],
        password: Annotated[str, strawberry.argument(description="The user's password.")],
    ) -> LoginPayload:
        context = info.context
        lifetime = timedelta(hours=context.settings.token_lifetime_hours)
        attempt = SignInAttempt(username, password, client_address(context.request))
        throttle = SignInThrottle(context.counters, context.settings)
        try:
            session = await auth.sign_in(context.database, throttle, attempt, context.now, lifetime)
        except DomainError as error:
            return LoginPayload(token=None, expires_at=None, user=None, errors=user_errors(error))
        return LoginPayload(
            token=session.token,
            expires_at=session.expires_at,
            user=from_row(User, session.user),
            errors=[],
        )

    @mutation(description="Revoke the token this request is sent with.")
    async def logout(self, info: Info) -> bool:
        context = info.context
        assert context.token is not None
        token = context.token
        return await in_transaction(
            context.database.writer, lambda db: auth.log_out(db, token, context.now)
        )


def _top_level_fields(operation: OperationDefinitionNode) -> Iterator[str]:
    for selection in operation.selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection.name.value
        else:
            yield "..."


def is_public(
    document: DocumentNode | None, operation_name: str | None, settings: Settings
) -> bool:
    """Whether the operation a request selects may run without a token: sign-in, `__typename`
    and, in the development profile, introspection."""
    if document is None:
        return False
    operation = selected_operation(document, operation_name)
    if operation is None:
        return False
    fields = set(_top_level_fields(operation))
    if fields <= PUBLIC_FIELDS:
        return True
    introspection = all(name.startswith("__") for name in fields)
    return introspection and settings.introspection_is_public


class OneSignInPerDocument(ValidationRule):
    """A document signs in once: each `login` verifies a password with argon2, work enough that
    fifteen aliased sign-ins in one request would hold a core for most of a second."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self.sign_ins = 0

    def enter_field(self, node: FieldNode, *_: object) -> None:
        mutation = self.context.schema.mutation_type
        if node.name.value == "login" and self.context.get_parent_type() is mutation:
            self.sign_ins += 1
            if self.sign_ins == 2:
                self.report_error(
                    GraphQLError(
                        "A request signs in once: send one `login` per request.",
                        node,
                        extensions={"code": QUERY_TOO_COMPLEX},
                    )
                )


class AuthenticationGate(SchemaExtension):
    """Answers UNAUTHENTICATED, with no data, to any operation but sign-in (and, in the
    development profile, introspection) sent without a valid token."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        context: Context = execution.context
        if context.user is None and not is_public(
            execution.graphql_document, execution.operation_name, context.settings
        ):
            execution.result = ExecutionResult(data=None, errors=[unauthenticated()])
        yield
