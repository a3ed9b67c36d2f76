"""`GET /health` (the process is alive) and `GET /ready` (it can serve: the database answers
and its schema is at the newest migration).

Readiness opens its own short connection, outside the app's pool, so that a busy pool does not
make a working worker look unready, and gives up after `READY_TIMEOUT_SECONDS`: the check runs
as a task that is abandoned, not awaited, when it is late, so that no driver's clean-up of a
dead connection can keep the probe waiting.
"""

import asyncio
from collections.abc import Collection
from functools import cached_property
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool
from starlette.requests import Request
from starlette.responses import JSONResponse

from app.db import is_sqlite
from app.migrations import alembic_config
from app.observability.requests import current_request
from app.settings import Settings


def _current_heads(connection: Connection) -> Collection[str]:
    return MigrationContext.configure(connection).get_current_heads()


def _revisions(revisions: Collection[str]) -> str:
    return ", ".join(sorted(revisions)) or "no revision"


class Probes:
    """The probes of one app."""

    def __init__(self, settings: Settings) -> None:
        self.database_url = settings.database_url
        self.timeout = settings.ready_timeout_seconds
        self._late: set[asyncio.Task[Collection[str]]] = set()

    @cached_property
    def _engine(self) -> AsyncEngine:
        connect_args: dict[str, Any] = {}
        if not is_sqlite(self.database_url):
            # asyncpg's own limits, past the probe's deadline, so that an abandoned check ends
            # soon too.
            late = 2 * self.timeout
            connect_args = {"timeout": late, "command_timeout": late}
        return create_async_engine(
            self.database_url,
            poolclass=NullPool,
            hide_parameters=True,
            connect_args=connect_args,
        )

    @cached_property
    def heads(self) -> frozenset[str]:
        """The newest migrations of the code."""
        script = ScriptDirectory.from_config(alembic_config(self.database_url))
        return frozenset(script.get_heads())

    async def _database_heads(self) -> Collection[str]:
        async with self._engine.connect() as connection:
            return await connection.run_sync(_current_heads)

    async def unready_reason(self) -> str | None:
        """Why this process cannot serve now; None when it can."""
        check = asyncio.ensure_future(self._database_heads())
        done, _ = await asyncio.wait({check}, timeout=self.timeout)
        late = f"the database did not answer within {self.timeout:g} s"
        if not done:
            check.cancel()
            self._late.add(check)
            check.add_done_callback(self._forget)
            return late
        try:
            heads = check.result()
        except TimeoutError:
            return late
        except Exception as error:  # whatever the failure, it cannot serve
            return f"the database cannot be reached ({type(error).__name__})"
        if set(heads) != self.heads:
            return (
                f"the database schema is at {_revisions(heads)}; "
                f"the code needs {_revisions(self.heads)}"
            )
        return None

    def _forget(self, check: "asyncio.Task[Collection[str]]") -> None:
        self._late.discard(check)
        if not check.cancelled():
            check.exception()  # retrieved, so asyncio does not report it as lost

    async def health(self, _: Request) -> JSONResponse:
        """`GET /health`: answers while the process runs; touches nothing else."""
        return JSONResponse({"status": "ok"})

    async def ready(self, _: Request) -> JSONResponse:
        """`GET /ready`: 200 when the database answers and is migrated, else 503 and why."""
        reason = await self.unready_reason()
        if reason is not None:
            current_request().detail = reason
            return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
        return JSONResponse({"status": "ready"})

    async def dispose(self) -> None:
        """Let abandoned checks end (they were cancelled) and close the probe's engine."""
        if self._late:
            await asyncio.wait(self._late, timeout=self.timeout)
        if "_engine" in self.__dict__:
            await self._engine.dispose()
