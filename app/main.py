"""The ASGI application: routes and lifespan. HTTP only; everything else lives below."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route

from app.db import Database
from app.graphql.context import Clock
from app.graphql.graphiql import static_files
from app.graphql.http import GraphQLApp, system_clock
from app.observability.logging import configure_logging
from app.observability.metrics import metrics, watch_pool
from app.observability.middleware import RequestObservation
from app.observability.probes import Probes
from app.rest.routes import ACTIONS, QUERIES, rest_api
from app.security.storage import shared_storage
from app.settings import Settings, get_settings

# The facade's operations as its log lines and metrics name them: paths below /crmapi/rest/v2/.
FACADE_OPERATIONS = frozenset(
    {"authentication/token", *(f"leads/{method}" for method in [*QUERIES, *ACTIONS])}
)


def create_app(settings: Settings | None = None, clock: Clock = system_clock) -> Starlette:
    """The gateway for `settings` (read from the environment when omitted)."""
    settings = settings or get_settings()
    configure_logging(settings)
    database = Database.connect(settings)
    watch_pool(database.read_engine, "reads" if database.is_sqlite else "shared")
    if database.is_sqlite:
        watch_pool(database.write_engine, "writes")
    probes = Probes(settings)
    counters = shared_storage(settings)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        await database.dispose()
        await probes.dispose()

    graphql = GraphQLApp(settings, database, clock, counters)
    routes = [
        Route("/health", probes.health, methods=["GET"]),
        Route("/ready", probes.ready, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        Mount("/graphql/static", app=static_files()),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        rest_api(settings, database, clock, counters),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(RequestObservation, facade_operations=FACADE_OPERATIONS)],
        lifespan=lifespan,
    )
    app.state.database = database
    app.state.probes = probes
    return app
