"""Failed sign-ins at the facade's `POST /authentication/token`: the same throttle as the
GraphQL `login`, refused in the facade's envelope with 429 and `Retry-After`."""

import httpx2
import pytest

from app.settings import Settings
from tests.conftest import Clock
from tests.rest.conftest import PREFIX, answered
from tests.sign_in_support import (
    INVALID,
    QUICK,
    THROTTLED_15,
    WRONG,
    Verifications,
    WallClock,
    client_from,
    gateway,
    login,
)

TOKEN_URL = f"{PREFIX}/authentication/token"
THROTTLED_ENVELOPE = {
    "code": "THROTTLED",
    "description": "Too many attempts in a short time: wait and try again.",
    "message": THROTTLED_15,
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update=QUICK)


async def token(client: httpx2.AsyncClient, username: str, password: str) -> httpx2.Response:
    return await client.post(TOKEN_URL, json={"username": username, "password": password})


def answer(response: httpx2.Response) -> tuple[int, str | None, str]:
    """The status, `Retry-After` and the envelope's code of a refusal (or OK)."""
    assert response.headers["content-type"] == "application/json"
    code: str = response.json()["status"]["code"]
    return response.status_code, response.headers.get("retry-after"), code


async def test_twenty_wrong_passwords_are_refused_with_429_before_argon2(
    http: httpx2.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a spy on password verification, and the counters' clock standing still
    verifications = Verifications.installed(monkeypatch)
    WallClock.installed(monkeypatch)

    # When twenty wrong passwords are sent for the administrator
    responses = [await token(http, "mpadministrator", WRONG) for _ in range(20)]

    # Then ten were verified and refused with 400; the other ten with 429, the envelope's
    # THROTTLED and the seconds left in the 15-minute window, before argon2
    assert [answer(response) for response in responses] == [(400, None, "INVALID")] * 10 + [
        (429, "900", "THROTTLED")
    ] * 10
    assert responses[0].json() == {
        "status": {
            "code": "INVALID",
            "description": "The value is not acceptable here.",
            "message": INVALID,
        },
        "data": None,
    }
    assert responses[-1].json() == {"status": THROTTLED_ENVELOPE, "data": None}
    assert len(verifications) == 10


async def test_both_front_doors_count_against_one_throttle(
    http: httpx2.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the counters' clock standing still
    WallClock.installed(monkeypatch)

    # When the viewer fails five times at the facade and five times at GraphQL
    facade = [answer(await token(http, "viewer.main", WRONG)) for _ in range(5)]
    graphql = [await login(http, "viewer.main", WRONG) for _ in range(5)]

    # Then the next right password is refused at both
    assert facade == [(400, None, "INVALID")] * 5
    assert graphql == [("INVALID", INVALID)] * 5
    assert answer(await token(http, "viewer.main", "demo")) == (429, "900", "THROTTLED")
    assert await login(http, "viewer.main", "demo") == ("THROTTLED", THROTTLED_15)


async def test_one_address_past_its_limit_is_refused_and_another_is_not(
    settings: Settings, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a limit of 2 failures per address, and the counters' clock standing still
    WallClock.installed(monkeypatch)
    async with (
        gateway(settings, clock, login_failures_per_address=2) as app,
        client_from(app, "2001:db8::10") as office,
        client_from(app, "2001:db8::20") as elsewhere,
    ):
        # When two usernames fail from the office, then a third user signs in from it and
        # from elsewhere
        failures = [answer(await token(office, name, WRONG)) for name in ("sales.main", "x")]
        from_the_office = await token(office, "viewer.main", "demo")
        from_elsewhere = await token(elsewhere, "viewer.main", "demo")

    # Then only the office is refused
    assert failures == [(400, None, "INVALID")] * 2
    assert answer(from_the_office) == (429, "900", "THROTTLED")
    assert set(answered(from_elsewhere)) == {"token", "expires_at"}
