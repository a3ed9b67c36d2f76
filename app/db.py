"""Engines and session factories.

Reads and writes use separate factories. On PostgreSQL both share one pool. On SQLite the writer
opens its transactions with `BEGIN IMMEDIATE`, so that a writer meets another only at the start
of its transaction, where it can wait and try again, instead of failing when a read lock would
have to be upgraded; readers stay deferred and, with WAL, never wait for a writer. The writer's
calls run on the event loop's thread (`app/sqlite_in_place.py`), so it waits for the lock
asleep, in `in_transaction`, rather than in SQLite's busy handler.

On SQLite a third engine serves reads by key that take SQLite microseconds, such as a
request's token: its calls run in place too, sparing the thread handoffs that would cost
that read several times SQLite's own work.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.settings import Settings
from app.sqlite_in_place import run_in_place

SessionFactory = async_sessionmaker[AsyncSession]
# Anything that opens a read session for `async with`: a session factory, or a request's reads.
Reader = Callable[[], AbstractAsyncContextManager[AsyncSession]]

# The pauses between a SQLite writer's attempts at the database's lock: doubling from the
# first to the longest, until the settings' busy timeout has passed.
FIRST_LOCK_PAUSE_SECONDS = 0.001
LONGEST_LOCK_PAUSE_SECONDS = 0.05
# How long a read by key waits in SQLite's busy handler, which holds the event loop while it
# waits. With WAL a reader meets a lock only in rare moments: while a connection recovers the
# log after a crash, or the last one to close checkpoints it.
KEY_READ_BUSY_TIMEOUT_MS = 100

T = TypeVar("T")


def is_sqlite(url: str) -> bool:
    """Whether a database URL names SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


# Statement parameters stay out of error messages (and so out of logged tracebacks): they
# include tokens and password hashes.
HIDE_PARAMETERS = True


def _sqlite_engine(
    settings: Settings,
    *,
    writer: bool,
    in_place: bool,
    busy_timeout_ms: int,
    checkpoints_apart: bool = False,
) -> AsyncEngine:
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
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        if checkpoints_apart:
            # No checkpoint in this connection's commits: `app/checkpoints.py` runs them.
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

    if in_place:
        run_in_place(engine)
    return engine


class WriteSessions(async_sessionmaker[AsyncSession]):
    """Sessions that each hold one write transaction, and how long `in_transaction` keeps
    trying when another connection is writing the (SQLite) database."""

    def __init__(self, engine: AsyncEngine, lock_wait_seconds: float) -> None:
        super().__init__(engine, class_=AsyncSession, expire_on_commit=False)
        self.lock_wait_seconds = lock_wait_seconds


@dataclass(frozen=True)
class Database:
    """The engines of one process and the sessions they hand out."""

    read_engine: AsyncEngine
    write_engine: AsyncEngine
    # Reads by key (a token), when they have an engine of their own; else the readers'.
    key_read_engine: AsyncEngine | None = None
    # How long a write waits for a SQLite database that another connection is writing.
    lock_wait_seconds: float = 0.0

    @classmethod
    def connect(cls, settings: Settings, *, checkpoints_apart: bool = False) -> "Database":
        """Engines for `settings.database_url`; on SQLite, `checkpoints_apart` for writers
        whose commits leave the log's checkpoints to `app/checkpoints.py`."""
        if is_sqlite(settings.database_url):
            busy_timeout_ms = int(settings.sqlite_busy_timeout_ms)
            return cls(
                read_engine=_sqlite_engine(
                    settings, writer=False, in_place=False, busy_timeout_ms=busy_timeout_ms
                ),
                # A writer that finds the database locked fails at once and waits in
                # `in_transaction`.
                write_engine=_sqlite_engine(
                    settings,
                    writer=True,
                    in_place=True,
                    busy_timeout_ms=0,
                    checkpoints_apart=checkpoints_apart,
                ),
                key_read_engine=_sqlite_engine(
                    settings, writer=False, in_place=True, busy_timeout_ms=KEY_READ_BUSY_TIMEOUT_MS
                ),
                lock_wait_seconds=busy_timeout_ms / 1000,
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
    def key_reader(self) -> SessionFactory | None:
        """Sessions for reads by key, when they have an engine of their own (SQLite)."""
        if self.key_read_engine is None:
            return None
        return async_sessionmaker(self.key_read_engine, class_=AsyncSession, expire_on_commit=False)

    @property
    def engines(self) -> list[AsyncEngine]:
        """Every engine of this database, each once."""
        found = (self.read_engine, self.write_engine, self.key_read_engine)
        return list(dict.fromkeys(engine for engine in found if engine is not None))

    @cached_property
    def writer(self) -> WriteSessions:
        """Sessions that hold one write transaction."""
        return WriteSessions(self.write_engine, self.lock_wait_seconds)

    async def dispose(self) -> None:
        """Close every pooled connection."""
        for engine in self.engines:
            await engine.dispose()


async def in_transaction(factory: WriteSessions, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction, committed when it returns and rolled back when it raises.

    While another connection is writing a SQLite database, the transaction cannot begin: it is
    tried again after a pause, asleep so that the worker's other requests go on, until the
    factory's lock wait has passed.
    """
    deadline = time.monotonic() + factory.lock_wait_seconds
    pause = FIRST_LOCK_PAUSE_SECONDS
    while True:
        try:
            async with factory() as session, session.begin():
                return await work(session)
        except OperationalError as error:
            if "database is locked" not in str(error) or time.monotonic() + pause > deadline:
                raise
        await asyncio.sleep(pause)
        pause = min(pause * 2, LONGEST_LOCK_PAUSE_SECONDS)


async def refresh_statistics(database: Database) -> None:
    """Have the database gather the statistics its query planner chooses indexes by.

    SQLite gathers none by itself. Without them it reads the leads a sales user may see
    through the indexes of the visibility rule and sorts them all for a page, where reading
    in number order stops after the page; with them it picks the right plan for each.
    """

    async def analyze(session: AsyncSession) -> None:
        await session.execute(text("ANALYZE"))

    await in_transaction(database.writer, analyze)
