"""Each caller's budget of points: spent by the cost of each request, shown in every answer
(`extensions.cost`, the `RateLimit-Policy` and `RateLimit` headers), and answered 429 with
`Retry-After` when a request costs more than is left."""

from types import SimpleNamespace
from typing import Any

import httpx2
import pytest
from limits.aio.storage import memory

from app.settings import Settings
from tests.conftest import GraphQLClient, StatementCounter
from tests.graphql.test_cost import counted

# A whole number of every window these tests use (30 s and the default 50 s): the windows of
# the in-memory counters start on multiples of their length.
FROZEN_TIME = 1_800_000_000.0
# Small enough to run out in a few requests: 30 points, back at one a second.
SMALL_BUDGET = {"rate_limit_points": 30, "rate_limit_restore_rate": 1}
DEFAULT_BUDGET: dict[str, Any] = {}
# 11 points: the page, then per lead itself and its status.
FIVE_LEADS = "{ leads(first: 5) { nodes { number status { name } } } }"
# 10,201 points: the page, then per lead itself and 100 history entries.
TOO_COSTLY = "{ leads(first: 100) { nodes { history(first: 100) { nodes { at } } } } }"
SIGN_IN = 'mutation ($name: String!) { login(username: $name, password: "demo") { token } }'


@pytest.fixture
def settings(database_url: str, request: pytest.FixtureRequest) -> Settings:
    budget = getattr(request, "param", SMALL_BUDGET)
    return Settings(database_url=database_url, **budget)


@pytest.fixture(autouse=True)
def frozen_counters(monkeypatch: pytest.MonkeyPatch) -> None:
    """The in-memory counters' clock, stopped at the start of a window: what a budget holds
    then depends on what was spent, never on when the test runs."""
    monkeypatch.setattr(memory, "time", SimpleNamespace(time=lambda: FROZEN_TIME))


def shown(response: httpx2.Response) -> tuple[Any, str, str]:
    """What an answer shows of the caller's budget: `extensions.cost` and the two headers."""
    return (
        response.json()["extensions"]["cost"],
        response.headers["ratelimit-policy"],
        response.headers["ratelimit"],
    )


def cost(requested: int, available: int, restore_rate: int = 1) -> dict[str, Any]:
    return {
        "requestedQueryCost": requested,
        "maximumAvailable": 10000,
        "throttleStatus": {"currentlyAvailable": available, "restoreRate": restore_rate},
    }


# every answer shows the budget ------------------------------------------------------------


@pytest.mark.parametrize("settings", [DEFAULT_BUDGET], indirect=True, ids=["default-budget"])
@pytest.mark.parametrize(
    ("query", "anonymous", "requested", "available"),
    [
        pytest.param("{ me { username } }", False, 1, 99999, id="answered"),
        pytest.param(TOO_COSTLY, False, 10201, 100000, id="refused-as-too-costly"),
        # a page above 100 counts as a page of 100
        pytest.param(
            "{ leads(first: 101) { nodes { number } } }", False, 101, 100000, id="refused-page"
        ),
        # not priced: an anonymous caller's document is not even validated
        pytest.param("{ me { username } }", True, 0, 100000, id="refused-sign-in-first"),
        pytest.param("{ me { username ", False, 0, 100000, id="refused-unparsed"),
        # anonymous callers spend their address's budget
        pytest.param(
            'mutation { login(username: "sales.main", password: "demo") { token } }',
            True,
            10,
            99990,
            id="sign-in",
        ),
    ],
)
async def test_every_answer_shows_its_cost_and_the_caller_s_budget(
    gql: GraphQLClient, query: str, anonymous: bool, requested: int, available: int
) -> None:
    # When a request is answered, refused or run
    response = await gql.post(query, anonymous=anonymous)

    # Then its cost, what one request may cost, and what the caller has left are shown, and
    # the headers say it again: 100,000 points over 50 s, more back once the window ends
    reset = 51 if available < 100000 else 0
    assert shown(response) == (
        cost(requested, available, restore_rate=2000),
        '"points";q=100000;w=50',
        f'"points";r={available};t={reset}',
    )


# running out --------------------------------------------------------------------------------


async def test_a_request_costing_more_than_is_left_is_throttled(
    gql: GraphQLClient, statements: StatementCounter
) -> None:
    # Given a budget of 30 points from which two pages of five leads took 22, and what an
    # answer that reads nothing sends (the token's check)
    for left in (19, 8):
        answered = await gql.post(FIVE_LEADS)
        assert answered.status_code == 200
        assert shown(answered) == (cost(11, left), '"points";q=30;w=30', f'"points";r={left};t=31')
    _, nothing = await counted(gql, statements, "{ __typename }")

    # When a third page is asked for, with 8 points left
    refused = await gql.post(FIVE_LEADS)

    # Then it is refused with 429, saying when 11 points will be back: the 22 spent count until
    # the window ends in 30 s, then fade over the next 30 s (below 20 after 2.7 s)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "33"
    assert refused.json() == {
        "data": None,
        "errors": [
            {
                "message": "The query costs 11 points and 8 of your budget are left; try again "
                "in 33 seconds.",
                "extensions": {"code": "THROTTLED", "cost": 11, "retryAfter": 33},
            }
        ],
        "extensions": {"cost": cost(11, 8)},
    }
    assert shown(refused)[1:] == ('"points";q=30;w=30', '"points";r=8;t=31')
    # and a throttled request reads nothing
    assert (await counted(gql, statements, FIVE_LEADS))[1] == nothing

    # When a request costing 1 point is sent, then it runs on what is left
    cheap = await gql.post("{ me { username } }")
    assert (cheap.status_code, shown(cheap)[0]) == (200, cost(1, 7))


async def test_another_user_and_anonymous_callers_keep_their_own_budget(
    gql: GraphQLClient,
) -> None:
    # Given the administrator's budget spent down to 8 points
    for _ in range(2):
        assert (await gql.post(FIVE_LEADS)).status_code == 200
    assert (await gql.post(FIVE_LEADS)).status_code == 429

    # When another user signs in (anonymously: 10 points of the address's budget) and reads
    signing_in = await gql.post(SIGN_IN, {"name": "sales.main"}, anonymous=True)
    token = signing_in.json()["data"]["login"]["token"]
    read = await gql.post(FIVE_LEADS, token=token)

    # Then each is served from a budget of their own
    assert shown(signing_in)[0] == cost(10, 20)
    assert (read.status_code, shown(read)[0]) == (200, cost(11, 19))


async def test_anonymous_callers_run_out_by_address(gql: GraphQLClient) -> None:
    # When sign-ins of 10 points each are sent from one address with a budget of 30
    answers = [await gql.post(SIGN_IN, {"name": "viewer.main"}, anonymous=True) for _ in range(4)]

    # Then three are answered and the fourth is throttled until 10 points are back: 9 s after
    # the window ends, the 30 spent have faded below 21
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert [shown(answer)[0]["throttleStatus"]["currentlyAvailable"] for answer in answers] == [
        20,
        10,
        0,
        0,
    ]
    assert answers[-1].headers["retry-after"] == "40"


# when the counters cannot be reached --------------------------------------------------------


@pytest.mark.parametrize(
    "settings", [{"rate_limit_storage": "redis://127.0.0.1:1/0"}], indirect=True, ids=["no-redis"]
)
async def test_a_request_is_refused_when_the_counters_do_not_answer(gql: GraphQLClient) -> None:
    # When a request is sent while the shared counters cannot be reached
    response = await gql.post("{ me { username } }")

    # Then it is refused as a service too busy, to be retried (after as long as a database
    # connection is waited for), rather than run uncounted
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json() == {
        "errors": [
            {
                "message": "The service is too busy to answer; try again shortly.",
                "extensions": {"code": "SERVICE_UNAVAILABLE"},
            }
        ]
    }
