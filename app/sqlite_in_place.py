"""SQLite calls on the event loop's own thread.

aiosqlite runs every call on a thread of its own and hands each result back through the event
loop: four handoffs a statement (cursor, execute, fetch, close), which cost a write more than
SQLite's own work does. Three kinds of connections make their calls in place instead:

- the server's writers: a write transaction's statements each take SQLite microseconds (they
  read and write a few rows by key), and a worker's write transactions queue on one lock
  anyway. Waiting for that lock is the one long wait, and it is not done here: a writer's
  busy timeout is zero, and `app/db.py` waits, asleep, before it tries again;
- the server's key readers (`app/db.py`): a read by key, such as a request's token, takes
  SQLite microseconds, and with WAL it does not wait for a writer;
- every connection of a command (`app/cli/running.py`), which runs one task at a time and
  has nothing else for the loop to do while SQLite works.

The server's other readers keep aiosqlite's threads: a page may take SQLite milliseconds, and
other requests run while it does.

Hooked in through SQLAlchemy's `do_connect` event and the aiosqlite dialect's
`async_creator_fn`, so the engine's own settings (pragmas, `BEGIN IMMEDIATE`) stay as
`app/db.py` makes them.
"""

import asyncio
import sqlite3
from collections.abc import Callable, Generator
from functools import partial
from typing import Any

import aiosqlite
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

# aiosqlite's default, the rows a cursor fetches at a time when iterated.
_ITERATION_CHUNK = 64


class _InPlaceCalls:
    """Stands in for the queue to aiosqlite's thread (which SQLAlchemy's adapter also puts
    calls on): a call put here runs at once, and its future holds the answer, or the error,
    before anyone awaits it."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, call = item
        try:
            result = call()
        except BaseException as error:  # every error goes to the awaiting caller, as in the thread
            if future is not None:
                future.set_exception(error)
            return
        if future is not None:
            future.set_result(result)


class _InPlaceConnection(aiosqlite.Connection):
    """An aiosqlite connection whose calls run where they are awaited, with no thread."""

    def __init__(self, connector: Callable[[], sqlite3.Connection], iter_chunk_size: int) -> None:
        super().__init__(connector, iter_chunk_size)
        self._tx = _InPlaceCalls()  # type: ignore[assignment]

    def __await__(self) -> Generator[Any, None, aiosqlite.Connection]:
        return self._connect().__await__()  # no thread to start


def _connect_in_place(database: str, **options: Any) -> _InPlaceConnection:
    return _InPlaceConnection(partial(sqlite3.connect, database, **options), _ITERATION_CHUNK)


def run_in_place(engine: AsyncEngine) -> None:
    """Make the connections `engine` opens from now on run their calls in place."""

    @event.listens_for(engine.sync_engine, "do_connect")
    def _in_place(_dialect: Any, _record: Any, _arguments: Any, options: dict[str, Any]) -> None:
        options["async_creator_fn"] = _connect_in_place
