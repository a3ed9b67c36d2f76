"""What the facade refuses: each answer is the error envelope, a 4xx, a code, a message naming
the parameter as the seeds spell it and its value, and `data: null`; nothing is written."""

from collections.abc import AsyncIterator

import httpx2
import pytest

from tests.conftest import StatementCounter
from tests.rest.conftest import NEW_LEAD, PREFIX, RestClient, answered, refusal


async def test_an_unknown_lead(rest: RestClient) -> None:
    # When a lead nobody has is shown
    response = await rest.get("show", "lead_identifier=number=999")

    # Then it is NOT_FOUND, naming the identifier and the number
    assert refusal(response, 404, "NOT_FOUND") == (
        "lead_identifier.number '999': No lead has number '999'."
    )


async def test_a_lead_sales_main_may_not_see_is_not_found_like_a_missing_one(
    rest: RestClient,
) -> None:
    # Given sales.main, who does not see lead 69 (CSR Group's, not assigned to them)
    token = await rest.sign_in("sales.main")

    # When they show it, and update it
    shown = await rest.get("show", "lead_identifier=number=69", token=token)
    updated = await rest.post(
        "update", {"lead_identifier": {"number": "69"}, "description": "mine"}, token=token
    )

    # Then each answers exactly as for a lead that does not exist
    message = "lead_identifier.number '69': No lead has number '69'."
    assert refusal(shown, 404, "NOT_FOUND") == message
    assert refusal(updated, 404, "NOT_FOUND") == message
    # while the administrator sees it unchanged
    assert (await rest.lead(69, "description"))["description"] is None


@pytest.mark.parametrize(
    ("method", "body"),
    [
        ("update", {"lead_identifier": {"number": "19"}, "description": "read only"}),
        ("start_progress", {"lead_identifier": {"number": "40"}}),
        ("cancel", {"lead_identifier": {"number": "40"}}),
        (
            "lost",
            {"lead_identifier": {"number": "40"}, "lost_reason_identifier": {"name": "Price"}},
        ),
        ("create", NEW_LEAD),
    ],
)
async def test_a_read_only_user_changes_nothing(
    rest: RestClient, method: str, body: dict[str, object]
) -> None:
    # Given viewer.main, READ_ONLY
    token = await rest.sign_in("viewer.main")
    before = await rest.lead(40)

    # When they call an action
    response = await rest.post(method, body, token=token)

    # Then it is FORBIDDEN, and nothing changed
    assert refusal(response, 403, "FORBIDDEN") == (
        "User 'viewer.main' has the READ_ONLY role: they may read leads, not change them."
    )
    assert await rest.lead(40) == before
    # though they may read
    assert answered(await rest.get("show", "lead_identifier=number=19", token=token))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "lead_identifier=numbr=19",
            "lead_identifier 'numbr=19': A lead is named by id or number, not by 'numbr'.",
        ),
        (
            "lead_identifier=19",
            "lead_identifier '19': Name the lead by one field, as field=value: id or number.",
        ),
        ("lead_identifier=number=abc", "lead_identifier.number 'abc': 'abc' is not a valid lead."),
        (
            "lead_identifier=number=99999999999",
            "lead_identifier.number '99999999999': '99999999999' is not a valid lead.",
        ),
        ("", "lead_identifier: Give the lead's identifier."),
        (
            "lead_identifier=number=19&colour=blue",
            "colour 'blue': This call takes no such parameter.",
        ),
    ],
)
async def test_bad_lead_identifiers(rest: RestClient, query: str, message: str) -> None:
    # When a lead is shown by a wrong identifier
    response = await rest.get("show", query)

    # Then the parameter and the value are named
    code = "INVALID" if "Give the" not in message else "REQUIRED"
    assert refusal(response, 400, code) == message


async def test_bad_identifiers_in_a_body_are_all_reported(rest: RestClient) -> None:
    # When a create names records that do not exist, and others by fields they do not have
    response = await rest.post(
        "create",
        {
            "contact_information": {
                "action": "EXISTING",
                "contact_information_identifier": {"id_number": "000000"},
            },
            "type_identifier": {"name": "Nothing"},
            "category_identifier": {"alternative_code": "SP"},
            "status_identifier": {"name": "Reach", "id": "1"},
            "source": {"type": "WEBSITE", "name": "www.crm.com"},
            "importance": "IMPORTANCE1",
            "priority": 1,
        },
    )

    # Then the shape problems are reported first, each naming its parameter
    assert refusal(response, 400, "INVALID") == (
        'status_identifier \'{"name":"Reach","id":"1"}\': Name the lead status by one '
        'field, as {"field": "value"}: id, name or alternative_code. '
        'category_identifier \'{"alternative_code":"SP"}\': A lead category is named by id, '
        "name or code, not by 'alternative_code'."
    )

    # When the shapes are right but the records do not exist
    response = await rest.post(
        "create",
        {
            "contact_information": {
                "action": "EXISTING",
                "contact_information_identifier": {"id_number": "000000"},
            },
            "type_identifier": {"name": "Nothing"},
            "source": {
                "type": "COMMUNICATIONS",
                "source_communications_identifier": {"number": "9"},
            },
            "importance": "IMPORTANCE1",
            "priority": 1,
            "estimated_completion_time": {"time_period_value": 1, "time_period_uot": "DAYS"},
            "users_set": [{"user_identifier": {"username": "nobody"}}],
        },
    )

    # Then every one is NOT_FOUND, named as the seeds spell its parameter
    assert refusal(response, 404, "NOT_FOUND") == (
        "contact_information.contact_information_identifier.id_number '000000': No contact has "
        "id number '000000'. "
        "type_identifier.name 'Nothing': No lead type has name 'Nothing'. "
        "source.source_communications_identifier.number '9': No communication has number '9'. "
        "users_set[0].user_identifier.username 'nobody': No user has username 'nobody'."
    )


async def test_the_list_takes_exactly_one_semi_optional_parameter(rest: RestClient) -> None:
    # When the list is asked for with none of its semi-optional parameters, and with two
    none = await rest.get("list", "accounts_receivable_identifier=number=ACR0000000201")
    both = await rest.get("list", "type_identifier=name=New Customer&importance=IMPORTANCE1")

    # Then each is refused, naming the parameters
    listed = (
        "contact_information_identifier, type_identifier, category_identifier, "
        "source_identifier, importance, priority"
    )
    assert refusal(none, 400, "REQUIRED") == f"Give one of {listed}."
    assert refusal(both, 400, "INVALID") == (
        f"importance 'IMPORTANCE1': Give only one of {listed}: type_identifier is given already."
    )


async def test_a_create_with_both_the_expected_date_and_the_estimated_time(
    rest: RestClient,
) -> None:
    # When a lead is created with both semi-optional parameters of its schedule
    response = await rest.post(
        "create", {**NEW_LEAD, "expected_completion_date": "2027-01-01T00:00:00"}
    )

    # Then it is refused, naming the estimated completion time
    assert refusal(response, 400, "INVALID") == (
        "estimated_completion_time '2 WEEKS': Give the expected completion date or the estimated "
        "completion time, not both."
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"status_identifier": {"name": "Won"}},
            "status_identifier.name 'Won': An update keeps a lead in its life cycle state, and "
            "status 'Won' would move this IN_PROGRESS lead to WON: use `win` instead.",
        ),
        (
            {"status_identifier": {"name": "Lost"}},
            "status_identifier.name 'Lost': An update keeps a lead in its life cycle state, and "
            "status 'Lost' would move this IN_PROGRESS lead to LOST: use `lost` instead.",
        ),
        (
            {"lost_reason_identifier": {"name": "Competitors"}},
            "lost_reason_identifier 'Competitors': Only losing a lead sets its lost reason (the "
            "update that did, deprecated since CRM.COM R11.1.0, is not offered): use `lost` "
            "instead.",
        ),
    ],
)
async def test_the_deprecated_update_into_won_or_lost_names_the_method(
    rest: RestClient, changes: dict[str, object], message: str
) -> None:
    # Given lead 19, IN_PROGRESS
    before = await rest.lead(19)

    # When an update moves it into a won or lost status, or gives a lost reason
    response = await rest.post("update", {"lead_identifier": {"number": "19"}, **changes})

    # Then it is refused, naming the method that does it now, and nothing changed
    assert refusal(response, 409, "INVALID_TRANSITION") == message
    assert await rest.lead(19) == before


async def test_a_transition_from_the_wrong_state(rest: RestClient) -> None:
    # When a PENDING lead is won
    response = await rest.post("win", {"lead_identifier": {"number": "40"}})

    # Then the life cycle refuses it
    assert refusal(response, 409, "INVALID_TRANSITION") == (
        "lead_identifier '40': Lead 40 is PENDING; only IN_PROGRESS leads can be won."
    )


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (
            None,
            "token: Give the token of POST /crmapi/rest/v2/authentication/token (or of the "
            "GraphQL login).",
        ),
        ("nonsense", "token: This token is unknown, revoked or expired."),
    ],
)
async def test_without_a_valid_token(
    http: httpx2.AsyncClient, token: str | None, message: str
) -> None:
    # When a lead is shown and updated without a token, or with one nobody issued
    query = "lead_identifier=number=19" + ("" if token is None else f"&token={token}")
    shown = await http.get(f"{PREFIX}/leads/show?{query}")
    body: dict[str, object] = {"lead_identifier": {"number": "19"}, "description": "x"}
    if token is not None:
        body["token"] = token
    updated = await http.post(f"{PREFIX}/leads/update", json=body)

    # Then each is UNAUTHENTICATED, and the token is not repeated back
    assert refusal(shown, 401, "UNAUTHENTICATED") == message
    assert refusal(updated, 401, "UNAUTHENTICATED") == message


async def test_a_token_sent_twice_with_different_values(rest: RestClient) -> None:
    # When the seeds' get_in_progress is sent with two different tokens, one of them real
    response = await rest.get("get_in_progress", "token=A0D43A906975BF17402FDE34F29DE01C")

    # Then which user calls is not guessed at
    assert refusal(response, 400, "INVALID") == (
        "token: Given more than once, with different values."
    )


@pytest.mark.parametrize(
    ("verb", "path", "status", "code", "message"),
    [
        (
            "GET",
            "/leads/delete",
            404,
            "NOT_FOUND",
            "There is no method leads/delete; there are show, list, get_overdue, "
            "get_close_to_estimated_completion_time, get_pending, get_in_progress, "
            "get_won_leads, get_lost_leads, get_cancelled, create, update, start_progress, win, "
            "lost, cancel.",
        ),
        ("GET", "/contacts/show", 404, "NOT_FOUND", "There is no method /contacts/show."),
        ("POST", "/leads/show", 405, "INVALID", "leads/show is called with GET, not POST."),
        ("GET", "/leads/create", 405, "INVALID", "leads/create is called with POST, not GET."),
        (
            "DELETE",
            "/leads/update",
            405,
            "INVALID",
            "leads/update is called with POST, not DELETE.",
        ),
        ("GET", "/authentication/token", 405, "INVALID", "Call it with POST."),
    ],
)
async def test_unknown_methods_and_wrong_verbs(
    http: httpx2.AsyncClient, verb: str, path: str, status: int, code: str, message: str
) -> None:
    # When a method that does not exist, or a method with the wrong verb, is called
    response = await http.request(verb, f"{PREFIX}{path}", json={} if verb == "POST" else None)

    # Then the envelope says so
    assert refusal(response, status, code) == message


async def test_a_body_over_the_limit_is_refused_unread(
    http: httpx2.AsyncClient, statements: StatementCounter
) -> None:
    # When 2 MB are posted to sign in, with no token, and a chunked body just as large
    statements.counting = True
    declared = await http.post(f"{PREFIX}/authentication/token", content=b" " * 2_000_000)

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(40):
            yield b" " * 50_000

    chunked = await http.post(f"{PREFIX}/authentication/token", content=chunks())
    statements.counting = False

    # Then each is refused for its size before anything is looked up
    assert refusal(declared, 413, "INVALID") == (
        "The request body holds 2,000,000 bytes; at most 1,048,576 are allowed (MAX_BODY_BYTES)."
    )
    assert refusal(chunked, 413, "INVALID") == (
        "The request body holds more than 1,048,576 bytes; at most 1,048,576 are allowed "
        "(MAX_BODY_BYTES)."
    )
    assert statements.statements == []
