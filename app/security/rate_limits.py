"""Each caller's budget of points, spent by the cost of their requests and shared by every
worker through the counters of `limits` (`app/security/storage.py`).

The budget is a `limits` sliding window counter of `RATE_LIMIT_POINTS` over a window of
points / `RATE_LIMIT_RESTORE_RATE` seconds (50 s by default). What a caller spent in the
previous window weighs less and less as the current one goes by, so a spent budget comes
back at the restore rate; what is spent in the current window counts in full until it ends.
The waits below are worked out from the same counts, so that a caller told to come back in
so many seconds finds the points there.
"""

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import TypeVar

from limits import RateLimitItemPerSecond
from limits.aio.storage import SlidingWindowCounterSupport, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from app.settings import Settings

T = TypeVar("T")
POLICY = "points"


class CountersUnavailableError(Exception):
    """The storage of the shared counters did not answer (Redis is down, say)."""


@dataclass(frozen=True)
class Window:
    """A caller's counts as the storage keeps them: the previous window's points and how
    long they still weigh, the current window's and how long they still count (in full
    until the last `length` seconds, then fading)."""

    length: int
    previous: int
    previous_seconds: float
    current: int
    current_seconds: float

    @property
    def full_seconds(self) -> float:
        """How long the current window's points still count in full."""
        return max(0.0, self.current_seconds - self.length)

    def spent_after(self, seconds: float) -> float:
        """The points that will still count `seconds` from now, if nothing more is spent."""
        previous = self.previous * max(0.0, self.previous_seconds - seconds) / self.length
        fading_for = seconds - self.full_seconds
        current = self.current * min(1.0, max(0.0, 1 - fading_for / self.length))
        return previous + current

    def seconds_until_below(self, spent: float) -> float:
        """How long until fewer than `spent` (more than 0) points count; 0 when that is so
        now."""
        if self.spent_after(0) < spent:
            return 0.0
        # The counts fall along straight lines between these moments, to none at the last.
        full = self.full_seconds
        moments = sorted({0.0, self.previous_seconds, full, full + self.length})
        for start, end in pairwise(moments):
            before, after = self.spent_after(start), self.spent_after(end)
            if after < spent:
                return start + (before - spent) / (before - after) * (end - start)
        return moments[-1]


@dataclass(frozen=True)
class BudgetStatus:
    """A caller's budget as it stands: what is left, and when more comes back."""

    points: int
    restore_rate: float
    window: Window

    @property
    def available(self) -> int:
        """The points the caller may spend now."""
        return max(0, self.points - math.floor(self.window.spent_after(0)))

    @property
    def seconds_to_more(self) -> int:
        """The first whole second from now at which more points are available (0 when none
        is spent)."""
        spent = math.floor(self.window.spent_after(0))
        return _whole(self.window.seconds_until_below(spent)) if spent else 0

    def seconds_to_afford(self, cost: int) -> int:
        """The first whole second from now at which `cost` points are available."""
        return _whole(self.window.seconds_until_below(self.points - cost + 1))


def _whole(seconds: float) -> int:
    # Past the moment itself: at that very instant the points are not back yet.
    return math.floor(seconds) + 1


class Budgets:
    """The budgets of every caller, each named by a string (`user:ID`, `address:HOST`)."""

    def __init__(self, storage: Storage, settings: Settings) -> None:
        self.points = settings.rate_limit_points
        self.window_seconds = max(1, round(self.points / settings.rate_limit_restore_rate))
        self.item = RateLimitItemPerSecond(self.points, self.window_seconds, namespace=POLICY)
        self.storage = storage
        self.limiter = SlidingWindowCounterRateLimiter(storage)

    @property
    def restore_rate(self) -> float:
        """Points a second that a spent budget gets back (the setting, once the window is
        rounded to whole seconds)."""
        return self.points / self.window_seconds

    async def spend(self, caller: str, cost: int) -> bool:
        """Take `cost` points from the caller's budget; False, taking none, when fewer
        are left."""
        return await self._guarded(lambda: self.limiter.hit(self.item, caller, cost=cost))

    async def status(self, caller: str) -> BudgetStatus:
        """The caller's budget as it stands."""
        assert isinstance(self.storage, SlidingWindowCounterSupport)
        storage = self.storage
        key = self.item.key_for(caller)
        previous, previous_seconds, current, current_seconds = await self._guarded(
            lambda: storage.get_sliding_window(key, self.window_seconds)
        )
        window = Window(self.window_seconds, previous, previous_seconds, current, current_seconds)
        return BudgetStatus(self.points, self.restore_rate, window)

    async def _guarded(self, call: Callable[[], Awaitable[T]]) -> T:
        try:
            return await call()
        except self.storage.base_exceptions as error:
            raise CountersUnavailableError(str(error)) from error
