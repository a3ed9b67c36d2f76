"""Throwaway databases for tests: one migrated template with the demo data per run, and a
fresh copy of it for every test. SQLite copies a file; PostgreSQL clones a template database.
Everything a run creates, it removes."""

import asyncio
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from app.cli import DEMO_USERNAME
from app.db import Database, in_transaction
from app.demo import DEMO_PASSWORD, load_demo_data
from app.domain.auth import log_in
from app.migrations import upgrade
from app.settings import Settings

# The clock of the demo data and of every test that does not set its own.
DEMO_NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


def backend() -> str:
    """`sqlite` or `postgresql`, from TEST_DATABASE."""
    return os.environ.get("TEST_DATABASE", "sqlite")


async def _prepare(url: str) -> str:
    """Load the demo data and issue a long-lived token for the demo administrator."""
    database = Database.connect(Settings(database_url=url))
    try:
        await in_transaction(database.writer, lambda s: load_demo_data(s, DEMO_NOW))
        session = await in_transaction(
            database.writer,
            lambda s: log_in(s, DEMO_USERNAME, DEMO_PASSWORD, DEMO_NOW, timedelta(days=3650)),
        )
        return session.token
    finally:
        await database.dispose()


async def _admin(*statements: str) -> None:
    engine = create_async_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


class Template:
    """The migrated, demo-loaded database of one test run, and the copies made of it."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.name = f"leads_test_{uuid.uuid4().hex[:10]}"
        self.copies = 0
        if backend() == "postgresql":
            asyncio.run(_admin(f'CREATE DATABASE "{self.name}"'))
            self.url = self._postgres_url(self.name)
        else:
            self.url = f"sqlite+aiosqlite:///{directory / 'template.db'}"
        upgrade(self.url)
        self.token = asyncio.run(_prepare(self.url))

    def _postgres_url(self, name: str) -> str:
        return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    @contextmanager
    def copy(self) -> Iterator[str]:
        """A fresh database with the template's contents, removed afterwards."""
        self.copies += 1
        if backend() == "postgresql":
            name = f"{self.name}_{self.copies}"
            asyncio.run(_admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"'))
            try:
                yield self._postgres_url(name)
            finally:
                asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        path = self.directory / f"copy_{self.copies}.db"
        shutil.copyfile(self.directory / "template.db", path)
        try:
            yield f"sqlite+aiosqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

    def remove(self) -> None:
        """Drop the template (the SQLite file goes with the temporary directory)."""
        if backend() == "postgresql":
            asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
