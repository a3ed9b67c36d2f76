"""The cost of a request, worked out from its document and variables before anything runs:
shown in `extensions.cost`, and refused when it asks for more than a page or costs more than
one request may."""

from typing import Any

import httpx2
import pytest
from graphql import (
    GraphQLObjectType,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
    parse,
)

from app.graphql.cost import PAGE_ARGUMENT, SET_SIZES, query_cost, remembered_cost
from app.graphql.schema import schema
from tests.conftest import GraphQLClient, StatementCounter
from tests.graphql.test_statement_counts import RICH_SELECTION

RICH_PAGE = f"fragment richPage on LeadConnection {{ {RICH_SELECTION} }}"
RICHEST_PAGE = f"query RichestPage {{ leads(first: 100) {{ ...richPage }} }} {RICH_PAGE}"
TEN_PAGES = (
    "query TenPages { "
    + " ".join(
        f"page{n}: leads(first: 100, offset: {100 * n}) {{ ...richPage }}" for n in range(10)
    )
    + f" }} {RICH_PAGE}"
)
LEAD_PAGE = "query ($first: Int) { leads(first: $first) { nodes { number status { name } } } }"
TEAM = (
    "query ($withTeam: Boolean!) "
    "{ leads(first: 10) { nodes { number usersSet @include(if: $withTeam) { id } } } }"
)
FRAGMENTS = """
query { leads(first: 10) { ...page } }
fragment page on LeadConnection { nodes { ...lead } pageInfo { endCursor } }
fragment lead on Lead { number leadOwner { ...person } assignedTo { user { ...person } } }
fragment person on User { username unit { name } }
"""
TWICE = """
{ lead(ref: {number: "41"}) { ...state ...named } }
fragment state on Lead { status { lifeCycleState } }
fragment named on Lead { status { name } }
"""
HISTORIES = """{ leads(first: 10) { nodes { number
  history(first: 5) { nodes { action changes { field } by { username } } pageInfo { hasNextPage } }
} } }"""
SOURCES = """{ leads(first: 10) { nodes { leadSource {
  ... on CommunicationSource { communication { contactInformation { name } } }
  ... on EmployeeRecommendation { user { username } }
} } } }"""
START = (
    'mutation { startLeadProgress(ref: {number: "5"}) '
    "{ lead { number status { name } } errors { code } } }"
)
LOGIN = (
    'mutation { login(username: "viewer.main", password: "demo") '
    "{ token user { username } errors { code } } }"
)


async def cost_of(
    gql: GraphQLClient, query: str, variables: dict[str, Any] | None = None, **options: Any
) -> int:
    """The cost a request's answer shows."""
    response = await gql.post(query, variables, **options)
    assert response.status_code == 200, response.text
    cost: int = response.json()["extensions"]["cost"]["requestedQueryCost"]
    return cost


def costed(query: str, variables: dict[str, Any] | None = None) -> int:
    """The cost worked out by the function alone."""
    return query_cost(schema._schema, parse(query), None, variables).points


async def counted(
    gql: GraphQLClient, statements: StatementCounter, query: str, **variables: Any
) -> tuple[httpx2.Response, list[str]]:
    """The answer to a request and the SQL statements it sent."""
    statements.statements.clear()
    statements.counting = True
    response = await gql.post(query, variables)
    statements.counting = False
    return response, list(statements.statements)


# what documents cost ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "variables", "cost"),
    [
        # the lead, its status and its contact
        pytest.param(
            '{ lead(ref: {number: "41"}) { number status { name } contactInformation { name } } }',
            None,
            3,
            id="a-lead",
        ),
        # the page, and per lead: itself, its status, and 5 users set items with their user
        pytest.param(
            "{ leads(first: 10) "
            "{ totalCount nodes { number status { name } usersSet { user { username } } } } }",
            None,
            1 + 10 * (1 + 1 + 5 * 2),
            id="a-page-of-10",
        ),
        pytest.param(
            "{ leads(first: 100) "
            "{ totalCount nodes { number status { name } usersSet { user { username } } } } }",
            None,
            1 + 100 * (1 + 1 + 5 * 2),
            id="a-page-of-100",
        ),
        # per lead: itself and a history page: 5 entries of 46 changes at most and a user
        pytest.param(HISTORIES, None, 1 + 10 * (1 + 1 + 5 * (1 + 46 + 1) + 1), id="histories"),
        # a history page of the default 20 entries, each an edge and its node
        pytest.param(
            '{ lead(ref: {number: "41"}) { history { edges { cursor node { at } } } } }',
            None,
            1 + 1 + 20 * (1 + 1),
            id="history-default-first",
        ),
        # page info, and per lead: itself, its owner and unit, its assignment, user and unit
        pytest.param(FRAGMENTS, None, 1 + 1 + 10 * (1 + 2 + 3), id="fragments"),
        # the status selected through two fragments is one field, read once
        pytest.param(TWICE, None, 2, id="one-field-from-two-fragments"),
        pytest.param(TEAM, {"withTeam": False}, 1 + 10, id="include-false"),
        pytest.param(TEAM, {"withTeam": True}, 1 + 10 * (1 + 5), id="include-true"),
        pytest.param("{ me { username unit @skip(if: true) { name } } }", None, 1, id="skip"),
        pytest.param(LEAD_PAGE, {"first": 50}, 1 + 50 * 2, id="first-from-a-variable"),
        pytest.param(LEAD_PAGE, {}, 1 + 20 * 2, id="first-omitted"),
        pytest.param(
            LEAD_PAGE.replace("$first: Int", "$first: Int = 5"),
            {},
            1 + 5 * 2,
            id="first-from-the-variable-default",
        ),
        # a union counts as its costliest member: a communication and its contact
        pytest.param(SOURCES, None, 1 + 10 * (1 + 1 + 2), id="union"),
        # the write, the lead and its status, and the list of problems
        pytest.param(START, None, 10 + 2 + 1, id="a-mutation"),
        pytest.param("{ __schema { types { name fields { name } } } }", None, 0, id="schema"),
        pytest.param("{ __typename }", None, 0, id="typename"),
        # a catalog counts as a full page of 100 records
        pytest.param("{ leadTypes { name createStatus { name } } }", None, 200, id="catalog"),
        pytest.param('{ contacts(search: "a") { name } }', None, 50, id="contacts"),
        pytest.param("{ me { groups { name } } }", None, 2, id="groups"),
        pytest.param(
            '{ lead(ref: {number: "41"}) { contactInformation { leads(first: 3) { number } } } }',
            None,
            1 + 1 + 3,
            id="a-list-with-first",
        ),
    ],
)
async def test_what_a_document_costs(
    gql: GraphQLClient, query: str, variables: dict[str, Any] | None, cost: int
) -> None:
    # When a document is sent, then its answer shows its cost, worked out as the function does
    assert (await cost_of(gql, query, variables), costed(query, variables)) == (cost, cost)


async def test_sign_in_costs_the_write_and_its_payload(gql: GraphQLClient) -> None:
    assert await cost_of(gql, LOGIN, anonymous=True) == 10 + 1 + 1


def remembered(document: Any, variables: dict[str, Any]) -> Any:
    """The cost kept (or worked out) for a parsed document and variables."""
    return remembered_cost(schema._schema, document, None, variables)


def test_requests_that_differ_only_in_what_costing_does_not_read_share_one_cost() -> None:
    # Given a document whose cost depends on `first` and not on the lead's number
    document = parse(
        "query ($n: String!, $first: Int) "
        "{ lead(ref: {number: $n}) { contactInformation { leads(first: $first) { number } } } }"
    )

    # When it is costed for two leads, and then for a page of another size
    one, other = (
        remembered(document, {"n": "41", "first": 3}),
        remembered(document, {"n": "7", "first": 3}),
    )
    larger = remembered(document, {"n": "7", "first": 30})

    # Then the two leads share the cost worked out once, and the size has its own
    assert (one.points, other is one, larger.points) == (1 + 1 + 3, True, 1 + 1 + 30)


def test_a_remembered_cost_follows_the_variables_each_costing_reads() -> None:
    # Given a page whose size is read only when `$skipped` does not leave it out
    document = parse(
        "query ($skipped: Boolean!, $first: Int) "
        "{ leads(first: $first) @skip(if: $skipped) { nodes { number } } }"
    )

    # When it is costed skipped (the size not read), then kept, at two sizes, then skipped
    costs = [
        remembered(document, variables).points
        for variables in (
            {"skipped": True, "first": 50},
            {"skipped": False, "first": 50},
            {"skipped": False, "first": 5},
            {"skipped": True, "first": 5},
            {"skipped": False},
        )
    ]

    # Then each is the cost of its own variables: nothing, 50 leads, 5, nothing, the default 20
    assert costs == [0, 1 + 50, 1 + 5, 0, 1 + 20]


def test_a_fragment_bomb_is_costed_once_per_fragment() -> None:
    # Given 20 fragments, each selecting two pages of the contact's leads with the previous one
    fragments = ["fragment f0 on Lead { number }"] + [
        f"fragment f{n} on Lead {{ contactInformation {{ "
        f"a: leads(first: 1) {{ ...f{n - 1} }} b: leads(first: 1) {{ ...f{n - 1} }} }} }}"
        for n in range(1, 21)
    ]
    document = '{ lead(ref: {number: "41"}) { ...f20 } } ' + " ".join(fragments)

    # Then its cost is every lead it could answer (the contact and two leads, 20 times over),
    # worked out once per fragment
    assert costed(document) == 1 + 3 * (2**20 - 1)


def test_a_fragment_cycle_is_costed_once() -> None:
    # Validation refuses it; the cost, worked out before, ends all the same
    assert (
        costed("{ ...a } fragment a on Query { ...b } fragment b on Query { ...a me { id } }") == 1
    )


def test_every_list_of_objects_has_a_size() -> None:
    # Given the schema's object types, and the types a field with `first` pages through
    graphql_schema = schema._schema
    types = [
        kind
        for name, kind in graphql_schema.type_map.items()
        if not name.startswith("__") and isinstance(kind, GraphQLObjectType)
    ]
    connections = {
        get_named_type(field.type).name
        for kind in types
        for field in kind.fields.values()
        if PAGE_ARGUMENT in field.args and not is_list_type(get_nullable_type(field.type))
    }
    lists = {
        (kind.name, name): field
        for kind in types
        for name, field in kind.fields.items()
        if is_list_type(get_nullable_type(field.type))
        and not is_leaf_type(get_named_type(field.type))
    }

    # Then each list of objects holds `first` items, is a connection's page, or has a size
    assert [
        key
        for key, field in lists.items()
        if PAGE_ARGUMENT not in field.args and key[0] not in connections and key not in SET_SIZES
    ] == []
    # and every size is a list's
    assert set(SET_SIZES) <= set(lists)


# the richest page, and ten of them ---------------------------------------------------------


async def test_the_richest_page_of_100_leads_fits_and_ten_of_them_do_not(
    gql: GraphQLClient, statements: StatementCounter
) -> None:
    # Given what an answer that reads nothing sends (the token's check)
    _, nothing = await counted(gql, statements, "{ __typename }")

    # When the richest page a frontend asks for is read: the page and its page info, then per
    # lead its edge, and the lead with every nested object and set (sets at their sizes)
    response, _ = await counted(gql, statements, RICHEST_PAGE)

    # Then it costs 9602 points and is answered
    body = response.json()
    assert body["extensions"]["cost"]["requestedQueryCost"] == 9602
    assert "errors" not in body
    assert len(body["data"]["leads"]["nodes"]) == 100

    # When ten such pages are asked for at once
    refused, sent = await counted(gql, statements, TEN_PAGES)

    # Then they cost ten times as much, and are refused before anything is read
    assert refused.json() == {
        "errors": [
            {
                "message": "The query costs 96020 points; at most 10000 are allowed per request "
                "(MAX_QUERY_COST).",
                "extensions": {"code": "QUERY_TOO_COSTLY", "cost": 96020, "maximum": 10000},
            }
        ],
        "extensions": refused.json()["extensions"],
    }
    assert refused.json()["extensions"]["cost"]["requestedQueryCost"] == 96020
    assert sent == nothing


# pages above the limit ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "variables", "field", "value", "location"),
    [
        pytest.param(
            "{ leads(first: 1000000) { nodes { number } } }",
            {},
            "leads",
            1000000,
            {"line": 1, "column": 16},
            id="literal",
        ),
        pytest.param(
            LEAD_PAGE,
            {"first": 1000000},
            "leads",
            1000000,
            {"line": 1, "column": 36},
            id="variable",
        ),
        pytest.param(
            '{ lead(ref: {number: "41"}) { history(first: 101) { nodes { at } } } }',
            {},
            "history",
            101,
            {"line": 1, "column": 46},
            id="history",
        ),
        pytest.param(
            '{ lead(ref: {number: "41"}) { contactInformation { leads(first: 101) { id } } } }',
            {},
            "leads",
            101,
            {"line": 1, "column": 65},
            id="a-contact-s-leads",
        ),
    ],
)
async def test_a_page_above_100_is_refused_before_anything_runs(
    gql: GraphQLClient,
    statements: StatementCounter,
    query: str,
    variables: dict[str, Any],
    field: str,
    value: int,
    location: dict[str, int],
) -> None:
    # Given what an answer that reads nothing sends (the token's check)
    _, nothing = await counted(gql, statements, "{ __typename }")

    # When a page of more than 100 is asked for
    response, sent = await counted(gql, statements, query, **variables)

    # Then it is refused, naming the argument, the value and the limit, and nothing is read
    body = response.json()
    assert body["errors"] == [
        {
            "message": f"The argument `first` of `{field}` asks for {value} items; at most 100 "
            "are allowed.",
            "locations": [location],
            "extensions": {"code": "QUERY_TOO_COMPLEX", "value": value, "maximum": 100},
        }
    ]
    assert "data" not in body
    assert sent == nothing


async def test_a_page_above_100_is_a_request_error(gql: GraphQLClient) -> None:
    # When a client that accepts the GraphQL response media type asks for too large a page
    response = await gql.post(
        "{ leads(first: 101) { totalCount } }",
        headers={"accept": "application/graphql-response+json"},
    )

    # Then the answer is HTTP 400, as for a document that does not validate
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
