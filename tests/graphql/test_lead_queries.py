"""The lead queries: paging, filters, the life cycle lists, one lead, and the form lists.

Expectations about the generated demo leads are derived from the data (a walk over every lead),
never from hard-coded numbers."""

import base64
from datetime import datetime
from typing import Any

from tests.conftest import Clock, GraphQLClient

PAGE = """
query ($first: Int!, $after: String, $offset: Int) {
  leads(first: $first, after: $after, offset: $offset) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { number } }
    nodes { number }
  }
}
"""

ATTRIBUTES = """
number lifeCycleState importance priority expectedCompletionDate
type { name } category { name }
contactInformation { demographics { idNumber } }
accountsReceivable { number }
leadSource { __typename ... on CustomSource { kind } }
"""

SOURCE_TYPES = {
    "WebsiteSource": "WEBSITE",
    "AdvertisementSource": "ADVERTISEMENT",
    "CommunicationSource": "COMMUNICATIONS",
    "NotificationSource": "NOTIFICATIONS",
    "EmployeeRecommendation": "RECOMMENDEDBYEMPLOYEE",
    "ContactRecommendation": "RECOMMENDEDBYCONTACT",
}
OPEN_STATES = {"PENDING", "IN_PROGRESS"}


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


def numbers(nodes: list[dict[str, Any]]) -> list[int]:
    return [int(node["number"]) for node in nodes]


def source_type(lead: dict[str, Any]) -> str:
    source = lead["leadSource"]
    if source["__typename"] == "CustomSource":
        kind: str = source["kind"]
        return kind
    return SOURCE_TYPES[source["__typename"]]


async def every_lead(gql: GraphQLClient) -> list[dict[str, Any]]:
    return await walk(gql, "leads", "", ATTRIBUTES)


# paging -------------------------------------------------------------------------------------


async def test_cursor_paging_walks_every_lead_once_in_order(gql: GraphQLClient) -> None:
    # Given how many leads there are
    total = (await gql.data("{ leads(first: 1) { totalCount } }"))["leads"]["totalCount"]

    # When the leads are read seven at a time, each page after the last cursor
    pages = []
    after = None
    while True:
        page = (await gql.data(PAGE, {"first": 7, "after": after}))["leads"]
        pages.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    # Then every lead comes once, in ascending number order, and the last page says so
    walked = [number for page in pages for number in numbers(page["nodes"])]
    assert len(walked) == total
    assert walked == sorted(set(walked))
    assert len(pages) == -(-total // 7)
    assert pages[-1]["pageInfo"]["hasNextPage"] is False
    assert pages[0]["pageInfo"]["hasPreviousPage"] is False
    for page in pages:
        assert page["totalCount"] == total
        assert 1 <= len(page["nodes"]) <= 7
        assert [edge["node"] for edge in page["edges"]] == page["nodes"]
        assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
    for page in pages[:-1]:
        assert len(page["nodes"]) == 7
        assert page["pageInfo"]["hasNextPage"] is True
    for page in pages[1:]:
        assert page["pageInfo"]["hasPreviousPage"] is True


async def test_offset_paging_equals_cursor_paging(gql: GraphQLClient) -> None:
    # Given the leads read by cursor, seven at a time
    by_cursor = []
    after = None
    while True:
        page = (await gql.data(PAGE, {"first": 7, "after": after}))["leads"]
        by_cursor.append(numbers(page["nodes"]))
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    # When they are read by offset, seven at a time
    by_offset = []
    for index in range(len(by_cursor)):
        page = (await gql.data(PAGE, {"first": 7, "offset": 7 * index}))["leads"]
        by_offset.append(numbers(page["nodes"]))
        assert page["pageInfo"]["hasNextPage"] is (index < len(by_cursor) - 1)
        assert page["pageInfo"]["hasPreviousPage"] is (index > 0)

    # Then the pages are the same
    assert by_offset == by_cursor


async def test_the_default_page_holds_20_leads(gql: GraphQLClient) -> None:
    # When the leads are listed without paging arguments
    page = (await gql.data("{ leads { totalCount nodes { number } } }"))["leads"]

    # Then the first 20 come
    assert len(page["nodes"]) == 20
    assert numbers(page["nodes"]) == sorted(numbers(page["nodes"]))
    assert page["totalCount"] > 20


def single_error(body: dict[str, Any]) -> dict[str, Any]:
    """The one error of a refused list query, whose data is null."""
    assert body["data"] is None
    assert len(body["errors"]) == 1
    error: dict[str, Any] = body["errors"][0]
    return error


async def test_after_and_offset_together_are_refused(gql: GraphQLClient) -> None:
    # Given a cursor
    first = (await gql.data(PAGE, {"first": 7}))["leads"]

    # When a page is asked for by cursor and by offset at once
    body = await gql(PAGE, {"first": 7, "after": first["pageInfo"]["endCursor"], "offset": 7})

    # Then it is refused, naming the offset
    error = single_error(body)
    assert error["message"] == "Page by cursor (after) or by offset, not both."
    assert error["path"] == ["leads"]
    assert error["extensions"]["code"] == "INVALID"
    assert error["extensions"]["field"] == "offset"
    assert error["extensions"]["value"] == "7"


async def test_a_page_of_101_is_refused(gql: GraphQLClient) -> None:
    # When 101 leads are asked for at once
    body = await gql(PAGE, {"first": 101})

    # Then it is refused before it runs: a page holds at most 100
    assert body["errors"] == [
        {
            "message": "The argument `first` of `leads` asks for 101 items; at most 100 are "
            "allowed.",
            "locations": [{"line": 3, "column": 16}],
            "extensions": {"code": "QUERY_TOO_COMPLEX", "value": 101, "maximum": 100},
        }
    ]


async def test_a_page_of_100_is_served(gql: GraphQLClient) -> None:
    # When 100 leads are asked for at once
    page = (await gql.data(PAGE, {"first": 100}))["leads"]

    # Then 100 come
    assert len(page["nodes"]) == 100


async def test_a_negative_offset_is_refused(gql: GraphQLClient) -> None:
    body = await gql(PAGE, {"first": 7, "offset": -1})

    error = single_error(body)
    assert error["extensions"]["code"] == "INVALID"
    assert error["extensions"]["field"] == "offset"
    assert error["extensions"]["value"] == "-1"


async def test_a_cursor_that_is_not_ours_is_refused(gql: GraphQLClient) -> None:
    foreign = base64.urlsafe_b64encode(b"user:19").decode()
    for cursor in ("not a cursor", foreign, "!!!"):
        # When a page is asked for after something that is not one of our cursors
        body = await gql(PAGE, {"first": 7, "after": cursor})

        # Then it is refused, naming the cursor
        error = single_error(body)
        assert error["message"] == "This is not a cursor of ours."
        assert error["extensions"]["code"] == "INVALID"
        assert error["extensions"]["field"] == "after"
        assert error["extensions"]["value"] == cursor


# filters ------------------------------------------------------------------------------------


async def test_combined_filters_all_apply(gql: GraphQLClient) -> None:
    # Given every lead, and the leads of the most common (importance, priority) among the
    # Software Purchase ones
    leads = await every_lead(gql)
    software = [lead for lead in leads if lead["type"]["name"] == "Software Purchase"]
    combinations: dict[tuple[str, int], int] = {}
    for lead in software:
        key = (lead["importance"], lead["priority"])
        combinations[key] = combinations.get(key, 0) + 1
    importance, priority = max(combinations, key=lambda key: combinations[key])
    expected = [
        int(lead["number"])
        for lead in software
        if lead["importance"] == importance and lead["priority"] == priority
    ]
    assert len(expected) >= 2

    # When the leads are listed with type, importance and priority together
    listed = await walk(
        gql,
        "leads",
        f'filter: {{type: {{name: "Software Purchase"}}, importance: {importance}, '
        f"priority: {priority}}}",
        ATTRIBUTES,
    )

    # Then exactly the leads that meet all three come
    assert numbers(listed) == expected
    for lead in listed:
        assert lead["type"]["name"] == "Software Purchase"
        assert (lead["importance"], lead["priority"]) == (importance, priority)


async def test_every_filter_at_once(gql: GraphQLClient) -> None:
    # Given every lead, and one of the generated ones with an accounts receivable
    leads = await every_lead(gql)
    model = next(
        lead for lead in leads if int(lead["number"]) >= 100 and lead["accountsReceivable"]
    )
    expected = [
        int(lead["number"])
        for lead in leads
        if lead["contactInformation"] == model["contactInformation"]
        and lead["accountsReceivable"] == model["accountsReceivable"]
        and lead["type"] == model["type"]
        and lead["category"] == model["category"]
        and source_type(lead) == source_type(model)
        and lead["importance"] == model["importance"]
        and lead["priority"] == model["priority"]
    ]

    # When the leads are listed with all seven filters, set to that lead's values
    listed = await walk(
        gql,
        "leads",
        "filter: {"
        f'contact: {{idNumber: "{model["contactInformation"]["demographics"]["idNumber"]}"}}, '
        f'accountsReceivable: {{number: "{model["accountsReceivable"]["number"]}"}}, '
        f'type: {{name: "{model["type"]["name"]}"}}, '
        f'category: {{name: "{model["category"]["name"]}"}}, '
        f"source: {source_type(model)}, importance: {model['importance']}, "
        f"priority: {model['priority']}}}",
        "number",
    )

    # Then exactly the leads that meet all of them come, that lead among them
    assert numbers(listed) == expected
    assert int(model["number"]) in expected


async def test_a_filter_on_a_state_list_applies_within_the_state(gql: GraphQLClient) -> None:
    # Given every lead
    leads = await every_lead(gql)
    expected = [
        int(lead["number"])
        for lead in leads
        if lead["lifeCycleState"] == "PENDING"
        and lead["category"]["name"] == "New Customer"
        and source_type(lead) == "WEBSITE"
    ]
    assert expected

    # When the pending leads are listed by category (by code) and source
    listed = await walk(
        gql, "pendingLeads", 'filter: {category: {code: "NC"}, source: WEBSITE}', "number"
    )

    # Then exactly the pending ones that meet both come
    assert numbers(listed) == expected


async def test_a_filter_reference_that_matches_nothing_is_an_error(gql: GraphQLClient) -> None:
    # When the leads of a contact that does not exist are asked for
    body = await gql('{ leads(filter: {contact: {idNumber: "000000"}}) { totalCount } }')

    # Then the error names the filter and the value, and no data comes
    error = single_error(body)
    assert error["message"] == "No contact has id number '000000'."
    assert error["path"] == ["leads"]
    assert error["extensions"] == {
        "code": "NOT_FOUND",
        "field": "filter.contact.idNumber",
        "value": "000000",
        "problems": [
            {
                "field": "filter.contact.idNumber",
                "value": "000000",
                "code": "NOT_FOUND",
                "message": "No contact has id number '000000'.",
            }
        ],
    }


async def test_every_filter_reference_that_matches_nothing_is_named(gql: GraphQLClient) -> None:
    # When a state list is asked for with two references that match nothing
    body = await gql(
        '{ wonLeads(filter: {accountsReceivable: {number: "ACR9"}, type: {name: "Nope"}}) '
        "{ totalCount } }"
    )

    # Then one error names both
    error = single_error(body)
    assert error["path"] == ["wonLeads"]
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["extensions"]["field"] == "filter.accountsReceivable.number"
    assert error["extensions"]["value"] == "ACR9"
    assert [
        (problem["field"], problem["value"], problem["code"])
        for problem in error["extensions"]["problems"]
    ] == [
        ("filter.accountsReceivable.number", "ACR9", "NOT_FOUND"),
        ("filter.type.name", "Nope", "NOT_FOUND"),
    ]


# one lead -----------------------------------------------------------------------------------


async def test_a_lead_by_a_number_that_names_none_is_null(gql: GraphQLClient) -> None:
    body = await gql('{ lead(ref: {number: "999999"}) { number } }')

    assert body == {"data": {"lead": None}}


async def test_a_lead_by_a_number_that_is_not_a_number_is_invalid(gql: GraphQLClient) -> None:
    # When a lead is asked for by a number that is not one
    body = await gql('{ lead(ref: {number: "abc"}) { number } }')

    # Then the error says so
    assert body["data"] == {"lead": None}
    assert len(body["errors"]) == 1
    error = body["errors"][0]
    assert error["message"] == "'abc' is not a valid lead."
    assert error["path"] == ["lead"]
    assert error["extensions"]["code"] == "INVALID"
    assert error["extensions"]["field"] == "ref.number"
    assert error["extensions"]["value"] == "abc"


async def test_a_lead_by_id_and_by_number_is_the_same(gql: GraphQLClient) -> None:
    by_number = (await gql.data('{ lead(ref: {number: "19"}) { id number } }'))["lead"]

    by_id = await gql.data(
        "query ($id: ID!) { lead(ref: {id: $id}) { id number } }", {"id": by_number["id"]}
    )

    assert by_id == {"lead": by_number}


async def test_a_lead_by_an_unknown_id_is_null(gql: GraphQLClient) -> None:
    body = await gql('{ lead(ref: {id: "00000000000000000000000000000000"}) { number } }')

    assert body == {"data": {"lead": None}}


# life cycle lists ---------------------------------------------------------------------------


async def test_each_state_list_returns_only_its_state(gql: GraphQLClient) -> None:
    # Given every lead
    leads = await every_lead(gql)

    # When each state's list is read
    by_state = {}
    for field, state in (
        ("pendingLeads", "PENDING"),
        ("inProgressLeads", "IN_PROGRESS"),
        ("wonLeads", "WON"),
        ("lostLeads", "LOST"),
        ("cancelledLeads", "CANCELLED"),
    ):
        listed = await walk(gql, field, "", "number lifeCycleState status { lifeCycleState }")
        by_state[state] = listed

        # Then it holds exactly the leads in that state
        assert {lead["lifeCycleState"] for lead in listed} == {state}
        assert {lead["status"]["lifeCycleState"] for lead in listed} == {state}
        assert numbers(listed) == [
            int(lead["number"]) for lead in leads if lead["lifeCycleState"] == state
        ]

    # and together they hold every lead once
    assert sorted(number for listed in by_state.values() for number in numbers(listed)) == (
        numbers(leads)
    )


async def test_overdue_leads_are_the_open_ones_past_their_date(
    gql: GraphQLClient, clock: Clock
) -> None:
    # Given every lead, and now
    leads = await every_lead(gql)
    expected = [
        int(lead["number"])
        for lead in leads
        if lead["lifeCycleState"] in OPEN_STATES
        and datetime.fromisoformat(lead["expectedCompletionDate"]) < clock.now
    ]
    assert expected

    # When the overdue leads are read
    overdue = await walk(
        gql,
        "overdueLeads",
        "",
        "number lifeCycleState timeOverdue { value unit } timeToCompletion { value }",
    )

    # Then exactly the open leads expected before now come, each overdue
    assert numbers(overdue) == expected
    for lead in overdue:
        assert lead["lifeCycleState"] in OPEN_STATES
        assert lead["timeOverdue"] is not None
        assert lead["timeOverdue"]["value"] > 0
        assert lead["timeToCompletion"] is None


async def test_close_to_completion_needs_a_positive_period(gql: GraphQLClient) -> None:
    body = await gql("{ leadsCloseToCompletion(period: 0, unit: DAYS) { totalCount } }")

    error = single_error(body)
    assert error["extensions"]["code"] == "INVALID"
    assert error["extensions"]["field"] == "period"
    assert error["extensions"]["value"] == "0"


# form lists ---------------------------------------------------------------------------------


async def test_the_form_lists(gql: GraphQLClient) -> None:
    # When the lists a form picks from are read
    data = await gql.data(
        """
        {
          leadTypes {
            name alternativeCode emailOnCreate smsOnCreate
            defaultCategory { code } createStatus { name } startStatus { name }
            winStatus { name } loseStatus { name } cancelStatus { name }
          }
          leadStatuses { name alternativeCode lifeCycleState }
          leadCategories { name code }
          lostReasons { name alternativeCode }
          competitors { name website }
          products { code alternativeCode productType { alternativeCode } }
          users { username personName role groups { name } }
          groups { name alternativeCode }
          contacts(search: "Panagi") {
            name lifeCycleState demographics { idNumber }
          }
        }
        """
    )

    # Then they hold the demo's records
    assert data["leadTypes"] == [
        {
            "name": "New Customer",
            "alternativeCode": "NC",
            "emailOnCreate": False,
            "smsOnCreate": False,
            "defaultCategory": {"code": "NC"},
            "createStatus": {"name": "Reach"},
            "startStatus": {"name": "Learn"},
            "winStatus": {"name": "Won"},
            "loseStatus": {"name": "Lost"},
            "cancelStatus": {"name": "Cancelled"},
        },
        {
            "name": "Software Purchase",
            "alternativeCode": "SP",
            "emailOnCreate": True,
            "smsOnCreate": False,
            "defaultCategory": {"code": "SP"},
            "createStatus": {"name": "Reach"},
            "startStatus": {"name": "Interest"},
            "winStatus": {"name": "Won"},
            "loseStatus": {"name": "Lost"},
            "cancelStatus": {"name": "Cancelled"},
        },
    ]
    assert data["leadStatuses"] == [
        {"name": "Cancelled", "alternativeCode": "C", "lifeCycleState": "CANCELLED"},
        {"name": "Interest", "alternativeCode": "I", "lifeCycleState": "IN_PROGRESS"},
        {"name": "Learn", "alternativeCode": "LRN", "lifeCycleState": "IN_PROGRESS"},
        {"name": "Lost", "alternativeCode": "LT", "lifeCycleState": "LOST"},
        {"name": "Reach", "alternativeCode": "R", "lifeCycleState": "PENDING"},
        {"name": "Won", "alternativeCode": "WN", "lifeCycleState": "WON"},
    ]
    assert data["leadCategories"] == [
        {"name": "New Customer", "code": "NC"},
        {"name": "Software Purchase", "code": "SP"},
    ]
    assert data["lostReasons"] == [
        {"name": "Competitors", "alternativeCode": "C"},
        {"name": "Price", "alternativeCode": "P"},
    ]
    assert data["competitors"] == [
        {"name": "Competitor 1", "website": "www.competitor1.com"},
        {"name": "Competitor 2", "website": "www.competitor2.com"},
        {"name": "Competitor 4", "website": "www.competitor4.com"},
        {"name": "MagnaQuest", "website": None},
    ]
    assert data["products"] == [
        {"code": "123", "alternativeCode": "1_13", "productType": {"alternativeCode": "STB"}},
        {
            "code": "Adult- Only for Additional",
            "alternativeCode": "AOA",
            "productType": {"alternativeCode": "AS"},
        },
        {
            "code": "Combo - All available channels",
            "alternativeCode": "C-AAC",
            "productType": {"alternativeCode": "SP"},
        },
        {
            "code": "Local + Documentaries + Int.",
            "alternativeCode": "LDI",
            "productType": {"alternativeCode": "SP"},
        },
        {
            "code": "Local + Documentaries + Sport",
            "alternativeCode": "LDS",
            "productType": {"alternativeCode": "SP"},
        },
        {"code": "MAD MAX", "alternativeCode": None, "productType": {"alternativeCode": "AO"}},
        {"code": "Modem A+", "alternativeCode": "MA", "productType": {"alternativeCode": "MODEM"}},
        {
            "code": "Sports On Full Access",
            "alternativeCode": "SOFA",
            "productType": {"alternativeCode": "AS"},
        },
    ]
    # (ordered by username; compared sorted, as databases collate case differently)
    main, csr = [{"name": "Main Group"}], [{"name": "CSR Group"}]
    assert sorted(data["users"], key=lambda user: user["username"]) == [
        {
            "username": "MPAdministrator",
            "personName": "CRM COM",
            "role": "ADMINISTRATOR",
            "groups": main,
        },
        {"username": "Smanager", "personName": "Smanager", "role": "ADMINISTRATOR", "groups": main},
        {"username": "mariosmtest", "personName": "Marios Test", "role": "SALES", "groups": main},
        {
            "username": "sales.csr",
            "personName": "Sales of CSR Group",
            "role": "SALES",
            "groups": csr,
        },
        {
            "username": "sales.main",
            "personName": "Sales of Main Group",
            "role": "SALES",
            "groups": main,
        },
        {"username": "salesagent", "personName": "Sales Agent", "role": "SALES", "groups": main},
        {
            "username": "viewer.main",
            "personName": "Viewer of Main Group",
            "role": "READ_ONLY",
            "groups": main,
        },
        {"username": "x_poulli", "personName": "x_poulli", "role": "SALES", "groups": main},
    ]
    assert data["groups"] == [
        {"name": "CSR Group", "alternativeCode": "CSR"},
        {"name": "Main Group", "alternativeCode": "MG"},
    ]
    assert data["contacts"] == [
        {
            "name": "Kokos Panagi",
            "lifeCycleState": "FINANCIAL",
            "demographics": {"idNumber": "21312312"},
        }
    ]


async def test_contacts_search_by_id_number_and_case(gql: GraphQLClient) -> None:
    data = await gql.data(
        '{ byNumber: contacts(search: "593664") { name } '
        'byLowerCase: contacts(search: "lannister") { name } '
        'none: contacts(search: "zzzz") { name } }'
    )

    assert data == {
        "byNumber": [{"name": "Marios Lannister"}],
        "byLowerCase": [{"name": "Marios Lannister"}],
        "none": [],
    }
