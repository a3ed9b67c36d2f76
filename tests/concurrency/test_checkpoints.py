"""The server's SQLite writers leave the log's checkpoints to a task of their own, which runs
them on a thread and copies every page the writes logged; the commands keep SQLite's
checkpoints in their commits."""

import asyncio
import contextlib
import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from app.checkpoints import (
    RESTART_AFTER_PAGES,
    Checkpoint,
    Checkpoints,
    checkpoint,
    checkpointing,
)
from app.db import Database, in_transaction
from app.domain.models import Counter
from app.settings import Settings
from tests.databases import backend

pytestmark = pytest.mark.skipif(backend() != "sqlite", reason="SQLite's write-ahead log")


async def _autocheckpoint(database: Database) -> int:
    async def read(session: AsyncSession) -> int:
        value: int = (await session.execute(text("PRAGMA wal_autocheckpoint"))).scalar_one()
        return value

    return await in_transaction(database.writer, read)


async def _add_counters(database: Database, count: int, first: int = 0) -> None:
    async def add(session: AsyncSession) -> None:
        numbers = range(first, first + count)
        session.add_all(Counter(name=f"checkpoint-{n}", value=n) for n in numbers)

    await in_transaction(database.writer, add)


async def _counted(database: Database) -> int:
    async def count(session: AsyncSession) -> int:
        found: int = (
            await session.execute(
                text("SELECT count(*) FROM counter WHERE name LIKE 'checkpoint-%'")
            )
        ).scalar_one()
        return found

    return await in_transaction(database.writer, count)


async def test_the_servers_writers_leave_checkpoints_to_the_task(app: Starlette) -> None:
    assert await _autocheckpoint(app.state.database) == 0


async def test_a_commands_writers_keep_sqlites_checkpoints(database_url: str) -> None:
    database = Database.connect(Settings(database_url=database_url))
    try:
        assert await _autocheckpoint(database) == 1000
    finally:
        await database.dispose()


async def test_a_checkpoint_copies_every_page_the_writes_logged(app: Starlette) -> None:
    database: Database = app.state.database
    path = database.write_engine.url.database
    assert path is not None
    await asyncio.to_thread(checkpoint, path)
    await _add_counters(database, 500)
    done = await asyncio.to_thread(checkpoint, path)
    assert 0 < done.logged <= RESTART_AFTER_PAGES
    assert done.copied == done.logged
    # Once all of it is copied, the next write starts the log again from its beginning.
    await _add_counters(database, 1, first=500)
    again = await asyncio.to_thread(checkpoint, path)
    assert 0 < again.logged < done.logged
    assert again.copied == again.logged


async def test_a_log_past_its_limit_is_emptied(app: Starlette) -> None:
    database: Database = app.state.database
    path = database.write_engine.url.database
    assert path is not None
    await _add_counters(database, 500)
    # Past the limit (none here), the checkpoint copies the rest and empties the file, so
    # that writes back to back, which leave no moment for the log to start again, cannot
    # make it grow for good.
    assert await asyncio.to_thread(checkpoint, path, 0) == Checkpoint(logged=0, copied=0)
    assert await asyncio.to_thread(os.path.getsize, f"{path}-wal") == 0
    await _add_counters(database, 1, first=500)
    assert (await _counted(database)) == 501


def test_a_missing_database_is_refused_not_made(tmp_path: Path) -> None:
    missing = tmp_path / "gone.db"
    with pytest.raises(sqlite3.OperationalError, match="unable to open database file"):
        checkpoint(str(missing))
    assert not missing.exists()


async def test_the_task_outlives_a_failing_checkpoint(tmp_path: Path) -> None:
    checkpoints = Checkpoints(str(tmp_path / "gone.db"), interval=0.01)
    task = asyncio.create_task(checkpoints.run())
    try:
        for _ in range(2):
            checkpoints.tried.clear()
            await asyncio.wait_for(checkpoints.tried.wait(), timeout=60)
            assert checkpoints.last_error == "unable to open database file"
        assert not task.done()
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_the_task_checkpoints_while_the_server_writes(database_url: str) -> None:
    database = Database.connect(Settings(database_url=database_url), checkpoints_apart=True)
    try:
        async with checkpointing(database, interval=0.01) as checkpoints:
            assert checkpoints is not None
            await _add_counters(database, 500)
            checkpoints.tried.clear()
            await asyncio.wait_for(checkpoints.tried.wait(), timeout=60)
            # The task's checkpoint after the write copied all that it logged.
            assert checkpoints.last is not None
            assert checkpoints.last.logged > 0
            assert checkpoints.last.copied == checkpoints.last.logged
    finally:
        await database.dispose()


async def test_no_task_runs_for_postgresql() -> None:
    settings = Settings(database_url="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    database = Database.connect(settings, checkpoints_apart=True)
    try:
        async with checkpointing(database) as checkpoints:
            assert checkpoints is None
    finally:
        await database.dispose()
