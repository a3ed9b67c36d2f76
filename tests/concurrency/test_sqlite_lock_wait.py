"""A write that finds a SQLite database locked by another connection waits for it asleep, so
that the worker's event loop goes on meanwhile, and gives up once the busy timeout has passed,
having written nothing."""

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from app.db import Database, in_transaction
from app.domain.models import Counter
from app.settings import Settings
from tests.databases import backend

pytestmark = pytest.mark.skipif(backend() != "sqlite", reason="SQLite's own lock")


@contextmanager
def another_writer(url: str) -> Iterator[sqlite3.Connection]:
    """A connection of another process's kind that holds the database's write lock."""
    with closing(sqlite3.connect(make_url(url).database or "", isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        yield other


async def _add_counter(session: AsyncSession) -> None:
    session.add(Counter(name="lock-wait", value=7))


async def _counter_values(database: Database) -> list[int]:
    async with database.reader() as session:
        found = await session.scalars(select(Counter.value).where(Counter.name == "lock-wait"))
        return list(found)


async def test_a_write_waits_for_the_lock_while_the_loop_goes_on(database_url: str) -> None:
    # Given a database whose write lock another connection holds
    database = Database.connect(Settings(database_url=database_url))
    try:
        with another_writer(database_url) as other:
            ticks = 0

            async def tick_then_release() -> None:
                # The other writer lets go only after the loop has run five more times.
                nonlocal ticks
                while ticks < 5:
                    ticks += 1
                    await asyncio.sleep(0.01)
                other.execute("COMMIT")

            # When a write starts meanwhile
            ticker = asyncio.create_task(tick_then_release())
            await in_transaction(database.writer, _add_counter)
            await ticker

        # Then the loop ran while it waited, and the write went through once the lock was free
        assert ticks == 5
        assert await _counter_values(database) == [7]
    finally:
        await database.dispose()


async def test_a_write_gives_up_after_the_busy_timeout(database_url: str) -> None:
    # Given a busy timeout of 50 ms, and the write lock held by another connection throughout
    database = Database.connect(Settings(database_url=database_url, sqlite_busy_timeout_ms=50))
    try:
        # When a write starts, it is refused as locked
        with (
            another_writer(database_url),
            pytest.raises(OperationalError, match="database is locked"),
        ):
            await in_transaction(database.writer, _add_counter)

        # And it wrote nothing
        assert await _counter_values(database) == []
    finally:
        await database.dispose()
