"""The planned executor answers exactly as graphql-core's standard executor does, from fewer
statements: the same data and errors for rich pages, fragments, aliases, `@include`/`@skip`
by variable, unions, failures below a non-null field, and when it gives a value up.

Each test sends the same request to the app (planned) and to an app of the same settings
with `planned_execution` off, over the same database and clock.
"""

from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette

from app.domain.related import Related
from app.main import create_app
from app.settings import Settings
from tests.conftest import Clock, GraphQLClient, StatementCounter, compared
from tests.graphql.test_statement_counts import (
    RICH_SELECTION,
    TRANSACTION_CONTROL,
    give_every_kind,
)


@pytest.fixture
async def standard(settings: Settings, clock: Clock) -> AsyncIterator[GraphQLClient]:
    """A client of the same app with the standard executor only."""
    application: Starlette = create_app(
        settings.model_copy(update={"planned_execution": False}), clock=clock
    )
    transport = httpx2.ASGITransport(app=application)
    async with httpx2.AsyncClient(transport=transport, base_url="http://test") as http:
        yield GraphQLClient(http, None)
    await application.state.database.dispose()


async def both(
    gql: GraphQLClient, standard: GraphQLClient, query: str, variables: Any = None
) -> Any:
    """The body both executors answer `query` with; they must agree."""
    planned = await gql.post(query, variables)
    again = await standard.post(query, variables, token=gql.token)
    assert compared(planned) == compared(again)
    return compared(planned)[1]


async def queries_of(statements: StatementCounter, client: GraphQLClient, query: str) -> int:
    statements.statements.clear()
    statements.counting = True
    try:
        await client.data(query)
    finally:
        statements.counting = False
    return len([s for s in statements.statements if s.strip().upper() not in TRANSACTION_CONTROL])


async def test_a_rich_page_is_the_same_from_four_statements(
    gql: GraphQLClient, standard: GraphQLClient, statements: StatementCounter
) -> None:
    # Given the first five leads carry every kind of related record
    numbers = await give_every_kind(gql, "leads")
    query = f"{{ leads(first: 100) {{ {RICH_SELECTION} }} }}"

    # When both executors answer a page of 100 with the rich selection
    body = await both(gql, standard, query)

    # Then the answers are equal, and the planned one took 4 statements
    assert [node["number"] for node in body["data"]["leads"]["nodes"][:5]] == numbers
    assert body["data"]["leads"]["totalCount"] == 226
    assert await queries_of(statements, gql, query) == 4


async def test_fragments_aliases_and_typename_are_the_same(
    gql: GraphQLClient, standard: GraphQLClient
) -> None:
    query = """
    query { first: lead(ref: {number: "4"}) { ...Lead n: number }
            second: lead(ref: {number: "5"}) { ... on Lead { status { s: name } } }
            none: lead(ref: {number: "999999"}) { number } }
    fragment Lead on Lead {
      __typename number
      status { __typename name }
      leadSource { __typename ... on AdvertisementSource { name } }
      logInformation { createdByUser { username unit { name group { name } } } }
    }
    """
    body = await both(gql, standard, query)
    assert body["data"] == {
        "first": {
            "__typename": "Lead",
            "number": "4",
            "n": "4",
            "status": {"__typename": "LeadStatus", "name": "Cancelled"},
            "leadSource": {"__typename": "AdvertisementSource", "name": "Radio"},
            "logInformation": {
                "createdByUser": {
                    "username": "MPAdministrator",
                    "unit": {"name": "Admin Unit", "group": {"name": "Main Group"}},
                }
            },
        },
        "second": {"status": {"s": "Reach"}},
        "none": None,
    }


@pytest.mark.parametrize("with_status", [True, False])
async def test_include_and_skip_follow_the_variables(
    gql: GraphQLClient, standard: GraphQLClient, with_status: bool
) -> None:
    query = """
    query ($on: Boolean!) { leads(first: 2) { nodes {
      number status @include(if: $on) { name } type @skip(if: $on) { name } } } }
    """
    body = await both(gql, standard, query, {"on": with_status})
    first = body["data"]["leads"]["nodes"][0]
    if with_status:
        assert first == {"number": "4", "status": {"name": "Cancelled"}}
    else:
        assert first == {"number": "4", "type": {"name": "New Customer"}}


async def test_a_failing_field_nulls_up_to_the_nearest_nullable_object(
    gql: GraphQLClient, standard: GraphQLClient
) -> None:
    # `history` is non-null: its failure nulls the lead, which `lead` may be
    one = await both(
        gql,
        standard,
        '{ lead(ref: {number: "4"}) { number history(after: "x") { nodes { at } } } }',
    )
    assert one["data"] == {"lead": None}
    assert [error["path"] for error in one["errors"]] == [["lead", "history"]]

    # in a page, the lead is a non-null item of non-null lists: the whole answer is null
    page = await both(
        gql,
        standard,
        '{ leads(first: 2) { nodes { number history(after: "x") { nodes { at } } } } }',
    )
    assert page["data"] is None
    assert [error["path"] for error in page["errors"]] == [
        ["leads", "nodes", 0, "history"],
    ]


async def test_fields_without_a_plan_go_to_the_standard_executor(
    gql: GraphQLClient, standard: GraphQLClient
) -> None:
    query = """
    { leads(first: 3) { totalCount nodes { number
        contactInformation { name leads(first: 2) { number } }
        history(first: 1) { nodes { action by { username groups { name } } } } } } }
    """
    body = await both(gql, standard, query)
    first = body["data"]["leads"]["nodes"][0]
    assert first["contactInformation"] == {"name": "Joe Doe", "leads": [{"number": "4"}]}
    assert first["history"]["nodes"] == [
        {
            "action": "CREATE",
            "by": {"username": "MPAdministrator", "groups": [{"name": "Main Group"}]},
        }
    ]


async def test_a_value_the_fetch_did_not_cover_is_completed_the_standard_way(
    gql: GraphQLClient, standard: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a fetch that finds none of the records the page names
    async def nothing(*_arguments: Any) -> Related:
        return Related()

    monkeypatch.setattr("app.graphql.planned.building.fetch_related", nothing)

    # Then the records come from the standard executor's loaders, and the answers agree
    body = await both(gql, standard, "{ leads(first: 2) { nodes { number status { name } } } }")
    assert body["data"]["leads"]["nodes"] == [
        {"number": "4", "status": {"name": "Cancelled"}},
        {"number": "5", "status": {"name": "Reach"}},
    ]
