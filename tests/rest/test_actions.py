"""The actions of the facade beyond the seeds' examples: what an update sets and clears, how
sets change, the kinds of contact, source and accounts receivable, dates and amounts, and the
domain's refusals in the seeds' parameter names."""

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.conftest import Clock
from tests.rest.conftest import NEW_LEAD, RestClient, answered, refusal


async def test_an_update_sets_what_it_names_and_clears_what_is_null(rest: RestClient) -> None:
    # Given lead 19, with a category, an assignee, an account and a contact email
    before = await rest.lead(19)
    assert before["category"]["name"] == "Software Purchase"

    # When an update sets some fields and gives others as null
    lead = answered(
        await rest.post(
            "update",
            {
                "lead_identifier": {"number": "19"},
                "description": "Call back",
                "probability_to_win": 70,
                "target_amount": "1234.50",
                "udf_float_1": 1.5,
                "udf_date_2": "2027-01-01T10:00:00+02:00",
                "category_identifier": None,
                "assigned_to": None,
                "accounts_receivable_identifier": None,
                "contact_email": None,
            },
        )
    )

    # Then the named fields are set, the null ones cleared, the rest kept
    assert (lead["description"], lead["probability_to_win"]) == ("Call back", 70)
    assert lead["target_amount"] == 1234.5
    assert lead["udf_float_1"] == 1.5
    assert lead["udf_date_2"] == "2027-01-01T08:00:00"
    assert lead["category"] == {"id": None, "name": None, "code": None, "description": None}
    assert lead["assigned_to"] == {"user": None, "unit": None}
    assert lead["accounts_receivable"] is None
    assert lead["contact_email"] is None
    kept = ("type", "status", "priority", "importance", "services_set", "lead_source", "start_date")
    assert {key: lead[key] for key in kept} == {key: before[key] for key in kept}


@pytest.mark.parametrize(
    ("changes", "status", "code", "message"),
    [
        (
            {"type_identifier": None},
            400,
            "REQUIRED",
            "type_identifier: A lead needs its type; it cannot be cleared.",
        ),
        (
            {"users_set": None},
            400,
            "REQUIRED",
            "users_set: The users set changes item by item; null cannot clear it.",
        ),
        (
            {"priority": 9},
            400,
            "INVALID",
            "priority '9': Priority is a whole number from 1 to 6.",
        ),
        (
            {"priority": "2"},
            400,
            "INVALID",
            "priority '2': Give a whole number.",
        ),
        (
            {"target_amount": 0.001},
            400,
            "INVALID",
            "target_amount '0.001': The target amount has at most two decimal places.",
        ),
        (
            {"start_date": "yesterday"},
            400,
            "INVALID",
            "start_date 'yesterday': Give a date and time such as 2015-02-20T17:28:30.",
        ),
        (
            {"importance": "HIGH"},
            400,
            "INVALID",
            "importance 'HIGH': Give one of IMPORTANCE1, IMPORTANCE2, IMPORTANCE3, IMPORTANCE4, "
            "IMPORTANCE5, CUSTOM1, CUSTOM2, CUSTOM3.",
        ),
        (
            {"competitors_set": [{"competitor_identifier": {"name": "Competitor 2"}}]},
            400,
            "REQUIRED",
            "competitors_set[0].action: Give add or remove.",
        ),
        (
            {
                "competitors_set": [
                    {
                        "action": "remove",
                        "lead_competitor_identifier": {
                            "competitor_identifier": {"name": "Competitor 2"}
                        },
                    }
                ]
            },
            404,
            "NOT_FOUND",
            "competitors_set[0].lead_competitor_identifier.competitor_identifier.name "
            "'Competitor 2': The competitor is not in the set.",
        ),
        (
            {"services_set": [{"action": "add", "product_identifier": {"alternative_code": "MA"}}]},
            400,
            "INVALID",
            "services_set[0].product_identifier.alternative_code 'MA': The product is not one of "
            "the SERVICES this set holds.",
        ),
        (
            {"services_set": [{"action": "add", "product_brand_identifier": {"name": "Corso"}}]},
            400,
            "INVALID",
            "services_set[0]: Name the item by one of product_identifier or "
            "product_type_identifier. services_set[0].product_brand_identifier "
            '\'{"name":"Corso"}\': This call takes no such parameter.',
        ),
        (
            {"owned_by_group_identifier": {"alternative_code": "CSR"}},
            200,
            "OK",
            "",
        ),
    ],
)
async def test_refused_updates_name_the_parameter(
    rest: RestClient, changes: dict[str, Any], status: int, code: str, message: str
) -> None:
    # Given lead 19 as it is
    before = await rest.lead(19)

    # When an update gives a wrong value (or, for an administrator, another group: allowed)
    response = await rest.post("update", {"lead_identifier": {"number": "19"}, **changes})

    # Then it is refused, naming the parameter as the seeds spell it, and nothing changed
    if status == 200:
        assert answered(response)["owned_by_group"]["name"] == "CSR Group"
        return
    assert refusal(response, status, code) == message
    assert await rest.lead(19) == before


async def test_a_sales_user_gives_leads_only_to_their_own_group(rest: RestClient) -> None:
    # Given sales.main, of Main Group
    token = await rest.sign_in("sales.main")

    # When they create a lead for CSR Group
    response = await rest.post(
        "create", {**NEW_LEAD, "owned_by_group_identifier": {"name": "CSR Group"}}, token=token
    )

    # Then it is FORBIDDEN, naming the group
    assert refusal(response, 403, "FORBIDDEN") == (
        "owned_by_group_identifier 'CSR Group': User 'sales.main' may give leads only to their "
        "own group."
    )


async def test_create_with_an_existing_contact_and_its_defaults(
    rest: RestClient, clock: Clock
) -> None:
    # Given a moment
    clock.now = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)

    # When a sales user creates a lead for an existing contact, naming only what is mandatory
    token = await rest.sign_in("sales.csr")
    lead = answered(await rest.post("create", NEW_LEAD, token=token))

    # Then the lead type's defaults, the creator's group, and now as the start apply
    assert (lead["life_cycle_state"], lead["status"]["name"]) == ("PENDING", "Reach")
    assert lead["category"]["name"] == "New Customer"
    assert lead["owned_by_group"]["name"] == "CSR Group"
    assert lead["contact_information"]["name"] == "Andreas Georgiou"
    assert (lead["importance"], lead["priority"]) == ("IMPORTANCE3", 4)
    assert lead["start_date"] == "2027-03-01T09:30:00"
    assert lead["expected_completion_date"] == "2027-03-15T09:30:00"
    assert lead["time_to_completion"] == {"time_period_value": 2, "time_period_uot": "WEEKS"}
    assert lead["log_information"]["created_by_user"]["username"] == "sales.csr"
    assert lead["log_information"]["created_by_unit"]["group_name"] == "CSR Group"


@pytest.mark.parametrize(
    ("source", "written"),
    [
        ({"type": "CUSTOM2", "name": "test"}, {"type": "CUSTOM2", "name": "test"}),
        ({"type": "advertisement", "name": "Radio"}, {"type": "ADVERTISEMENT", "name": "Radio"}),
    ],
)
async def test_sources_named_by_name(
    rest: RestClient, source: dict[str, Any], written: dict[str, Any]
) -> None:
    lead = answered(await rest.post("create", {**NEW_LEAD, "source": source}))
    assert lead["lead_source"] == written


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {**NEW_LEAD, "source": {"type": "NOTIFICATIONS"}},
            "source.source_notifications_identifier: A NOTIFICATIONS source names its "
            "notification.",
        ),
        (
            {**NEW_LEAD, "source": {"type": "WEBSITE"}},
            "source.name: A WEBSITE source needs a name.",
        ),
        (
            {
                **NEW_LEAD,
                "contact_information": {"action": "NEW", "type": "PERSON", "first_name": "Ann"},
            },
            "contact_information.last_name: A new PERSON contact needs a first and a last name.",
        ),
        (
            {
                **NEW_LEAD,
                "contact_information": {
                    "action": "EXISTING",
                    "contact_information_identifier": {"id_number": "21312312"},
                },
            },
            "accounts_receivable_identifier: This contact owns accounts receivable: name the one "
            "for this lead.",
        ),
        (
            {key: value for key, value in NEW_LEAD.items() if key != "estimated_completion_time"},
            "expected_completion_date: Give the expected completion date or the estimated "
            "completion time.",
        ),
        (
            {key: value for key, value in NEW_LEAD.items() if key != "type_identifier"},
            "type_identifier: A lead needs a type.",
        ),
    ],
)
async def test_refused_creates_name_the_parameter(
    rest: RestClient, body: dict[str, Any], message: str
) -> None:
    response = await rest.post("create", body)
    assert refusal(response, 400, "REQUIRED") == message


async def test_create_with_a_new_company_contact(rest: RestClient) -> None:
    # When a lead is created with a new company as its contact
    contact = {"action": "new", "type": "COMPANY", "company_name": "Acme", "email": "a@acme.test"}
    lead = answered(await rest.post("create", {**NEW_LEAD, "contact_information": contact}))

    # Then the company is created with it, a MARKETING contact
    created = lead["contact_information"]
    assert (created["type"], created["company_name"], created["name"]) == (
        "COMPANY",
        "Acme",
        "Acme",
    )
    assert created["life_cycle_state"] == "MARKETING"


async def test_win_with_a_new_accounts_receivable(rest: RestClient) -> None:
    # Given lead 19's contact has no other account than the lead's; a lead in progress of
    # Andreas Georgiou, who has none
    created = answered(
        await rest.post("create", {**NEW_LEAD, "status_identifier": {"name": "Learn"}})
    )

    # When it is won with a NEW accounts receivable
    lead = answered(
        await rest.post(
            "win",
            {
                "lead_identifier": {"id": created["id"]},
                "accounts_receivable": {"action": "NEW", "name": "Georgiou billing"},
            },
        )
    )

    # Then the account is opened for the contact, who becomes FINANCIAL
    assert lead["life_cycle_state"] == "WON"
    account = lead["accounts_receivable"]
    assert account["name"] == "Georgiou billing"
    assert account["number"].startswith("ACR")
    assert account["account_owner"]["life_cycle_state"] == "FINANCIAL"
    assert lead["contact_information"]["life_cycle_state"] == "FINANCIAL"


@pytest.mark.parametrize(
    ("body", "status", "code", "message"),
    [
        (
            {
                "lead_identifier": {"number": "41"},
                "accounts_receivable": {
                    "action": "EXISTING",
                    "accounts_receivable_identifier": {"number": "ACR0000000014"},
                },
            },
            400,
            "INVALID",
            "accounts_receivable.accounts_receivable_identifier.number 'ACR0000000014': Accounts "
            "receivable ACR0000000014 belongs to another contact.",
        ),
        (
            {"lead_identifier": {"number": "41"}, "accounts_receivable": {"action": "SOME"}},
            400,
            "INVALID",
            "accounts_receivable.action 'SOME': Give one of EXISTING, NEW.",
        ),
        (
            {"lead_identifier": {"number": "41"}, "status_identifier": {"name": "Lost"}},
            400,
            "INVALID",
            "status_identifier.name 'Lost': Status 'Lost' belongs to LOST, not WON.",
        ),
    ],
)
async def test_refused_wins(
    rest: RestClient, body: dict[str, Any], status: int, code: str, message: str
) -> None:
    response = await rest.post("win", body)
    assert refusal(response, status, code) == message
    assert (await rest.lead(41))["life_cycle_state"] == "IN_PROGRESS"


async def test_lost_needs_its_reason(rest: RestClient) -> None:
    response = await rest.post("lost", {"lead_identifier": {"number": "44"}})
    assert refusal(response, 400, "REQUIRED") == "lost_reason_identifier: Give the lost reason."


async def test_start_progress_into_a_named_status(rest: RestClient) -> None:
    # When lead 40 (New Customer, whose start status is Learn) is started into Interest
    lead = answered(
        await rest.post(
            "start_progress",
            {"lead_identifier": {"number": "40"}, "status_identifier": {"alternative_code": "I"}},
        )
    )

    # Then it is IN_PROGRESS in that status
    assert (lead["life_cycle_state"], lead["status"]["name"]) == ("IN_PROGRESS", "Interest")
