"""Engines and session factories.

Reads and writes use separate factories. On PostgreSQL both share one pool. On SQLite the writer
opens its transactions with `BEGIN IMMEDIATE`, so that two writers queue on the busy timeout
instead of failing when a read lock would have to be upgraded; readers stay deferred and, with
WAL, never wait for a writer.
"""

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.settings import Settings

SessionFactory = async_sessionmaker[AsyncSession]
# Anything that opens a read session for `async with`: a session factory, or a request's reads.
Reader = Callable[[], AbstractAsyncContextManager[AsyncSession]]

WRITE_ATTEMPTS = 3

T = TypeVar("T")


def is_sqlite(url: str) -> bool:
    """Whether a database URL names SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


# Statement parameters stay out of error messages (and so out of logged tracebacks): they
# include tokens and password hashes.
HIDE_PARAMETERS = True


def _sqlite_engine(settings: Settings, *, immediate: bool) -> AsyncEngine:
    engine = create_async_engine(
        settings.database_url,
        pool_timeout=settings.database_pool_timeout_seconds,
        hide_parameters=HIDE_PARAMETERS,
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(settings.sqlite_busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@dataclass(frozen=True)
class Database:
    """The engines of one process and the sessions they hand out."""

    read_engine: AsyncEngine
    write_engine: AsyncEngine

    @classmethod
    def connect(cls, settings: Settings) -> "Database":
        """Engines for `settings.database_url`."""
        if is_sqlite(settings.database_url):
            return cls(
                read_engine=_sqlite_engine(settings, immediate=False),
                write_engine=_sqlite_engine(settings, immediate=True),
            )
        engine = create_async_engine(
            settings.database_url,
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
            pool_timeout=settings.database_pool_timeout_seconds,
            pool_pre_ping=True,
            hide_parameters=HIDE_PARAMETERS,
        )
        return cls(read_engine=engine, write_engine=engine)

    @property
    def is_sqlite(self) -> bool:
        """Whether this database is SQLite (numbers then come from a counter row)."""
        return self.write_engine.dialect.name == "sqlite"

    @cached_property
    def reader(self) -> SessionFactory:
        """Short sessions for loaders and queries."""
        return async_sessionmaker(self.read_engine, class_=AsyncSession, expire_on_commit=False)

    @cached_property
    def writer(self) -> SessionFactory:
        """Sessions that hold one write transaction."""
        return async_sessionmaker(self.write_engine, class_=AsyncSession, expire_on_commit=False)

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.read_engine.dispose()
        if self.write_engine is not self.read_engine:
            await self.write_engine.dispose()


async def in_transaction(
    factory: SessionFactory, work: Callable[[AsyncSession], Awaitable[T]]
) -> T:
    """Run `work` in one transaction, committed when it returns and rolled back when it raises.

    A SQLite database that stays locked past its busy timeout is tried again, a few times,
    so that a burst of writers queues instead of failing.
    """
    attempt = 1
    while True:
        try:
            async with factory() as session, session.begin():
                return await work(session)
        except OperationalError as error:
            if "database is locked" not in str(error) or attempt == WRITE_ATTEMPTS:
                raise
            attempt += 1


async def refresh_statistics(database: Database) -> None:
    """Have the database gather the statistics its query planner chooses indexes by.

    SQLite gathers none by itself. Without them it reads the leads a sales user may see
    through the indexes of the visibility rule and sorts them all for a page, where reading
    in number order stops after the page; with them it picks the right plan for each.
    """
    async with database.write_engine.connect() as connection:
        await connection.exec_driver_sql("ANALYZE")
        await connection.commit()
