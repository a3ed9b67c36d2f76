"""The lists and `show` of the facade: `fields_set`, paging by `number_of_results` and
`offset`, who sees which leads, and batched loading (statements do not grow with the page)."""

from typing import Any

import pytest

from tests.conftest import GraphQLClient, StatementCounter
from tests.rest.conftest import RestClient, answered, refusal

STATE_LISTS = ("get_pending", "get_in_progress", "get_won_leads", "get_lost_leads", "get_cancelled")


def numbers(leads: list[dict[str, Any]]) -> list[int]:
    return [int(lead["number"]) for lead in leads]


async def test_fields_set_gives_only_those_fields_and_the_id(rest: RestClient) -> None:
    # When lead 19 is shown with a fields_set, and lead 19 in full
    chosen = await rest.lead(19, "number, status,time_overdue")
    full = await rest.lead(19)

    # Then only those fields come, with the id, as in full
    assert list(chosen) == ["id", "number", "status", "time_overdue"]
    assert chosen == {key: full[key] for key in chosen}


async def test_fields_set_in_a_list_and_in_a_body(rest: RestClient) -> None:
    # When a list and an action are asked for a few fields (a body takes a list of names too)
    listed = answered(await rest.get("get_won_leads", "fields_set=number,life_cycle_state"))
    started = answered(
        await rest.post(
            "start_progress",
            {"lead_identifier": {"number": "40"}, "fields_set": ["status", "life_cycle_state"]},
        )
    )

    # Then each lead carries those and its id
    assert {tuple(lead) for lead in listed} == {("id", "number", "life_cycle_state")}
    assert {lead["life_cycle_state"] for lead in listed} == {"WON"}
    assert list(started) == ["id", "life_cycle_state", "status"]
    assert started["status"]["name"] == "Learn"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ("number,colour", "fields_set 'number,colour': A lead has the fields id, number,"),
        (",", "fields_set ',': A lead has the fields id, number,"),
    ],
)
async def test_fields_set_names_fields_of_a_lead(
    rest: RestClient, fields: str, message: str
) -> None:
    # When a field a lead does not have is asked for
    response = await rest.get("show", f"lead_identifier=number=19&fields_set={fields}")

    # Then it is refused, listing the fields there are
    text = refusal(response, 400, "INVALID")
    assert text.startswith(message)
    assert text.endswith("not colour." if "colour" in fields else "name at least one.")


async def test_paging_by_number_of_results_and_offset(rest: RestClient, gql: GraphQLClient) -> None:
    # Given the pending leads, as GraphQL pages them
    data = await gql.data("{ pendingLeads(first: 30) { totalCount nodes { number } } }")
    every = [int(node["number"]) for node in data["pendingLeads"]["nodes"]]

    # When they are read 20 at a time by default, then 7 at a time from an offset
    first = answered(await rest.get("get_pending", "fields_set=number"))
    second = answered(
        await rest.get("get_pending", "fields_set=number&number_of_results=7&offset=20")
    )
    none = answered(await rest.get("get_pending", "number_of_results=0"))
    past = answered(await rest.get("get_pending", "offset=100000"))

    # Then the pages follow each other by number
    assert numbers(first) == every[:20]
    assert numbers(second) == every[20:27]
    assert none == []
    assert past == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("number_of_results=101", "number_of_results '101': A page holds from 0 to 100 leads."),
        ("number_of_results=-1", "number_of_results '-1': A page holds from 0 to 100 leads."),
        ("offset=-1", "offset '-1': The offset cannot be negative."),
        ("offset=ten", "offset 'ten': Give a whole number."),
        (
            "number_of_results=99999999999",
            "number_of_results '99999999999': Give a whole number of at most 10 digits.",
        ),
    ],
)
async def test_bad_paging(rest: RestClient, query: str, message: str) -> None:
    # When a page is asked for with a wrong size or offset
    response = await rest.get("get_pending", query)

    # Then it is refused, naming the parameter
    assert refusal(response, 400, "INVALID") == message


async def every_lead(rest: RestClient, token: str) -> list[int]:
    """The numbers of every lead a user sees, read through the five state lists, page by page."""
    seen: list[int] = []
    for method in STATE_LISTS:
        offset = 0
        while True:
            query = f"fields_set=number&number_of_results=100&offset={offset}"
            page = answered(await rest.get(method, query, token=token))
            seen += numbers(page)
            if len(page) < 100:
                break
            offset += 100
    return sorted(seen)


@pytest.mark.parametrize(
    ("username", "seen"),
    [("MPAdministrator", 226), ("sales.main", 148), ("sales.csr", 114), ("viewer.main", 133)],
)
async def test_each_user_lists_the_leads_they_may_see(
    rest: RestClient, gql: GraphQLClient, username: str, seen: int
) -> None:
    # Given a user signed in through the facade, and the same user through GraphQL
    token = await rest.sign_in(username)
    graphql_login = await gql.data(
        'mutation ($u: String!) { login(username: $u, password: "demo") { token } }',
        {"u": username},
    )
    graphql_token = graphql_login["login"]["token"]
    listed: list[int] = []
    after = None
    while True:
        response = await gql.post(
            "query ($after: String) { leads(first: 100, after: $after) "
            "{ pageInfo { hasNextPage endCursor } nodes { number } } }",
            {"after": after},
            token=graphql_token,
        )
        page = response.json()["data"]["leads"]
        listed += [int(node["number"]) for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    # When every lead they see is listed through the facade
    visible = await every_lead(rest, token)

    # Then it is exactly what GraphQL shows them
    assert len(visible) == seen
    assert visible == sorted(listed)


async def test_a_filter_lists_only_visible_leads(rest: RestClient) -> None:
    # Given sales.main, who sees lead 69's contact but not lead 69 (CSR Group's)
    token = await rest.sign_in("sales.main")

    # When the list of that contact's leads is asked for, by them and by the administrator
    query = "contact_information_identifier=id_number=121212&fields_set=number"
    theirs = answered(await rest.get("list", query, token=token))
    all_of_them = answered(await rest.get("list", query))

    # Then lead 69 is left out for them
    assert numbers(all_of_them) == [69]
    assert theirs == []


# Given to the first five leads in progress, so that the smallest page already holds every kind of
# record a lead nests.
EVERY_KIND: list[dict[str, Any]] = [
    {
        "source": {"type": "COMMUNICATIONS", "source_communications_identifier": {"number": "204"}},
        "users_set": [{"action": "add", "user_identifier": {"username": "salesagent"}}],
        "competitors_set": [{"action": "add", "competitor_identifier": {"name": "Competitor 1"}}],
        "assigned_to": {
            "user_identifier": {"username": "Smanager"},
            "unit_identifier": {"name": "Main Unit"},
        },
        "privacy_level_identifier": {"name": "Public"},
        "lead_owner": {"username": "x_poulli"},
        "subscription_package_identifier": {"name": "Simple Package"},
    },
    {
        "source": {"type": "NOTIFICATIONS", "source_notifications_identifier": {"number": "N1"}},
        "services_set": [
            {"action": "add", "product_identifier": {"alternative_code": "SOFA"}},
            {"action": "add", "product_type_identifier": {"name": "Subscription Packages"}},
        ],
        "physical_goods_set": [
            {"action": "add", "product_identifier": {"alternative_code": "MA"}},
        ],
        "products_set": [
            {"action": "add", "lead_product_identifier": {"product_identifier": {"code": "123"}}},
            {
                "action": "add",
                "lead_product_identifier": {"product_family_identifier": {"name": "Channels"}},
            },
            {
                "action": "add",
                "lead_product_identifier": {"product_brand_identifier": {"name": "Corso Shoes"}},
            },
        ],
    },
    {
        "source": {
            "type": "RECOMMENDEDBYEMPLOYEE",
            "source_recommendedbyemployee_identifier": {"username": "mariosmtest"},
        }
    },
    {
        "source": {
            "type": "RECOMMENDEDBYCONTACT",
            "source_recommendedbycontact_identifier": {"id_number": "21312312"},
        }
    },
    {"source": {"type": "CUSTOM1", "name": "Trade fair"}},
]
TRANSACTION_CONTROL = frozenset({"BEGIN", "COMMIT", "ROLLBACK"})
# On pages of 5, 40 and 80 leads whose first five nest every kind of record: the token's
# check, the page, every record the leads name at any depth (one joined statement), and the
# items of their sets with what those name (one more). Transaction control is left out:
# drivers differ there.
QUERIES_PER_PAGE = 4


async def counted(
    rest: RestClient, statements: StatementCounter, method: str, query: str
) -> tuple[Any, int]:
    """The data of `GET leads/<method>?<query>`, and the queries it sent, apart from
    transaction control."""
    statements.statements.clear()
    statements.counting = True
    try:
        data = answered(await rest.get(method, query))
    finally:
        statements.counting = False
    sent = statements.statements
    return data, len([text for text in sent if text.strip().upper() not in TRANSACTION_CONTROL])


async def test_statements_do_not_grow_with_the_page(
    rest: RestClient, statements: StatementCounter
) -> None:
    # Given the first five leads in progress carry every kind of record a lead nests
    first = answered(await rest.get("get_in_progress", "number_of_results=5&fields_set=number"))
    for lead, changes in zip(first, EVERY_KIND, strict=True):
        answered(await rest.post("update", {"lead_identifier": {"id": lead["id"]}, **changes}))

    # When pages of 5, 40 and 80 leads are read in full
    queries = {}
    for size in (5, 40, 80):
        page, queries[size] = await counted(
            rest, statements, "get_in_progress", f"number_of_results={size}"
        )
        assert len(page) == size
        assert numbers(page[:5]) == numbers(first)

    # Then each sends as many queries as the page of 5, and they are four
    assert queries[40] == queries[5]
    assert queries[80] == queries[5]
    assert queries[5] == QUERIES_PER_PAGE
    sources = [lead["lead_source"] for lead in page[:5]]
    assert [source["type"] for source in sources] == [
        "COMMUNICATIONS", "NOTIFICATIONS", "RECOMMENDEDBYEMPLOYEE", "RECOMMENDEDBYCONTACT",
        "CUSTOM1",
    ]  # fmt: skip
    assert sources[0]["communication"]["contact_information"]["name"] == "Lionel Messi"
    assert sources[1]["notification"]["contact_information"]["name"] == "Marios Lannister"
    assert sources[2]["recommended_by_employee"]["username"] == "mariosmtest"
    assert sources[3]["recommended_by_contact"]["name"] == "Kokos Panagi"
    assert sources[4] == {"type": "CUSTOM1", "name": "Trade fair"}
    assert page[0]["assigned_to"]["unit"]["name"] == "Main Unit"
    assert page[0]["lead_owner"]["username"] == "x_poulli"
    assert page[0]["privacy_level"]["name"] == "Public"
    assert page[1]["products_set"][0]["product"]["product_type"]["name"] == "SET TOP BOX"
    assert page[1]["products_set"][1]["product_family"]["name"] == "Channels"
    assert page[1]["products_set"][2]["product_brand"]["name"] == "Corso Shoes"


async def test_a_page_of_keys_that_nest_nothing_reads_nothing_around_its_leads(
    rest: RestClient, statements: StatementCounter
) -> None:
    # When a page of 20 is read with only keys of the lead's own row, then with its status
    plain, plain_queries = await counted(
        rest, statements, "get_pending", "fields_set=number,priority,start_date"
    )
    with_status, status_queries = await counted(
        rest, statements, "get_pending", "fields_set=number,status"
    )

    # Then the first sends the token's and the page's statements only; the status costs the
    # two that read around the leads
    assert (plain_queries, status_queries) == (2, 4)
    assert [sorted(lead) for lead in plain[:1]] == [["id", "number", "priority", "start_date"]]
    assert numbers(plain) == numbers(with_status)
    assert with_status[0]["status"]["life_cycle_state"] == "PENDING"
