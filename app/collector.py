"""When the garbage collector runs while the app serves.

A request's objects are nearly all freed by reference counting once its answer is sent; what
the collector must find is the few in reference cycles (graphql-core's visitors and execution
state: about 60 objects a signed-in request, 850 for an anonymous one, whose document is
validated every time). At CPython's default schedule it runs in the middle of requests: a page
of 100 leads has tens of thousands of objects alive while it is built, so the young generation
is collected dozens of times a page, its survivors promoted, and the older generations'
collections, which walk every object alive, made the slowest requests. While serving:

- what start-up made (the schema, the engines, the modules) is frozen out of every collection;
- a collection starts on its own only once 50,000 new objects are alive;
- after each request, once its answer has gone out, the collections that are due run, on
  CPython's own schedule (every 1,000 new objects the young generation, every 20th time the
  middle one too, every 100th of those everything): the cycles are found between requests,
  not inside them.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from starlette.types import ASGIApp, Receive, Scope, Send

# The thresholds while serving: new objects before a collection starts on its own, and young
# collections before each older one.
COLLECTION_THRESHOLDS = (50_000, 20, 100)
# When a collection is due between requests: new objects since the last young collection,
# young collections since the last middle one, and middle ones since the last full one.
BETWEEN_REQUESTS = (1_000, 20, 100)


@contextmanager
def serving() -> Iterator[None]:
    """The collector's settings while the app serves, and CPython's again after."""
    gc.collect()
    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(*COLLECTION_THRESHOLDS)
    try:
        yield
    finally:
        # Collectable again once the app stops (a process that makes many apps, such as the
        # tests, would otherwise keep each one's for good).
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def due_generation() -> int | None:
    """The oldest generation whose collection is due between requests, if any is."""
    counts = gc.get_count()
    for generation in (2, 1, 0):
        if counts[generation] > BETWEEN_REQUESTS[generation]:
            return generation
    return None


class CollectBetweenRequests:
    """Runs the collection that is due after each HTTP request has been answered."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            generation = due_generation()
            if generation is not None:
                gc.collect(generation)
