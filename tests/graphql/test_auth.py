"""Signing in and out, and the gate in front of everything else."""

from datetime import timedelta
from typing import Any

import httpx2

from app.main import create_app
from app.settings import Profile, Settings
from tests.conftest import Clock, GraphQLClient
from tests.databases import Template

LOGIN = """
mutation ($username: String!, $password: String!) {
  login(username: $username, password: $password) {
    token expiresAt user { username } errors { field code message }
  }
}
"""


async def test_login_returns_a_token_that_opens_the_api(gql: GraphQLClient) -> None:
    body = await gql(LOGIN, {"username": "mariosmtest", "password": "demo"}, anonymous=True)
    login = body["data"]["login"]
    assert login["errors"] == []
    assert login["user"] == {"username": "mariosmtest"}
    assert login["expiresAt"] == "2026-11-26T00:00:00+00:00"
    me = await gql("{ me { username personName role groups { name } } }", token=login["token"])
    assert me == {
        "data": {
            "me": {
                "username": "mariosmtest",
                "personName": "Marios Test",
                "role": "SALES",
                "groups": [{"name": "Main Group"}],
            }
        }
    }


async def test_wrong_credentials_give_one_vague_error(gql: GraphQLClient) -> None:
    for username, password in (("mariosmtest", "wrong"), ("nobody", "demo")):
        body = await gql(LOGIN, {"username": username, "password": password}, anonymous=True)
        assert body["data"]["login"] == {
            "token": None,
            "expiresAt": None,
            "user": None,
            "errors": [
                {
                    "field": None,
                    "code": "INVALID",
                    "message": "The username or the password is wrong.",
                }
            ],
        }


async def test_without_a_token_every_operation_is_unauthenticated(gql: GraphQLClient) -> None:
    for query in (
        "{ me { username } }",
        '{ lead(ref: {number: "19"}) { number } }',
        "{ leads { totalCount } }",
        'mutation { cancelLead(ref: {number: "5"}) { errors { code } } }',
    ):
        body: dict[str, Any] = await gql(query, anonymous=True)
        assert body["data"] is None
        assert [error["extensions"]["code"] for error in body["errors"]] == ["UNAUTHENTICATED"]


async def test_an_unknown_token_is_unauthenticated(gql: GraphQLClient) -> None:
    body = await gql("{ me { username } }", token="not-a-token")
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}


async def test_introspection_is_open_in_development(gql: GraphQLClient) -> None:
    body = await gql("{ __schema { queryType { name } } }", anonymous=True)
    assert body == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


async def test_a_token_stops_working_when_it_expires(gql: GraphQLClient, clock: Clock) -> None:
    # Given a token of the viewer, good for the default 12 hours
    body = await gql(LOGIN, {"username": "viewer.main", "password": "demo"}, anonymous=True)
    token = body["data"]["login"]["token"]

    # When it is used a second before it expires, and when it expires
    clock.now += timedelta(hours=12, seconds=-1)
    before = await gql("{ me { username } }", token=token)
    clock.now += timedelta(seconds=1)
    expired = await gql("{ me { username } }", token=token)

    # Then it signs the viewer in until then, and nobody from then on
    assert before == {"data": {"me": {"username": "viewer.main"}}}
    assert expired["data"] is None
    assert [error["extensions"]["code"] for error in expired["errors"]] == ["UNAUTHENTICATED"]


async def test_logout_revokes_only_the_token_it_is_sent_with(gql: GraphQLClient) -> None:
    # Given two tokens of the sales user
    tokens = []
    for _ in range(2):
        body = await gql(LOGIN, {"username": "sales.main", "password": "demo"}, anonymous=True)
        tokens.append(body["data"]["login"]["token"])
    revoked, kept = tokens

    # When one is used to log out
    assert await gql("mutation { logout }", token=revoked) == {"data": {"logout": True}}

    # Then it opens nothing, not even another logout, and the other still works
    for query in ("{ me { username } }", "mutation { logout }"):
        after = await gql(query, token=revoked)
        assert after["data"] is None
        assert [error["extensions"]["code"] for error in after["errors"]] == ["UNAUTHENTICATED"]
    assert await gql("{ me { username } }", token=kept) == {
        "data": {"me": {"username": "sales.main"}}
    }


async def test_production_closes_introspection_to_anonymous_callers(
    settings: Settings, template: Template
) -> None:
    production = create_app(settings.model_copy(update={"profile": Profile.PRODUCTION}))
    transport = httpx2.ASGITransport(app=production)
    async with httpx2.AsyncClient(transport=transport, base_url="http://test") as http:
        client = GraphQLClient(http, template.token)
        anonymous = await client("{ __schema { queryType { name } } }", anonymous=True)
        signed_in = await client("{ __schema { queryType { name } } }")
    await production.state.database.dispose()
    assert anonymous["data"] is None
    assert [error["extensions"]["code"] for error in anonymous["errors"]] == ["UNAUTHENTICATED"]
    assert signed_in == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


async def test_a_request_signs_in_once(gql: GraphQLClient) -> None:
    # When fifteen aliased sign-ins are sent in one request, without a token
    logins = " ".join(
        f'a{n}: login(username: "MPAdministrator", password: "demo") {{ token }}' for n in range(15)
    )
    body = await gql(f"mutation {{ {logins} }}", anonymous=True)

    # Then the request is refused before any password is checked, at the second sign-in
    assert body == {
        "errors": [
            {
                "message": "A request signs in once: send one `login` per request.",
                "locations": [{"line": 1, "column": 79}],
                "extensions": {"code": "QUERY_TOO_COMPLEX"},
            }
        ]
    }
