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
