"""The bench's hand-written baseline answers exactly what the gateway answers: the same whole
`data` for pages of 10 and 100 leads, one lead by number and `me`, for the administrator and
for sales.main (who sees only some leads), in few statements; and the workload asks the
gateway the selection of the statement-count test."""

from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
from graphql import parse, print_ast

from app.bench import baseline, mutations, probes, statements
from app.bench.probes import ME, TYPENAME, Probe, deep_page, one_lead, overdue_page, page
from app.settings import Settings
from tests.conftest import Clock, GraphQLClient, StatementCounter
from tests.graphql.test_statement_counts import RICH_SELECTION, give_every_kind

ADMINISTRATOR = "MPAdministrator"
SALES_USER = "sales.main"
TRANSACTION_CONTROL = frozenset({"BEGIN", "COMMIT", "ROLLBACK"})
# A lead number past the middle of the demo data's list.
DEEP_NUMBER = 150


@pytest.fixture
async def app(settings: Settings, clock: Clock) -> AsyncIterator[baseline.WithBaseline]:
    # The product with the baseline beside it, as the bench serves them.
    application = baseline.create_app(settings, clock=clock)
    yield application
    await application.state.database.dispose()


@pytest.fixture
async def tokens(gql: GraphQLClient) -> dict[str, str]:
    """A token of the administrator and of sales.main."""
    assert gql.token is not None
    login = probes.LOGIN
    answer = await gql.data(login, {"u": SALES_USER, "p": probes.PASSWORD})
    return {ADMINISTRATOR: gql.token, SALES_USER: answer["login"]["token"]}


async def answers(http: httpx2.AsyncClient, probe: Probe, token: str | None) -> tuple[Any, Any]:
    """The product's `data` and the baseline's JSON for one kind of request."""
    product = probes.product_data(await http.send(probe.product(http, token)))
    found = probes.baseline_data(await http.send(probe.baseline(http, token)))
    return product, found


def test_the_workload_asks_for_the_selection_of_the_statement_count_test() -> None:
    # Given the page the statement-count test reads
    expected = parse(f"{{ leads(first: 100) {{ {RICH_SELECTION} }} }}")

    # When the workload's page of 100 is parsed
    document = parse(page(100).document)

    # Then it is the same document
    assert print_ast(document) == print_ast(expected)


@pytest.mark.parametrize(("username", "total"), [(ADMINISTRATOR, 226), (SALES_USER, 148)])
@pytest.mark.parametrize("first", [10, 100])
async def test_a_page_is_the_gateways_data(
    gql: GraphQLClient,
    http: httpx2.AsyncClient,
    tokens: dict[str, str],
    username: str,
    total: int,
    first: int,
) -> None:
    # Given the first five leads carry every kind of related record
    numbers = await give_every_kind(gql, "leads")

    # When the page is asked of the gateway and of the baseline
    product, found = await answers(http, page(first), tokens[username])

    # Then both answer the same whole document, of the leads the user may see
    assert found == product
    assert found["leads"]["totalCount"] == total
    assert len(found["leads"]["nodes"]) == first
    if username == ADMINISTRATOR:
        assert [node["number"] for node in found["leads"]["nodes"][:5]] == numbers


@pytest.mark.parametrize("username", [ADMINISTRATOR, SALES_USER])
@pytest.mark.parametrize(
    "probe",
    [deep_page(100, DEEP_NUMBER), overdue_page(100), overdue_page(10, "Software Purchase")],
    ids=["deep cursor", "overdue New Customer", "overdue Software Purchase"],
)
async def test_a_list_page_is_the_gateways_data(
    gql: GraphQLClient,
    http: httpx2.AsyncClient,
    tokens: dict[str, str],
    username: str,
    probe: Probe,
) -> None:
    # Given the first five leads carry every kind of related record
    await give_every_kind(gql, "leads")

    # When a page deeper into the list, or of the overdue leads of a type, is asked of both
    product, found = await answers(http, probe, tokens[username])

    # Then both answer the same whole document, with leads in it
    assert found == product
    (connection,) = found.values()
    assert connection["nodes"]


@pytest.mark.parametrize("username", [ADMINISTRATOR, SALES_USER])
async def test_one_lead_is_the_gateways_data(
    gql: GraphQLClient, http: httpx2.AsyncClient, tokens: dict[str, str], username: str
) -> None:
    # Given the first five leads carry every kind of related record, one of each source kind
    numbers = await give_every_kind(gql, "leads")

    for number in numbers:
        # When each is asked for by number
        product, found = await answers(http, one_lead(number), tokens[username])

        # Then the baseline answers the gateway's whole document
        assert found == product
        assert found["lead"]["number"] == number


async def test_a_lead_the_user_may_not_see_is_null_in_both(
    gql: GraphQLClient, http: httpx2.AsyncClient, tokens: dict[str, str]
) -> None:
    # Given a lead the administrator sees and sales.main does not
    everyone = await answers(http, page(100), tokens[ADMINISTRATOR])
    visible = await answers(http, page(100), tokens[SALES_USER])
    seen = {node["number"] for node in visible[1]["leads"]["nodes"]}
    hidden = next(
        node["number"] for node in everyone[1]["leads"]["nodes"] if node["number"] not in seen
    )

    # When sales.main asks for it by number
    product, found = await answers(http, one_lead(hidden), tokens[SALES_USER])

    # Then neither finds it
    assert product == {"lead": None}
    assert found == {"lead": None}


@pytest.mark.parametrize("username", [ADMINISTRATOR, SALES_USER])
async def test_me_is_the_gateways_data(
    http: httpx2.AsyncClient, tokens: dict[str, str], username: str
) -> None:
    # When the signed-in user asks who they are
    product, found = await answers(http, ME, tokens[username])

    # Then both name them
    assert product == {"me": {"username": username}}
    assert found == product


async def test_typename_is_the_gateways_data(http: httpx2.AsyncClient) -> None:
    # When nobody signed in asks for the query type's name
    product, found = await answers(http, TYPENAME, None)

    # Then both answer it
    assert product == {"__typename": "Query"}
    assert found == product


@pytest.mark.parametrize(
    ("probe", "queries"),
    [(page(10), 3), (page(100), 3), (one_lead("4"), 3), (ME, 1), (TYPENAME, 0)],
    ids=["page of 10", "page of 100", "lead", "me", "__typename"],
)
async def test_the_baseline_sends_few_statements(
    http: httpx2.AsyncClient,
    tokens: dict[str, str],
    statements: StatementCounter,
    probe: Probe,
    queries: int,
) -> None:
    # When one request of the kind is sent to the baseline
    statements.counting = True
    try:
        await http.send(probe.baseline(http, tokens[ADMINISTRATOR]))
    finally:
        statements.counting = False

    # Then it sends the token's statement, the leads' and their set items', and no more
    sent = [sql for sql in statements.statements if sql.strip().upper() not in TRANSACTION_CONTROL]
    assert len(sent) == queries


async def test_the_workload_counts_the_statements_of_each_request(
    app: baseline.WithBaseline, gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    # Given the kinds of request the workload times, the first five leads carrying every kind
    # of related record (so that a page of 10 needs every batch a page of 100 does)
    numbers = await give_every_kind(gql, "leads")
    kinds = probes.read_probes(numbers[0], DEEP_NUMBER)
    signed_in: dict[str | None, str] = dict(tokens.items())

    # When it counts their statements in process
    counted = await statements.count_statements(app, signed_in, kinds)

    # Then the baseline's are the token's, the leads' and the set items', and the gateway
    # sends as many for a page of 10 as for a page of 100
    baseline_queries = {name: sides["baseline"]["queries"] for name, sides in counted.items()}
    assert baseline_queries == {
        "page of 10": 3,
        "page of 100": 3,
        "page of 100, no totalCount": 3,
        "page of 100 after a deep cursor": 3,
        "lead by number": 3,
        "overdue New Customer leads, page of 100": 3,
        "sales user's page of 100": 3,
        "me": 1,
        "__typename": 0,
    }
    product = {name: sides["product"]["queries"] for name, sides in counted.items()}
    assert product["page of 10"] == product["page of 100"] == 4
    assert product["__typename"] == 0
    assert all(
        len(sides["product"]["each_ms"]) == sides["product"]["statements"]
        for sides in counted.values()
    )


async def test_the_workload_counts_the_statements_of_each_write(
    app: baseline.WithBaseline, tokens: dict[str, str]
) -> None:
    # When the writes the workload times are sent in process, each on a lead of its own
    counted = await mutations.count_mutation_statements(app, tokens[ADMINISTRATOR])

    # Then each wrote, and its statements were counted and timed
    assert list(counted) == ["createLead", "updateLead", "winLead"]
    assert all(figures["queries"] > 0 for figures in counted.values())
    assert all(len(figures["each_ms"]) == figures["statements"] for figures in counted.values())
