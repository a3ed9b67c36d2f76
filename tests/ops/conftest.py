"""Fixtures of the operations tests: real servers over fresh copies of the demo database."""

import itertools
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.databases import Template
from tests.ops.servers import LiveServer

Serve = Callable[..., LiveServer]


@pytest.fixture
def serve(template: Template, tmp_path: Path) -> Iterator[Serve]:
    """Starts servers over fresh copies of the demo database (after `prepare(url)`, when
    given), with more environment variables; stops them after the test."""
    numbers = itertools.count(1)
    with ExitStack() as stack:

        def start(
            workers: int = 1, prepare: Callable[[str], None] | None = None, **environment: str
        ) -> LiveServer:
            url = stack.enter_context(template.copy())
            if prepare is not None:
                prepare(url)
            directory = tmp_path / f"server-{next(numbers)}"
            directory.mkdir()
            server = LiveServer(url, directory, workers, environment)
            stack.callback(server.stop)
            server.start()
            return server

        yield start


def failing(message: str) -> Callable[..., Awaitable[None]]:
    """A stand-in for an async function that fails as nobody expects, with `message`."""

    async def fail(*_: object, **__: object) -> None:
        raise RuntimeError(message)

    return fail
