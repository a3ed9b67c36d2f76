"""The lead mutations through the API: every error code, several problems at once, refusals that
change nothing, null versus omitted on update, date-times and money in and out, and `@oneOf`."""

import pytest

from tests.conftest import GraphQLClient
from tests.graphql.lead_operations import (
    CANCEL,
    CREATE,
    MINIMAL_INPUT,
    START,
    UPDATE,
    WIN,
    error,
    refused,
    show,
    succeeded,
)

# every error code ---------------------------------------------------------------------------


async def test_not_found_names_the_input_and_the_value(gql: GraphQLClient) -> None:
    # When a lead is created for a contact that does not exist
    errors = await refused(
        gql,
        CREATE,
        {"input": {**MINIMAL_INPUT, "contactInformation": {"existing": {"idNumber": "000000"}}}},
    )

    # Then the one error names the contact's id number
    assert errors == [
        error(
            "input.contactInformation.existing.idNumber",
            "000000",
            "NOT_FOUND",
            "No contact has id number '000000'.",
        )
    ]


async def test_not_found_for_the_lead_itself(gql: GraphQLClient) -> None:
    errors = await refused(gql, UPDATE, {"ref": {"number": "999999"}, "input": {"priority": 1}})

    assert errors == [
        error("ref.number", "999999", "NOT_FOUND", "No lead has number '999999'."),
    ]


async def test_ambiguous_when_two_contacts_share_an_id_number(gql: GraphQLClient) -> None:
    # Given a second contact with id number 112233 (Andreas Georgiou has it already)
    lead = await succeeded(
        gql,
        CREATE,
        {
            "input": {
                **MINIMAL_INPUT,
                "contactInformation": {
                    "new": {
                        "type": "PERSON",
                        "firstName": "Other",
                        "lastName": "Person",
                        "demographics": {"idNumber": "112233"},
                    }
                },
            }
        },
    )
    assert lead["contactInformation"] == {
        "name": "Other Person",
        "lifeCycleState": "MARKETING",
        "demographics": {"idNumber": "112233"},
    }

    # When a lead is created for the contact with id number 112233
    errors = await refused(
        gql,
        CREATE,
        {"input": {**MINIMAL_INPUT, "contactInformation": {"existing": {"idNumber": "112233"}}}},
    )

    # Then the error says the reference is ambiguous
    assert errors == [
        error(
            "input.contactInformation.existing.idNumber",
            "112233",
            "AMBIGUOUS",
            "More than one contact has id number '112233'; name it by id.",
        )
    ]

    # and a filter by that id number is refused the same way
    body = await gql('{ leads(filter: {contact: {idNumber: "112233"}}) { totalCount } }')
    assert body["data"] is None
    assert len(body["errors"]) == 1
    assert body["errors"][0]["extensions"]["code"] == "AMBIGUOUS"
    assert body["errors"][0]["extensions"]["field"] == "filter.contact.idNumber"
    assert body["errors"][0]["extensions"]["value"] == "112233"


async def test_required_when_neither_completion_date_nor_time_is_given(gql: GraphQLClient) -> None:
    the_input = {key: value for key, value in MINIMAL_INPUT.items() if key != "startDate"}
    del the_input["estimatedCompletionTime"]

    errors = await refused(gql, CREATE, {"input": the_input})

    assert errors == [
        error(
            "input.expectedCompletionDate",
            None,
            "REQUIRED",
            "Give the expected completion date or the estimated completion time.",
        )
    ]


async def test_required_contact_email_when_the_type_emails(gql: GraphQLClient) -> None:
    # When a Software Purchase lead (its type emails the contact) is created without an email
    errors = await refused(
        gql, CREATE, {"input": {**MINIMAL_INPUT, "type": {"name": "Software Purchase"}}}
    )

    # Then the email is required
    assert errors == [
        error(
            "input.contactEmail",
            None,
            "REQUIRED",
            "Lead type 'Software Purchase' sends an email on creation: give the contact email.",
        )
    ]


async def test_required_accounts_receivable_when_winning_a_lead_without_one(
    gql: GraphQLClient,
) -> None:
    # Given lead 36, without an accounts receivable, in progress
    await succeeded(gql, START, {"ref": {"number": "36"}})

    # When it is won without naming one
    errors = await refused(gql, WIN, {"ref": {"number": "36"}})

    # Then one is required
    assert errors == [
        error(
            "accountsReceivable",
            None,
            "REQUIRED",
            "Lead 36 has no accounts receivable: name an existing one or open a new one.",
        )
    ]
    assert (await show(gql, "36"))["lifeCycleState"] == "IN_PROGRESS"


async def test_invalid_priority(gql: GraphQLClient) -> None:
    errors = await refused(gql, CREATE, {"input": {**MINIMAL_INPUT, "priority": 7}})

    assert errors == [
        error("input.priority", "7", "INVALID", "Priority is a whole number from 1 to 6."),
    ]


async def test_invalid_accounts_receivable_of_another_contact(gql: GraphQLClient) -> None:
    # When lead 19 (Marios Lannister's) is won billed to Kokos Panagi's account
    errors = await refused(
        gql, WIN, {"ref": {"number": "19"}, "account": {"existing": {"number": "ACR0000000201"}}}
    )

    # Then the account is refused
    assert errors == [
        error(
            "accountsReceivable.existing.number",
            "ACR0000000201",
            "INVALID",
            "Accounts receivable ACR0000000201 belongs to another contact.",
        )
    ]


async def test_invalid_transition_win_of_a_pending_lead(gql: GraphQLClient) -> None:
    errors = await refused(
        gql, WIN, {"ref": {"number": "40"}, "account": {"existing": {"number": "ACR0000000201"}}}
    )

    assert errors == [
        error(
            "ref",
            "40",
            "INVALID_TRANSITION",
            "Lead 40 is PENDING; only IN_PROGRESS leads can be won.",
        )
    ]


async def test_invalid_transition_update_of_a_won_lead(gql: GraphQLClient) -> None:
    errors = await refused(
        gql, UPDATE, {"ref": {"number": "48"}, "input": {"description": "too late"}}
    )

    assert errors == [
        error(
            "ref",
            "48",
            "INVALID_TRANSITION",
            "Lead 48 is WON; only CANCELLED, IN_PROGRESS or PENDING leads can be updated.",
        )
    ]


async def test_invalid_transition_update_back_to_pending(gql: GraphQLClient) -> None:
    # When lead 19, in progress, is updated to the PENDING status Reach
    errors = await refused(
        gql, UPDATE, {"ref": {"number": "19"}, "input": {"status": {"name": "Reach"}}}
    )

    # Then the move is refused
    assert errors == [
        error(
            "input.status.name",
            "Reach",
            "INVALID_TRANSITION",
            "An update keeps a lead in its life cycle state, and status 'Reach' would move "
            "this IN_PROGRESS lead to PENDING; no action does that.",
        )
    ]


async def test_invalid_transition_update_into_won(gql: GraphQLClient) -> None:
    # Given lead 19 as it is, in progress
    before = await show(gql, "19")
    assert before["lifeCycleState"] == "IN_PROGRESS"

    # When it is updated to the WON status Won
    errors = await refused(
        gql, UPDATE, {"ref": {"number": "19"}, "input": {"status": {"name": "Won"}}}
    )

    # Then the move is refused, naming the mutation that wins a lead, and nothing changed
    assert errors == [
        error(
            "input.status.name",
            "Won",
            "INVALID_TRANSITION",
            "An update keeps a lead in its life cycle state, and status 'Won' would move "
            "this IN_PROGRESS lead to WON: use `winLead` instead.",
        )
    ]
    assert await show(gql, "19") == before


@pytest.mark.parametrize(
    ("lost_reason", "value"), [({"name": "Competitors"}, "Competitors"), (None, None)]
)
async def test_invalid_transition_update_of_the_deprecated_lost_reason(
    gql: GraphQLClient, lost_reason: dict[str, str] | None, value: str | None
) -> None:
    # Given lead 44 as it is, in progress
    before = await show(gql, "44")
    assert before["lifeCycleState"] == "IN_PROGRESS"

    # When it is updated with a lost reason (or with the lost reason null)
    errors = await refused(
        gql, UPDATE, {"ref": {"number": "44"}, "input": {"lostReason": lost_reason}}
    )

    # Then the deprecated input is refused, naming the mutation that takes a lost reason
    assert errors == [
        error(
            "input.lostReason",
            value,
            "INVALID_TRANSITION",
            "Only losing a lead sets its lost reason (the update that did, deprecated since "
            "CRM.COM R11.1.0, is not offered): use `loseLead` instead.",
        )
    ]
    assert await show(gql, "44") == before


async def test_conflict_when_the_expected_version_is_not_the_leads(gql: GraphQLClient) -> None:
    # Given lead 40 at version 1
    assert (await show(gql, "40"))["version"] == 1

    # When it is updated expecting version 7
    errors = await refused(
        gql,
        UPDATE,
        {"ref": {"number": "40"}, "input": {"description": "mine"}, "version": 7},
    )

    # Then the update conflicts, and nothing changed
    assert errors == [
        error(
            "expectedVersion",
            "7",
            "CONFLICT",
            "Lead 40 is at version 1, not 7; read it again and retry.",
        )
    ]
    assert (await show(gql, "40"))["description"] is None


async def test_the_expected_version_lets_one_writer_win(gql: GraphQLClient) -> None:
    # Given two clients that both read lead 40 at version 1
    version = (await show(gql, "40"))["version"]

    # When both update it expecting that version
    first = await succeeded(
        gql,
        UPDATE,
        {"ref": {"number": "40"}, "input": {"description": "first"}, "version": version},
    )
    errors = await refused(
        gql,
        UPDATE,
        {"ref": {"number": "40"}, "input": {"description": "second"}, "version": version},
    )

    # Then the first wins and the second conflicts
    assert first["version"] == version + 1
    assert [item["code"] for item in errors] == ["CONFLICT"]
    assert (await show(gql, "40"))["description"] == "first"


# several problems at once -------------------------------------------------------------------


async def test_create_reports_every_problem_at_once(gql: GraphQLClient) -> None:
    # When a lead is created with many things wrong
    errors = await refused(
        gql,
        CREATE,
        {
            "input": {
                "contactInformation": {"existing": {"idNumber": "000000"}},
                "source": {"communication": {"number": "999"}},
                "type": {"name": "Nope"},
                "importance": "IMPORTANCE1",
                "priority": 0,
                "probabilityToWin": 101,
                "targetAmount": "-1",
                "competitors": [{"name": "Competitor 9"}],
            }
        },
    )

    # Then every one of them is reported
    assert errors == [
        error(
            "input.contactInformation.existing.idNumber",
            "000000",
            "NOT_FOUND",
            "No contact has id number '000000'.",
        ),
        error("input.type.name", "Nope", "NOT_FOUND", "No lead type has name 'Nope'."),
        error("input.priority", "0", "INVALID", "Priority is a whole number from 1 to 6."),
        error(
            "input.probabilityToWin",
            "101",
            "INVALID",
            "The probability to win is a percentage from 0 to 100.",
        ),
        error("input.targetAmount", "-1", "INVALID", "The target amount cannot be negative."),
        error(
            "input.expectedCompletionDate",
            None,
            "REQUIRED",
            "Give the expected completion date or the estimated completion time.",
        ),
        error(
            "input.source.communication.number",
            "999",
            "NOT_FOUND",
            "No communication has number '999'.",
        ),
        error(
            "input.competitors[0].add.name",
            "Competitor 9",
            "NOT_FOUND",
            "No competitor has name 'Competitor 9'.",
        ),
    ]


# refusals change nothing --------------------------------------------------------------------


async def test_a_refused_update_leaves_the_lead_unchanged(gql: GraphQLClient) -> None:
    # Given lead 69 as it is
    before = await show(gql, "69")

    # When an update with good and bad changes is sent
    errors = await refused(
        gql,
        UPDATE,
        {
            "ref": {"number": "69"},
            "input": {
                "description": "changed",
                "priority": 5,
                "competitors": [
                    {"add": {"name": "Competitor 2"}},
                    {"remove": {"name": "Competitor 2"}},
                    {"remove": {"name": "Competitor 1"}},
                    {"remove": {"name": "Competitor 1"}},
                ],
                "users": [{"add": {"username": "nobody"}}],
            },
        },
    )

    # Then it is refused for the bad ones (the add and remove of Competitor 2 cancel out; the
    # second removal of Competitor 1 finds it gone), and the lead is as it was
    assert errors == [
        error(
            "input.users[0].add.username", "nobody", "NOT_FOUND", "No user has username 'nobody'."
        ),
        error(
            "input.competitors[3].remove.name",
            "Competitor 1",
            "NOT_FOUND",
            "The competitor is not in the set.",
        ),
    ]
    assert await show(gql, "69") == before


async def test_a_refused_transition_leaves_the_lead_unchanged(gql: GraphQLClient) -> None:
    # Given lead 5 as it is
    before = await show(gql, "5")

    # When it is cancelled with a status of another state
    errors = await refused(gql, CANCEL, {"ref": {"number": "5"}, "status": {"name": "Won"}})

    # Then it is refused, and the lead is as it was
    assert errors == [
        error(
            "status.name",
            "Won",
            "INVALID",
            "Status 'Won' belongs to WON, not CANCELLED.",
        )
    ]
    assert await show(gql, "5") == before


async def test_a_refused_create_makes_no_contact_and_no_number(gql: GraphQLClient) -> None:
    # When a lead with a new contact is refused (its type does not exist)
    errors = await refused(
        gql,
        CREATE,
        {
            "input": {
                **MINIMAL_INPUT,
                "type": {"name": "Nope"},
                "contactInformation": {
                    "new": {"type": "PERSON", "firstName": "Ghost", "lastName": "Writer"}
                },
            }
        },
    )
    assert [item["code"] for item in errors] == ["NOT_FOUND"]

    # Then the contact was not made, and the next lead still gets the next number
    assert (await gql.data('{ contacts(search: "Ghost") { name } }')) == {"contacts": []}
    lead = await succeeded(gql, CREATE, {"input": MINIMAL_INPUT})
    assert lead["number"] == "300"


async def test_a_new_lead_is_owned_by_the_creators_group_unless_told(
    gql: GraphQLClient,
) -> None:
    # When MPAdministrator (of Admin Unit, in Main Group) creates a lead without a group
    lead = await succeeded(gql, CREATE, {"input": MINIMAL_INPUT})

    # Then Main Group owns it
    assert lead["ownedByGroup"] == {"name": "Main Group"}
    assert (await show(gql, lead["number"]))["ownedByGroup"] == {"name": "Main Group"}

    # When one is created for CSR Group
    other = await succeeded(
        gql, CREATE, {"input": {**MINIMAL_INPUT, "ownedByGroup": {"name": "CSR Group"}}}
    )

    # Then CSR Group owns that one
    assert other["ownedByGroup"] == {"name": "CSR Group"}


# update: null versus omitted ----------------------------------------------------------------


async def test_update_omitted_keeps_and_null_clears(gql: GraphQLClient) -> None:
    # Given lead 40 with a description
    described = await succeeded(
        gql, UPDATE, {"ref": {"number": "40"}, "input": {"description": "Call back"}}
    )
    assert described["description"] == "Call back"

    # When it is updated without the description
    kept = await succeeded(gql, UPDATE, {"ref": {"number": "40"}, "input": {"priority": 5}})

    # Then the description is kept
    assert kept["description"] == "Call back"
    assert kept["priority"] == 5

    # When it is updated with the description null
    cleared = await succeeded(
        gql, UPDATE, {"ref": {"number": "40"}, "input": {"description": None}}
    )

    # Then the description is cleared, and the rest kept
    assert cleared["description"] is None
    assert cleared["priority"] == 5
    assert cleared["version"] == described["version"] + 2
    assert await show(gql, "40") == cleared


async def test_update_cannot_clear_what_is_mandatory(gql: GraphQLClient) -> None:
    errors = await refused(
        gql, UPDATE, {"ref": {"number": "40"}, "input": {"importance": None, "priority": None}}
    )

    assert errors == [
        error(
            "input.importance",
            None,
            "REQUIRED",
            "A lead needs its importance; it cannot be cleared.",
        ),
        error(
            "input.priority", None, "REQUIRED", "A lead needs its priority; it cannot be cleared."
        ),
    ]


# date-times and money -----------------------------------------------------------------------


async def test_a_date_time_without_offset_is_read_as_utc(gql: GraphQLClient) -> None:
    lead = await succeeded(
        gql,
        CREATE,
        {
            "input": {
                **MINIMAL_INPUT,
                "startDate": "2015-02-20T17:28:30",
                "expectedCompletionDate": "2015-03-13T17:28:30",
                "estimatedCompletionTime": None,
            }
        },
    )

    assert lead["startDate"] == "2015-02-20T17:28:30+00:00"
    assert lead["expectedCompletionDate"] == "2015-03-13T17:28:30+00:00"
    assert lead["estimatedCompletionTime"] == {"value": 3.0, "unit": "WEEKS"}


async def test_a_date_time_with_an_offset_comes_back_in_utc(gql: GraphQLClient) -> None:
    lead = await succeeded(
        gql,
        CREATE,
        {"input": {**MINIMAL_INPUT, "startDate": "2015-02-20T19:28:30+02:00"}},
    )

    assert lead["startDate"] == "2015-02-20T17:28:30+00:00"
    assert lead["expectedCompletionDate"] == "2015-03-06T17:28:30+00:00"


async def test_target_amount_is_a_decimal_string_in_and_out(gql: GraphQLClient) -> None:
    # When a lead is created with the target amount "58"
    created = await succeeded(gql, CREATE, {"input": {**MINIMAL_INPUT, "targetAmount": "58"}})

    # Then it comes back as a decimal string with its two decimals, in the payload as when read
    assert created["targetAmount"] == "58.00"
    assert (await show(gql, created["number"]))["targetAmount"] == "58.00"

    # When it is updated to an amount no float holds exactly
    updated = await succeeded(
        gql,
        UPDATE,
        {"ref": {"number": created["number"]}, "input": {"targetAmount": "12345678901234.1"}},
    )

    # Then the amount is exact
    assert updated["targetAmount"] == "12345678901234.10"
    assert (await show(gql, created["number"]))["targetAmount"] == "12345678901234.10"


async def test_a_target_amount_that_is_not_a_decimal_is_refused(gql: GraphQLClient) -> None:
    # When a lead is created with a target amount that is not a decimal
    body = await gql(
        "mutation ($input: CreateLeadInput!) { createLead(input: $input) "
        "{ lead { targetAmount } } }",
        {"input": {**MINIMAL_INPUT, "targetAmount": "not money"}},
    )

    # Then the request is refused before anything runs
    assert body.get("data") is None
    assert len(body["errors"]) == 1
    assert body["errors"][0]["message"] == (
        "Variable '$input' has invalid value at .targetAmount: "
        'Value cannot represent a Decimal: "not money".'
    )
    assert (await gql.data('{ lead(ref: {number: "300"}) { number } }')) == {"lead": None}


# @oneOf -------------------------------------------------------------------------------------


async def test_two_keys_in_a_lead_ref_is_a_validation_error(gql: GraphQLClient) -> None:
    # When a lead is asked for by id and number at once
    response = await gql.post('{ lead(ref: {id: "x", number: "19"}) { number } }')

    # Then the request is invalid: HTTP 200 with JSON (plain JSON client), errors and no data
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body.get("data") is None
    assert len(body["errors"]) == 1
    assert body["errors"][0]["message"] == (
        "OneOf Input Object 'LeadRef' must specify exactly one key."
    )


async def test_two_keys_in_a_variable_lead_ref_is_refused(gql: GraphQLClient) -> None:
    response = await gql.post(
        "mutation ($ref: LeadRef!) { cancelLead(ref: $ref) { errors { code } } }",
        {"ref": {"id": "x", "number": "5"}},
    )

    assert response.status_code == 200
    body = response.json()
    assert body.get("data") is None
    assert len(body["errors"]) == 1
    assert body["errors"][0]["message"] == (
        "OneOf Input Object 'LeadRef' must specify exactly one key."
    )
    assert (await show(gql, "5"))["lifeCycleState"] == "PENDING"


async def test_two_choices_in_a_contact_choice_is_a_validation_error(gql: GraphQLClient) -> None:
    response = await gql.post(
        "mutation { createLead(input: {"
        'contactInformation: {existing: {idNumber: "101010"}, '
        'new: {type: PERSON, firstName: "A", lastName: "B"}}, '
        'source: {website: "w"}, type: {name: "New Customer"}, importance: IMPORTANCE1, '
        "priority: 1, estimatedCompletionTime: {value: 1, unit: DAYS}}) { errors { code } } }"
    )

    assert response.status_code == 200
    body = response.json()
    assert body.get("data") is None
    assert len(body["errors"]) == 1
    assert body["errors"][0]["message"] == (
        "OneOf Input Object 'ContactChoice' must specify exactly one key."
    )
    assert (await gql.data('{ lead(ref: {number: "300"}) { number } }')) == {"lead": None}
