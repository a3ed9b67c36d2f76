"""The ASGI application: routes and lifespan. HTTP only; everything else lives below."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from app.checkpoints import checkpointing
from app.collector import CollectBetweenRequests, serving
from app.db import Database
from app.graphql import transport
from app.graphql.context import Clock
from app.graphql.graphiql import static_files
from app.graphql.http import GraphQLApp, system_clock
from app.observability.logging import configure_logging
from app.observability.metrics import metrics, watch_pool
from app.observability.middleware import RequestObservation
from app.observability.probes import Probes
from app.rest.routes import ACTIONS, QUERIES, rest_api
from app.security.storage import close_storage, shared_storage
from app.settings import Settings, get_settings

# The facade's operations as its log lines and metrics name them: paths below /crmapi/rest/v2/.
FACADE_OPERATIONS = frozenset(
    {"authentication/token", *(f"leads/{method}" for method in [*QUERIES, *ACTIONS])}
)


async def not_found(request: Request, _: Exception) -> Response:
    """Any path the app does not serve, answered in JSON like every other refusal."""
    return transport.refusal_response(request, transport.path_not_found())


def create_app(settings: Settings | None = None, clock: Clock = system_clock) -> Starlette:
    """The gateway for `settings` (read from the environment when omitted)."""
    settings = settings or get_settings()
    configure_logging(settings)
    database = Database.connect(settings, checkpoints_apart=True)
    watch_pool(database.read_engine, "reads" if database.is_sqlite else "shared")
    if database.is_sqlite:
        watch_pool(database.write_engine, "writes")
    if database.key_read_engine is not None:
        watch_pool(database.key_read_engine, "key reads")
    probes = Probes(settings)
    counters = shared_storage(settings)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        async with checkpointing(database):
            with serving():
                yield
        await database.dispose()
        await probes.dispose()
        close_storage(counters)

    # The explorer's assets only where the explorer is served.
    explorer_assets = (
        [Mount("/graphql/static", app=static_files())] if settings.serves_explorer else []
    )
    graphql = GraphQLApp(settings, database, clock, counters)
    routes = [
        Route("/health", probes.health, methods=["GET"]),
        Route("/ready", probes.ready, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        *explorer_assets,
        # Every method reaches the endpoint, which refuses all but GET and POST in JSON.
        Route("/graphql", graphql),
        rest_api(settings, database, clock, counters),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={404: not_found},
        middleware=[
            # Outermost: its collection runs once the answer has gone out.
            Middleware(CollectBetweenRequests),
            Middleware(RequestObservation, facade_operations=FACADE_OPERATIONS),
        ],
        lifespan=lifespan,
    )
    app.state.database = database
    app.state.probes = probes
    app.state.counters = counters
    return app
