"""A facade call reads what it answers in one session, so one connection, after its token:
a lead shown, or written, is read by key (on SQLite over a key reader's connection, in
place), a list over the readers'. A call never holds two connections at once."""

from app.db import Database
from tests.conftest import Connections
from tests.rest.conftest import RestClient, answered


async def test_show_reads_the_lead_and_what_it_names_by_key(
    rest: RestClient,
    connections: Connections,
    readers_checkouts: Connections,
    database: Database,
) -> None:
    # When lead 4 is shown in full
    lead = await rest.lead(4)

    # Then its token and the lead with its contact, type, status and sets each came over one
    # connection: on SQLite a key reader's, none of the readers'
    assert (lead["number"], lead["contact_information"]["name"]) == ("4", "Joe Doe")
    by_key = database.key_read_engine is not None
    assert (connections.checked_out, readers_checkouts.checked_out) == (2, 0 if by_key else 2)
    assert (connections.most_in_use, connections.in_use) == (1, 0)


async def test_a_list_reads_its_page_and_what_it_names_over_one_readers_connection(
    rest: RestClient,
    connections: Connections,
    readers_checkouts: Connections,
    database: Database,
) -> None:
    # When a page of 30 pending leads is listed in full
    page = answered(await rest.get("get_pending", "number_of_results=30"))

    # Then the page and everything its leads name came over one connection of the readers,
    # after the token's (on PostgreSQL from the same pool)
    assert len(page) == 30
    assert (connections.checked_out, connections.most_in_use, connections.in_use) == (2, 1, 0)
    token_by_key = database.key_read_engine is not None
    assert readers_checkouts.checked_out == (1 if token_by_key else 2)


async def test_a_write_answers_with_the_lead_read_by_key(
    rest: RestClient,
    connections: Connections,
    readers_checkouts: Connections,
    database: Database,
) -> None:
    # When lead 4 is updated
    written = answered(
        await rest.post(
            "update", {"lead_identifier": {"number": "4"}, "description": "Called back"}
        )
    )

    # Then the token, the write and the answer each had a connection, one at a time, and the
    # answer shows what was written, read on SQLite by a key reader
    assert written["description"] == "Called back"
    by_key = database.key_read_engine is not None
    assert (connections.checked_out, connections.most_in_use, connections.in_use) == (3, 1, 0)
    assert readers_checkouts.checked_out == (0 if by_key else 3)
