"""Once the app has started, what it made at start-up is frozen out of the garbage
collector's work, and handed back to it when the app stops; meanwhile a collection starts on
its own only once 50,000 new objects are alive, and the collections that are due run after
each request has been answered."""

import gc

import httpx2

from app.collector import BETWEEN_REQUESTS, COLLECTION_THRESHOLDS
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


async def test_the_app_collects_less_often_while_it_runs(settings: Settings) -> None:
    # Given the collector's thresholds before the app starts
    app = create_app(settings)
    before = gc.get_threshold()
    assert before != COLLECTION_THRESHOLDS

    # When it runs, a collection waits for 50,000 new objects
    async with app.router.lifespan_context(app):
        assert gc.get_threshold() == (50_000, 20, 100)

    # And when it stops, the thresholds are as they were
    assert gc.get_threshold() == before


async def test_the_young_generation_is_collected_once_a_request_is_answered(
    settings: Settings,
) -> None:
    # Given a running app, and 5,000 new objects since the last collection
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        gc.collect()
        alive: list[dict[object, object]] = [{} for _ in range(5_000)]
        assert gc.get_count()[0] >= 5_000

        # When a request has been answered
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://test") as http:
            response = await http.get("/health")

        # Then the young generation was collected after it (its survivors moved on)
        assert response.status_code == 200
        assert gc.get_count()[0] < BETWEEN_REQUESTS[0]
        assert len(alive) == 5_000
