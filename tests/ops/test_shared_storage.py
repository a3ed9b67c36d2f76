"""The counters every worker shares: memory by default, Redis when configured, closed with
the app."""

from typing import cast

from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, RedisStorage
from limits.aio.storage.redis.coredis import CoredisBridge
from limits.aio.strategies import MovingWindowRateLimiter

from app.main import create_app
from app.security.storage import close_storage, shared_storage
from app.settings import Settings

REDIS = "redis://127.0.0.1:6379/13"


def test_the_default_storage_is_this_process_memory(settings: Settings) -> None:
    assert isinstance(shared_storage(settings), MemoryStorage)


async def test_redis_storage_counts_and_its_connections_close(settings: Settings) -> None:
    # Given Redis storage that has counted a hit
    storage = shared_storage(settings.model_copy(update={"rate_limit_storage": REDIS}))
    assert isinstance(storage, RedisStorage)
    limiter = MovingWindowRateLimiter(storage)
    item = RateLimitItemPerMinute(5)
    await limiter.clear(item, "storage-test")
    assert await limiter.hit(item, "storage-test")
    # `limits` types the bridge as its abstract base, which has no client: the default
    # implementation behind it is coredis's
    pool = cast(CoredisBridge, storage.bridge).storage.connection_pool
    assert pool._created_connections >= 1

    # When it is closed
    await limiter.clear(item, "storage-test")
    close_storage(storage)

    # Then it holds no connection
    assert pool._created_connections == 0


async def test_the_app_closes_its_counters_when_it_stops(settings: Settings) -> None:
    # Given an app on Redis that has served a request
    app = create_app(settings.model_copy(update={"rate_limit_storage": REDIS}))
    async with app.router.lifespan_context(app):
        storage = app.state.counters
        await MovingWindowRateLimiter(storage).test(RateLimitItemPerMinute(5), "app-test")
        pool = storage.bridge.storage.connection_pool
        assert pool._created_connections >= 1

    # Then once it has stopped its Redis connections are closed
    assert pool._created_connections == 0
