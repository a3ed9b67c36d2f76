"""`Lead.history` over HTTP: each entry with who did which action when and what it changed, in
the API's spelling (camelCase field names and JSON keys); paging by cursor; refused page
arguments; and a list of leads with their histories in a fixed number of statements.

Ids the demo data generates are read from the leads themselves; the rest is written out.
"""

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.conftest import Clock, GraphQLClient, StatementCounter
from tests.graphql.test_statement_counts import TRANSACTION_CONTROL

CHANGES = "action at by { username } changes { field oldValue newValue }"
HISTORY = (
    "query ($number: String!, $first: Int, $after: String) { lead(ref: {number: $number}) "
    f"{{ history(first: $first, after: $after) {{ nodes {{ {CHANGES} }} edges {{ cursor }} "
    "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }"
)
IDS = (
    "query ($number: String!) { lead(ref: {number: $number}) { status { id } type { id } "
    "category { id } contactInformation { id } accountsReceivable { id number } "
    "ownedByGroup { id } } }"
)
WIN = (
    "mutation ($number: String!, $account: AccountsReceivableChoice) { winLead(ref: {number: "
    "$number}, accountsReceivable: $account) { errors { field code message } } }"
)
START = (
    "mutation ($number: String!) { startLeadProgress(ref: {number: $number}) "
    "{ errors { field code message } } }"
)
UPDATE = (
    "mutation ($number: String!, $input: UpdateLeadInput!) { updateLead(ref: {number: "
    "$number}, input: $input) { errors { field code message } lead { usersSet { id } "
    "servicesSet { id } } } }"
)
NEW_CUSTOMER_TYPE = {"id": "696C0E5F273B4D548F875F63F9DE77C2", "name": "New Customer"}
INTEREST = {"id": "B738753EE56D01FC6CD964D14FBBCC7A", "name": "Interest"}
NEW_CUSTOMER = {"id": "35EB799C52F14A8984FE2F397A852A78", "name": "New Customer"}
SUBSCRIPTION_PACKAGES = {"id": "BC954969D3172372D498D3BB2BA590A0", "name": "Subscription Packages"}
SMANAGER = {"id": "DCA93D75753E5CC5AD1E69556368E616", "username": "Smanager"}
X_POULLI = {"id": "D0B5657F42ED3331694BAE21DF971807", "username": "x_poulli"}
ADMIN = {"username": "MPAdministrator"}
KOKOS = "21312312"
WON_AT = datetime(2026, 11, 26, 9, 15, tzinfo=UTC)


def change(field: str, old: Any, new: Any) -> dict[str, Any]:
    return {"field": field, "oldValue": old, "newValue": new}


def by_field(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An entry's changes by field name: the order they are listed in is not a contract."""
    return sorted(changes, key=lambda found: str(found["field"]))


def in_order(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**node, "changes": by_field(node["changes"])} for node in nodes]


async def history(gql: GraphQLClient, number: str, **page: Any) -> dict[str, Any]:
    found: dict[str, Any] = (await gql.data(HISTORY, {"number": number, **page}))["lead"]["history"]
    return found


async def ids(gql: GraphQLClient, number: str) -> dict[str, Any]:
    lead: dict[str, Any] = (await gql.data(IDS, {"number": number}))["lead"]
    return lead


async def mutate(gql: GraphQLClient, operation: str, **variables: Any) -> Any:
    """The payload of a mutation that must succeed."""
    (payload,) = (await gql.data(operation, variables)).values()
    assert payload["errors"] == []
    return payload


def kokos_lead_created(
    lead: dict[str, Any], at: str, due: str, learn: dict[str, Any]
) -> dict[str, Any]:
    """The CREATE entry of a demo "New Customer" lead of Kokos Panagi, made IN_PROGRESS in
    "Learn" at `at` (its start), due a month later at `due`, billed to his ACR0000000201."""
    return {
        "action": "CREATE",
        "at": at,
        "by": ADMIN,
        "changes": [
            change("lifeCycleState", None, "IN_PROGRESS"),
            change("status", None, learn),
            change("type", None, NEW_CUSTOMER_TYPE),
            change("category", None, NEW_CUSTOMER),
            change("contactInformation", None, {**lead["contactInformation"], "idNumber": KOKOS}),
            change(
                "accountsReceivable",
                None,
                {"id": lead["accountsReceivable"]["id"], "number": "ACR0000000201"},
            ),
            change("leadSource", None, {"type": "WEBSITE", "name": "www.crm.com"}),
            change("importance", None, "IMPORTANCE1"),
            change("priority", None, 2),
            change("ownedByGroup", None, {**lead["ownedByGroup"], "name": "Main Group"}),
            change("startDate", None, at),
            change("expectedCompletionDate", None, due),
            change("estimatedCompletionTime", None, {"value": 1.0, "unit": "MONTHS"}),
        ],
    }


# --- entries ---------------------------------------------------------------------------------


async def test_a_demo_lead_shows_its_create_entry(gql: GraphQLClient) -> None:
    # Given demo lead 41, created IN_PROGRESS and never changed since
    lead = await ids(gql, "41")
    learn = {**lead["status"], "name": "Learn"}

    # When its history is read
    page = await history(gql, "41")

    # Then it is its one CREATE entry, in the API's spelling
    assert in_order(page["nodes"]) == in_order(
        [kokos_lead_created(lead, "2016-11-01T14:57:21+00:00", "2016-12-01T14:57:21+00:00", learn)]
    )
    assert page["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": False,
        "startCursor": page["edges"][0]["cursor"],
        "endCursor": page["edges"][0]["cursor"],
    }


async def test_a_won_demo_lead_shows_its_create_and_win_entries(gql: GraphQLClient) -> None:
    # Given demo lead 48, created in "Learn" and won three minutes later
    lead = await ids(gql, "48")
    learn = {**(await ids(gql, "41"))["status"], "name": "Learn"}
    won = {**lead["status"], "name": "Won"}

    # When its history is read
    page = await history(gql, "48")

    # Then it holds both entries, oldest first
    assert in_order(page["nodes"]) == in_order(
        [
            kokos_lead_created(
                lead, "2016-11-01T13:14:39+00:00", "2016-12-01T13:14:39+00:00", learn
            ),
            {
                "action": "WIN",
                "at": "2016-11-01T13:17:00+00:00",
                "by": ADMIN,
                "changes": [
                    change("lifeCycleState", "IN_PROGRESS", "WON"),
                    change("status", learn, won),
                    change("actualCompletionDate", None, "2016-11-01T13:17:00+00:00"),
                ],
            },
        ]
    )
    assert page["pageInfo"]["hasNextPage"] is False


async def test_win_lead_adds_a_win_entry(gql: GraphQLClient, clock: Clock) -> None:
    # Given demo lead 41, IN_PROGRESS in "Learn"
    learn = (await ids(gql, "41"))["status"]
    before = (await history(gql, "41"))["nodes"]

    # When it is won at WON_AT
    clock.now = WON_AT
    await mutate(gql, WIN, number="41")

    # Then its history gains one WIN entry after the ones it had
    nodes = (await history(gql, "41"))["nodes"]
    assert nodes[:-1] == before
    won = (await ids(gql, "41"))["status"]
    assert in_order(nodes[-1:]) == in_order(
        [
            {
                "action": "WIN",
                "at": "2026-11-26T09:15:00+00:00",
                "by": ADMIN,
                "changes": [
                    change("lifeCycleState", "IN_PROGRESS", "WON"),
                    change("status", {**learn, "name": "Learn"}, {**won, "name": "Won"}),
                    change("actualCompletionDate", None, "2026-11-26T09:15:00+00:00"),
                ],
            }
        ]
    )


async def test_win_lead_with_a_new_accounts_receivable_lists_it(
    gql: GraphQLClient, clock: Clock
) -> None:
    # Given demo lead 36 of Andreas, without accounts receivable, taken IN_PROGRESS (into
    # "Interest", its type's start status)
    await mutate(gql, START, number="36")

    # When it is won with a new accounts receivable
    clock.now = WON_AT
    await mutate(gql, WIN, number="36", account={"new": {}})

    # Then its WIN entry names the account opened, as `accountsReceivable`
    lead = await ids(gql, "36")
    assert lead["accountsReceivable"]["number"] == "ACR0000001001"
    nodes = (await history(gql, "36"))["nodes"]
    assert [node["action"] for node in nodes] == ["CREATE", "START_PROGRESS", "WIN"]
    assert in_order(nodes[-1:]) == in_order(
        [
            {
                "action": "WIN",
                "at": "2026-11-26T09:15:00+00:00",
                "by": ADMIN,
                "changes": [
                    change("lifeCycleState", "IN_PROGRESS", "WON"),
                    change("status", INTEREST, {**lead["status"], "name": "Won"}),
                    change(
                        "accountsReceivable",
                        None,
                        {"id": lead["accountsReceivable"]["id"], "number": "ACR0000001001"},
                    ),
                    change("actualCompletionDate", None, "2026-11-26T09:15:00+00:00"),
                ],
            }
        ]
    )


async def test_an_update_names_fields_and_json_keys_as_the_api_does(
    gql: GraphQLClient, clock: Clock
) -> None:
    # Given demo lead 69, assigned to MPAdministrator, with mariosmtest and salesagent in its
    # users set and the products SOFA and AOA in its services set
    lead = await gql.data(
        '{ lead(ref: {number: "69"}) { usersSet { id user { id } } servicesSet { id } } }'
    )
    salesagent, _ = lead["lead"]["usersSet"][::-1]

    # When an update assigns it, swaps a user, and adds a product type to its services
    clock.now = WON_AT
    changes = {
        "assignedTo": {"user": {"username": "Smanager"}},
        "users": [{"remove": {"username": "salesagent"}}, {"add": {"username": "x_poulli"}}],
        "services": [{"add": {"productType": {"name": "Subscription Packages"}}}],
        "targetAmount": "1234.5",
    }
    after = (await mutate(gql, UPDATE, number="69", input=changes))["lead"]

    # Then its UPDATE entry says so in the API's names
    kept = {row["id"] for row in lead["lead"]["usersSet"]}
    (x_poulli,) = [row for row in after["usersSet"] if row["id"] not in kept]
    nodes = (await history(gql, "69"))["nodes"]
    assert in_order(nodes[-1:]) == in_order(
        [
            {
                "action": "UPDATE",
                "at": "2026-11-26T09:15:00+00:00",
                "by": ADMIN,
                "changes": [
                    change("assignedTo.user", {"id": "1", "username": "MPAdministrator"}, SMANAGER),
                    change("targetAmount", None, "1234.50"),
                    change(
                        "usersSet",
                        None,
                        {
                            "added": [{"id": x_poulli["id"], "user": X_POULLI}],
                            "removed": [
                                {
                                    "id": salesagent["id"],
                                    "user": {**salesagent["user"], "username": "salesagent"},
                                }
                            ],
                        },
                    ),
                    change(
                        "servicesSet",
                        None,
                        {
                            "added": [
                                {
                                    "id": after["servicesSet"][-1]["id"],
                                    "productType": SUBSCRIPTION_PACKAGES,
                                }
                            ],
                            "removed": [],
                        },
                    ),
                ],
            }
        ]
    )


# --- paging --------------------------------------------------------------------------------


async def test_history_pages_oldest_first_along_the_cursors(gql: GraphQLClient) -> None:
    # Given demo lead 40 updated four times after its creation
    for priority in (3, 4, 5, 6):
        await mutate(gql, UPDATE, number="40", input={"priority": priority})
    whole = await history(gql, "40")
    assert [node["action"] for node in whole["nodes"]] == ["CREATE"] + ["UPDATE"] * 4

    # When it is read two entries at a time along the cursors
    first = await history(gql, "40", first=2)
    second = await history(gql, "40", first=2, after=first["pageInfo"]["endCursor"])
    third = await history(gql, "40", first=2, after=second["pageInfo"]["endCursor"])

    # Then the pages hold the whole history once, in order, and say where they stand
    assert first["nodes"] + second["nodes"] + third["nodes"] == whole["nodes"]
    assert [node["changes"] for node in third["nodes"]] == [[change("priority", 5, 6)]]
    assert [
        (page["pageInfo"]["hasNextPage"], page["pageInfo"]["hasPreviousPage"], len(page["nodes"]))
        for page in (first, second, third)
    ] == [(True, False, 2), (True, True, 2), (False, True, 1)]
    for page in (first, second, third):
        cursors = [edge["cursor"] for edge in page["edges"]]
        assert (page["pageInfo"]["startCursor"], page["pageInfo"]["endCursor"]) == (
            cursors[0],
            cursors[-1],
        )
    assert [edge["cursor"] for edge in whole["edges"]] == [
        edge["cursor"] for page in (first, second, third) for edge in page["edges"]
    ]

    # And after the last entry there is nothing more
    last = await history(gql, "40", first=2, after=third["pageInfo"]["endCursor"])
    assert (last["nodes"], last["pageInfo"]["hasNextPage"], last["pageInfo"]["endCursor"]) == (
        [],
        False,
        None,
    )


@pytest.mark.parametrize(
    ("page", "field"),
    [
        pytest.param({"after": "not a cursor"}, "after", id="garbage-cursor"),
        pytest.param({"after": "bGVhZDo0MQ=="}, "after", id="a-lead-list-cursor"),  # "lead:41"
        pytest.param({"after": "Y2hhbmdlOng="}, "after", id="no-number"),  # "change:x"
        pytest.param(
            {"after": "Y2hhbmdlOjk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5"}, "after", id="out-of-range"
        ),  # "change:99999999999999999999999"
        pytest.param({"first": -1}, "first", id="first-negative"),
    ],
)
async def test_refused_page_arguments_are_invalid(
    gql: GraphQLClient, page: dict[str, Any], field: str
) -> None:
    body = await gql(HISTORY, {"number": "41", **page})

    assert body["data"] == {"lead": None}
    assert [
        (error["extensions"]["code"], error["extensions"]["field"], error["path"])
        for error in body["errors"]
    ] == [("INVALID", field, ["lead", "history"])]


# --- statements ----------------------------------------------------------------------------


async def test_history_of_a_page_of_leads_takes_as_many_statements_for_100_leads_as_for_5(
    gql: GraphQLClient, statements: StatementCounter
) -> None:
    # Given leads whose histories hold one or more entries, by more than one user
    login = 'mutation { login(username: "mariosmtest", password: "demo") { token } }'
    token = (await gql.data(login))["login"]["token"]
    started = await gql(START, {"number": "5"}, token=token)
    assert started["data"]["startLeadProgress"]["errors"] == []
    query = (
        "query ($first: Int!) { leads(first: $first) { nodes { number "
        "history(first: 5) { nodes { action by { username } } } } } }"
    )

    # When pages of 5, 50 and 100 leads are read with five entries of each lead's history
    sent: dict[int, int] = {}
    for first in (5, 50, 100):
        statements.statements.clear()
        statements.counting = True
        try:
            page = (await gql.data(query, {"first": first}))["leads"]["nodes"]
        finally:
            statements.counting = False
        sent[first] = len(
            [
                text
                for text in statements.statements
                if text.strip().upper() not in TRANSACTION_CONTROL
            ]
        )
        assert len(page) == first
        assert all(node["history"]["nodes"][0]["action"] == "CREATE" for node in page)

    # Then each page takes the same statements, whatever its size
    assert page[1]["history"]["nodes"] == [
        {"action": "CREATE", "by": ADMIN},
        {"action": "START_PROGRESS", "by": {"username": "mariosmtest"}},
    ]
    # (the token's user, the page, one batch of histories and one of their users)
    assert sent == {5: 4, 50: 4, 100: 4}
