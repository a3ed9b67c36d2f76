"""Every example of the seeds (the CRM.COM v2 leads pages) replayed as a GraphQL operation on
the demo data, with the state, status, accounts receivable, sets and time periods the seeds
show wherever the demo data makes them reproducible."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import Clock, GraphQLClient

LEAD_FIELDS = """
fragment LeadFields on Lead {
  id number version lifeCycleState importance priority probabilityToWin targetAmount
  description contactEmail contactPhone startDate expectedCompletionDate actualCompletionDate
  udfString5
  status { id name alternativeCode lifeCycleState }
  type { id name alternativeCode }
  category { id name code }
  contactInformation {
    type lifeCycleState title firstName lastName name
    demographics { gender idNumber }
  }
  accountsReceivable { number name lifeCycleState accountOwner { name } }
  leadSource {
    __typename
    ... on WebsiteSource { type name }
    ... on AdvertisementSource { type name }
    ... on CommunicationSource { type communication { number } }
    ... on NotificationSource { type notification { number } }
    ... on EmployeeRecommendation { type user { username } }
    ... on ContactRecommendation { type contact { name } }
    ... on CustomSource { type kind name }
  }
  assignedTo { user { id username } unit { name } }
  ownedByGroup { name }
  subscriptionPackage { name }
  lostReason { id name alternativeCode }
  estimatedCompletionTime { value unit }
  timeToCompletion { value unit }
  timeOverdue { value unit }
  usersSet { user { id username } }
  competitorsSet { competitor { id name } }
  servicesSet { product { alternativeCode } productType { alternativeCode } }
  physicalGoodsSet { product { alternativeCode } productType { alternativeCode } }
  productsSet {
    product { code } productType { name } productFamily { name } productBrand { name }
  }
  logInformation {
    createdDate updatedDate
    createdByUser { username } createdByUnit { name }
    updatedByUser { username } updatedByUnit { name }
  }
}
"""

SHOW = LEAD_FIELDS + "query ($number: String!) { lead(ref: {number: $number}) { ...LeadFields } }"

PAYLOAD = "{ lead { ...LeadFields } errors { field value code message } }"

SUMMARY = """
number lifeCycleState
status { name }
type { name }
accountsReceivable { number }
contactInformation { demographics { idNumber } }
leadSource { __typename ... on NotificationSource { type notification { number } } }
expectedCompletionDate
timeToCompletion { value unit }
timeOverdue { value unit }
"""

SEED_NOW = {
    "show": datetime(2015, 3, 13, 12, 0, tzinfo=UTC),
    "get_overdue": datetime(2016, 2, 16, 12, 0, tzinfo=UTC),
    "get_pending": datetime(2015, 2, 16, 12, 35, 35, tzinfo=UTC),
    "create": datetime(2015, 3, 16, 14, 32, 14, tzinfo=UTC),
    "update": datetime(2015, 3, 16, 14, 40, 54, tzinfo=UTC),
    "start_progress": datetime(2016, 11, 1, 13, 17, 0, tzinfo=UTC),
    "cancel": datetime(2016, 11, 1, 12, 43, 13, tzinfo=UTC),
    "win": datetime(2016, 11, 2, 9, 53, 43, tzinfo=UTC),
    "lost": datetime(2016, 11, 2, 10, 19, 23, tzinfo=UTC),
}


def period(value: float, unit: str) -> dict[str, Any]:
    """A TimePeriod as the API returns it, its value compared with a float tolerance."""
    return {"value": pytest.approx(value, abs=1e-9), "unit": unit}


def numbers(nodes: list[dict[str, Any]]) -> list[int]:
    return [int(node["number"]) for node in nodes]


async def walk(gql: GraphQLClient, field: str, arguments: str, selection: str) -> list[Any]:
    """Every node of a lead list, page by page (100 a page) along the cursors."""
    query = (
        f"query ($after: String) {{ {field}({arguments} first: 100, after: $after) "
        f"{{ pageInfo {{ hasNextPage endCursor }} nodes {{ {selection} }} }} }}"
    )
    nodes: list[Any] = []
    after = None
    while True:
        page = (await gql.data(query, {"after": after}))[field]
        nodes.extend(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


async def show(gql: GraphQLClient, number: str) -> dict[str, Any]:
    lead: dict[str, Any] = (await gql.data(SHOW, {"number": number}))["lead"]
    return lead


async def mutate(gql: GraphQLClient, operation: str, variables: dict[str, Any]) -> Any:
    """The payload of a lead mutation that must succeed."""
    data = await gql.data(LEAD_FIELDS + operation, variables)
    (payload,) = data.values()
    assert payload["errors"] == []
    assert payload["lead"] is not None
    return payload["lead"]


# show ---------------------------------------------------------------------------------------


async def test_show_lead_19(gql: GraphQLClient, clock: Clock) -> None:
    # Given the day after the seed's last update of lead 19
    clock.now = SEED_NOW["show"]

    # When the lead is shown by number
    lead = await show(gql, "19")

    # Then it is the seed's lead 19
    assert lead["number"] == "19"
    assert lead["lifeCycleState"] == "IN_PROGRESS"
    assert lead["status"] == {
        "id": "B738753EE56D01FC6CD964D14FBBCC7A",
        "name": "Interest",
        "alternativeCode": "I",
        "lifeCycleState": "IN_PROGRESS",
    }
    assert lead["type"] == {
        "id": "F60FFE7AAD3F5B9B6E66A42266FA37C4",
        "name": "Software Purchase",
        "alternativeCode": "SP",
    }
    assert lead["category"] == {
        "id": "C60F332D0B4CB8DD22A0159413951434",
        "name": "Software Purchase",
        "code": "SP",
    }
    assert (lead["importance"], lead["priority"]) == ("IMPORTANCE1", 2)
    assert lead["contactEmail"] == "photos.panayi@crm.com"
    assert (lead["probabilityToWin"], lead["targetAmount"], lead["description"]) == (
        None,
        None,
        None,
    )
    assert lead["startDate"] == "2015-02-13T09:52:09+00:00"
    assert lead["expectedCompletionDate"] == "2015-05-13T09:52:09+00:00"
    assert lead["actualCompletionDate"] is None
    assert lead["estimatedCompletionTime"] == period(3.0, "MONTHS")
    assert lead["timeToCompletion"] == period(2.0, "MONTHS")
    assert lead["timeOverdue"] is None
    assert lead["contactInformation"] == {
        "type": "PERSON",
        "lifeCycleState": "FINANCIAL",
        "title": "Mr",
        "firstName": "Marios",
        "lastName": "Lannister",
        "name": "Marios Lannister",
        "demographics": {"gender": "MALE", "idNumber": "593664"},
    }
    assert lead["accountsReceivable"] == {
        "number": "4",
        "name": "mar",
        "lifeCycleState": "ACTIVE",
        "accountOwner": {"name": "Marios Lannister"},
    }
    assert lead["leadSource"] == {
        "__typename": "EmployeeRecommendation",
        "type": "RECOMMENDEDBYEMPLOYEE",
        "user": {"username": "MPAdministrator"},
    }
    assert lead["assignedTo"] == {
        "user": {"id": "DCA93D75753E5CC5AD1E69556368E616", "username": "Smanager"},
        "unit": None,
    }
    assert lead["ownedByGroup"] == {"name": "Main Group"}
    assert lead["lostReason"] is None
    assert lead["usersSet"] == [
        {"user": {"id": "D0B5657F42ED3331694BAE21DF971807", "username": "x_poulli"}}
    ]
    assert lead["competitorsSet"] == []
    assert lead["servicesSet"] == [
        {"product": None, "productType": {"alternativeCode": "SP"}},
        {"product": {"alternativeCode": "LDS"}, "productType": None},
        {"product": {"alternativeCode": "LDI"}, "productType": None},
        {"product": {"alternativeCode": "C-AAC"}, "productType": None},
    ]
    assert lead["physicalGoodsSet"] == [
        {"product": None, "productType": {"alternativeCode": "MO"}},
        {"product": None, "productType": {"alternativeCode": "MODEM"}},
        {"product": {"alternativeCode": "MA"}, "productType": None},
    ]
    assert lead["productsSet"] == []
    assert lead["logInformation"] == {
        "createdDate": "2015-02-13T09:52:09+00:00",
        "updatedDate": "2015-02-13T09:52:09+00:00",
        "createdByUser": {"username": "MPAdministrator"},
        "createdByUnit": {"name": "Admin Unit"},
        "updatedByUser": {"username": "MPAdministrator"},
        "updatedByUnit": {"name": "Admin Unit"},
    }


# list ---------------------------------------------------------------------------------------


async def test_list_by_source_notifications(gql: GraphQLClient) -> None:
    # Given every lead, read page by page
    every_lead = await walk(gql, "leads", "", "number leadSource { __typename }")
    expected = [
        int(lead["number"])
        for lead in every_lead
        if lead["leadSource"]["__typename"] == "NotificationSource"
    ]

    # When the leads are listed by source type NOTIFICATIONS
    listed = await walk(gql, "leads", "filter: {source: NOTIFICATIONS}", SUMMARY)

    # Then exactly the leads from a notification come, the seed's five among them
    assert numbers(listed) == expected
    seed_leads = {lead["number"]: lead for lead in listed if int(lead["number"]) < 100}
    assert list(seed_leads) == ["45", "56", "58", "67", "68"]
    for lead in listed:
        assert lead["leadSource"]["__typename"] == "NotificationSource"
        assert lead["leadSource"]["type"] == "NOTIFICATIONS"
    assert {number: lead["lifeCycleState"] for number, lead in seed_leads.items()} == {
        "45": "WON",
        "56": "IN_PROGRESS",
        "58": "IN_PROGRESS",
        "67": "PENDING",
        "68": "PENDING",
    }
    assert {lead["leadSource"]["notification"]["number"] for lead in seed_leads.values()} == {"N1"}
    assert {
        lead["contactInformation"]["demographics"]["idNumber"] for lead in seed_leads.values()
    } == {"593664"}
    # lead 45 was won on 2015-02-17, three months before its expected completion: the time to
    # completion is frozen at that moment
    assert seed_leads["45"]["expectedCompletionDate"] == "2015-05-17T12:21:18+00:00"
    assert seed_leads["45"]["timeToCompletion"] == period(3.0, "MONTHS")
    assert seed_leads["45"]["timeOverdue"] is None


# get_overdue --------------------------------------------------------------------------------


async def test_overdue_software_purchase(gql: GraphQLClient, clock: Clock) -> None:
    # Given the seed's day of asking, 2016-02-16
    clock.now = SEED_NOW["get_overdue"]

    # When the overdue leads of type Software Purchase are asked for
    data = await gql.data(
        '{ overdueLeads(filter: {type: {name: "Software Purchase"}}, first: 100) '
        f"{{ totalCount nodes {{ {SUMMARY} }} }} }}"
    )

    # Then every open Software Purchase lead expected before then comes (the seed's first six
    # are 11, 12, 13, 14, 19 and 24), each with the time it is overdue by
    overdue = data["overdueLeads"]
    assert numbers(overdue["nodes"]) == [
        11, 12, 13, 14, 19, 24, 27, 28, 29, 30, 31, 32, 36, 56, 58, 67, 68, 69,
    ]  # fmt: skip
    assert overdue["totalCount"] == 18
    by_number = {lead["number"]: lead for lead in overdue["nodes"]}
    for lead in overdue["nodes"]:
        assert lead["lifeCycleState"] in {"PENDING", "IN_PROGRESS"}
        assert lead["type"] == {"name": "Software Purchase"}
        assert lead["timeToCompletion"] is None
    for number in ("11", "12", "13", "14"):
        assert by_number[number]["expectedCompletionDate"] == "2015-05-12T15:10:44+00:00"
        assert by_number[number]["timeOverdue"] == period(9.137931034482758, "MONTHS")
    assert by_number["19"]["timeOverdue"] == period(9.10344827586207, "MONTHS")
    assert by_number["24"]["timeOverdue"] == period(9.10344827586207, "MONTHS")
    assert by_number["19"]["accountsReceivable"] == {"number": "4"}


# get_close_to_estimated_completion_time -----------------------------------------------------


async def test_close_to_completion_within_3_days(gql: GraphQLClient, clock: Clock) -> None:
    # Given the open leads whose expected completion falls within three days of now
    now = clock.now
    every_lead = await walk(gql, "leads", "", "number lifeCycleState expectedCompletionDate")
    expected = [
        int(lead["number"])
        for lead in every_lead
        if lead["lifeCycleState"] in {"PENDING", "IN_PROGRESS"}
        and now <= datetime.fromisoformat(lead["expectedCompletionDate"]) <= now + timedelta(days=3)
    ]
    assert expected, "the demo data has leads due within days"

    # When the leads close to their estimated completion time (3 DAYS) are asked for
    data = await gql.data(
        "{ leadsCloseToCompletion(period: 3, unit: DAYS, first: 100) "
        "{ totalCount nodes { number lifeCycleState timeToCompletion { value unit } "
        "timeOverdue { value unit } } } }"
    )

    # Then exactly those come, each due in at most three days
    close = data["leadsCloseToCompletion"]
    assert numbers(close["nodes"]) == expected
    assert close["totalCount"] == len(expected)
    for lead in close["nodes"]:
        assert lead["timeOverdue"] is None
        remaining = lead["timeToCompletion"]
        assert remaining["unit"] in {"DAYS", "HOURS", "MINUTES"}
        if remaining["unit"] == "DAYS":
            assert remaining["value"] in {1.0, 2.0, 3.0}


# get_pending --------------------------------------------------------------------------------


async def test_pending_for_contact_112233(gql: GraphQLClient, clock: Clock) -> None:
    # Given the seed's moment, right after lead 36 was last updated
    clock.now = SEED_NOW["get_pending"]

    # When the pending leads of the contact with id number 112233 are asked for
    data = await gql.data(
        LEAD_FIELDS + '{ pendingLeads(filter: {contact: {idNumber: "112233"}}) '
        "{ totalCount nodes { ...LeadFields } } }"
    )

    # Then lead 36 comes, three months from its expected completion
    pending = data["pendingLeads"]
    assert pending["totalCount"] == 1
    (lead,) = pending["nodes"]
    assert lead["number"] == "36"
    assert lead["lifeCycleState"] == "PENDING"
    assert lead["status"]["name"] == "Reach"
    assert lead["contactInformation"]["demographics"]["idNumber"] == "112233"
    assert lead["accountsReceivable"] is None
    assert lead["leadSource"] == {
        "__typename": "ContactRecommendation",
        "type": "RECOMMENDEDBYCONTACT",
        "contact": {"name": "Marios Lannister"},
    }
    assert lead["startDate"] == "2015-02-16T12:14:52+00:00"
    assert lead["expectedCompletionDate"] == "2015-05-16T12:14:52+00:00"
    assert lead["estimatedCompletionTime"] == period(3.0, "MONTHS")
    assert lead["timeToCompletion"] == period(3.0, "MONTHS")
    assert lead["timeOverdue"] is None


# get_in_progress ----------------------------------------------------------------------------


async def test_in_progress_software_purchase(gql: GraphQLClient) -> None:
    # Given every lead, read page by page
    every_lead = await walk(gql, "leads", "", "number lifeCycleState type { name }")
    expected = [
        int(lead["number"])
        for lead in every_lead
        if lead["lifeCycleState"] == "IN_PROGRESS" and lead["type"]["name"] == "Software Purchase"
    ]

    # When the leads in progress of type Software Purchase are asked for
    listed = await walk(
        gql, "inProgressLeads", 'filter: {type: {name: "Software Purchase"}}', SUMMARY
    )

    # Then exactly those come, the seed's leads among them
    assert numbers(listed) == expected
    assert [number for number in numbers(listed) if number < 100] == [
        11, 12, 13, 14, 19, 24, 27, 28, 29, 30, 31, 32, 56, 58,
    ]  # fmt: skip
    for lead in listed:
        assert lead["lifeCycleState"] == "IN_PROGRESS"
        assert lead["status"]["name"] in {"Interest", "Learn"}
        assert lead["type"] == {"name": "Software Purchase"}


# get_won_leads, get_lost_leads, get_cancelled -----------------------------------------------


async def test_won_for_accounts_receivable_201_and_new_customer(gql: GraphQLClient) -> None:
    # When the won leads billed to ACR0000000201 of type New Customer are asked for
    data = await gql.data(
        LEAD_FIELDS + '{ wonLeads(filter: {accountsReceivable: {number: "ACR0000000201"}, '
        'type: {name: "New Customer"}}) { totalCount nodes { ...LeadFields } } }'
    )

    # Then lead 48 of Kokos Panagi comes
    won = data["wonLeads"]
    assert won["totalCount"] == 1
    (lead,) = won["nodes"]
    assert lead["number"] == "48"
    assert lead["lifeCycleState"] == "WON"
    assert lead["status"]["name"] == "Won"
    assert lead["type"]["name"] == "New Customer"
    assert lead["category"]["name"] == "New Customer"
    assert lead["accountsReceivable"] == {
        "number": "ACR0000000201",
        "name": "ACR0000000201 Kokos Panagi",
        "lifeCycleState": "ACTIVE",
        "accountOwner": {"name": "Kokos Panagi"},
    }
    assert lead["contactInformation"]["name"] == "Kokos Panagi"
    assert lead["contactInformation"]["lifeCycleState"] == "FINANCIAL"
    assert lead["actualCompletionDate"] == "2016-11-01T13:17:00+00:00"
    assert lead["lostReason"] is None
    # won on the day it started, a month before its expected completion, frozen then
    assert lead["expectedCompletionDate"] == "2016-12-01T13:14:39+00:00"
    assert lead["timeToCompletion"] == period(1.0, "MONTHS")
    assert lead["timeOverdue"] is None


async def test_lost_for_accounts_receivable_26_and_new_customer(gql: GraphQLClient) -> None:
    # When the lost leads billed to ACR0000000026 of type New Customer are asked for
    data = await gql.data(
        LEAD_FIELDS + '{ lostLeads(filter: {accountsReceivable: {number: "ACR0000000026"}, '
        'type: {name: "New Customer"}}) { totalCount nodes { ...LeadFields } } }'
    )

    # Then lead 33 of Loukia Papapavlou comes, lost to competitors
    lost = data["lostLeads"]
    assert lost["totalCount"] == 1
    (lead,) = lost["nodes"]
    assert lead["number"] == "33"
    assert lead["lifeCycleState"] == "LOST"
    assert lead["status"]["name"] == "Lost"
    assert lead["type"]["name"] == "New Customer"
    assert lead["lostReason"] == {
        "id": "D4CB03A3D05A457AAC0854FFFAB0D20E",
        "name": "Competitors",
        "alternativeCode": "C",
    }
    assert lead["accountsReceivable"]["number"] == "ACR0000000026"
    assert lead["accountsReceivable"]["accountOwner"] == {"name": "Loukia Papapavlou"}
    assert lead["leadSource"] == {
        "__typename": "AdvertisementSource",
        "type": "ADVERTISEMENT",
        "name": "Radio",
    }
    # lost on the day it started, a month before its expected completion, frozen then
    assert lead["actualCompletionDate"] == "2016-08-04T13:06:27+00:00"
    assert lead["expectedCompletionDate"] == "2016-09-04T12:51:48+00:00"
    assert lead["timeToCompletion"] == period(1.0, "MONTHS")
    assert lead["timeOverdue"] is None


GET_CANCELLED = (
    LEAD_FIELDS + '{ cancelledLeads(filter: {accountsReceivable: {number: "ACR0000000014"}, '
    'type: {name: "New Customer"}}) { totalCount nodes { ...LeadFields } } }'
)


async def test_cancelled_for_accounts_receivable_14_and_new_customer(gql: GraphQLClient) -> None:
    # When the cancelled leads billed to ACR0000000014 of type New Customer are asked for
    data = await gql.data(GET_CANCELLED)

    # Then lead 4 of Joe Doe comes
    cancelled = data["cancelledLeads"]
    assert cancelled["totalCount"] == 1
    (lead,) = cancelled["nodes"]
    assert lead["number"] == "4"
    assert lead["lifeCycleState"] == "CANCELLED"
    assert lead["status"]["name"] == "Cancelled"
    assert lead["type"]["name"] == "New Customer"
    assert lead["accountsReceivable"]["number"] == "ACR0000000014"
    assert lead["contactInformation"]["name"] == "Joe Doe"
    assert lead["actualCompletionDate"] == "2016-11-01T12:43:13+00:00"
    assert lead["timeToCompletion"] is None
    assert lead["timeOverdue"]["unit"] == "MONTHS"


async def test_cancelled_lead_shows_the_seeds_time_overdue(gql: GraphQLClient) -> None:
    # Given the seed's cancelled lead: expected on 2016-03-24 (started 2016-02-24 for one
    # month), cancelled on 2016-11-01
    # When it is listed as the seed lists it
    data = await gql.data(GET_CANCELLED)

    # Then it is overdue by the seed's 7.258064516129032 months (7 months to 2016-10-24, then
    # 8 of the 31 days to 2016-11-24)
    (lead,) = data["cancelledLeads"]["nodes"]
    assert lead["estimatedCompletionTime"] == period(1.0, "MONTHS")
    assert lead["expectedCompletionDate"][:10] == "2016-03-24"
    assert lead["timeOverdue"] == period(7.258064516129032, "MONTHS")


# create -------------------------------------------------------------------------------------

CREATE = f"mutation ($input: CreateLeadInput!) {{ createLead(input: $input) {PAYLOAD} }}"

SEED_CREATE_INPUT: dict[str, Any] = {
    "contactEmail": "webapi2@test.com",
    "contactInformation": {
        "new": {
            "type": "PERSON",
            "firstName": "Filippos",
            "lastName": "Constantinou",
            "demographics": {"gender": "FEMALE", "idNumber": "121212"},
        }
    },
    "probabilityToWin": 58,
    "importance": "IMPORTANCE2",
    "priority": 3,
    "type": {"name": "Software Purchase"},
    "targetAmount": "58",
    "status": {"name": "Reach"},
    "category": {"name": "Software Purchase"},
    "ownedByGroup": {"name": "CSR Group"},
    "udfString5": "udf_string_5",
    "startDate": "2015-02-20T17:28:30",
    "estimatedCompletionTime": {"value": 3, "unit": "WEEKS"},
    "assignedTo": {"user": {"username": "mpadministrator"}},
    "source": {"communication": {"number": "204"}},
    "users": [{"username": "mariosmtest"}, {"id": "018CA08BC267612F6206D85011FFC5D1"}],
    "services": [
        {"product": {"alternativeCode": "SOFA"}},
        {"product": {"code": "Adult- Only for Additional"}},
    ],
    "competitors": [{"name": "Competitor 4"}, {"id": "C671ED66046243565DE5B6B4A1AB5835"}],
}


async def test_create_the_seeds_lead(gql: GraphQLClient, clock: Clock) -> None:
    # Given the seed's moment of creation
    clock.now = SEED_NOW["create"]

    # When the seed's create body is sent, translated
    lead = await mutate(gql, CREATE, {"input": SEED_CREATE_INPUT})

    # Then a PENDING lead numbered after the demo's leads exists, as the seed shows it
    assert lead["number"] == "300"
    assert lead["version"] == 1
    assert lead["lifeCycleState"] == "PENDING"
    assert lead["status"]["name"] == "Reach"
    assert lead["type"]["name"] == "Software Purchase"
    assert lead["category"] == {
        "id": "C60F332D0B4CB8DD22A0159413951434",
        "name": "Software Purchase",
        "code": "SP",
    }
    assert (lead["importance"], lead["priority"], lead["probabilityToWin"]) == (
        "IMPORTANCE2",
        3,
        58,
    )
    assert lead["contactEmail"] == "webapi2@test.com"
    assert lead["udfString5"] == "udf_string_5"
    assert lead["contactInformation"] == {
        "type": "PERSON",
        "lifeCycleState": "MARKETING",
        "title": None,
        "firstName": "Filippos",
        "lastName": "Constantinou",
        "name": "Filippos Constantinou",
        "demographics": {"gender": "FEMALE", "idNumber": "121212"},
    }
    assert lead["accountsReceivable"] is None
    assert lead["leadSource"] == {
        "__typename": "CommunicationSource",
        "type": "COMMUNICATIONS",
        "communication": {"number": "204"},
    }
    assert lead["assignedTo"]["user"]["username"] == "MPAdministrator"
    assert lead["ownedByGroup"] == {"name": "CSR Group"}
    assert lead["startDate"] == "2015-02-20T17:28:30+00:00"
    assert lead["expectedCompletionDate"] == "2015-03-13T17:28:30+00:00"
    assert lead["actualCompletionDate"] is None
    assert lead["estimatedCompletionTime"] == period(3.0, "WEEKS")
    assert lead["timeOverdue"] == period(3.0, "DAYS")
    assert lead["timeToCompletion"] is None
    assert [item["user"]["username"] for item in lead["usersSet"]] == ["mariosmtest", "salesagent"]
    assert lead["usersSet"][1]["user"]["id"] == "018CA08BC267612F6206D85011FFC5D1"
    assert lead["servicesSet"] == [
        {"product": {"alternativeCode": "SOFA"}, "productType": None},
        {"product": {"alternativeCode": "AOA"}, "productType": None},
    ]
    assert [item["competitor"]["name"] for item in lead["competitorsSet"]] == [
        "Competitor 4",
        "Competitor 1",
    ]
    assert lead["logInformation"] == {
        "createdDate": "2015-03-16T14:32:14+00:00",
        "updatedDate": "2015-03-16T14:32:14+00:00",
        "createdByUser": {"username": "MPAdministrator"},
        "createdByUnit": {"name": "Admin Unit"},
        "updatedByUser": {"username": "MPAdministrator"},
        "updatedByUnit": {"name": "Admin Unit"},
    }
    # and it reads back the same, the target amount with the two decimals it is kept with
    stored = await show(gql, "300")
    assert stored["targetAmount"] == "58.00"
    assert {**stored, "targetAmount": None} == {**lead, "targetAmount": None}


# update -------------------------------------------------------------------------------------

UPDATE = (
    "mutation ($ref: LeadRef!, $input: UpdateLeadInput!) "
    f"{{ updateLead(ref: $ref, input: $input) {PAYLOAD} }}"
)


HISTORY = (
    "query ($number: String!) { lead(ref: {number: $number}) "
    "{ version lifeCycleState status { name } history { nodes { action } } } }"
)


async def test_the_seeds_update_of_lead_69_to_won_is_refused(
    gql: GraphQLClient, clock: Clock
) -> None:
    # Given the seed's moment of the update, and lead 69 PENDING with Competitor 4 and 1
    clock.now = SEED_NOW["update"]
    before = await show(gql, "69")
    assert before["lifeCycleState"] == "PENDING"
    assert before["accountsReceivable"] is None
    assert before["contactInformation"]["lifeCycleState"] == "MARKETING"
    assert [item["competitor"]["name"] for item in before["competitorsSet"]] == [
        "Competitor 4",
        "Competitor 1",
    ]
    history = (await gql.data(HISTORY, {"number": "69"}))["lead"]
    assert history == {
        "version": before["version"],
        "lifeCycleState": "PENDING",
        "status": {"name": "Reach"},
        "history": {"nodes": [{"action": "CREATE"}]},
    }

    # When the seed's update is sent: status Won with a (new) billing account, Competitor 2
    # added and Competitor 1 removed (the update into WON the seeds show, deprecated since)
    data = await gql.data(
        LEAD_FIELDS + UPDATE,
        {
            "ref": {"number": "69"},
            "input": {
                "status": {"name": "Won"},
                "accountsReceivable": {"new": {}},
                "competitors": [
                    {"add": {"name": "Competitor 2"}},
                    {"remove": {"name": "Competitor 1"}},
                ],
            },
        },
    )

    # Then it is refused: an update keeps the lead PENDING, and the way to WON is named
    assert data["updateLead"] == {
        "lead": None,
        "errors": [
            {
                "field": "input.status.name",
                "value": "Won",
                "code": "INVALID_TRANSITION",
                "message": "An update keeps a lead in its life cycle state, and status 'Won' "
                "would move this PENDING lead to WON: use `startLeadProgress`, then `winLead` "
                "instead.",
            }
        ],
    }
    # and nothing changed: no new account, no set change, no history entry
    assert await show(gql, "69") == before
    assert (await gql.data(HISTORY, {"number": "69"}))["lead"] == history


async def test_update_products_as_the_newer_page_does(gql: GraphQLClient) -> None:
    # Given lead 40 (Kokos Panagi, New Customer, Reach) about the product family Dry Stock
    await mutate(
        gql,
        UPDATE,
        {
            "ref": {"number": "40"},
            "input": {"products": [{"add": {"productFamily": {"name": "Dry Stock"}}}]},
        },
    )

    # When the newer page's update is sent (the parts the demo data has): status Reach,
    # product type Additional Services, brand Corso Shoes and family Channels added, family
    # Dry Stock removed, subscription package Simple Package
    lead = await mutate(
        gql,
        UPDATE,
        {
            "ref": {"number": "40"},
            "input": {
                "status": {"name": "Reach"},
                "products": [
                    {"add": {"productType": {"name": "Additional Services"}}},
                    {"add": {"productBrand": {"name": "Corso Shoes"}}},
                    {"add": {"productFamily": {"name": "Channels"}}},
                    {"remove": {"productFamily": {"name": "Dry Stock"}}},
                ],
                "subscriptionPackage": {"name": "Simple Package"},
            },
        },
    )

    # Then the products set holds what the page's response shows, and the lead stays PENDING
    assert lead["lifeCycleState"] == "PENDING"
    assert lead["status"]["name"] == "Reach"
    assert lead["type"]["name"] == "New Customer"
    assert lead["contactInformation"]["name"] == "Kokos Panagi"
    assert lead["subscriptionPackage"] == {"name": "Simple Package"}
    assert lead["productsSet"] == [
        {
            "product": None,
            "productType": {"name": "Additional Services"},
            "productFamily": None,
            "productBrand": None,
        },
        {
            "product": None,
            "productType": None,
            "productFamily": None,
            "productBrand": {"name": "Corso Shoes"},
        },
        {
            "product": None,
            "productType": None,
            "productFamily": {"name": "Channels"},
            "productBrand": None,
        },
    ]
    assert lead["servicesSet"] == []
    assert lead["physicalGoodsSet"] == []
    assert await show(gql, "40") == lead


# start_progress, cancel, win, lost ----------------------------------------------------------

START = f"mutation ($ref: LeadRef!) {{ startLeadProgress(ref: $ref) {PAYLOAD} }}"
CANCEL = f"mutation ($ref: LeadRef!) {{ cancelLead(ref: $ref) {PAYLOAD} }}"
WIN = (
    "mutation ($ref: LeadRef!, $account: AccountsReceivableChoice) "
    f"{{ winLead(ref: $ref, accountsReceivable: $account) {PAYLOAD} }}"
)
LOSE = (
    "mutation ($ref: LeadRef!, $reason: LostReasonRef!) "
    f"{{ loseLead(ref: $ref, lostReason: $reason) {PAYLOAD} }}"
)


async def test_start_progress_of_lead_40(gql: GraphQLClient, clock: Clock) -> None:
    # Given the seed's moment, and lead 40 PENDING
    clock.now = SEED_NOW["start_progress"]
    assert (await show(gql, "40"))["lifeCycleState"] == "PENDING"

    # When its progress is started
    lead = await mutate(gql, START, {"ref": {"number": "40"}})

    # Then it is IN_PROGRESS with the New Customer type's start status, a month from completion
    assert lead["lifeCycleState"] == "IN_PROGRESS"
    assert lead["status"]["name"] == "Learn"
    assert lead["status"]["alternativeCode"] == "LRN"
    assert lead["type"]["name"] == "New Customer"
    assert lead["accountsReceivable"]["number"] == "ACR0000000201"
    assert lead["leadSource"] == {
        "__typename": "WebsiteSource",
        "type": "WEBSITE",
        "name": "www.crm.com",
    }
    assert lead["startDate"] == "2016-11-01T13:14:39+00:00"
    assert lead["expectedCompletionDate"] == "2016-12-01T13:14:39+00:00"
    assert lead["actualCompletionDate"] is None
    assert lead["estimatedCompletionTime"] == period(1.0, "MONTHS")
    assert lead["timeToCompletion"] == period(1.0, "MONTHS")
    assert lead["timeOverdue"] is None
    assert lead["logInformation"]["updatedDate"] == "2016-11-01T13:17:00+00:00"
    assert await show(gql, "40") == lead


async def test_cancel_lead_5(gql: GraphQLClient, clock: Clock) -> None:
    # Given the seed's moment, and lead 5 PENDING
    clock.now = SEED_NOW["cancel"]
    assert (await show(gql, "5"))["lifeCycleState"] == "PENDING"

    # When it is cancelled
    lead = await mutate(gql, CANCEL, {"ref": {"number": "5"}})

    # Then it is CANCELLED, stamped now, and overdue by the seed's 7.258064516129032 months
    assert lead["lifeCycleState"] == "CANCELLED"
    assert lead["status"]["name"] == "Cancelled"
    assert lead["status"]["alternativeCode"] == "C"
    assert lead["accountsReceivable"]["number"] == "ACR0000000011"
    assert lead["accountsReceivable"]["name"] == "ACR0000000011 John Ioannou"
    assert lead["leadSource"] == {
        "__typename": "AdvertisementSource",
        "type": "ADVERTISEMENT",
        "name": "5",
    }
    assert lead["assignedTo"]["unit"] == {"name": "Main Unit"}
    assert lead["expectedCompletionDate"] == "2016-03-24T17:30:12+00:00"
    assert lead["actualCompletionDate"] == "2016-11-01T12:43:13+00:00"
    assert lead["timeOverdue"] == period(7.258064516129032, "MONTHS")
    assert lead["timeToCompletion"] is None
    assert lead["logInformation"]["updatedDate"] == "2016-11-01T12:43:13+00:00"

    # and, read later, the periods stay frozen at the cancellation
    clock.now = datetime(2026, 1, 1, tzinfo=UTC)
    assert await show(gql, "5") == lead


async def test_win_lead_41_with_its_existing_account(gql: GraphQLClient, clock: Clock) -> None:
    # Given the seed's moment, and lead 41 IN_PROGRESS for Kokos Panagi
    clock.now = SEED_NOW["win"]
    assert (await show(gql, "41"))["lifeCycleState"] == "IN_PROGRESS"

    # When it is won, billed to the existing ACR0000000201
    lead = await mutate(
        gql,
        WIN,
        {"ref": {"number": "41"}, "account": {"existing": {"number": "ACR0000000201"}}},
    )

    # Then it is WON, 29 days (4.142857142857143 weeks) before its expected completion
    assert lead["lifeCycleState"] == "WON"
    assert lead["status"]["name"] == "Won"
    assert lead["accountsReceivable"] == {
        "number": "ACR0000000201",
        "name": "ACR0000000201 Kokos Panagi",
        "lifeCycleState": "ACTIVE",
        "accountOwner": {"name": "Kokos Panagi"},
    }
    assert lead["contactInformation"]["lifeCycleState"] == "FINANCIAL"
    assert lead["startDate"] == "2016-11-01T14:57:21+00:00"
    assert lead["expectedCompletionDate"] == "2016-12-01T14:57:21+00:00"
    assert lead["actualCompletionDate"] == "2016-11-02T09:53:43+00:00"
    assert lead["timeToCompletion"] == period(4.142857142857143, "WEEKS")
    assert lead["timeOverdue"] is None
    assert lead["lostReason"] is None
    assert await show(gql, "41") == lead


async def test_lose_lead_44_to_competitors(gql: GraphQLClient, clock: Clock) -> None:
    # Given the seed's moment, and lead 44 IN_PROGRESS
    clock.now = SEED_NOW["lost"]
    assert (await show(gql, "44"))["lifeCycleState"] == "IN_PROGRESS"

    # When it is lost, for the reason named Competitors
    lead = await mutate(gql, LOSE, {"ref": {"number": "44"}, "reason": {"name": "Competitors"}})

    # Then it is LOST for that reason, a month before its expected completion, as the seed shows
    assert lead["lifeCycleState"] == "LOST"
    assert lead["status"] == {
        "id": "0409F011C88E479EBA7DDA61FB6BB89E",
        "name": "Lost",
        "alternativeCode": "LT",
        "lifeCycleState": "LOST",
    }
    assert lead["lostReason"] == {
        "id": "D4CB03A3D05A457AAC0854FFFAB0D20E",
        "name": "Competitors",
        "alternativeCode": "C",
    }
    assert lead["priority"] == 1
    assert lead["contactEmail"] == "kokos@crm.com"
    assert lead["leadSource"] == {
        "__typename": "WebsiteSource",
        "type": "WEBSITE",
        "name": "www.crm.com",
    }
    assert lead["accountsReceivable"]["number"] == "ACR0000000201"
    assert lead["category"] == {
        "id": "35EB799C52F14A8984FE2F397A852A78",
        "name": "New Customer",
        "code": "NC",
    }
    assert lead["expectedCompletionDate"] == "2016-12-02T09:55:51+00:00"
    assert lead["actualCompletionDate"] == "2016-11-02T10:19:23+00:00"
    assert lead["timeToCompletion"] == period(1.0, "MONTHS")
    assert lead["timeOverdue"] is None
    assert lead["logInformation"]["updatedDate"] == "2016-11-02T10:19:23+00:00"
    assert lead["logInformation"]["updatedByUser"] == {"username": "MPAdministrator"}
    assert await show(gql, "44") == lead
