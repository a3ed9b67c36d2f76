"""Failed sign-ins over GraphQL's `login`: slowed, then refused with THROTTLED before argon2
runs, per username and per client address."""

import asyncio

import httpx2
import pytest

from app.settings import Settings
from tests.conftest import Clock, GraphQLClient
from tests.sign_in_support import (
    INVALID,
    QUICK,
    THROTTLED_15,
    WRONG,
    Verifications,
    Waits,
    WallClock,
    client_from,
    gateway,
    login,
)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update=QUICK)


@pytest.mark.parametrize("username", ["MPAdministrator", "nobody.by.that.name"])
async def test_twenty_wrong_passwords_for_one_user_in_a_minute_are_refused_before_argon2(
    http: httpx2.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch, username: str
) -> None:
    # Given a spy on password verification, and the counters' clock standing still
    verifications = Verifications.installed(monkeypatch)
    WallClock.installed(monkeypatch)

    # When twenty wrong passwords are sent for one username, known or not, then "demo"
    answers = [await login(http, username, f"{WRONG}-{attempt}") for attempt in range(20)]
    right = await login(http, username, "demo")

    # Then the first ten were verified and answered INVALID; the other ten, and the right
    # password after them, THROTTLED without reaching argon2, in the same words for both
    assert answers == [("INVALID", INVALID)] * 10 + [("THROTTLED", THROTTLED_15)] * 10
    assert right == ("THROTTLED", THROTTLED_15)
    assert len(verifications) == settings.login_failures_per_username == 10


async def test_twenty_wrong_passwords_at_once_reach_argon2_only_ten_times(
    http: httpx2.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a spy on password verification, and the counters' clock standing still
    verifications = Verifications.installed(monkeypatch)
    WallClock.installed(monkeypatch)

    # When twenty wrong passwords for the viewer are sent at the same time
    answers = await asyncio.gather(*(login(http, "viewer.main", WRONG) for _ in range(20)))

    # Then each attempt was counted before its password was verified: ten were, and the other
    # ten were refused without it
    assert sorted(answers) == [("INVALID", INVALID)] * 10 + [("THROTTLED", THROTTLED_15)] * 10
    assert len(verifications) == 10


async def test_one_address_is_refused_past_its_limit_whoever_signs_in(
    settings: Settings, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a limit of 4 failures per address, and a spy on password verification
    verifications = Verifications.installed(monkeypatch)
    async with (
        gateway(settings, clock, login_failures_per_address=4) as app,
        client_from(app, "192.0.2.10") as office,
        client_from(app, "198.51.100.20") as elsewhere,
    ):
        # When four different usernames fail from the office, then a user signs in from it
        failures = [
            await login(office, username, WRONG)
            for username in ("MPAdministrator", "sales.main", "viewer.main", "no.one")
        ]
        from_the_office = await login(office, "sales.main", "demo")
        # and from another address
        from_elsewhere = await login(elsewhere, "sales.main", "demo")

    # Then the office is refused past its four failures, before any verification; the other
    # address is not
    assert failures == [("INVALID", INVALID)] * 4
    assert from_the_office == ("THROTTLED", THROTTLED_15)
    assert from_elsewhere == ("OK", "")
    assert len(verifications) == 5


async def test_one_locked_out_user_leaves_colleagues_behind_the_address_signing_in(
    http: httpx2.AsyncClient,
) -> None:
    # Given the administrator locked out, with the default limits, from one address
    for _ in range(10):
        await login(http, "MPAdministrator", WRONG)
    assert await login(http, "MPAdministrator", "demo") == ("THROTTLED", THROTTLED_15)

    # When colleagues sign in from the same address
    colleagues = [await login(http, username, "demo") for username in ("sales.main", "viewer.main")]

    # Then they are let in
    assert colleagues == [("OK", ""), ("OK", "")]


async def test_a_slowed_sign_in_waits_while_the_server_serves_others(
    settings: Settings, clock: Clock, gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a wait of 2 s after one failure, and a spy that holds the wait until released
    waits = Waits.installed(monkeypatch)
    waiting, released = asyncio.Event(), asyncio.Event()

    async def held() -> None:
        waiting.set()
        await released.wait()

    waits.until = held
    async with (
        gateway(settings, clock, login_slowdown_after=1, login_slowdown_seconds=2) as app,
        client_from(app, "192.0.2.10") as client,
    ):
        first = await login(client, "viewer.main", WRONG)

        # When the next sign-in is waiting
        slowed = asyncio.create_task(login(client, "viewer.main", "demo"))
        await waiting.wait()
        # and the server is asked for its health and a signed-in query meanwhile
        health = await client.get("/health")
        me = await client.post(
            "/graphql",
            json={"query": "{ me { username } }"},
            headers={"authorization": f"Bearer {gql.token}"},
        )
        served_while_waiting = not slowed.done()
        released.set()
        second = await slowed

    # Then both were answered during the wait of 2 s, after which the sign-in went on
    assert first == ("INVALID", INVALID)
    assert health.json() == {"status": "ok"}
    assert me.json()["data"] == {"me": {"username": "MPAdministrator"}}
    assert served_while_waiting
    assert waits.seconds == [2]
    assert second == ("OK", "")
