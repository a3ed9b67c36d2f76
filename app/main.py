"""The ASGI application: routes and lifespan. HTTP only; everything else lives below."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from app.db import Database
from app.graphql.context import Clock
from app.graphql.graphiql import static_files
from app.graphql.http import GraphQLApp, system_clock
from app.settings import Settings, get_settings


def create_app(settings: Settings | None = None, clock: Clock = system_clock) -> Starlette:
    """The gateway for `settings` (read from the environment when omitted)."""
    settings = settings or get_settings()
    database = Database.connect(settings)

    async def health(_: Request) -> JSONResponse:
        try:
            async with database.reader() as session:
                await session.execute(text("SELECT 1"))
        except Exception:
            return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "up"})

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        await database.dispose()

    graphql = GraphQLApp(settings, database, clock)
    app = Starlette(
        routes=[
            Route("/health", health, methods=["GET"]),
            Mount("/graphql/static", app=static_files()),
            Route("/graphql", graphql, methods=["GET", "POST"]),
        ],
        lifespan=lifespan,
    )
    app.state.database = database
    return app
