"""The lead operations the API tests send, the smallest valid create input, and helpers that
read a mutation's payload."""

from typing import Any

from app.bench.mutations import PENDING_LEAD
from tests.conftest import GraphQLClient

LEAD = """
number version lifeCycleState importance priority probabilityToWin targetAmount description
contactEmail startDate expectedCompletionDate actualCompletionDate
status { name } type { name } category { name }
contactInformation { name lifeCycleState demographics { idNumber } }
accountsReceivable { number }
ownedByGroup { name }
lostReason { name }
estimatedCompletionTime { value unit }
usersSet { user { username } }
competitorsSet { competitor { name } }
servicesSet { product { alternativeCode } }
logInformation { updatedDate }
"""
PAYLOAD = f"{{ lead {{ {LEAD} }} errors {{ field value code message }} }}"

SHOW = f"query ($number: String!) {{ lead(ref: {{number: $number}}) {{ {LEAD} }} }}"
CREATE = f"mutation ($input: CreateLeadInput!) {{ createLead(input: $input) {PAYLOAD} }}"
UPDATE = (
    "mutation ($ref: LeadRef!, $input: UpdateLeadInput!, $version: Int) "
    f"{{ updateLead(ref: $ref, input: $input, expectedVersion: $version) {PAYLOAD} }}"
)
START = f"mutation ($ref: LeadRef!) {{ startLeadProgress(ref: $ref) {PAYLOAD} }}"
WIN = (
    "mutation ($ref: LeadRef!, $account: AccountsReceivableChoice) "
    f"{{ winLead(ref: $ref, accountsReceivable: $account) {PAYLOAD} }}"
)
CANCEL = (
    "mutation ($ref: LeadRef!, $status: LeadStatusRef) "
    f"{{ cancelLead(ref: $ref, status: $status) {PAYLOAD} }}"
)

# The smallest create the contract accepts over the demo data: the one the bench times.
MINIMAL_INPUT: dict[str, Any] = PENDING_LEAD


def error(field: str | None, value: str | None, code: str, message: str) -> dict[str, Any]:
    return {"field": field, "value": value, "code": code, "message": message}


async def show(gql: GraphQLClient, number: str) -> dict[str, Any]:
    lead: dict[str, Any] = (await gql.data(SHOW, {"number": number}))["lead"]
    return lead


async def payload(gql: GraphQLClient, operation: str, variables: dict[str, Any]) -> Any:
    """The payload of a lead mutation (which answers without GraphQL errors)."""
    data = await gql.data(operation, variables)
    (result,) = data.values()
    return result


async def refused(
    gql: GraphQLClient, operation: str, variables: dict[str, Any]
) -> list[dict[str, Any]]:
    """The errors of a mutation that must be refused: no lead, at least one error."""
    result = await payload(gql, operation, variables)
    assert result["lead"] is None
    assert result["errors"]
    errors: list[dict[str, Any]] = result["errors"]
    return errors


async def succeeded(gql: GraphQLClient, operation: str, variables: dict[str, Any]) -> Any:
    result = await payload(gql, operation, variables)
    assert result["errors"] == []
    assert result["lead"] is not None
    return result["lead"]
