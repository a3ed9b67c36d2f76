"""The server's SQLite checkpoints, run on a thread apart from the writes.

A checkpoint copies the write-ahead log back into the database file. By default SQLite runs
one in the COMMIT that takes the log past 1,000 pages: a create writes about 22 (the lead, its
indexes, its history entry), so about one commit in 45 also copied the log and synced the
file, 4 to 50 ms, and did it on the event loop's thread, where the server's writers run
(`app/sqlite_in_place.py`): every request of the worker waited for it. On the data set of
`scripts/bench`, 2,000 INSERTs of a lead with their commits took 0.12 ms at the median and
5.9 ms at the 99th percentile (52.7 at most) that way; with no checkpoint in the commits,
0.16 and 0.57 ms (1.9 at most).

So the server's writers make no checkpoint of their own (`app/db.py`), and each worker runs a
PASSIVE one every CHECKPOINT_INTERVAL_SECONDS, on a thread, over a connection of its own: it
waits for no reader or writer and copies what it can, as the commits' own did. The commands
keep SQLite's checkpoints in their commits: they have no such task.
"""

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import structlog

from app.db import Database

CHECKPOINT_INTERVAL_SECONDS = 1.0

log = structlog.get_logger("leads.checkpoints")


@dataclass(frozen=True)
class Checkpoint:
    """What one checkpoint found: the pages in the log, and how many of them are now copied
    into the database file (all of them, unless a reader still needed older ones)."""

    logged: int
    copied: int


def checkpoint(path: str) -> Checkpoint:
    """One PASSIVE checkpoint of the SQLite database at `path`."""
    connection = sqlite3.connect(path, timeout=0)
    try:
        _blocked, logged, copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        connection.close()
    return Checkpoint(logged=logged, copied=copied)


class Checkpoints:
    """A worker's checkpoints of one database, every `interval` seconds."""

    def __init__(self, path: str, interval: float) -> None:
        self.path = path
        self.interval = interval
        # What the latest checkpoint found, and an event set after each, for whoever waits.
        self.last: Checkpoint | None = None
        self.ran = asyncio.Event()

    async def run(self) -> None:
        """Checkpoint until cancelled. A checkpoint that fails (another process's checkpoint
        holds the log, the disk is full) is logged, and the next one tries again."""
        while True:
            await asyncio.sleep(self.interval)
            try:
                self.last = await asyncio.to_thread(checkpoint, self.path)
            except sqlite3.Error as error:
                log.warning("checkpoint_failed", error=str(error))
                continue
            self.ran.set()


@asynccontextmanager
async def checkpointing(
    database: Database, interval: float = CHECKPOINT_INTERVAL_SECONDS
) -> AsyncIterator[Checkpoints | None]:
    """Checkpoints of `database` while the block runs, when it is SQLite; None otherwise."""
    path = database.write_engine.url.database
    if not database.is_sqlite or path in (None, "", ":memory:"):
        yield None
        return
    checkpoints = Checkpoints(path, interval)
    task = asyncio.create_task(checkpoints.run())
    try:
        yield checkpoints
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
