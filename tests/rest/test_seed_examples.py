"""Every request example of the seeds, sent to the facade as written (a real token in place of
the seeds'), answering the seeds' envelope with leads that carry the seeds' keys; and the
query examples (show and the lists) with the values the demo data makes known.

The lists are also checked against the GraphQL endpoint: both are answered by the same domain
read path, so they list the same leads. The actions' examples: `test_seed_actions.py`.
"""

from typing import Any

import httpx2
import pytest

from tests.conftest import Clock, GraphQLClient
from tests.graphql.test_seed_examples import SEED_NOW
from tests.rest import seed_requests
from tests.rest.conftest import RestClient, answered, refusal
from tests.rest.seed_requests import SeedRequest
from tests.rest.seed_shapes import (
    MP_ADMINISTRATOR,
    assert_shape,
    graphql_numbers,
    numbers,
    period,
    replay,
)

# every example -------------------------------------------------------------------------------


@pytest.mark.parametrize("example", seed_requests.EVERY_EXAMPLE, ids=lambda example: example.name)
async def test_every_example_answers_the_envelope(
    http: httpx2.AsyncClient, rest: RestClient, example: SeedRequest
) -> None:
    # When the example is sent as written
    response = await replay(http, example, rest.token)

    # Then it answers the seeds' envelope: the lead or leads with the seeds' keys, or, for the
    # update into a won status (deprecated since R11.1.0), a refusal
    if example.body_file == "update.txt":
        refusal(response, 409, "INVALID_TRANSITION")
        return
    data = answered(response)
    leads = data if isinstance(data, list) else [data]
    assert leads
    for lead in leads:
        assert_shape(lead)


# show ---------------------------------------------------------------------------------------


def in_admin_unit(unit: dict[str, Any]) -> None:
    assert (unit["name"], unit["alternative_code"]) == ("Admin Unit", "adminunit")
    assert (unit["description"], unit["group_name"]) == ("admin unit", "Main Group")


async def test_show_lead_19(http: httpx2.AsyncClient, rest: RestClient, clock: Clock) -> None:
    # Given the day after the seed's last update of lead 19
    clock.now = SEED_NOW["show"]

    # When the seed's show is sent
    lead = answered(await replay(http, seed_requests.SHOW, rest.token))

    # Then it is the seed's lead 19, with the seed's keys
    assert_shape(lead)
    assert lead["number"] == "19"
    assert lead["life_cycle_state"] == "IN_PROGRESS"
    assert lead["status"] == {
        "id": "B738753EE56D01FC6CD964D14FBBCC7A",
        "name": "Interest",
        "alternative_code": "I",
        "description": None,
        "life_cycle_state": "IN_PROGRESS",
    }
    assert lead["type"] == {
        "id": "F60FFE7AAD3F5B9B6E66A42266FA37C4",
        "name": "Software Purchase",
        "alternative_code": "SP",
        "description": None,
    }
    assert lead["category"] == {
        "id": "C60F332D0B4CB8DD22A0159413951434",
        "name": "Software Purchase",
        "code": "SP",
        "description": None,
    }
    assert (lead["importance"], lead["priority"]) == ("IMPORTANCE1", 2)
    assert lead["contact_email"] == "photos.panayi@crm.com"
    assert (lead["probability_to_win"], lead["target_amount"], lead["lost_reason"]) == (
        None,
        None,
        None,
    )
    assert lead["start_date"] == "2015-02-13T09:52:09"
    assert lead["expected_completion_date"] == "2015-05-13T09:52:09"
    assert lead["actual_completion_date"] is None
    assert lead["estimated_completion_time"] == {
        "time_period_value": 3,
        "time_period_uot": "MONTHS",
    }
    assert lead["time_to_completion"] == period(2.0, "MONTHS")
    assert lead["time_overdue"] == period(None, None)
    contact = lead["contact_information"]
    assert (contact["type"], contact["life_cycle_state"], contact["title"]) == (
        "PERSON",
        "FINANCIAL",
        "Mr",
    )
    assert (contact["first_name"], contact["last_name"], contact["name"]) == (
        "Marios",
        "Lannister",
        "Marios Lannister",
    )
    assert contact["company_profile"] is None
    assert contact["demographics"]["gender"] == "MALE"
    assert contact["demographics"]["id_number"] == "593664"
    assert contact["demographics"]["date_of_birth"] == {"day": None, "month": None, "year": None}
    account = lead["accounts_receivable"]
    assert (account["number"], account["name"], account["life_cycle_state"]) == (
        "4",
        "mar",
        "ACTIVE",
    )
    assert account["account_owner"] == contact
    assert lead["lead_source"] == {
        "type": "RECOMMENDEDBYEMPLOYEE",
        "recommended_by_employee": MP_ADMINISTRATOR,
    }
    assert lead["assigned_to"] == {
        "user": {
            "id": "DCA93D75753E5CC5AD1E69556368E616",
            "username": "Smanager",
            "person_name": "Smanager",
            "email": None,
        },
        "unit": None,
    }
    assert lead["owned_by_group"]["name"] == "Main Group"
    assert lead["owned_by_group"]["alternative_code"] == "MG"
    assert [item["user"]["id"] for item in lead["users_set"]] == [
        "D0B5657F42ED3331694BAE21DF971807"
    ]
    assert lead["competitors_set"] == []
    services = [
        (item["product_type"] or item["product"])["alternative_code"]
        for item in lead["services_set"]
    ]
    assert services == ["SP", "LDS", "LDI", "C-AAC"]
    assert lead["services_set"][0]["product"] is None
    assert lead["services_set"][0]["product_type"] == {
        "id": "BC954969D3172372D498D3BB2BA590A0",
        "name": "Subscription Packages",
        "alternative_code": "SP",
        "description": None,
        "classification": "SERVICES",
        "service_type": "TERMED",
        "physical_good_type": None,
        "used_for_provisioning": True,
        "composition_method": "FLAT",
    }
    lds = lead["services_set"][1]["product"]
    assert (lds["id"], lds["code"]) == (
        "3FACF409E7E091F96C52318BAD1AEF1C",
        "Local + Documentaries + Sport",
    )
    assert lds["product_type"]["alternative_code"] == "SP"
    goods = [
        (item["product_type"] or item["product"])["alternative_code"]
        for item in lead["physical_goods_set"]
    ]
    assert goods == ["MO", "MODEM", "MA"]
    assert lead["products_set"] == []
    log = lead["log_information"]
    assert (log["created_date"], log["updated_date"]) == (
        "2015-02-13T09:52:09",
        "2015-02-13T09:52:09",
    )
    assert log["created_by_user"] == log["updated_by_user"] == MP_ADMINISTRATOR
    in_admin_unit(log["created_by_unit"])
    in_admin_unit(log["updated_by_unit"])


# the lists ----------------------------------------------------------------------------------


async def test_list_by_source_notifications(
    http: httpx2.AsyncClient, rest: RestClient, gql: GraphQLClient
) -> None:
    # When the seed's list by source type NOTIFICATIONS is sent
    leads = answered(await replay(http, seed_requests.LIST, rest.token))

    # Then the first 20 leads from a notification come, the seed's five first, as GraphQL
    # lists them
    assert numbers(leads) == await graphql_numbers(gql, "leads", "filter: {source: NOTIFICATIONS}")
    assert len(leads) == 20
    assert numbers(leads)[:5] == [45, 56, 58, 67, 68]
    for lead in leads:
        assert_shape(lead)
        assert lead["lead_source"]["type"] == "NOTIFICATIONS"
    seed_leads = leads[:5]
    assert [lead["life_cycle_state"] for lead in seed_leads] == [
        "WON", "IN_PROGRESS", "IN_PROGRESS", "PENDING", "PENDING",
    ]  # fmt: skip
    for lead in seed_leads:
        notification = lead["lead_source"]["notification"]
        assert (notification["number"], notification["life_cycle_state"]) == ("N1", "DELIVERED")
        assert notification["contact_information"]["name"] == "Marios Lannister"
        assert lead["contact_information"]["demographics"]["id_number"] == "593664"
    # lead 45 was won three months before its expected completion: frozen then
    assert seed_leads[0]["time_to_completion"] == period(3.0, "MONTHS")


async def test_overdue_software_purchase(
    http: httpx2.AsyncClient, rest: RestClient, clock: Clock
) -> None:
    # Given the seed's day of asking
    clock.now = SEED_NOW["get_overdue"]

    # When the seed's get_overdue by type Software Purchase is sent
    leads = answered(await replay(http, seed_requests.GET_OVERDUE, rest.token))

    # Then every open Software Purchase lead expected before then comes, each overdue
    assert numbers(leads) == [
        11, 12, 13, 14, 19, 24, 27, 28, 29, 30, 31, 32, 36, 56, 58, 67, 68, 69,
    ]  # fmt: skip
    by_number = {lead["number"]: lead for lead in leads}
    for lead in leads:
        assert_shape(lead)
        assert lead["life_cycle_state"] in {"PENDING", "IN_PROGRESS"}
        assert lead["type"]["name"] == "Software Purchase"
        assert lead["time_to_completion"] == period(None, None)
    assert by_number["11"]["expected_completion_date"] == "2015-05-12T15:10:44"
    assert by_number["11"]["time_overdue"] == period(9.137931034482758, "MONTHS")
    assert by_number["19"]["time_overdue"] == period(9.10344827586207, "MONTHS")
    assert by_number["19"]["accounts_receivable"]["number"] == "4"


async def test_close_to_estimated_completion_within_3_days(
    http: httpx2.AsyncClient, rest: RestClient, gql: GraphQLClient
) -> None:
    # When the seed's get_close_to_estimated_completion_time (3 DAYS) is sent
    leads = answered(await replay(http, seed_requests.GET_CLOSE, rest.token))

    # Then the open leads due within three days come (twelve of the demo's), as GraphQL lists
    # them
    expected = await graphql_numbers(gql, "leadsCloseToCompletion", "period: 3, unit: DAYS,")
    assert numbers(leads) == expected
    assert len(expected) == 12
    for lead in leads:
        assert_shape(lead)
        assert lead["life_cycle_state"] in {"PENDING", "IN_PROGRESS"}
        assert lead["time_overdue"] == period(None, None)
        assert lead["time_to_completion"]["time_period_uot"] in {"DAYS", "HOURS", "MINUTES"}


async def test_pending_for_contact_112233(
    http: httpx2.AsyncClient, rest: RestClient, clock: Clock
) -> None:
    # Given the seed's moment, right after lead 36 was last updated
    clock.now = SEED_NOW["get_pending"]

    # When the seed's get_pending by contact id number 112233 is sent
    leads = answered(await replay(http, seed_requests.GET_PENDING, rest.token))

    # Then lead 36 comes, three months from its expected completion
    (lead,) = leads
    assert_shape(lead)
    assert (lead["number"], lead["life_cycle_state"]) == ("36", "PENDING")
    assert lead["status"]["name"] == "Reach"
    assert lead["contact_information"]["demographics"]["id_number"] == "112233"
    assert lead["accounts_receivable"] is None
    assert lead["lead_source"]["type"] == "RECOMMENDEDBYCONTACT"
    assert lead["lead_source"]["recommended_by_contact"]["name"] == "Marios Lannister"
    assert (lead["start_date"], lead["expected_completion_date"]) == (
        "2015-02-16T12:14:52",
        "2015-05-16T12:14:52",
    )
    assert lead["time_to_completion"] == period(3.0, "MONTHS")


async def test_in_progress_software_purchase_with_the_token_given_twice(
    http: httpx2.AsyncClient, rest: RestClient, gql: GraphQLClient
) -> None:
    # When the seed's get_in_progress is sent, its token given twice (the same real one)
    leads = answered(await replay(http, seed_requests.GET_IN_PROGRESS, rest.token))

    # Then the first 20 Software Purchase leads in progress come, the seed's first, as GraphQL
    # lists them
    expected = await graphql_numbers(
        gql, "inProgressLeads", 'filter: {type: {name: "Software Purchase"}},'
    )
    assert numbers(leads) == expected
    assert [number for number in numbers(leads) if number < 100] == [
        11, 12, 13, 14, 19, 24, 27, 28, 29, 30, 31, 32, 56, 58,
    ]  # fmt: skip
    for lead in leads:
        assert_shape(lead)
        assert lead["life_cycle_state"] == "IN_PROGRESS"
        assert lead["status"]["name"] in {"Interest", "Learn"}


async def test_won_for_accounts_receivable_201_and_new_customer(
    http: httpx2.AsyncClient, rest: RestClient
) -> None:
    # When the seed's get_won_leads is sent
    (lead,) = answered(await replay(http, seed_requests.GET_WON, rest.token))

    # Then lead 48 of Kokos Panagi comes, won on the day it started
    assert_shape(lead)
    assert (lead["number"], lead["life_cycle_state"], lead["status"]["name"]) == (
        "48",
        "WON",
        "Won",
    )
    assert lead["type"]["name"] == lead["category"]["name"] == "New Customer"
    assert lead["accounts_receivable"]["number"] == "ACR0000000201"
    assert lead["accounts_receivable"]["name"] == "ACR0000000201 Kokos Panagi"
    assert lead["contact_information"]["life_cycle_state"] == "FINANCIAL"
    assert lead["actual_completion_date"] == "2016-11-01T13:17:00"
    assert lead["expected_completion_date"] == "2016-12-01T13:14:39"
    assert lead["time_to_completion"] == period(1.0, "MONTHS")


async def test_lost_for_accounts_receivable_26_and_new_customer(
    http: httpx2.AsyncClient, rest: RestClient
) -> None:
    # When the seed's get_lost_leads is sent
    (lead,) = answered(await replay(http, seed_requests.GET_LOST, rest.token))

    # Then lead 33 of Loukia Papapavlou comes, lost to competitors
    assert_shape(lead)
    assert (lead["number"], lead["life_cycle_state"]) == ("33", "LOST")
    assert lead["lost_reason"] == {
        "id": "D4CB03A3D05A457AAC0854FFFAB0D20E",
        "name": "Competitors",
        "alternative_code": "C",
        "description": None,
    }
    assert lead["accounts_receivable"]["account_owner"]["name"] == "Loukia Papapavlou"
    assert lead["lead_source"] == {"type": "ADVERTISEMENT", "name": "Radio"}
    assert lead["actual_completion_date"] == "2016-08-04T13:06:27"
    assert lead["time_to_completion"] == period(1.0, "MONTHS")


async def test_cancelled_for_accounts_receivable_14_and_new_customer(
    http: httpx2.AsyncClient, rest: RestClient
) -> None:
    # When the seed's get_cancelled is sent
    (lead,) = answered(await replay(http, seed_requests.GET_CANCELLED, rest.token))

    # Then lead 4 of Joe Doe comes, overdue by the seed's 7.258064516129032 months when it was
    # cancelled
    assert_shape(lead)
    assert (lead["number"], lead["life_cycle_state"], lead["status"]["name"]) == (
        "4",
        "CANCELLED",
        "Cancelled",
    )
    assert lead["contact_information"]["name"] == "Joe Doe"
    assert lead["accounts_receivable"]["number"] == "ACR0000000014"
    assert lead["actual_completion_date"] == "2016-11-01T12:43:13"
    assert lead["time_overdue"] == period(7.258064516129032, "MONTHS")
    assert lead["time_to_completion"] == period(None, None)
