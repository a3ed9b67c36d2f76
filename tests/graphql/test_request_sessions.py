"""A signed-in query reads everything it answers in one session, so one connection, and its
token before (on SQLite by a key reader of its own, elsewhere in that same session); on
SQLite a query that reads only by key takes that session from a key reader too. A mutation
lets the token's connection go before it writes. A request never holds two."""

import pytest

from app.db import Database
from tests.conftest import Connections, GraphQLClient


async def test_a_query_reads_its_answer_over_one_connection_after_its_token(
    gql: GraphQLClient, connections: Connections, database: Database
) -> None:
    # When a signed-in query reads the user, a page and a lead with its contact
    data = await gql.data(
        '{ me { username } leads(first: 3) { totalCount } lead(ref: {number: "4"}) '
        "{ number contactInformation { name } } }"
    )

    # Then it answered from one connection, handed back when it was done, and read its token
    # over the same one or (SQLite) over a key reader's, let go before
    assert data["me"] == {"username": "MPAdministrator"}
    assert data["lead"] == {"number": "4", "contactInformation": {"name": "Joe Doe"}}
    connections_taken = 1 if database.key_read_engine is None else 2
    assert (connections.checked_out, connections.most_in_use, connections.in_use) == (
        connections_taken,
        1,
        0,
    )


async def test_a_mutation_lets_the_tokens_connection_go_before_it_writes(
    gql: GraphQLClient, connections: Connections
) -> None:
    # When a signed-in mutation updates a lead and answers with it
    data = await gql.data(
        'mutation { updateLead(ref: {number: "4"}, '
        'input: {description: "Called back"}) { lead { description } errors { code } } }'
    )

    # Then the token's read and the write each had a connection, never both at once
    assert data["updateLead"] == {"lead": {"description": "Called back"}, "errors": []}
    assert (connections.checked_out, connections.most_in_use, connections.in_use) == (2, 1, 0)


LEAD_BY_KEY = (
    '{ me { username } lead(ref: {number: "4"}) { number contactInformation { name } '
    "productsSet { product { code } } } }"
)


async def test_a_query_reading_only_by_key_reads_over_a_key_readers_connection(
    gql: GraphQLClient,
    connections: Connections,
    readers_checkouts: Connections,
    database: Database,
) -> None:
    # When a signed-in query reads the user and one lead with its contact and its products
    data = await gql.data(LEAD_BY_KEY)

    # Then on SQLite its token and its answer each came over a key reader's connection, in
    # place, and none over the readers'; elsewhere both over the one connection of the query
    assert data["lead"]["contactInformation"] == {"name": "Joe Doe"}
    assert data["me"] == {"username": "MPAdministrator"}
    if database.key_read_engine is None:
        assert (connections.checked_out, readers_checkouts.checked_out) == (1, 1)
    else:
        assert (connections.checked_out, readers_checkouts.checked_out) == (2, 0)
    assert (connections.most_in_use, connections.in_use) == (1, 0)


@pytest.mark.parametrize(
    "query",
    [
        # a page: its count reads every lead of the list
        '{ lead(ref: {number: "4"}) { number } leads(first: 1) { totalCount } }',
        # a field left to its resolver (a page of the lead's changes)
        '{ lead(ref: {number: "4"}) { number history(first: 1) { nodes { action } } } }',
    ],
    ids=["with a page", "with a field of arguments"],
)
async def test_a_query_reading_more_than_by_key_reads_over_the_readers_connection(
    gql: GraphQLClient, readers_checkouts: Connections, query: str
) -> None:
    # When a signed-in query reads one lead and something that is not found by key
    data = await gql.data(query)

    # Then it read over one connection of the readers
    assert data["lead"]["number"] == "4"
    assert (readers_checkouts.checked_out, readers_checkouts.in_use) == (1, 0)
