"""Input that the databases or the calendar cannot hold: refused with an error that says which
input and why, before anything is written; never an unexpected error."""

import base64

import pytest

from tests.conftest import GraphQLClient
from tests.graphql.lead_operations import CREATE, MINIMAL_INPUT, WIN, error, refused

NUL_TEXT = "Text cannot contain the NUL character (U+0000)."
COUNT = "{ leads { totalCount } }"


async def lead_count(gql: GraphQLClient) -> int:
    count: int = (await gql.data(COUNT))["leads"]["totalCount"]
    return count


# text and bodies that cannot be stored or read -----------------------------------------------


async def test_nul_in_variables_is_refused_with_its_path(gql: GraphQLClient) -> None:
    # Given the number of leads
    before = await lead_count(gql)

    # When a lead is created with a description holding NUL, which PostgreSQL cannot store
    result = await gql(CREATE, {"input": {**MINIMAL_INPUT, "description": "a\x00b"}})

    # Then the request is refused, naming the variable, and no lead is written
    assert result == {
        "data": None,
        "errors": [
            {
                "message": f"{NUL_TEXT} See $input.description.",
                "extensions": {"code": "INVALID", "field": "$input.description"},
            }
        ],
    }
    assert await lead_count(gql) == before


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        pytest.param(b"null", "The request body must be a JSON object.", id="null"),
        pytest.param(b'"query"', "The request body must be a JSON object.", id="string"),
        pytest.param(b"1", "The request body must be a JSON object.", id="number"),
        pytest.param(
            b'{"query": "{ me { id } }", "variables": {"a": "\\ud800"}}',
            "Unable to parse request body as JSON",
            id="lone-surrogate",
        ),
        pytest.param(b'{"query": "\xff"}', "Unable to parse request body as JSON", id="not-utf-8"),
        pytest.param(b"[" * 5000 + b"]" * 5000, "Unable to parse request body as JSON", id="deep"),
    ],
)
async def test_a_body_that_is_no_json_object_is_a_bad_request(
    gql: GraphQLClient, body: bytes, reason: str
) -> None:
    response = await gql.http.post(
        "/graphql",
        content=body,
        headers={"content-type": "application/json", "authorization": f"Bearer {gql.token}"},
    )

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.json() == {
        "errors": [{"message": reason, "extensions": {"code": "BAD_REQUEST"}}]
    }


async def test_nul_in_the_document_is_refused_at_its_place(gql: GraphQLClient) -> None:
    result = await gql('{ lead(ref: {id: "\\u0000"}) { id } }')

    assert result == {
        "data": None,
        "errors": [
            {
                "message": NUL_TEXT,
                "locations": [{"line": 1, "column": 18}],
                "extensions": {"code": "INVALID"},
            }
        ],
    }


async def test_sign_in_with_nul_is_refused(gql: GraphQLClient) -> None:
    result = await gql(
        'mutation ($name: String!) { login(username: $name, password: "demo") { token } }',
        {"name": "MPAdministrator\x00"},
        anonymous=True,
    )

    assert result["data"] is None
    assert [e["extensions"] for e in result["errors"]] == [{"code": "INVALID", "field": "$name"}]


# numbers and texts too large for their columns ----------------------------------------------


async def test_a_lead_number_beyond_any_column_is_invalid(gql: GraphQLClient) -> None:
    result = await gql('{ lead(ref: {number: "99999999999999999999"}) { id } }')

    assert result["data"] == {"lead": None}
    assert [e["extensions"]["problems"] for e in result["errors"]] == [
        [
            error(
                "ref.number",
                "99999999999999999999",
                "INVALID",
                "'99999999999999999999' is not a valid lead.",
            )
        ]
    ]


async def test_a_cursor_beyond_any_lead_number_is_invalid(gql: GraphQLClient) -> None:
    cursor = base64.urlsafe_b64encode(b"lead:99999999999999999999").decode()

    result = await gql(
        "query ($after: String) { leads(after: $after) { totalCount } }", {"after": cursor}
    )

    assert result["data"] is None
    assert [(e["extensions"]["code"], e["message"]) for e in result["errors"]] == [
        ("INVALID", "This is not a cursor of ours.")
    ]


async def test_winning_with_a_new_account_name_too_long_changes_nothing(
    gql: GraphQLClient,
) -> None:
    name = "N" * 201

    errors = await refused(gql, WIN, {"ref": {"number": "44"}, "account": {"new": {"name": name}}})

    assert errors == [
        error(
            "accountsReceivable.new.name",
            name,
            "INVALID",
            "Too long: the name holds at most 200 characters.",
        )
    ]
    lead = (await gql.data('{ lead(ref: {number: "44"}) { lifeCycleState } }'))["lead"]
    assert lead == {"lifeCycleState": "IN_PROGRESS"}


# dates the calendar cannot reach ------------------------------------------------------------


async def test_a_start_date_with_an_offset_past_the_calendar_is_invalid(
    gql: GraphQLClient,
) -> None:
    errors = await refused(
        gql, CREATE, {"input": {**MINIMAL_INPUT, "startDate": "9999-12-31T23:59:59-05:00"}}
    )

    assert errors == [
        error(
            "input.startDate",
            "9999-12-31T23:59:59-05:00",
            "INVALID",
            "A lead's dates lie between year 1 and 9999-01-01 in UTC.",
        )
    ]


async def test_close_to_completion_past_the_calendar_takes_every_lead_ahead(
    gql: GraphQLClient,
) -> None:
    # Given the open leads, and those of them overdue
    counts = await gql.data(
        "{ pendingLeads { totalCount } inProgressLeads { totalCount } overdueLeads { totalCount } }"
    )
    open_leads = counts["pendingLeads"]["totalCount"] + counts["inProgressLeads"]["totalCount"]

    # When the leads due within more years than the calendar holds are asked for
    due = await gql.data(
        "{ leadsCloseToCompletion(period: 2000000000, unit: YEARS) { totalCount } }"
    )

    # Then they are every open lead that is not overdue
    assert due["leadsCloseToCompletion"]["totalCount"] == (
        open_leads - counts["overdueLeads"]["totalCount"]
    )


# searching ----------------------------------------------------------------------------------


@pytest.mark.parametrize("search", ["%", "_", "Pan%gi"])
async def test_a_contact_search_takes_wildcards_as_themselves(
    gql: GraphQLClient, search: str
) -> None:
    result = await gql.data(
        "query ($search: String) { contacts(search: $search) { name } }", {"search": search}
    )

    assert result == {"contacts": []}


async def test_a_contact_search_longer_than_any_name_is_invalid(gql: GraphQLClient) -> None:
    search = "q" * 201

    result = await gql(
        "query ($search: String) { contacts(search: $search) { name } }", {"search": search}
    )

    assert result["data"] is None
    assert [e["extensions"]["problems"] for e in result["errors"]] == [
        [error("search", search, "INVALID", "Search for at most 200 characters.")]
    ]


# sources ------------------------------------------------------------------------------------


async def test_a_custom_source_is_of_a_custom_kind(gql: GraphQLClient) -> None:
    source = {"custom": {"kind": "COMMUNICATIONS", "name": "c"}}

    result = await gql(CREATE, {"input": {**MINIMAL_INPUT, "source": source}})

    # (variables that do not fit are a request error: nothing ran, and there is no data)
    assert "data" not in result
    assert [e["message"] for e in result["errors"]] == [
        "Variable '$input' has invalid value at .source.custom.kind: "
        "Value 'COMMUNICATIONS' does not exist in 'CustomSourceKind' enum."
    ]
