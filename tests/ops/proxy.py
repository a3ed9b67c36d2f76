"""A TCP proxy a test puts between the app and its database, to cut the line or make it
silent without stopping a server that other tests share."""

import asyncio
import contextlib
from enum import Enum


class Line(Enum):
    FORWARDING = "forwarding"  # bytes pass both ways
    SILENT = "silent"  # connections are accepted and then get no answer, ever


class TcpProxy:
    """Listens on 127.0.0.1 (a free port, kept across `cut` and `restore`) and forwards each
    connection to `upstream`."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.line = Line.FORWARDING
        self.port = 0
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()
        self.pipes: set[asyncio.Task[None]] = set()

    async def open(self) -> None:
        """Listen (again); new connections are handled as `line` says."""
        if self.server is None:
            self.server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
            self.port = self.server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """Stop listening (connections are refused) and drop every open connection."""
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None
        for writer in list(self.writers):
            writer.close()
        self.writers.clear()
        for pipe in list(self.pipes):
            pipe.cancel()
        await asyncio.gather(*self.pipes, return_exceptions=True)

    async def silence(self) -> None:
        """Accept connections again, and answer none of them."""
        self.line = Line.SILENT
        await self.open()

    async def restore(self) -> None:
        """Forward connections again."""
        await self.cut()
        self.line = Line.FORWARDING
        await self.open()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.add(writer)
        if self.line is Line.SILENT:
            return  # held open, unread, until `cut`
        upstream_reader, upstream_writer = await asyncio.open_connection(*self.upstream)
        self.writers.add(upstream_writer)
        for source, target in ((reader, upstream_writer), (upstream_reader, writer)):
            pipe = asyncio.ensure_future(self._pipe(source, target))
            self.pipes.add(pipe)
            pipe.add_done_callback(self.pipes.discard)

    @staticmethod
    async def _pipe(source: asyncio.StreamReader, target: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await source.read(65536):
                target.write(data)
                await target.drain()
        target.close()
