"""The life cycle through the API: every action in every state of the demo leads."""

from typing import Any

import pytest

from tests.conftest import GraphQLClient

# One demo lead in each state: 40 PENDING, 41 IN_PROGRESS, 48 WON, 33 LOST, 4 CANCELLED.
LEAD_IN = {"PENDING": "40", "IN_PROGRESS": "41", "WON": "48", "LOST": "33", "CANCELLED": "4"}
ALLOWED = {
    "updateLead": {"PENDING", "IN_PROGRESS", "CANCELLED"},
    "startLeadProgress": {"PENDING"},
    "winLead": {"IN_PROGRESS"},
    "loseLead": {"PENDING", "IN_PROGRESS"},
    "cancelLead": {"PENDING", "IN_PROGRESS"},
}
TARGET = {
    "startLeadProgress": "IN_PROGRESS",
    "winLead": "WON",
    "loseLead": "LOST",
    "cancelLead": "CANCELLED",
}
ARGUMENTS = {
    "updateLead": 'input: {description: "Called back"}',
    "startLeadProgress": "",
    "winLead": "",
    "loseLead": 'lostReason: {name: "Competitors"}',
    "cancelLead": "",
}
# How a refusal names the states an action is allowed from, and what the action does.
REFUSAL = {
    "updateLead": "only CANCELLED, IN_PROGRESS or PENDING leads can be updated",
    "startLeadProgress": "only PENDING leads can have their progress started",
    "winLead": "only IN_PROGRESS leads can be won",
    "loseLead": "only IN_PROGRESS or PENDING leads can be lost",
    "cancelLead": "only IN_PROGRESS or PENDING leads can be cancelled",
}
READ = """query ($n: String!) {
  lead(ref: {number: $n}) {
    lifeCycleState version description actualCompletionDate status { name } lostReason { name }
    accountsReceivable { number } logInformation { updatedDate }
  }
}"""


@pytest.mark.parametrize("state", list(LEAD_IN))
@pytest.mark.parametrize("mutation", list(ALLOWED))
async def test_each_action_in_each_state(gql: GraphQLClient, mutation: str, state: str) -> None:
    number = LEAD_IN[state]
    before: dict[str, Any] = (await gql.data(READ, {"n": number}))["lead"]
    arguments = ", ".join(filter(None, [f'ref: {{number: "{number}"}}', ARGUMENTS[mutation]]))

    data = await gql.data(
        f"mutation {{ {mutation}({arguments}) {{ lead {{ lifeCycleState version }} "
        "errors { field value code message } } }"
    )

    result = data[mutation]
    after: dict[str, Any] = (await gql.data(READ, {"n": number}))["lead"]
    if state in ALLOWED[mutation]:
        expected_state = TARGET.get(mutation, state)
        assert result == {
            "lead": {"lifeCycleState": expected_state, "version": before["version"] + 1},
            "errors": [],
        }
        assert after["lifeCycleState"] == expected_state
    else:
        assert result["lead"] is None
        assert result["errors"] == [
            {
                "field": "ref",
                "value": number,
                "code": "INVALID_TRANSITION",
                "message": f"Lead {number} is {state}; {REFUSAL[mutation]}.",
            }
        ]
        assert after == before
