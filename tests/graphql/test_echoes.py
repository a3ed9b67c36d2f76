"""A refusal names the client's value by its first few hundred characters: a huge value is
never echoed whole, however many times the answer mentions it."""

from app.domain.errors import ECHO_LIMIT, DomainError, ErrorCode, echoed
from app.graphql.errors import MAX_MESSAGE_CHARACTERS
from tests.conftest import GraphQLClient

SEARCH = "query ($search: String) { contacts(search: $search) { name } }"
LEAD = "query ($number: String!) { lead(ref: {number: $number}) { number } }"


def test_a_short_value_is_echoed_as_it_is() -> None:
    assert echoed("x" * ECHO_LIMIT) == "x" * ECHO_LIMIT


def test_a_long_value_is_cut_and_says_how_long_it_was() -> None:
    assert echoed("x" * (ECHO_LIMIT + 1)) == "x" * ECHO_LIMIT + f"… ({ECHO_LIMIT + 1} characters)"


def test_a_problem_keeps_only_the_start_of_its_value() -> None:
    # When a refusal is made with a 100,000 character value
    error = DomainError.single(("search",), "y" * 100_000, ErrorCode.INVALID, "Too long.")

    # Then its problem holds the cut value
    assert error.problems[0].value == "y" * ECHO_LIMIT + "… (100000 characters)"


async def test_a_huge_search_is_refused_without_being_echoed(gql: GraphQLClient) -> None:
    # When contacts are searched for with 500,000 characters
    response = await gql.post(SEARCH, {"search": "q" * 500_000})

    # Then the refusal names the value by its start, in an answer of a few hundred bytes
    body = response.json()
    cut = "q" * ECHO_LIMIT + "… (500000 characters)"
    assert body["errors"][0]["extensions"]["value"] == cut
    assert body["errors"][0]["extensions"]["problems"][0]["value"] == cut
    assert len(response.content) < 2_000


async def test_a_huge_reference_is_named_by_its_start(gql: GraphQLClient) -> None:
    # When a lead is looked up by a number of 300,000 digits
    response = await gql.post(LEAD, {"number": "9" * 300_000})

    # Then the refusal quotes only the start of the number
    body = response.json()
    cut = "9" * ECHO_LIMIT + "… (300000 characters)"
    assert body["errors"][0]["message"] == f"{cut!r} is not a valid lead."
    assert len(response.content) < 2_000


async def test_a_huge_literal_in_the_document_is_not_echoed_whole(gql: GraphQLClient) -> None:
    # When a page is asked for with a string literal of 50,000 characters, which does not
    # validate (graphql-core's message repeats the literal)
    response = await gql.post('{ leads(first: "%s") { totalCount } }' % ("x" * 50_000))

    # Then the message quotes the literal only so far
    [error] = response.json()["errors"]
    start = 'Int cannot represent non-integer value: "'
    assert error["message"] == (
        start + "x" * (MAX_MESSAGE_CHARACTERS - len(start)) + "… (cut from 50042 characters)"
    )
