"""Expected failures as data (`UserError`), and the GraphQL errors of queries."""

from typing import Any

import strawberry
from graphql import GraphQLError

from app.domain.errors import DomainError, ErrorCode, Problem
from app.graphql import enums  # noqa: F401  (registers ErrorCode as a GraphQL enum)

UNAUTHENTICATED = "UNAUTHENTICATED"


@strawberry.type(description="One thing wrong with a request; nothing was changed.")
class UserError:
    field: str | None = strawberry.field(
        description="The input path of the offending value, e.g. `input.contactInformation."
        "existing.idNumber`; null when the problem is not one input's."
    )
    value: str | None = strawberry.field(description="The offending value, as text.")
    code: ErrorCode = strawberry.field(description="Why it was refused, for programs.")
    message: str = strawberry.field(description="Why it was refused, for people.")

    @classmethod
    def from_problem(cls, problem: Problem) -> "UserError":
        """The API's form of a domain problem."""
        return cls(
            field=problem.field, value=problem.value, code=problem.code, message=problem.message
        )


def user_errors(error: DomainError) -> list["UserError"]:
    """Every problem of a refusal, in the order found."""
    return [UserError.from_problem(problem) for problem in error.problems]


def query_error(error: DomainError) -> GraphQLError:
    """A refused query argument as a GraphQL error; the first problem is the message."""
    first = error.problems[0]
    extensions: dict[str, Any] = {
        "code": first.code.value,
        "field": first.field,
        "value": first.value,
        "problems": [
            {"field": p.field, "value": p.value, "code": p.code.value, "message": p.message}
            for p in error.problems
        ],
    }
    return GraphQLError(str(error), extensions=extensions)


def unauthenticated() -> GraphQLError:
    """The error of a request without a valid token."""
    return GraphQLError(
        "Sign in first: send `Authorization: Bearer <token>` with a token from `login`.",
        extensions={"code": UNAUTHENTICATED},
    )
