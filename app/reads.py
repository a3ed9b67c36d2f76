"""The read sessions of one request, to any front door.

Each read gets a session of its own, except inside a `shared` block: what a GraphQL query
reads (its resolvers, its loaders, its plans), and what a REST call reads to answer (its
leads and what they name), changes nothing meanwhile, so it shares one session, and so one
transaction and one connection, one statement at a time. A GraphQL request's token is read
before the document is even parsed: on SQLite by the key readers, whose calls run in place
(`app/db.py`); elsewhere in that same session, kept for the query. Reads by key
(`read_by_key`) share a key reader's session too, where there are any. A mutation closes the
token's session before it runs, and its reads keep sessions of their own, so that each sees
what the writes before it committed.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from app.db import SessionFactory


class RequestReads:
    """Opens the read sessions of one request (call it as a session factory)."""

    def __init__(self, factory: SessionFactory, key_factory: SessionFactory | None) -> None:
        self.factory = factory
        self.key_factory = key_factory
        self._shared: AsyncSession | None = None
        # What opens the shared session: the readers', or a key reader's for a query that
        # reads only by key.
        self._shared_factory = factory
        self._sharing = False
        self._turn = asyncio.Lock()

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[AsyncSession]:
        if not self._sharing:
            async with self.factory() as session:
                yield session
            return
        async with self._turn:
            if self._shared is None:
                self._shared = self._shared_factory()
            yield self._shared

    @asynccontextmanager
    async def by_key(self) -> AsyncIterator[AsyncSession]:
        """A session for what the request reads by key before its operation runs (its token):
        one of the key readers, closed at once, where there are any; else the session a query
        of this request shares, opened now if it is not open yet."""
        if self.key_factory is not None:
            async with self.key_factory() as session:
                yield session
            return
        if self._shared is None:
            self._shared = self.factory()
        yield self._shared

    def read_by_key(self) -> None:
        """Let the shared session be a key reader's, where there are any and it is not open
        yet: for reads of rows found by their keys only, SQLite's work takes less time than
        handing each call to a thread would."""
        if self._shared is None and self.key_factory is not None:
            self._shared_factory = self.key_factory

    @asynccontextmanager
    async def shared(self) -> AsyncIterator[None]:
        """Within this block, every read shares one session, closed at its end."""
        self._sharing = True
        try:
            yield
        finally:
            self._sharing = False
            self._shared_factory = self.factory
            await self.close()

    async def close(self) -> None:
        """Close the shared session, when one is open."""
        if self._shared is not None:
            await self._shared.close()
            self._shared = None
