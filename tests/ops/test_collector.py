"""Once the app has started, what it made at start-up is frozen out of the garbage
collector's work, and handed back to it when the app stops."""

import gc

from app.main import create_app
from app.settings import Settings


def _collected(thing: object) -> bool:
    """Whether the collector traverses `thing` (frozen objects are in none of its generations)."""
    return any(tracked is thing for tracked in gc.get_objects())


async def test_the_app_freezes_its_start_up_objects_while_it_runs(settings: Settings) -> None:
    # Given an app made but not started
    app = create_app(settings)
    assert _collected(app.router)

    # When it starts, its objects leave the collector's work
    async with app.router.lifespan_context(app):
        assert gc.get_freeze_count() > 0
        assert not _collected(app.router)

    # And when it stops, they are the collector's again
    assert gc.get_freeze_count() == 0
    assert _collected(app.router)
