"""Fixtures for the command line: `leads` run in process over a fresh demo database, and the
domain's read path over the same database to see what a command did.

The commands run their own event loop, so these tests are plain functions and read the
database in a loop of their own (`domain`).
"""

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner, Result

from app.cli import app
from app.db import Database
from app.settings import Settings

T = TypeVar("T")
Leads = Callable[..., Result]
Domain = Callable[[Callable[[AsyncSession], Awaitable[T]]], T]


def run_leads(url: str, *arguments: str, typed: str | None = None) -> Result:
    """`leads ARGUMENTS` over the database at `url`, with `typed` at its prompts."""
    return CliRunner().invoke(app, list(arguments), input=typed, env={"DATABASE_URL": url})


@pytest.fixture
def leads(database_url: str) -> Leads:
    """`leads` over the test's database."""

    def invoke(*arguments: str, typed: str | None = None) -> Result:
        return run_leads(database_url, *arguments, typed=typed)

    return invoke


@pytest.fixture
def domain(database_url: str) -> Domain[Any]:
    """Runs `work` in a session of its own over the test's database (rolled back after)."""

    def run(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        async def in_session() -> T:
            database = Database.connect(Settings(database_url=database_url))
            try:
                async with database.writer() as session:
                    return await work(session)
            finally:
                await database.dispose()

        return asyncio.run(in_session())

    return run


def write(path: Path, text: str) -> Path:
    """A file holding `text`, as a person would have saved it."""
    path.write_text(text, encoding="utf-8")
    return path
