"""The counters every worker shares, kept by `limits`: in this process's memory on the
embedded default, in Redis when many workers run (`RATE_LIMIT_STORAGE=redis://HOST:6379/0`)."""

from limits.aio.storage import Storage
from limits.storage import storage_from_string

from app.settings import Settings


def shared_storage(settings: Settings) -> Storage:
    """The asynchronous `limits` storage that `settings.rate_limit_storage` names."""
    storage = storage_from_string(f"async+{settings.rate_limit_storage}")
    assert isinstance(storage, Storage)
    return storage


def close_storage(storage: Storage) -> None:
    """Close the connections a storage holds (Redis's): `limits` has no call for it, so the
    pool of the Redis client behind its bridge is disconnected; memory storage holds none."""
    client = getattr(getattr(storage, "bridge", None), "storage", None)
    pool = getattr(client, "connection_pool", None)
    if pool is not None:
        pool.disconnect()
