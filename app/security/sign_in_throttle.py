"""Failed sign-ins, counted per username and per client address in the counters every worker
shares: after a few, each further try waits; past a limit, tries are refused until the window
has passed, before any password is looked at.

Counts are kept in a moving window of `login_failure_window_seconds`. An attempt is counted
against its username before its password is verified, so that concurrent attempts, on any
worker, cannot verify more passwords than the limit; a right password then clears the
username's count, since the guessing it guards against is over, and a user who mistyped a few
times is not left one typo from a lockout. The address counts failures only, once they are
known (attempts in flight at the same time may pass its limit by their number), and a success
does not clear it: otherwise an attacker holding one account could sign into it between
guesses at the others, from the same address, and never be stopped.
"""

import hashlib
import math
import time
from asyncio import sleep
from dataclasses import dataclass, field

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter

from app.domain.errors import DomainError, ErrorCode, Problem
from app.settings import Settings


@dataclass(frozen=True)
class SignInAttempt:
    """Who tries to sign in, with which password, from where. The password never shows in a
    representation of the attempt (a log line, a traceback)."""

    username: str
    password: str = field(repr=False)
    address: str


class SignInThrottledError(DomainError):
    """A sign-in refused for the failures before it; `retry_after` is in seconds. The message
    is the same for every username, known or not, and for either limit."""

    def __init__(self, retry_after: int) -> None:
        minutes = math.ceil(retry_after / 60)
        reason = (
            f"Too many failed sign-ins; try again in {minutes} minute{'' if minutes == 1 else 's'}."
        )
        super().__init__([Problem(None, None, ErrorCode.THROTTLED, reason)])
        self.retry_after = retry_after


def _username_key(username: str) -> str:
    # Usernames are matched in any case. They are kept as digests: a password typed into the
    # username field stays out of the shared storage, and a key's length stays fixed.
    return hashlib.sha256(username.lower().encode()).hexdigest()


class SignInThrottle:
    """Admits sign-in attempts, slowing and refusing them after failures, and counts how each
    ended."""

    def __init__(self, counters: Storage, settings: Settings) -> None:
        self._limiter = MovingWindowRateLimiter(counters)
        window = settings.login_failure_window_seconds
        self._per_username: RateLimitItem = RateLimitItemPerSecond(
            settings.login_failures_per_username, window, namespace="sign-in-failures-username"
        )
        self._per_address: RateLimitItem = RateLimitItemPerSecond(
            settings.login_failures_per_address, window, namespace="sign-in-failures-address"
        )
        self._slowdown_after = settings.login_slowdown_after
        self._slowdown_seconds = settings.login_slowdown_seconds

    async def admit(self, attempt: SignInAttempt) -> None:
        """Let the attempt go on to its password (after waiting, when its username failed
        `login_slowdown_after` times already); `SignInThrottledError` past either limit."""
        if not await self._limiter.test(self._per_address, attempt.address):
            raise await self._throttled(self._per_address, attempt.address)
        username = _username_key(attempt.username)
        if not await self._limiter.hit(self._per_username, username):
            raise await self._throttled(self._per_username, username)
        window = await self._limiter.get_window_stats(self._per_username, username)
        earlier_failures = self._per_username.amount - window.remaining - 1
        if earlier_failures >= self._slowdown_after:
            await sleep(self._slowdown_seconds)

    async def failed(self, attempt: SignInAttempt) -> None:
        """Count a wrong username or password against the attempt's address (its username
        counted it when admitted)."""
        await self._limiter.hit(self._per_address, attempt.address)

    async def succeeded(self, attempt: SignInAttempt) -> None:
        """Clear the count of the attempt's username; its address keeps its count."""
        await self._limiter.clear(self._per_username, _username_key(attempt.username))

    async def _throttled(self, limit: RateLimitItem, identifier: str) -> SignInThrottledError:
        window = await self._limiter.get_window_stats(limit, identifier)
        return SignInThrottledError(retry_after=max(1, math.ceil(window.reset_time - time.time())))
