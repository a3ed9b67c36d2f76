"""Expected failures as data (`UserError`), the GraphQL errors of queries, and how GraphQL
spells the domain's paths, field names and actions."""

from typing import Any

import strawberry
from graphql import GraphQLError

from app.domain.enums import Action
from app.domain.errors import DomainError, ErrorCode, Path, Problem
from app.graphql import enums  # noqa: F401  (registers ErrorCode as a GraphQL enum)

UNAUTHENTICATED = "UNAUTHENTICATED"
# The longest error message answered: graphql-core repeats a document's literal in its
# message ("String cannot represent a non string value: 999…"), however long the literal.
MAX_MESSAGE_CHARACTERS = 1_000

# Each domain action is a mutation of the API.
MUTATIONS = {
    Action.CREATE: "createLead",
    Action.UPDATE: "updateLead",
    Action.START_PROGRESS: "startLeadProgress",
    Action.WIN: "winLead",
    Action.LOSE: "loseLead",
    Action.CANCEL: "cancelLead",
}
# Where the domain's roots of a path stand in a mutation's arguments.
_ROOTS = {"changes": "input", "lead": "ref"}
# Lead fields that the inputs (and the lead type) spell otherwise.
_LEAD_FIELDS = {
    "contact": "contactInformation",
    "assigned_user": "assignedTo.user",
    "assigned_unit": "assignedTo.unit",
}
# The fields of a new contact that the input takes under `demographics`.
_DEMOGRAPHICS = frozenset({"gender", "id_number", "passport_number", "social_security_number"})


def camel(name: str) -> str:
    """The API spelling of a snake_case name (`id_number` -> `idNumber`)."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def field_name(name: str) -> str:
    """The API's name of a lead field the domain names `name`."""
    return _LEAD_FIELDS.get(name, camel(name))


def graphql_path(path: Path | None) -> str | None:
    """A domain path as GraphQL names the input: `("changes", "contact", "existing",
    "id_number")` -> `input.contactInformation.existing.idNumber`."""
    if path is None:
        return None
    parts: list[str] = []
    for index, segment in enumerate(path):
        if isinstance(segment, int):
            parts[-1] += f"[{segment}]"
        elif index == 0:
            parts.append(_ROOTS.get(segment, camel(segment)))
        elif index == 1 and path[0] == "changes":
            parts.append(field_name(segment))
        else:
            if path[1:2] == ("contact",) and path[index - 1] == "new" and segment in _DEMOGRAPHICS:
                parts.append("demographics")
            parts.append(camel(segment))
    return ".".join(parts)


def camel_keys(value: Any) -> Any:
    """A JSON value of the domain with its object keys in the API's spelling."""
    if isinstance(value, dict):
        return {camel(key): camel_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [camel_keys(item) for item in value]
    return value


def cut_message(text: str) -> str:
    """An error message, cut after `MAX_MESSAGE_CHARACTERS` characters."""
    if len(text) <= MAX_MESSAGE_CHARACTERS:
        return text
    return f"{text[:MAX_MESSAGE_CHARACTERS]}… (cut from {len(text)} characters)"


def message(problem: Problem) -> str:
    """A problem's sentence, naming the mutation to use instead, if any."""
    return problem.spelled(lambda action: f"`{MUTATIONS[action]}`", lead_in="use ")


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
            field=graphql_path(problem.path),
            value=problem.value,
            code=problem.code,
            message=message(problem),
        )


def user_errors(error: DomainError) -> list["UserError"]:
    """Every problem of a refusal, in the order found."""
    return [UserError.from_problem(problem) for problem in error.problems]


def query_error(error: DomainError) -> GraphQLError:
    """A refused query argument as a GraphQL error; the first problem is the message."""
    first = error.problems[0]
    problems = [
        {
            "field": graphql_path(p.path),
            "value": p.value,
            "code": p.code.value,
            "message": message(p),
        }
        for p in error.problems
    ]
    extensions: dict[str, Any] = {
        "code": first.code.value,
        "field": graphql_path(first.path),
        "value": first.value,
        "problems": problems,
    }
    return GraphQLError("; ".join(message(p) for p in error.problems), extensions=extensions)


def unauthenticated() -> GraphQLError:
    """The error of a request without a valid token."""
    return GraphQLError(
        "Sign in first: send `Authorization: Bearer <token>` with a token from `login`.",
        extensions={"code": UNAUTHENTICATED},
    )
