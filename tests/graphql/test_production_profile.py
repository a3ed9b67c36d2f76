"""The production profile describes nothing of the schema: no suggestion and no type the
client did not write appears in any message. Development keeps graphql-core's helpful ones. In
both, a caller without a token learns nothing from validation: whatever they send, only sign-in
is validated, and everything else is answered UNAUTHENTICATED."""

from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest

from app.graphql.documents import NOT_A_SIGN_IN
from app.main import create_app
from app.settings import Profile, Settings
from tests.conftest import GraphQLClient
from tests.databases import Template

UNAUTHENTICATED = {
    "message": "Sign in first: send `Authorization: Bearer <token>` with a token from `login`.",
    "extensions": {"code": "UNAUTHENTICATED"},
}
FILTERED = "query ($filter: LeadFilter) { leads(filter: $filter) { totalCount } }"
LEAD = "query ($ref: LeadRef!) { lead(ref: $ref) { number } }"
CANCEL = "mutation ($ref: LeadRef!) { cancelLead(ref: $ref) { errors { code } } }"


@pytest.fixture
async def production(settings: Settings, template: Template) -> AsyncIterator[GraphQLClient]:
    """A client of the app in the production profile, signed in as the demo administrator."""
    app = create_app(settings.model_copy(update={"profile": Profile.PRODUCTION}))
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://test") as http:
        yield GraphQLClient(http, template.token)
    await app.state.database.dispose()


def messages(body: dict[str, Any]) -> list[str]:
    assert body.get("data") is None
    return [error["message"] for error in body["errors"]]


async def test_a_misspelled_field_gets_no_suggestion_in_production(
    production: GraphQLClient,
) -> None:
    # When a misspelled field is asked for, signed in
    body = await production("{ leadz { id } }")

    # Then validation names it, and suggests nothing
    assert body.get("data") is None
    assert body["errors"] == [
        {
            "message": "Cannot query field 'leadz' on type 'Query'.",
            "locations": [{"line": 1, "column": 3}],
        }
    ]


async def test_development_keeps_the_suggestion(gql: GraphQLClient) -> None:
    # When the same is asked for in development, then the fields meant are suggested
    body = await gql("{ leadz { id } }")

    assert messages(body) == [
        "Cannot query field 'leadz' on type 'Query'. Did you mean 'lead' or 'leads'?"
    ]


@pytest.mark.parametrize("profile", [Profile.PRODUCTION, Profile.DEVELOPMENT])
@pytest.mark.parametrize(
    "query",
    [
        "{ leadz { id } }",
        "{ lead { number } }",
        '{ lead(ref: {number: "1"}) }',
        "query ($ref: String!) { lead(ref: $ref) { number } }",
        "{ leads(filter: {importance: HIGHH}) { totalCount } }",
    ],
)
async def test_without_a_token_validation_says_nothing(
    settings: Settings, template: Template, profile: Profile, query: str
) -> None:
    # Given the app in either profile
    app = create_app(settings.model_copy(update={"profile": profile}))
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://test") as http:
        # When a document that does not validate is sent without a token
        body = await GraphQLClient(http, template.token)(query, anonymous=True)
    await app.state.database.dispose()

    # Then the only answer is to sign in: no word about the schema
    assert body == {"data": None, "errors": [UNAUTHENTICATED]}


@pytest.mark.parametrize(
    ("query", "variables", "production_message", "development_message"),
    [
        pytest.param(
            "{ lead { number } }",
            None,
            "Argument 'lead(ref:)' is required, but it was not provided.",
            "Argument 'Query.lead(ref:)' of type 'LeadRef!' is required, but it was not provided.",
            id="missing-argument",
        ),
        pytest.param(
            "query ($ref: String!) { lead(ref: $ref) { number } }",
            {"ref": "5"},
            "Variable '$ref' cannot be used in this position.",
            "Variable '$ref' of type 'String!' used in position expecting type 'LeadRef!'.",
            id="variable-of-the-wrong-type",
        ),
        pytest.param(
            '{ lead(ref: {number: "1"}) }',
            None,
            "Field 'lead' must have a selection of subfields.",
            "Field 'lead' of type 'Lead' must have a selection of subfields. "
            "Did you mean 'lead { ... }'?",
            id="object-without-selection",
        ),
        pytest.param(
            "{ leads { totalCount { value } } }",
            None,
            "Field 'totalCount' must not have a selection since it has no subfields.",
            "Field 'totalCount' must not have a selection since type 'Int!' has no subfields.",
            id="scalar-with-selection",
        ),
        pytest.param(
            "{ leads(firts: 5) { totalCount } }",
            None,
            "Unknown argument 'firts' on field 'leads'.",
            "Unknown argument 'firts' on field 'Query.leads'. Did you mean 'first' or 'filter'?",
            id="unknown-argument",
        ),
        pytest.param(
            "{ leads(filter: {importance: HIGHH}) { totalCount } }",
            None,
            "Value 'HIGHH' is not one of the enum's values.",
            "Value 'HIGHH' does not exist in 'Importance' enum.",
            id="unknown-enum-literal",
        ),
        pytest.param(
            FILTERED,
            {"filter": {"importance": "HIGHH"}},
            "Variable '$filter' has invalid value at .importance: Value 'HIGHH' is not one of "
            "the enum's values.",
            "Variable '$filter' has invalid value at .importance: Value 'HIGHH' does not exist "
            "in 'Importance' enum.",
            id="unknown-enum-variable",
        ),
        pytest.param(
            FILTERED,
            {"filter": {"importanc": "IMPORTANCE1"}},
            "Variable '$filter' has invalid value: Expected value not to include unknown field "
            "'importanc', found: {'importanc': 'IMPORTANCE1'}.",
            "Variable '$filter' has invalid value: Expected value of type 'LeadFilter' not to "
            "include unknown field 'importanc'. Did you mean 'importance'? Found: "
            "{'importanc': 'IMPORTANCE1'}.",
            id="unknown-input-field-variable",
        ),
        pytest.param(
            LEAD,
            {},
            "Variable '$ref' has invalid value: Expected a value to be provided.",
            "Variable '$ref' has invalid value: Expected a value of non-null type 'LeadRef!' "
            "to be provided.",
            id="missing-variable",
        ),
        pytest.param(
            LEAD,
            {"ref": {}},
            "OneOf Input Object must specify exactly one key.",
            "OneOf Input Object 'LeadRef' must specify exactly one key.",
            id="empty-one-of",
        ),
    ],
)
async def test_production_names_no_type_the_client_did_not_write(
    production: GraphQLClient,
    gql: GraphQLClient,
    query: str,
    variables: dict[str, Any] | None,
    production_message: str,
    development_message: str,
) -> None:
    # When the same mistake is sent signed in, in production and in development
    hidden = await production(query, variables)
    helpful = await gql(query, variables)

    # Then production names no type nor suggestion, and development keeps them
    assert messages(hidden) == [production_message]
    assert messages(helpful) == [development_message]


async def test_variables_refused_in_production_change_nothing(production: GraphQLClient) -> None:
    # When lead 5 is cancelled with a reference of an unknown kind
    body = await production(CANCEL, {"ref": {"code": "5"}})

    # Then the request is refused before execution, and the lead is still open
    assert messages(body) == [
        "Variable '$ref' has invalid value: Expected value not to include unknown field "
        "'code', found: {'code': '5'}."
    ]
    lead = await production.data('{ lead(ref: {number: "5"}) { lifeCycleState } }')
    assert lead == {"lead": {"lifeCycleState": "PENDING"}}


async def test_a_broken_sign_in_without_a_token_is_told_only_what_a_sign_in_is(
    production: GraphQLClient,
) -> None:
    # When sign-ins are sent without a token asking for a field the payload does not have,
    # with an argument of the wrong type, and with a DateTime no calendar holds
    broken = [
        'mutation { login(username: "sales.main", password: "demo") { tokn } }',
        'mutation { login(username: 5, password: "demo") { token } }',
        'mutation { login(username: "sales.main", password: "demo", at: "2026-02-30") { token } }',
    ]
    bodies = [await production(document, anonymous=True) for document in broken]

    # Then each gets the same one answer, which describes no type of the schema
    assert [messages(body) for body in bodies] == [[NOT_A_SIGN_IN]] * 3


async def test_fragments_in_a_sign_in_without_a_token_are_not_validated(
    production: GraphQLClient,
) -> None:
    # When a sign-in without a token spreads a fragment on a type of the caller's choosing,
    # or holds an inline fragment (either would tell, by validating, what the schema holds)
    spread = (
        'mutation { login(username: "a", password: "b") { ...F } } '
        "fragment F on Lead { contactInformation { demographics { ssn } } }"
    )
    inline = 'mutation { login(username: "a", password: "b") { ... on LoginPayload { token } } }'
    bodies = [await production(document, anonymous=True) for document in (spread, inline)]

    # Then the caller is only told to sign in
    assert [body["errors"] for body in bodies] == [[UNAUTHENTICATED]] * 2


async def test_sign_in_cannot_bring_other_operations_to_validation(
    production: GraphQLClient,
) -> None:
    # When a sign-in is sent without a token, with a query that probes the schema beside it
    document = (
        "query Probe { leadz { id } } "
        'mutation SignIn { login(username: "viewer.main", password: "demo") { token } }'
    )
    response = await production.http.post(
        "/graphql", json={"query": document, "operationName": "SignIn"}
    )

    # Then the document is not validated at all: the caller is to sign in with sign-in alone
    body = response.json()
    assert body["data"] is None
    assert body["errors"] == [UNAUTHENTICATED]


async def test_an_unused_fragment_beside_sign_in_is_not_validated(
    production: GraphQLClient,
) -> None:
    # When a sign-in is sent without a token, with a fragment that probes a lead's fields
    body = await production(
        'mutation { login(username: "viewer.main", password: "demo") { token } } '
        "fragment Probe on Lead { secretz }",
        anonymous=True,
    )

    # Then only the sign-in is validated, and it signs in
    assert "errors" not in body
    assert isinstance(body["data"]["login"]["token"], str)
