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

A log that is all copied starts again from its beginning only when a write begins at a
moment when nothing is left to copy; with writes back to back, commits land while a
checkpoint on a thread copies, so that moment may never come (the log grew by 10 MB a
second under a stream of creates). Once the log holds more than RESTART_AFTER_PAGES pages,
the checkpoint is followed by a TRUNCATE one: it holds off new writers until it has copied
the rest and no reader needs the log, at most RESTART_WAIT_SECONDS (a writer that meets it
waits asleep and tries again, `app/db.py`), then empties the file.
"""

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import quote

import structlog

from app.db import Database

CHECKPOINT_INTERVAL_SECONDS = 1.0
# 40 MB of 4 KB pages. Each restart holds off the writers for a moment (they wait asleep and
# try again): at 1,000 pages, SQLite's own threshold, the bench's writes met one about every
# second, and updateLead's p99 was 13.65 ms against 4.35 at the median; at 10,000, 6.90
# against 3.79.
RESTART_AFTER_PAGES = 10_000
# How long a TRUNCATE checkpoint waits for the writer and the readers it must outlast; past
# that it gives up, and the next interval tries again.
RESTART_WAIT_SECONDS = 0.1

log = structlog.get_logger("leads.checkpoints")


@dataclass(frozen=True)
class Checkpoint:
    """What one checkpoint found: the pages in the log, and how many of them are now copied
    into the database file (all of them, unless a reader still needed older ones)."""

    logged: int
    copied: int


def _checkpoint(connection: sqlite3.Connection, mode: str) -> Checkpoint:
    _blocked, logged, copied = connection.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
    return Checkpoint(logged=logged, copied=copied)


def checkpoint(path: str, restart_after_pages: int = RESTART_AFTER_PAGES) -> Checkpoint:
    """A PASSIVE checkpoint of the SQLite database at `path`, and a TRUNCATE one after it
    when the log holds more than `restart_after_pages` pages. A database that is not there
    is an error: it is not made anew."""
    address = f"file:{quote(path)}?mode=rw"
    connection = sqlite3.connect(address, uri=True, timeout=RESTART_WAIT_SECONDS)
    try:
        done = _checkpoint(connection, "PASSIVE")
        if done.logged > restart_after_pages:
            done = _checkpoint(connection, "TRUNCATE")
    finally:
        connection.close()
    return done


class Checkpoints:
    """A worker's checkpoints of one database, every `interval` seconds."""

    def __init__(self, path: str, interval: float) -> None:
        self.path = path
        self.interval = interval
        # What the latest checkpoint found, or why it failed; an event set after each try,
        # for whoever waits.
        self.last: Checkpoint | None = None
        self.last_error: str | None = None
        self.tried = asyncio.Event()

    async def run(self) -> None:
        """Checkpoint until cancelled. A checkpoint that fails (another process's checkpoint
        holds the log, the disk is full, the file is gone) is logged, and the next one tries
        again: the task must outlive any failure, or the log would grow for good."""
        while True:
            await asyncio.sleep(self.interval)
            try:
                self.last = await asyncio.to_thread(checkpoint, self.path)
                self.last_error = None
            except Exception as error:  # whatever it was, the next interval tries again
                self.last_error = str(error)
                log.warning("checkpoint_failed", error=self.last_error)
            self.tried.set()


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
