"""The seeds' action examples (create, update, start_progress, cancel, win, lost, and the newer
update page's two), sent as written, with the values the demo data makes known."""

from datetime import UTC, datetime

import httpx2
import pytest

from tests.conftest import Clock
from tests.graphql.test_seed_examples import SEED_NOW
from tests.rest import seed_requests
from tests.rest.conftest import RestClient, answered, refusal
from tests.rest.seed_requests import SeedRequest
from tests.rest.seed_shapes import MP_ADMINISTRATOR, assert_shape, period, replay


async def test_create_the_seeds_lead(
    http: httpx2.AsyncClient, rest: RestClient, clock: Clock
) -> None:
    # Given the seed's moment of creation
    clock.now = SEED_NOW["create"]

    # When the seed's create body is sent as written (tabs, and a comma before its last `}`)
    lead = answered(await replay(http, seed_requests.CREATE, rest.token))

    # Then a PENDING lead numbered after the demo's leads exists, as the seed shows it
    assert_shape(lead)
    assert (lead["number"], lead["life_cycle_state"], lead["status"]["name"]) == (
        "300",
        "PENDING",
        "Reach",
    )
    assert lead["type"]["name"] == lead["category"]["name"] == "Software Purchase"
    assert (lead["importance"], lead["priority"], lead["probability_to_win"]) == (
        "IMPORTANCE2",
        3,
        58,
    )
    assert lead["target_amount"] == 58
    assert lead["contact_email"] == "webapi2@test.com"
    assert lead["udf_string_5"] == "udf_string_5"
    contact = lead["contact_information"]
    assert (contact["first_name"], contact["last_name"], contact["life_cycle_state"]) == (
        "Filippos",
        "Constantinou",
        "MARKETING",
    )
    assert contact["demographics"]["gender"] == "FEMALE"
    assert contact["demographics"]["id_number"] == "121212"
    assert lead["accounts_receivable"] is None
    communication = lead["lead_source"]["communication"]
    assert lead["lead_source"]["type"] == "COMMUNICATIONS"
    assert (communication["id"], communication["number"], communication["life_cycle_state"]) == (
        "0316F16B0700688BCF97CCC9661F4141",
        "204",
        "DRAFT",
    )
    assert communication["contact_information"]["last_name"] == "Messi"
    assert lead["assigned_to"]["user"] == MP_ADMINISTRATOR
    assert lead["owned_by_group"]["name"] == "CSR Group"
    assert lead["start_date"] == "2015-02-20T17:28:30"
    assert lead["expected_completion_date"] == "2015-03-13T17:28:30"
    assert lead["estimated_completion_time"] == {"time_period_value": 3, "time_period_uot": "WEEKS"}
    assert lead["time_overdue"] == period(3.0, "DAYS")
    assert lead["time_to_completion"] == period(None, None)
    assert [item["user"]["username"] for item in lead["users_set"]] == [
        "mariosmtest",
        "salesagent",
    ]
    assert lead["users_set"][1]["user"]["id"] == "018CA08BC267612F6206D85011FFC5D1"
    assert [item["product"]["alternative_code"] for item in lead["services_set"]] == [
        "SOFA",
        "AOA",
    ]
    assert [item["competitor"]["name"] for item in lead["competitors_set"]] == [
        "Competitor 4",
        "Competitor 1",
    ]
    log = lead["log_information"]
    assert (log["created_date"], log["updated_date"]) == (
        "2015-03-16T14:32:14",
        "2015-03-16T14:32:14",
    )
    assert log["created_by_user"] == MP_ADMINISTRATOR
    # and it reads back the same
    assert await rest.lead(300) == lead


@pytest.mark.parametrize(
    "example", [seed_requests.UPDATE, seed_requests.NEWER_UPDATE_1], ids=lambda e: e.name
)
async def test_the_seeds_update_of_lead_69_to_won_is_refused_naming_win(
    http: httpx2.AsyncClient, rest: RestClient, clock: Clock, example: SeedRequest
) -> None:
    # Given the seed's moment of the update, and lead 69 PENDING with Competitor 4 and 1
    clock.now = SEED_NOW["update"]
    before = await rest.lead(69)
    assert before["life_cycle_state"] == "PENDING"

    # When the seed's update is sent: status Won with a billing address, Competitor 2 added
    # and Competitor 1 removed (the update into WON, deprecated since CRM.COM R11.1.0)
    response = await replay(http, example, rest.token)

    # Then it is refused, naming the methods that do it now, and nothing changed
    assert refusal(response, 409, "INVALID_TRANSITION") == (
        "status_identifier.name 'Won': An update keeps a lead in its life cycle state, and "
        "status 'Won' would move this PENDING lead to WON: use `start_progress`, then `win` "
        "instead."
    )
    assert await rest.lead(69) == before


async def test_the_newer_update_of_lead_127(http: httpx2.AsyncClient, rest: RestClient) -> None:
    # Given lead 127 as the newer update page has it: Kokos Panagi's PENDING New Customer lead
    # whose products set holds what the update removes
    assert (await rest.lead(127, "life_cycle_state"))["life_cycle_state"] == "PENDING"

    # When the newer update's body is sent as written
    lead = answered(await replay(http, seed_requests.NEWER_UPDATE_2, rest.token))

    # Then the products set, the subscription package and the competitors are as the seed's
    # response shows them, and the lead stays PENDING in Reach
    assert_shape(lead)
    assert (lead["number"], lead["life_cycle_state"], lead["status"]["name"]) == (
        "127",
        "PENDING",
        "Reach",
    )
    assert lead["type"]["name"] == "New Customer"
    assert lead["contact_information"]["name"] == "Kokos Panagi"
    levels = ("product", "product_type", "product_family", "product_brand")
    named = [
        {
            level: item[level] and item[level].get("name", item[level].get("code"))
            for level in levels
        }
        for item in lead["products_set"]
    ]
    assert named == [
        {"product": "123", "product_type": None, "product_family": None, "product_brand": None},
        {
            "product": None,
            "product_type": "Additional Services",
            "product_family": None,
            "product_brand": None,
        },
        {
            "product": None,
            "product_type": None,
            "product_family": None,
            "product_brand": "Corso Shoes",
        },
        {
            "product": None,
            "product_type": None,
            "product_family": "Channels",
            "product_brand": None,
        },
    ]
    set_top_box = lead["products_set"][0]["product"]
    assert (set_top_box["id"], set_top_box["alternative_code"], set_top_box["description"]) == (
        "99E46901A95B4E31A60BBE67280F2522",
        "1_13",
        "desc",
    )
    assert set_top_box["product_type"]["name"] == "SET TOP BOX"
    assert set_top_box["product_type"]["classification"] == "PHYSICALGOODS"
    assert lead["subscription_package"]["subscription_package"]["name"] == "Simple Package"
    assert [item["competitor"] for item in lead["competitors_set"]] == [
        {
            "id": "640A12797E964BFC99F8AF0EA538EEEA",
            "name": "MagnaQuest",
            "website": None,
            "description": None,
        }
    ]


async def test_start_progress_of_lead_40(
    http: httpx2.AsyncClient, rest: RestClient, clock: Clock
) -> None:
    # Given the seed's moment
    clock.now = SEED_NOW["start_progress"]

    # When the seed's start_progress is sent
    lead = answered(await replay(http, seed_requests.START_PROGRESS, rest.token))

    # Then lead 40 is IN_PROGRESS in the New Customer type's start status
    assert_shape(lead)
    assert lead["life_cycle_state"] == "IN_PROGRESS"
    assert (lead["status"]["name"], lead["status"]["alternative_code"]) == ("Learn", "LRN")
    assert lead["accounts_receivable"]["number"] == "ACR0000000201"
    assert lead["lead_source"] == {"type": "WEBSITE", "name": "www.crm.com"}
    assert (lead["start_date"], lead["expected_completion_date"]) == (
        "2016-11-01T13:14:39",
        "2016-12-01T13:14:39",
    )
    assert lead["actual_completion_date"] is None
    assert lead["time_to_completion"] == period(1.0, "MONTHS")
    assert lead["log_information"]["updated_date"] == "2016-11-01T13:17:00"
    assert await rest.lead(40) == lead


async def test_cancel_lead_5(http: httpx2.AsyncClient, rest: RestClient, clock: Clock) -> None:
    # Given the seed's moment
    clock.now = SEED_NOW["cancel"]

    # When the seed's cancel is sent
    lead = answered(await replay(http, seed_requests.CANCEL, rest.token))

    # Then lead 5 is CANCELLED, stamped now, overdue by the seed's 7.258064516129032 months
    assert_shape(lead)
    assert lead["life_cycle_state"] == "CANCELLED"
    assert (lead["status"]["name"], lead["status"]["alternative_code"]) == ("Cancelled", "C")
    assert lead["accounts_receivable"]["name"] == "ACR0000000011 John Ioannou"
    assert lead["lead_source"] == {"type": "ADVERTISEMENT", "name": "5"}
    assert lead["assigned_to"]["unit"]["name"] == "Main Unit"
    assert lead["assigned_to"]["unit"]["group_name"] == "Main Group"
    assert lead["actual_completion_date"] == "2016-11-01T12:43:13"
    assert lead["time_overdue"] == period(7.258064516129032, "MONTHS")
    # and, read later, its periods stay frozen at the cancellation
    clock.now = datetime(2026, 1, 1, tzinfo=UTC)
    assert await rest.lead(5) == lead


async def test_win_lead_41(http: httpx2.AsyncClient, rest: RestClient, clock: Clock) -> None:
    # Given the seed's moment
    clock.now = SEED_NOW["win"]

    # When the seed's win is sent (an EXISTING accounts receivable)
    lead = answered(await replay(http, seed_requests.WIN, rest.token))

    # Then lead 41 is WON, billed to ACR0000000201, 29 days before its expected completion
    assert_shape(lead)
    assert (lead["life_cycle_state"], lead["status"]["name"]) == ("WON", "Won")
    assert lead["accounts_receivable"]["number"] == "ACR0000000201"
    assert lead["accounts_receivable"]["account_owner"]["name"] == "Kokos Panagi"
    assert lead["actual_completion_date"] == "2016-11-02T09:53:43"
    assert lead["time_to_completion"] == period(4.142857142857143, "WEEKS")
    assert lead["lost_reason"] is None


async def test_lose_lead_44(http: httpx2.AsyncClient, rest: RestClient, clock: Clock) -> None:
    # Given the seed's moment
    clock.now = SEED_NOW["lost"]

    # When the seed's lost is sent
    lead = answered(await replay(http, seed_requests.LOST, rest.token))

    # Then lead 44 is LOST to competitors, a month before its expected completion
    assert_shape(lead)
    assert lead["status"] == {
        "id": "0409F011C88E479EBA7DDA61FB6BB89E",
        "name": "Lost",
        "alternative_code": "LT",
        "description": None,
        "life_cycle_state": "LOST",
    }
    assert lead["lost_reason"] == {
        "id": "D4CB03A3D05A457AAC0854FFFAB0D20E",
        "name": "Competitors",
        "alternative_code": "C",
        "description": None,
    }
    assert (lead["priority"], lead["contact_email"]) == (1, "kokos@crm.com")
    assert lead["category"] == {
        "id": "35EB799C52F14A8984FE2F397A852A78",
        "name": "New Customer",
        "code": "NC",
        "description": None,
    }
    assert lead["expected_completion_date"] == "2016-12-02T09:55:51"
    assert lead["actual_completion_date"] == "2016-11-02T10:19:23"
    assert lead["time_to_completion"] == period(1.0, "MONTHS")
    assert lead["log_information"]["updated_by_user"] == MP_ADMINISTRATOR
