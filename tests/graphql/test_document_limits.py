"""A document over a limit of size or shape is refused before it is validated or any resolver
runs, with QUERY_TOO_COMPLEX and a message naming the limit, the value found and the setting;
one at the limit goes on. The limits hold for everyone, signed in or not."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2
from graphql import parse

from app.graphql.limits import shape_refusal
from app.main import create_app
from app.settings import Settings
from tests.conftest import GraphQLClient, StatementCounter
from tests.databases import Template
from tests.graphql.test_statement_counts import RICH_SELECTION

# GraphiQL 3.8.3's schema query, as its explorer sends it (getIntrospectionQuery() of the
# graphql-js it bundles, with the options GraphiQL passes).
GRAPHIQL_INTROSPECTION = """
query IntrospectionQuery {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) {
    name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason
  }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType {
  kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
  } } } } } } } } }
}
"""
CANCEL_FIVE = 'cancelLead(ref: {number: "5"}) { errors { code } }'


def chain(levels: int) -> str:
    """Selections on a lead nesting `levels` fields: its contact, the contact's leads, their
    contact, and so on, down to a name or a number."""
    fields = (["contactInformation", "leads(first: 1)"] * levels)[:levels]
    leaf = "name" if levels % 2 else "number"
    return " { ".join([*fields, leaf]) + " }" * levels


def nested(depth: int) -> str:
    """A query whose deepest field is `depth` levels below the top (`leads` 0, `nodes` 1)."""
    return f"{{ leads(first: 1) {{ nodes {{ {chain(depth - 2)} }} }} }}"


def bomb(fragments: int) -> str:
    """A query spreading the last of `fragments` fragments, each spreading the one before
    twice, down to one of a single field."""
    chain = [
        f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, fragments + 1)
    ]
    return f"{{ ...F{fragments} }} fragment F0 on Query {{ __typename }} {' '.join(chain)}"


@asynccontextmanager
async def client_of(settings: Settings, template: Template) -> AsyncIterator[GraphQLClient]:
    """A client, signed in as the demo administrator, of an app with other `settings`."""
    app = create_app(settings)
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://test") as http:
        yield GraphQLClient(http, template.token)
    await app.state.database.dispose()


def complex_error(message: str, **where: Any) -> dict[str, Any]:
    return {"message": message, **where, "extensions": {"code": "QUERY_TOO_COMPLEX"}}


async def answer_and_statements(
    gql: GraphQLClient, statements: StatementCounter, query: str, **options: Any
) -> tuple[dict[str, Any], list[str]]:
    """The body of the answer to `query`, and the SQL statements sent for it."""
    statements.statements.clear()
    statements.counting = True
    try:
        body = await gql(query, **options)
    finally:
        statements.counting = False
    return body, list(statements.statements)


async def refused(
    gql: GraphQLClient, statements: StatementCounter, query: str, **options: Any
) -> list[dict[str, Any]]:
    """The errors of a request that must be refused before any resolver ran: it sends no
    statement but the one of signing in (none without a token), as `{ __typename }` does."""
    _, signing_in = await answer_and_statements(gql, statements, "{ __typename }", **options)
    body, sent = await answer_and_statements(gql, statements, query, **options)
    assert body.get("data") is None
    assert sent == signing_in
    errors: list[dict[str, Any]] = body["errors"]
    return errors


async def lead_five_state(gql: GraphQLClient) -> str:
    lead = await gql.data('{ lead(ref: {number: "5"}) { lifeCycleState } }')
    state: str = lead["lead"]["lifeCycleState"]
    return state


# tokens ---------------------------------------------------------------------------------------


async def test_10000_tokens_are_refused_before_parsing_ends(
    gql: GraphQLClient, statements: StatementCounter
) -> None:
    # When a document of 10,000 tokens is sent (one-letter fields, 20 KB)
    errors = await refused(gql, statements, "{" + " a" * 9_998 + " }")

    # Then it is refused for its tokens
    assert errors == [
        complex_error(
            "The document has more than 2000 tokens; at most 2000 are allowed (MAX_TOKENS)."
        )
    ]


async def test_2000_tokens_are_allowed_and_2001_are_not(gql: GraphQLClient) -> None:
    # Given `{ __typename }` (3 tokens) padded with 1,997 comments, and with 1,998: comments
    # count, since the parser reads each as a token
    at_limit = "{ __typename }" + "\n#" * 1_997
    over = "{ __typename }" + "\n#" * 1_998

    # When both are sent, then the first answers and the second is refused
    assert await gql.data(at_limit) == {"__typename": "Query"}
    body = await gql(over)
    assert body["errors"] == [
        complex_error(
            "The document has more than 2000 tokens; at most 2000 are allowed (MAX_TOKENS)."
        )
    ]


# depth ----------------------------------------------------------------------------------------


async def test_depth_30_is_refused(gql: GraphQLClient, statements: StatementCounter) -> None:
    # When a lead's contact's leads' contacts... are asked for 30 levels deep
    errors = await refused(gql, statements, nested(30))

    # Then the document is refused for its depth
    assert errors == [
        complex_error("The document nests 30 levels deep; at most 10 are allowed (MAX_DEPTH).")
    ]


async def test_depth_10_is_allowed_and_11_is_not(gql: GraphQLClient) -> None:
    # When documents 10 and 11 levels deep are sent
    at_limit = await gql(nested(10))
    over = await gql(nested(11))

    # Then the first is answered, and the second refused
    assert "errors" not in at_limit
    contact: dict[str, object] = {"contactInformation": {"leads": [{"number": "4"}]}}
    for _ in range(3):
        contact = {"contactInformation": {"leads": [contact]}}
    assert at_limit["data"] == {"leads": {"nodes": [contact]}}
    assert over["errors"] == [
        complex_error("The document nests 11 levels deep; at most 10 are allowed (MAX_DEPTH).")
    ]


async def test_depth_counts_through_fragments(gql: GraphQLClient) -> None:
    # When a fragment 9 levels deep is spread 2 levels down
    body = await gql(
        f"{{ leads(first: 1) {{ nodes {{ ...Deep }} }} }} fragment Deep on Lead {{ {chain(9)} }}"
    )

    # Then its depth adds to where it is spread
    assert body["errors"] == [
        complex_error("The document nests 11 levels deep; at most 10 are allowed (MAX_DEPTH).")
    ]


async def test_graphiql_reads_the_schema_signed_in_and_not(gql: GraphQLClient) -> None:
    # When GraphiQL's schema query (14 levels deep through `ofType`) is sent, with a token and
    # without (in the development profile)
    for anonymous in (False, True):
        body = await gql(GRAPHIQL_INTROSPECTION, anonymous=anonymous)

        # Then the schema is answered: introspection adds no depth
        assert "errors" not in body
        assert body["data"]["__schema"]["queryType"] == {"name": "Query"}
        assert "Lead" in {kind["name"] for kind in body["data"]["__schema"]["types"]}


def test_introspection_adds_no_depth() -> None:
    # Given the depth limit at its least, 2
    settings = Settings(max_depth=2)

    # Then GraphiQL's schema query keeps it, and a lead's contact's leads do not
    assert shape_refusal(parse(GRAPHIQL_INTROSPECTION), settings) is None
    refusal = shape_refusal(parse(nested(3)), settings)
    assert refusal is not None
    assert refusal.message == "The document nests 3 levels deep; at most 2 are allowed (MAX_DEPTH)."


async def test_introspection_that_multiplies_its_answer_is_refused(gql: GraphQLClient) -> None:
    # When introspection asks for the fields of the types of the fields of every type, and so on
    query = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"
    body = await gql(query)

    # Then graphql-core's validation refuses it (lists of types at most 3 deep)
    assert body.get("data") is None
    assert [error["message"] for error in body["errors"]] == [
        "Maximum introspection depth exceeded"
    ]


def test_a_chain_of_fragments_deeper_than_graphql_core_validates_is_refused() -> None:
    # Given 200 fragments, each spreading the next in an inline fragment: nothing deep, but
    # 402 selection sets nested for the walks that validate it
    chain = [f"fragment F{i} on Query {{ ... {{ ...F{i + 1} }} }}" for i in range(200)]
    document = parse("{ ...F0 } " + " ".join(chain) + " fragment F200 on Query { __typename }")

    # Then it is refused before those walks run
    refusal = shape_refusal(document, Settings())
    assert refusal is not None
    assert refusal.message == (
        "The document nests 402 selection sets deep, through fragments too; at most 200 are "
        "allowed."
    )


def test_the_richest_page_of_leads_keeps_every_limit() -> None:
    # The selection a frontend asks for a page of 100 leads with (see test_statement_counts)
    document = parse(f"{{ leads(first: 100) {{ {RICH_SELECTION} }} }}")

    assert shape_refusal(document, Settings()) is None


# aliases --------------------------------------------------------------------------------------


async def test_200_aliases_are_refused(gql: GraphQLClient, statements: StatementCounter) -> None:
    # When the leads are counted 200 times over, under aliases
    aliases = " ".join(f"a{i}: leads {{ totalCount }}" for i in range(200))
    errors = await refused(gql, statements, f"{{ {aliases} }}")

    # Then the document is refused for its aliases
    assert errors == [
        complex_error("The document has 200 aliases; at most 15 are allowed (MAX_ALIASES).")
    ]


async def test_15_aliases_are_allowed_and_16_are_not(gql: GraphQLClient) -> None:
    def aliased(count: int) -> str:
        return "{ " + " ".join(f"a{i}: __typename" for i in range(count)) + " }"

    # When 15 aliases are sent, and 16
    at_limit = await gql.data(aliased(15))
    over = await gql(aliased(16))

    # Then the first is answered, and the second refused
    assert at_limit == {f"a{i}": "Query" for i in range(15)}
    assert over["errors"] == [
        complex_error("The document has 16 aliases; at most 15 are allowed (MAX_ALIASES).")
    ]


async def test_aliased_mutations_over_the_limit_change_nothing(gql: GraphQLClient) -> None:
    # Given lead 5, open
    assert await lead_five_state(gql) == "PENDING"

    # When 16 aliases of cancelling it are sent
    aliases = " ".join(f"c{i}: {CANCEL_FIVE}" for i in range(16))
    body = await gql(f"mutation {{ {aliases} }}")

    # Then the mutation is refused, and the lead still open
    assert body.get("data") is None
    assert body["errors"] == [
        complex_error("The document has 16 aliases; at most 15 are allowed (MAX_ALIASES).")
    ]
    assert await lead_five_state(gql) == "PENDING"


async def test_aliases_count_through_fragments(gql: GraphQLClient) -> None:
    # When a fragment of 4 aliases is spread 4 times
    fragment = "fragment Four on Query { a: __typename b: __typename c: __typename d: __typename }"
    body = await gql(f"{{ ...Four ... on Query {{ ...Four }} ...Four ...Four }} {fragment}")

    # Then each spread counts
    assert body["errors"] == [
        complex_error("The document has 16 aliases; at most 15 are allowed (MAX_ALIASES).")
    ]


# directives -----------------------------------------------------------------------------------


async def test_more_directives_on_one_field_than_allowed_are_refused(
    gql: GraphQLClient, statements: StatementCounter
) -> None:
    # When a field carries 5 directives
    directives = " @include(if: true)" * 5
    errors = await refused(gql, statements, f"{{ leads {{ totalCount{directives} }} }}")

    # Then the document is refused, naming the field
    assert errors == [
        complex_error(
            "The field 'totalCount' carries 5 directives; at most 4 are allowed "
            "(MAX_DIRECTIVES_PER_FIELD).",
            locations=[{"line": 1, "column": 11}],
        )
    ]


async def test_4_directives_on_one_field_are_left_to_validation(gql: GraphQLClient) -> None:
    # When a field carries 4 directives, the same one each time
    body = await gql("{ __typename" + " @include(if: true)" * 4 + " }")

    # Then the limit lets it through, and validation refuses the repeats
    assert [error["message"] for error in body["errors"]] == [
        "The directive '@include' can only be used once at this location."
    ] * 3


# fragment cycles and bombs ----------------------------------------------------------------------


async def test_a_fragment_cycle_is_refused(
    gql: GraphQLClient, statements: StatementCounter
) -> None:
    # When fragment A spreads B, which spreads C, which spreads A
    query = (
        "{ ...A } fragment A on Query { __typename ...B } "
        "fragment B on Query { ...C } fragment C on Query { ...A }"
    )
    errors = await refused(gql, statements, query)

    # Then the document is refused, naming the cycle where it closes
    assert errors == [
        complex_error(
            "The fragment 'A' spreads itself ('A' > 'B' > 'C' > 'A'); a fragment cannot "
            "contain itself.",
            locations=[{"line": 1, "column": 101}],
        )
    ]


async def test_a_fragment_that_spreads_itself_is_refused(gql: GraphQLClient) -> None:
    body = await gql("{ ...Self } fragment Self on Query { ...Self }")

    assert body["errors"] == [
        complex_error(
            "The fragment 'Self' spreads itself ('Self' > 'Self'); a fragment cannot contain "
            "itself.",
            locations=[{"line": 1, "column": 38}],
        )
    ]


async def test_a_fragment_bomb_is_refused(gql: GraphQLClient, statements: StatementCounter) -> None:
    # When 20 fragments each spread the previous one twice (2^20 `__typename`s; 3 * 2^20 - 1
    # selections with the spreads, the operation's own included)
    errors = await refused(gql, statements, bomb(20))

    # Then the expanded document is counted, and refused
    assert errors == [
        complex_error(
            "The document holds 3145727 selections once its fragments are expanded; at most "
            "2000 are allowed (MAX_SELECTIONS)."
        )
    ]


async def test_2000_selections_are_allowed_and_2001_are_not(
    settings: Settings, template: Template
) -> None:
    # Given a fragment of 99 fields spread 20 times: 2,000 selections with the spreads (and,
    # the fields being the same, more pairs to compare than MAX_MERGE_CHECKS allows by default)
    fragment = "fragment Many on Query {" + " __typename" * 99 + " }"
    spreads = " ...Many" * 20
    roomy = settings.model_copy(update={"max_merge_checks": 1_000_000})

    # When it is sent alone, and with one field more
    async with client_of(roomy, template) as gql:
        at_limit = await gql(f"{{{spreads} }} {fragment}")
        over = await gql(f"{{{spreads} __typename }} {fragment}")

    # Then the first answers, and the second is refused
    assert "errors" not in at_limit
    assert at_limit["data"] == {"__typename": "Query"}
    assert over["errors"] == [
        complex_error(
            "The document holds 2001 selections once its fragments are expanded; at most "
            "2000 are allowed (MAX_SELECTIONS)."
        )
    ]


async def test_a_field_selected_700_times_side_by_side_is_refused(
    gql: GraphQLClient, statements: StatementCounter
) -> None:
    # When `__typename` is selected 700 times in one selection set (validation would compare
    # each with each: 244,650 pairs, a tenth of a second of the event loop)
    errors = await refused(gql, statements, "{" + " __typename" * 700 + " }", anonymous=True)

    # Then it is refused before validation, for the pairs it would compare
    assert errors == [
        complex_error(
            "The document has validation compare 244650 pairs of selections that could "
            "overlap (a field selected again under the same name, fragments side by side); at "
            "most 2000 are allowed (MAX_MERGE_CHECKS)."
        )
    ]


async def test_fragments_side_by_side_count_as_pairs_to_compare(gql: GraphQLClient) -> None:
    # Given 63 fragments spread side by side (1,953 pairs) and 64 of them (2,016 pairs)
    def spread(count: int) -> str:
        fragments = " ".join(f"fragment F{i} on Query {{ __typename }}" for i in range(count))
        return "{" + "".join(f" ...F{i}" for i in range(count)) + f" }} {fragments}"

    # When each is sent
    at_limit = await gql(spread(63))
    over = await gql(spread(64))

    # Then the first answers and the second is refused
    assert at_limit == {"data": {"__typename": "Query"}}
    assert [error["message"] for error in over["errors"]] == [
        "The document has validation compare 2016 pairs of selections that could overlap (a "
        "field selected again under the same name, fragments side by side); at most 2000 are "
        "allowed (MAX_MERGE_CHECKS)."
    ]


async def test_a_number_longer_than_any_field_takes_is_refused(
    gql: GraphQLClient, statements: StatementCounter
) -> None:
    # When a lead is asked for by a number literal of 5,000 digits (Python itself refuses to
    # read an int of more than 4,300, with a message of its own)
    errors = await refused(gql, statements, "{ lead(ref: {number: %s}) { number } }" % ("9" * 5000))

    # Then the literal is refused for its length, where it stands
    assert errors == [
        complex_error(
            "A number of 5000 characters is written here; no field takes one of more than 100.",
            locations=[{"line": 1, "column": 22}],
        )
    ]


# everyone -------------------------------------------------------------------------------------


async def test_the_limits_hold_without_a_token(
    gql: GraphQLClient, statements: StatementCounter
) -> None:
    # When a document too deep, and a fragment bomb, are sent without a token
    deep = await refused(gql, statements, nested(30), anonymous=True)
    bombed = await refused(gql, statements, bomb(20), anonymous=True)

    # Then they are refused for their shape, not only for the missing token
    assert [error["extensions"]["code"] for error in deep + bombed] == ["QUERY_TOO_COMPLEX"] * 2


# validation ---------------------------------------------------------------------------------


async def test_validation_stops_after_20_errors(gql: GraphQLClient) -> None:
    # When a document of 30 unknown fields is sent
    body = await gql("{ " + " ".join(f"x{i}" for i in range(30)) + " }")

    # Then 20 are named, and then validation gives up
    assert [error["message"] for error in body["errors"]] == [
        *(f"Cannot query field 'x{i}' on type 'Query'." for i in range(20)),
        "Too many validation errors, error limit reached. Validation aborted.",
    ]
