"""The number of SQL statements of a lead list does not grow with the page: the page (the
total counted in it), then everything around its leads in one joined statement, and the
items of every set in one more."""

from typing import Any

import pytest

from app.bench.probes import PAGE_SELECTION
from app.settings import Settings
from tests.conftest import GraphQLClient, StatementCounter

# The bench's page (app/bench/probes.py): about 25 fields per lead, every kind of record.
RICH_SELECTION = PAGE_SELECTION

# Observed on a page of 5, 50 or 100 leads whose first five carry every kind of record: the
# token's, the page's (the total counted in it), one for every record the leads name at any
# depth, and one for the items of every set (users, competitors, products) with what they
# name. Transaction control (BEGIN on SQLite) is left out: drivers differ there.
QUERIES_PER_PAGE = 4
TRANSACTION_CONTROL = frozenset({"BEGIN", "COMMIT", "ROLLBACK"})

UPDATE = (
    "mutation ($number: String!, $input: UpdateLeadInput!) "
    "{ updateLead(ref: {number: $number}, input: $input) { errors { field code } } }"
)
LOSE = (
    "mutation ($number: String!) { loseLead(ref: {number: $number}, "
    'lostReason: {name: "Competitors"}) { errors { field code } } }'
)

# What the first five leads of a page are given, so that the smallest page already holds
# every kind of record the rich selection loads (a page of 50 then holds no kind more).
EVERY_KIND: list[dict[str, Any]] = [
    {
        "source": {"communication": {"number": "204"}},
        "users": [{"add": {"username": "salesagent"}}],
        "competitors": [{"add": {"name": "Competitor 1"}}],
        "assignedTo": {"user": {"username": "Smanager"}, "unit": {"name": "Main Unit"}},
        "privacyLevel": {"name": "Public"},
        "leadOwner": {"username": "x_poulli"},
        "subscriptionPackage": {"name": "Simple Package"},
    },
    {
        "source": {"notification": {"number": "N1"}},
        "services": [
            {"add": {"product": {"alternativeCode": "SOFA"}}},
            {"add": {"productType": {"name": "Subscription Packages"}}},
        ],
        "physicalGoods": [
            {"add": {"product": {"alternativeCode": "MA"}}},
            {"add": {"productType": {"name": "Modem"}}},
        ],
        "products": [
            {"add": {"product": {"alternativeCode": "LDS"}}},
            {"add": {"productFamily": {"name": "Channels"}}},
            {"add": {"productBrand": {"name": "Corso Shoes"}}},
        ],
    },
    {"source": {"recommendedByEmployee": {"username": "mariosmtest"}}},
    {"source": {"recommendedByContact": {"idNumber": "21312312"}}},
    {"source": {"custom": {"kind": "CUSTOM1", "name": "Trade fair"}}},
]


async def give_every_kind(gql: GraphQLClient, field: str) -> list[str]:
    """Give the first five leads of `field` every kind of related record; their numbers."""
    page = await gql.data(f"{{ {field}(first: 5) {{ nodes {{ number }} }} }}")
    numbers = [node["number"] for node in page[field]["nodes"]]
    for number, changes in zip(numbers, EVERY_KIND, strict=True):
        result = await gql.data(UPDATE, {"number": number, "input": changes})
        assert result["updateLead"]["errors"] == []
    if field == "leads":
        # a lost reason only comes with a LOST lead (never an overdue one)
        result = await gql.data(LOSE, {"number": numbers[-1]})
        assert result["loseLead"]["errors"] == []
    return numbers


async def count_statements(
    gql: GraphQLClient, statements: StatementCounter, field: str, first: int
) -> tuple[int, int, Any]:
    """The queries, and all statements, that one request for `first` leads of `field` sends;
    and the page."""
    query = f"{{ {field}(first: {first}) {{ {RICH_SELECTION} }} }}"
    statements.statements.clear()
    statements.counting = True
    try:
        data = await gql.data(query)
    finally:
        statements.counting = False
    sent = statements.statements
    queries = [text for text in sent if text.strip().upper() not in TRANSACTION_CONTROL]
    return len(queries), len(sent), data[field]


@pytest.mark.parametrize("field", ["leads", "overdueLeads"])
async def test_statements_do_not_grow_with_the_page(
    gql: GraphQLClient, statements: StatementCounter, field: str
) -> None:
    # Given the first five leads of the list carry every kind of related record
    numbers = await give_every_kind(gql, field)

    # When pages of 5, 10, 50 and 100 leads are read with a rich selection
    queries, sent = {}, {}
    for first in (5, 10, 50, 100):
        queries[first], sent[first], page = await count_statements(gql, statements, field, first)
        assert len(page["nodes"]) == min(first, page["totalCount"])
        assert [node["number"] for node in page["nodes"][:5]] == numbers

    # Then each sends the same statements, as many for 100 leads as for 5
    expected = QUERIES_PER_PAGE
    assert queries == {5: expected, 10: expected, 50: expected, 100: expected}
    assert sent[10] == sent[50] == sent[100] == sent[5]


async def test_the_first_five_leads_hold_every_kind_of_record(
    gql: GraphQLClient, statements: StatementCounter
) -> None:
    # Given the first five leads given every kind of related record
    await give_every_kind(gql, "leads")

    # When a page of five is read with the rich selection
    _, _, page = await count_statements(gql, statements, "leads", 5)

    # Then every batch had something to load
    nodes = page["nodes"]
    assert [node["leadSource"]["__typename"] for node in nodes] == [
        "CommunicationSource",
        "NotificationSource",
        "EmployeeRecommendation",
        "ContactRecommendation",
        "CustomSource",
    ]
    assert nodes[0]["leadSource"]["communication"]["contactInformation"] == {"name": "Lionel Messi"}
    assert [node["lifeCycleState"] for node in nodes][-1] == "LOST"
    assert nodes[-1]["lostReason"] == {"name": "Competitors"}
    assert nodes[0]["usersSet"] == [{"user": {"username": "salesagent"}}]
    assert nodes[0]["competitorsSet"] == [{"competitor": {"name": "Competitor 1"}}]
    assert nodes[0]["assignedTo"] == {
        "user": {"username": "Smanager", "unit": {"name": "Admin Unit"}},
        "unit": {"name": "Main Unit"},
    }
    assert nodes[0]["privacyLevel"] == {"name": "Public"}
    assert nodes[0]["leadOwner"] == {"username": "x_poulli"}
    assert nodes[0]["subscriptionPackage"] == {"name": "Simple Package"}
    assert nodes[1]["servicesSet"] == [
        {
            "product": {
                "code": "Sports On Full Access",
                "productType": {"name": "Additional Services"},
            },
            "productType": None,
            "productFamily": None,
            "productBrand": None,
        },
        {
            "product": None,
            "productType": {"name": "Subscription Packages"},
            "productFamily": None,
            "productBrand": None,
        },
    ]
    assert nodes[1]["physicalGoodsSet"] == [
        {"product": {"code": "Modem A+", "productType": {"name": "Modem"}}, "productType": None},
        {"product": None, "productType": {"name": "Modem"}},
    ]
    assert nodes[1]["productsSet"] == [
        {
            "product": {"code": "Local + Documentaries + Sport"},
            "productType": None,
            "productFamily": None,
            "productBrand": None,
        },
        {
            "product": None,
            "productType": None,
            "productFamily": {"name": "Channels"},
            "productBrand": None,
        },
        {
            "product": None,
            "productType": None,
            "productFamily": None,
            "productBrand": {"name": "Corso Shoes"},
        },
    ]
    for node in nodes:
        assert node["accountsReceivable"]["accountOwner"]["name"]
        assert node["logInformation"]["createdByUser"] == {"username": "MPAdministrator"}


HISTORY_SELECTION = """
totalCount
nodes {
  number
  history(first: 100) {
    pageInfo { hasNextPage endCursor }
    edges { cursor }
    nodes { cursor at action by { username unit { name } } changes { field oldValue newValue } }
  }
}
"""
# The signed-in user, the page with its count, the history entries of every lead of the page
# in one statement, and the users who took the actions and their units in one batch each.
HISTORY_QUERIES_PER_PAGE = 5


@pytest.fixture
def settings(database_url: str) -> Settings:
    # A page of 100 leads with 100 history entries each costs 500,301 points, far above what
    # one request may cost: these tests count statements, not points.
    return Settings(
        database_url=database_url, max_query_cost=1_000_000, rate_limit_points=1_000_000
    )


async def test_history_statements_do_not_grow_with_the_page(
    gql: GraphQLClient, statements: StatementCounter
) -> None:
    # Given the first five leads changed once more (the last one lost, too)
    histories = await gql.data(f"{{ leads(first: 5) {{ {HISTORY_SELECTION} }} }}")
    earlier = [
        [entry["action"] for entry in node["history"]["nodes"]]
        for node in histories["leads"]["nodes"]
    ]
    numbers = await give_every_kind(gql, "leads")

    # When pages of 5, 50 and 100 leads are read with each lead's history
    queries, sent = {}, {}
    for first in (5, 50, 100):
        query = f"{{ leads(first: {first}) {{ {HISTORY_SELECTION} }} }}"
        statements.statements.clear()
        statements.counting = True
        try:
            page = (await gql.data(query))["leads"]
        finally:
            statements.counting = False
        sent[first] = len(statements.statements)
        queries[first] = len(
            [s for s in statements.statements if s.strip().upper() not in TRANSACTION_CONTROL]
        )
        assert len(page["nodes"]) == min(first, page["totalCount"])
        assert [node["number"] for node in page["nodes"][:5]] == numbers
        # every demo lead was created through the services
        for node in page["nodes"]:
            actions = [entry["action"] for entry in node["history"]["nodes"]]
            assert actions[0] == "CREATE"
            assert node["history"]["nodes"][0]["by"] == {
                "username": "MPAdministrator",
                "unit": {"name": "Admin Unit"},
            }
        assert [
            [entry["action"] for entry in node["history"]["nodes"]] for node in page["nodes"][:5]
        ] == [
            *([*actions, "UPDATE"] for actions in earlier[:4]),
            [*earlier[4], "UPDATE", "LOSE"],
        ]

    # Then each sends the same statements, as many for 100 leads as for 5
    assert queries == {
        5: HISTORY_QUERIES_PER_PAGE,
        50: HISTORY_QUERIES_PER_PAGE,
        100: HISTORY_QUERIES_PER_PAGE,
    }
    assert sent[50] == sent[5]
    assert sent[100] == sent[5]
