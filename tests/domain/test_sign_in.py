"""sign_in, the one sign-in of both front doors: argon2 on a worker thread with no connection
held, the same work for an unknown username, and the throttle of failed sign-ins per username
and per address, in a moving window."""

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from argon2 import extract_parameters
from limits.aio.storage import MemoryStorage

from app.db import Database
from app.domain.auth import authenticate, sign_in
from app.domain.errors import DomainError
from app.security.sign_in_throttle import SignInAttempt, SignInThrottle, SignInThrottledError
from app.settings import Settings
from tests.databases import DEMO_NOW
from tests.sign_in_support import (
    INVALID,
    QUICK,
    THROTTLED_15,
    WRONG,
    Verifications,
    Waits,
    WallClock,
)

LIFETIME = timedelta(hours=12)
OFFICE = "192.0.2.10"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update=QUICK)


def throttle(settings: Settings, **overrides: object) -> SignInThrottle:
    """A throttle over counters of its own."""
    return SignInThrottle(MemoryStorage(), settings.model_copy(update=overrides))


async def outcome(
    database: Database, throttle: SignInThrottle, username: str, password: str, address: str
) -> str:
    """OK, or the code of the refusal, and its message."""
    try:
        await sign_in(
            database, throttle, SignInAttempt(username, password, address), DEMO_NOW, LIFETIME
        )
    except DomainError as error:
        (problem,) = error.problems
        return f"{problem.code}: {problem.message}"
    return "OK"


async def test_a_right_password_gives_a_token_that_authenticates(
    database: Database, settings: Settings
) -> None:
    # When the sales user signs in, in another case than their username's
    session = await sign_in(
        database,
        throttle(settings),
        SignInAttempt("SALES.MAIN", "demo", OFFICE),
        DEMO_NOW,
        LIFETIME,
    )

    # Then the token signs them in until it expires
    assert session.user.username == "sales.main"
    assert session.expires_at == DEMO_NOW + LIFETIME
    async with database.reader() as reading:
        signed_in = await authenticate(reading, session.token, DEMO_NOW)
        expired = await authenticate(reading, session.token, DEMO_NOW + LIFETIME)
    assert signed_in is not None
    assert signed_in.actor.username == "sales.main"
    assert expired is None


async def test_argon2_runs_on_a_worker_thread_with_no_connection_held(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a spy that notes, while it verifies, where it runs and the connections in use
    verifications = Verifications.installed(monkeypatch)
    seen: list[tuple[object, ...]] = []

    def note() -> None:
        try:
            asyncio.get_running_loop()
            on_the_loop = True
        except RuntimeError:
            on_the_loop = False
        pools: list[Any] = [engine.pool for engine in database.engines]
        seen.append((on_the_loop, sum(pool.checkedout() for pool in pools)))

    verifications.during = note

    # When one user signs in, another with a wrong password, and one nobody has
    outcomes = [
        await outcome(database, throttle(settings), username, password, OFFICE)
        for username, password in (("sales.main", "demo"), ("viewer.main", WRONG), ("x", "demo"))
    ]

    # Then each password was verified off the event loop, with no connection checked out
    assert outcomes == ["OK", f"INVALID: {INVALID}", f"INVALID: {INVALID}"]
    assert seen == [(False, 0)] * 3


async def test_an_unknown_username_costs_one_verification_like_a_wrong_password(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a spy on password verification
    verifications = Verifications.installed(monkeypatch)

    # When a known user gives a wrong password, and a username nobody has is tried
    known = await outcome(database, throttle(settings), "sales.main", WRONG, OFFICE)
    unknown = await outcome(database, throttle(settings), "nobody.at.all", WRONG, OFFICE)

    # Then both are refused alike, after exactly one verification each, against hashes made
    # with the same argon2 parameters (so the same work)
    assert known == unknown == f"INVALID: {INVALID}"
    user_hash, decoy_hash = verifications.hashes
    assert user_hash != decoy_hash
    assert extract_parameters(decoy_hash) == extract_parameters(user_hash)


async def test_past_the_username_limit_attempts_are_refused_before_any_verification(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a spy on password verification, and the default limit of 10 failures per username
    verifications = Verifications.installed(monkeypatch)
    counters = throttle(settings)
    spellings = ("MPAdministrator", "mpadministrator", "MPADMINISTRATOR")

    # When twenty wrong passwords are tried for the administrator, spelled in any case, then
    # the right one
    outcomes = [
        await outcome(database, counters, spellings[attempt % 3], WRONG, OFFICE)
        for attempt in range(20)
    ]
    right = await outcome(database, counters, "MPAdministrator", "demo", OFFICE)

    # Then ten were verified and refused as wrong; the rest, the right password included, were
    # refused before argon2
    assert outcomes == [f"INVALID: {INVALID}"] * 10 + [f"THROTTLED: {THROTTLED_15}"] * 10
    assert right == f"THROTTLED: {THROTTLED_15}"
    assert len(verifications) == 10


async def test_the_refusal_is_the_same_for_a_username_nobody_has(
    database: Database, settings: Settings
) -> None:
    # Given a limit of 2 failures per username, reached by a known user and by a username
    # nobody has
    counters = throttle(settings, login_failures_per_username=2)
    for username in ("viewer.main", "no.such.user"):
        for _ in range(2):
            await outcome(database, counters, username, WRONG, OFFICE)

    # When each is tried once more
    known = await outcome(database, counters, "viewer.main", WRONG, OFFICE)
    unknown = await outcome(database, counters, "no.such.user", WRONG, OFFICE)

    # Then the answers are the same
    assert known == unknown == f"THROTTLED: {THROTTLED_15}"


async def test_a_success_clears_the_username_count_but_not_the_address_count(
    database: Database,
    settings: Settings,
) -> None:
    # Given limits of 3 failures per username and 6 per address
    counters = throttle(settings, login_failures_per_username=3, login_failures_per_address=6)

    async def tried(username: str, password: str, address: str = OFFICE) -> str:
        return await outcome(database, counters, username, password, address)

    # When the sales user fails twice and then signs in, then fails three more times
    first = [await tried("sales.main", password) for password in (WRONG, WRONG, "demo")]
    then = [await tried("sales.main", WRONG) for _ in range(4)]
    # and a colleague from the same address fails once, then gives the right password
    colleague = [await tried("viewer.main", password) for password in (WRONG, "demo")]
    elsewhere = await tried("viewer.main", "demo", "198.51.100.20")

    # Then the success let three more failures through before the username was refused; the
    # address, having counted all six failures, refuses the colleague's right password too,
    # and the colleague signs in from elsewhere
    invalid, throttled = f"INVALID: {INVALID}", f"THROTTLED: {THROTTLED_15}"
    assert first == [invalid, invalid, "OK"]
    assert then == [invalid, invalid, invalid, throttled]
    assert colleague == [invalid, throttled]
    assert elsewhere == "OK"


async def test_the_refusal_lasts_until_the_window_passes(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the counters' clock, and the viewer locked out by 2 failures (the limit here) in
    # the 15-minute window
    wall = WallClock.installed(monkeypatch)
    counters = throttle(settings, login_failures_per_username=2)
    for _ in range(2):
        await outcome(database, counters, "viewer.main", WRONG, OFFICE)

    # When they try again 5 minutes later, and again once the window has passed
    wall.advance(300)
    later = await outcome(database, counters, "viewer.main", "demo", OFFICE)
    wall.advance(601)
    after = await outcome(database, counters, "viewer.main", "demo", OFFICE)

    # Then they are refused, told how long is left (the refusal did not extend it), and let in
    assert later == "THROTTLED: Too many failed sign-ins; try again in 10 minutes."
    assert after == "OK"


async def test_the_refusal_says_how_many_seconds_are_left(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the counters' clock, and one failure allowed per address in a 90-second window
    wall = WallClock.installed(monkeypatch)
    counters = throttle(settings, login_failure_window_seconds=90, login_failures_per_address=1)
    await outcome(database, counters, "viewer.main", WRONG, OFFICE)
    wall.advance(31)

    # When someone signs in from that address
    with pytest.raises(SignInThrottledError) as refused:
        await sign_in(
            database,
            counters,
            SignInAttempt("sales.main", "demo", OFFICE),
            DEMO_NOW,
            LIFETIME,
        )

    # Then the refusal says 59 seconds, and a minute
    assert refused.value.retry_after == 59
    assert str(refused.value) == "Too many failed sign-ins; try again in 1 minute."


async def test_after_a_few_failures_each_attempt_first_waits(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a spy on the slowdown's wait, of 1.5 s after 3 failures
    waits = Waits.installed(monkeypatch)
    counters = throttle(settings, login_slowdown_after=3, login_slowdown_seconds=1.5)

    # When the viewer fails five times, then signs in, then fails again
    outcomes = [
        await outcome(database, counters, "viewer.main", password, OFFICE)
        for password in (WRONG, WRONG, WRONG, WRONG, WRONG, "demo", WRONG)
    ]

    # Then the fourth, fifth and sixth attempts waited first; the success cleared the count
    assert outcomes == [f"INVALID: {INVALID}"] * 5 + ["OK", f"INVALID: {INVALID}"]
    assert waits.seconds == [1.5, 1.5, 1.5]
