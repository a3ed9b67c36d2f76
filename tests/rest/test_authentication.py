"""Signing in to the facade: `POST /authentication/token` answers `data.token`; it and the
GraphQL login's tokens are the same kind (one table), so each works on both front doors."""

from datetime import UTC, datetime, timedelta

import httpx2
import pytest

from tests.conftest import Clock, GraphQLClient
from tests.rest.conftest import PREFIX, RestClient, answered, refusal

TOKEN_URL = f"{PREFIX}/authentication/token"


async def test_sign_in_without_regard_to_the_case_of_the_username(
    http: httpx2.AsyncClient, rest: RestClient, clock: Clock
) -> None:
    # Given a moment
    clock.now = datetime(2016, 11, 1, 9, 0, tzinfo=UTC)

    # When the seeds' spelling of the administrator signs in
    data = answered(
        await http.post(TOKEN_URL, json={"username": "mpadministrator", "password": "demo"})
    )

    # Then a token comes, good for the default 12 hours, and it signs the calls in
    assert set(data) == {"token", "expires_at"}
    assert data["expires_at"] == "2016-11-01T21:00:00"
    shown = answered(await rest.get("show", "lead_identifier=number=19", token=data["token"]))
    assert shown["number"] == "19"


async def test_tokens_work_on_both_front_doors(rest: RestClient, gql: GraphQLClient) -> None:
    # Given a token of the facade and one of the GraphQL login
    facade_token = await rest.sign_in("sales.csr")
    login = await gql.data('mutation { login(username: "sales.csr", password: "demo") { token } }')
    graphql_token = login["login"]["token"]

    # When each is used on the other front door
    me = await gql("{ me { username role } }", token=facade_token)
    lead = answered(await rest.get("get_won_leads", "number_of_results=1", token=graphql_token))

    # Then each signs in the same user
    assert me == {"data": {"me": {"username": "sales.csr", "role": "SALES"}}}
    assert len(lead) == 1


async def test_a_revoked_or_expired_token_signs_nothing_in(
    rest: RestClient, gql: GraphQLClient, clock: Clock
) -> None:
    # Given a token revoked by the GraphQL logout, and one past its expiry
    revoked = await rest.sign_in("sales.main")
    assert await gql("mutation { logout }", token=revoked) == {"data": {"logout": True}}
    expiring = await rest.sign_in("sales.main")
    clock.now += timedelta(hours=13)

    # Then neither is accepted
    for token in (revoked, expiring):
        response = await rest.get("show", "lead_identifier=number=19", token=token)
        assert refusal(response, 401, "UNAUTHENTICATED") == (
            "token: This token is unknown, revoked or expired."
        )


@pytest.mark.parametrize(
    ("credentials", "status", "code", "message"),
    [
        (
            {"username": "MPAdministrator", "password": "wrong"},
            400,
            "INVALID",
            "The username or the password is wrong.",
        ),
        (
            {"username": "nobody", "password": "demo"},
            400,
            "INVALID",
            "The username or the password is wrong.",
        ),
        ({"username": "MPAdministrator"}, 400, "REQUIRED", "password: Give the password."),
        (
            {"password": 1234},
            400,
            "REQUIRED",
            "username: Give the username. password: Give a text.",
        ),
        (
            {"username": "MPAdministrator", "password": "demo", "unit": "U"},
            400,
            "INVALID",
            "unit 'U': This call takes no such parameter.",
        ),
    ],
)
async def test_refused_sign_ins(
    http: httpx2.AsyncClient,
    credentials: dict[str, object],
    status: int,
    code: str,
    message: str,
) -> None:
    # When someone signs in with wrong or missing credentials
    response = await http.post(TOKEN_URL, json=credentials)

    # Then no token comes, the answer does not say which half was wrong, and the password is
    # never repeated back
    assert refusal(response, status, code) == message


async def test_a_post_takes_its_token_in_the_body(
    http: httpx2.AsyncClient, rest: RestClient
) -> None:
    # When an action is sent with its token in the URL
    response = await http.post(
        f"{PREFIX}/leads/start_progress?token={rest.token}",
        json={"lead_identifier": {"number": "40"}},
    )

    # Then it is refused, and lead 40 is still PENDING
    assert refusal(response, 400, "INVALID") == (
        "A POST takes its parameters, token included, in its JSON body, not in the URL."
    )
    assert (await rest.lead(40))["life_cycle_state"] == "PENDING"
