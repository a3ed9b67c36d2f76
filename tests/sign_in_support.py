"""What the sign-in tests share: a wall clock for the counters, a spy on password verification
and on the slowdown's wait, gateways with other sign-in settings, and clients from other
addresses."""

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette

from app.domain import auth
from app.main import create_app
from app.security import sign_in_throttle
from app.settings import Settings
from tests.conftest import Clock

# Sign-in settings of the tests not about the slowdown: no wait, and counters of the app's own.
QUICK = {"login_slowdown_seconds": 0, "rate_limit_storage": "memory://"}
WRONG = "not-the-password"
THROTTLED_15 = "Too many failed sign-ins; try again in 15 minutes."
INVALID = "The username or the password is wrong."
LOGIN = """
mutation ($username: String!, $password: String!) {
  login(username: $username, password: $password) {
    token errors { field value code message }
  }
}
"""


@dataclass
class WallClock:
    """`time.time()` as the counters read it, standing still until a test moves it on."""

    now: float = field(default_factory=time.time)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    @classmethod
    def installed(cls, monkeypatch: pytest.MonkeyPatch) -> "WallClock":
        # `limits` keeps no clock of its own: its in-memory storage reads `time.time()`.
        clock = cls()
        monkeypatch.setattr(time, "time", clock)
        return clock


@dataclass
class Verifications:
    """Every password verification (the hash it was checked against), each still done."""

    hashes: list[str] = field(default_factory=list)
    during: Callable[[], None] = lambda: None

    @classmethod
    def installed(cls, monkeypatch: pytest.MonkeyPatch) -> "Verifications":
        spy = cls()
        verify = auth.verify_password

        def counted(password_hash: str, password: str) -> bool:
            spy.hashes.append(password_hash)
            spy.during()
            return verify(password_hash, password)

        monkeypatch.setattr(auth, "verify_password", counted)
        return spy

    def __len__(self) -> int:
        return len(self.hashes)


@dataclass
class Waits:
    """The waits of the slowdown, requested and not waited (unless `until` holds one)."""

    seconds: list[float] = field(default_factory=list)
    until: Callable[[], Awaitable[Any]] | None = None

    @classmethod
    def installed(cls, monkeypatch: pytest.MonkeyPatch) -> "Waits":
        spy = cls()

        async def wait(seconds: float) -> None:
            spy.seconds.append(seconds)
            if spy.until is not None:
                await spy.until()

        monkeypatch.setattr(sign_in_throttle, "sleep", wait)
        return spy


@asynccontextmanager
async def gateway(settings: Settings, clock: Clock, **overrides: Any) -> AsyncIterator[Starlette]:
    """The app over the test's database with other settings, disposed afterwards."""
    application = create_app(settings.model_copy(update=overrides), clock=clock)
    try:
        yield application
    finally:
        await application.state.database.dispose()


@asynccontextmanager
async def client_from(app: Starlette, address: str) -> AsyncIterator[httpx2.AsyncClient]:
    """A client of `app` whose requests come from `address`."""
    transport = httpx2.ASGITransport(app=app, client=(address, 50_000))
    async with httpx2.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def login(client: httpx2.AsyncClient, username: str, password: str) -> tuple[str, str]:
    """`("OK", "")` for a token, else the code and message of the one refusal."""
    response = await client.post(
        "/graphql",
        json={"query": LOGIN, "variables": {"username": username, "password": password}},
    )
    assert response.status_code == 200, response.text
    payload = response.json()["data"]["login"]
    if payload["token"] is not None:
        assert payload["errors"] == []
        return "OK", ""
    (error,) = payload["errors"]
    assert (error["field"], error["value"]) == (None, None)
    return error["code"], error["message"]
